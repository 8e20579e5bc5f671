// SPDX-License-Identifier: GPL-3.0-or-later
// MaskScrubber (mask_scrubber.h).
#include "mask_scrubber.h"

#include <algorithm>

#include "main_window.h"
#include "mask_canvas.h"
#include "mask_view.h"
#include "run_data.h"

namespace ftw {

namespace {
constexpr int kFrameMs = 40;        // 25 frames a second, a quick drag of the scrubber
constexpr int kPans = 60;           // frames zoomed into single weights
constexpr int64_t kZoomCells = 48;  // cells across when zoomed: each weight several pixels wide
}  // namespace

MaskScrubber::MaskScrubber(MainWindow* window, QObject* parent) : QObject(parent), window_(window) {
    timer_.setInterval(kFrameMs);
    connect(&timer_, &QTimer::timeout, this, &MaskScrubber::step);
}

qint64 MaskScrubber::updatesDrawn() const { return view_ ? view_->canvas()->completeFrames() : 0; }

void MaskScrubber::start() {
    view_ = qobject_cast<MaskView*>(window_->runView(QStringLiteral("mask")));
    if (!view_ || !view_->runData()) {
        emit done();
        return;
    }
    window_->focusView(QStringLiteral("mask"));
    view_->setFollowLatest(false);
    clock_.start();
    timer_.start();
}

void MaskScrubber::step() {
    RunData* d = view_->runData();
    const int n = view_->updateCount();
    ++frames_;
    if (update_ < n) {  // first every update, at the whole network
        view_->setUpdateIndex(update_++);
        return;
    }
    if (layer_ < 0) {  // then the largest layer, zoomed in to single weights at its centre
        int64_t most = -1;
        for (int l = 0; l < int(d->layers().size()); ++l)
            if (d->layers()[size_t(l)].total > most) {
                most = d->layers()[size_t(l)].total;
                layer_ = l;
            }
        view_->setLayer(layer_);
        const MaskGrid g = view_->canvas()->gridFor(layer_);
        const int64_t r = g.rows() / 2, c = g.cols() / 2;
        view_->canvas()->setZoom({c, r, c + kZoomCells, r + kZoomCells});
        return;
    }
    if (pans_ < kPans) {  // panned across while the updates step on
        CellRect z = view_->canvas()->zoom();
        const int64_t dx = kZoomCells / 4;
        z.col0 += dx;
        z.col1 += dx;
        view_->canvas()->setZoom(z);
        view_->setUpdateIndex((pans_ * 7) % std::max(1, n));
        ++pans_;
        return;
    }
    timer_.stop();
    emit done();
}

}  // namespace ftw
