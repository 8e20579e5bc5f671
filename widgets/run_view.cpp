// SPDX-License-Identifier: GPL-3.0-or-later
// RunView (run_view.h).
#include "run_view.h"

#include <QComboBox>
#include <QEvent>
#include <algorithm>

#include "figure_export.h"

namespace ftw {

RunView::RunView(QWidget* parent) : QWidget(parent) {
    refresh_.setSingleShot(true);
    refresh_.setInterval(kRefreshIntervalMs);
    // A view nobody sees does not redraw (nor ask for masks): it catches up when it is shown.
    connect(&refresh_, &QTimer::timeout, this, [this] {
        if (isVisible())
            refreshNow();
        else
            stale_ = true;
    });
}

void RunView::setRunData(RunData* data) {
    if (data_ == data) return;
    if (data_) disconnect(data_, nullptr, this, nullptr);
    data_ = data;
    if (data_) {
        connect(data_, &RunData::changed, this, &RunView::scheduleRefresh);
        connect(data_, &QObject::destroyed, this, &RunView::scheduleRefresh);
        if (drawsMasks()) connect(data_, &RunData::masksArrived, this, &RunView::scheduleRefresh);
    }
    scheduleRefresh();
}

void RunView::setOverlayRuns(const QList<RunData*>& runs) {
    for (const auto& r : overlays_)
        if (r) disconnect(r, nullptr, this, nullptr);
    overlays_.clear();
    for (RunData* r : runs) {
        if (!r || r == data_) continue;
        overlays_.append(r);
        connect(r, &RunData::changed, this, &RunView::scheduleRefresh);
        connect(r, &QObject::destroyed, this, &RunView::scheduleRefresh);
    }
    scheduleRefresh();
}

QList<RunData*> RunView::overlayRuns() const {
    QList<RunData*> out;
    for (const auto& r : overlays_)
        if (r) out.append(r);
    return out;
}

int RunView::syncMemberBox(QComboBox* box, int member) const {
    const int members = data_ ? std::max(1, data_->memberCount()) : 1;
    if (box->count() != members) {
        box->clear();
        for (int m = 0; m < members; ++m) box->addItem(tr("member %1").arg(m), m);
    }
    member = std::clamp(member, 0, members - 1);
    box->setCurrentIndex(member);
    return member;
}

void RunView::scheduleRefresh() {
    if (!refresh_.isActive()) refresh_.start();
}

void RunView::refreshNow() {
    refresh_.stop();
    stale_ = false;
    if (!themed_) {
        themed_ = true;
        applyTheme();
    }
    rebuild();
}

void RunView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) {
        themed_ = true;
        applyTheme();
        scheduleRefresh();
    }
}

void RunView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!themed_ || stale_) scheduleRefresh();
}

bool RunView::exportImage(const QString& path, QSize size, QString* error) {
    if (refreshPending() || !themed_) refreshNow();  // the file shows the latest state
    return exportFigure(this, path, size, error);
}

bool RunView::exportCsv(const QString& path, QString* error) {
    if (refreshPending()) refreshNow();
    return writeTextFile(path, csvText(), error);
}

}  // namespace ftw
