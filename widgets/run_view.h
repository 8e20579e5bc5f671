// SPDX-License-Identifier: GPL-3.0-or-later
// RunView: the base of the workbench's views. It holds the RunData shown (and optional overlay runs for
// comparison), coalesces RunData::changed() into at most ~30 rebuilds per second with a single-shot timer, and
// provides the export entry points every view has (figure as PNG/SVG/PDF, data as CSV).
#pragma once

#include <QList>
#include <QPointer>
#include <QSize>
#include <QString>
#include <QTimer>
#include <QWidget>

#include "run_data.h"

class QComboBox;

namespace ftw {

class RunView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRefreshIntervalMs = 33;

    explicit RunView(QWidget* parent = nullptr);

    void setRunData(RunData* data);
    RunData* runData() const { return data_; }
    // Other runs drawn for comparison (views that compare runs use them; the others ignore them).
    void setOverlayRuns(const QList<RunData*>& runs);
    QList<RunData*> overlayRuns() const;

    // The figure (by suffix: .png, .svg, .pdf) at `size` (pixels for PNG, points for SVG/PDF).
    bool exportImage(const QString& path, QSize size, QString* error);
    // The data behind the view, as CSV with a header line.
    bool exportCsv(const QString& path, QString* error);
    virtual QString csvText() const = 0;

    // Rebuilds now instead of at the next refresh tick (tests, export).
    void refreshNow();
    bool refreshPending() const { return refresh_.isActive() || stale_; }

protected:
    // Rebuild what is shown from runData() (may be null) and the overlays.
    virtual void rebuild() = 0;
    // Views that draw packed masks refresh when masks they asked for arrive from the store.
    virtual bool drawsMasks() const { return false; }
    // Colours follow the widget palette (light or dark); called before the first rebuild and on palette changes.
    virtual void applyTheme() {}
    void scheduleRefresh();
    // Lists the shown run's members (at least one) in `box` and selects `member`, clamped to them; returns it.
    int syncMemberBox(QComboBox* box, int member) const;
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    QPointer<RunData> data_;
    QList<QPointer<RunData>> overlays_;
    QTimer refresh_;
    bool themed_ = false;
    bool stale_ = false;  // changed while hidden: rebuilt when shown
};

}  // namespace ftw
