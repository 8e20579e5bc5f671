// SPDX-License-Identifier: GPL-3.0-or-later
// MaskScrubber: a benchmark of the mask view on a stored run, driven through the same calls the controls make
// (--scrub-masks): the mask view fills the window, the scrubber steps through every update of member 0, then the
// largest layer is zoomed to single weights and panned across while the updates step on. With --stats, the GUI
// thread's longest gap during all of it is in the figures; the masks come from the store as they are shown.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace ftw {

class MainWindow;
class MaskView;

class MaskScrubber : public QObject {
    Q_OBJECT
public:
    explicit MaskScrubber(MainWindow* window, QObject* parent = nullptr);
    void start();
    qint64 frames() const { return frames_; }
    // Updates the mask view drew complete (every layer's picture of that update) while scrubbing.
    qint64 updatesDrawn() const;
    double seconds() const { return double(clock_.elapsed()) / 1000.0; }

signals:
    void done();

private:
    void step();

    MainWindow* window_;
    MaskView* view_ = nullptr;
    QTimer timer_;
    QElapsedTimer clock_;
    int update_ = 0, pans_ = 0, layer_ = -1;
    qint64 frames_ = 0;
};

}  // namespace ftw
