// SPDX-License-Identifier: GPL-3.0-or-later
// MaskView: mask evolution. Per layer, the connectivity at one mask update of one member (MaskCanvas), with one
// timeline scrubber over every stored mask update of that member, play/pause, a speed, and "follow latest" for live
// runs (switched off as soon as the user scrubs or plays back). CSV export: the per-layer counts of every update.
#pragma once

#include <QTimer>

#include "mask_image.h"
#include "run_view.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QToolButton;

namespace ftw {

class MaskCanvas;

class MaskView : public RunView {
    Q_OBJECT
public:
    explicit MaskView(QWidget* parent = nullptr);

    int member() const { return member_; }
    void setMember(int member);
    // The update shown (index into RunData::maskUpdates(member)); -1 when there is none.
    int updateIndex() const;
    void setUpdateIndex(int index);  // also switches "follow latest" off unless it is the latest
    int updateCount() const;
    bool followLatest() const;
    void setFollowLatest(bool on);

    bool playing() const { return play_.isActive(); }
    void play();
    void pause();
    // Playback speed in mask updates per second (0.1 .. 60).
    void setSpeed(double updates_per_second);
    double speed() const { return speed_; }

    void setLayer(int layer);  // -1: all layers
    void setConvLayout(ConvLayout layout);

    MaskCanvas* canvas() const { return canvas_; }
    QSlider* timeline() const { return slider_; }

    QString csvText() const override;

signals:
    void currentUpdateChanged(int member, int index, qint64 step);

protected:
    void rebuild() override;
    bool drawsMasks() const override { return true; }

private:
    void showFrame();
    void step();
    void syncControls();

    MaskCanvas* canvas_ = nullptr;
    QComboBox* memberBox_ = nullptr;
    QComboBox* layerBox_ = nullptr;
    QComboBox* layoutBox_ = nullptr;
    QSlider* slider_ = nullptr;
    QToolButton* playButton_ = nullptr;
    QComboBox* speedBox_ = nullptr;
    QCheckBox* followBox_ = nullptr;
    QLabel* frameLabel_ = nullptr;
    QLabel* hoverLabel_ = nullptr;
    QTimer play_;
    int member_ = 0;
    double speed_ = 2;
    bool syncing_ = false;
};

}  // namespace ftw
