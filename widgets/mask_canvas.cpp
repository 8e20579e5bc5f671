// SPDX-License-Identifier: GPL-3.0-or-later
// MaskCanvas (mask_canvas.h). Images are rebuilt only when the frame, the size, the zoom or the colours change;
// the packed masks are read in place from RunData's shared arrays.
#include "mask_canvas.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "job_tracker.h"
#include "mask_describe.h"
#include "palette.h"

namespace ftw {

MaskCanvas::MaskCanvas(QWidget* parent) : QWidget(parent) {
    jobs_ = new JobTracker(this);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);  // keys zoom and pan a single layer
    setMinimumSize(200, 150);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void MaskCanvas::setFrame(RunData* data, int64_t member, int64_t update_index) {
    if (data_ != data) {
        cache_.clear();
        zoomed_ = false;
    }
    data_ = data;
    member_ = member;
    update_ = update_index;
    if (layer_ >= 0 && (!data_ || size_t(layer_) >= data_->layers().size())) layer_ = -1;
    update();
}

void MaskCanvas::setLayer(int layer) {
    if (layer_ == layer) return;
    layer_ = layer;
    zoomed_ = false;
    update();
}

void MaskCanvas::setConvLayout(ConvLayout layout) {
    if (convLayout_ == layout) return;
    convLayout_ = layout;
    zoomed_ = false;
    cache_.clear();
    update();
}

void MaskCanvas::setZoom(const CellRect& cells) {
    if (layer_ < 0) return;
    const MaskGrid g = gridFor(layer_);
    CellRect c = cells;
    c.col0 = std::clamp<int64_t>(c.col0, 0, std::max<int64_t>(0, g.cols() - 1));
    c.row0 = std::clamp<int64_t>(c.row0, 0, std::max<int64_t>(0, g.rows() - 1));
    c.col1 = std::clamp<int64_t>(c.col1, c.col0 + 1, g.cols());
    c.row1 = std::clamp<int64_t>(c.row1, c.row0 + 1, g.rows());
    zoom_ = c;
    zoomed_ = !(c.col0 == 0 && c.row0 == 0 && c.col1 == g.cols() && c.row1 == g.rows());
    update();
}

void MaskCanvas::resetZoom() {
    zoomed_ = false;
    update();
}

CellRect MaskCanvas::zoom() const { return layer_ >= 0 ? viewFor(layer_) : CellRect{}; }

MaskGrid MaskCanvas::gridFor(int layer) const {
    if (!data_ || layer < 0 || size_t(layer) >= data_->layers().size()) return {};
    const LayerDesc& d = data_->layers()[size_t(layer)];
    return maskGrid(d.shape, d.total, convLayout_);
}

CellRect MaskCanvas::viewFor(int layer) const {
    if (zoomed_ && layer == layer_) return zoom_;
    return wholeGrid(gridFor(layer));
}

const LayerMask* MaskCanvas::maskOf(int64_t update, int layer) const {
    if (!data_ || layer < 0) return nullptr;
    const auto& updates = data_->maskUpdates(member_);
    if (update < 0 || update >= int64_t(updates.size())) return nullptr;
    const auto& layers = updates[size_t(update)].layers;
    return size_t(layer) < layers.size() ? &layers[size_t(layer)] : nullptr;
}

std::vector<int> MaskCanvas::shownLayers() const {
    std::vector<int> out;
    if (!data_) return out;
    if (layer_ >= 0) {
        out.push_back(layer_);
        return out;
    }
    for (int i = 0; i < int(data_->layers().size()); ++i) out.push_back(i);
    return out;
}

std::vector<MaskCanvas::Tile> MaskCanvas::layoutTiles(const QRect& area, int title_height) const {
    const std::vector<int> layers = shownLayers();
    std::vector<Tile> tiles;
    const int n = int(layers.size());
    if (n == 0 || area.isEmpty()) return tiles;
    // The column count that gives the layers the most image area, each keeping its shape.
    int best_cols = 1;
    double best = -1;
    for (int c = 1; c <= n; ++c) {
        const int rows = (n + c - 1) / c;
        const double w = double(area.width()) / c - 6, h = double(area.height()) / rows - title_height - 6;
        if (w <= 0 || h <= 0) continue;
        double total = 0;
        for (int layer : layers) {
            const CellRect v = viewFor(layer);
            if (v.empty()) continue;
            const double aspect = double(v.width()) / double(v.height());
            const double fw = std::min(w, h * aspect);
            total += fw * (fw / aspect);
        }
        if (total > best) {
            best = total;
            best_cols = c;
        }
    }
    const int rows = (n + best_cols - 1) / best_cols;
    const int tw = area.width() / best_cols, th = area.height() / rows;
    for (int i = 0; i < n; ++i) {
        const QRect cell(area.x() + (i % best_cols) * tw, area.y() + (i / best_cols) * th, tw, th);
        const QRect inner = cell.adjusted(3, 0, -3, -6);
        Tile t;
        t.layer = layers[size_t(i)];
        t.title = QRect(inner.x(), inner.y(), inner.width(), title_height);
        const QRect space(inner.x(), inner.y() + title_height, inner.width(), inner.height() - title_height);
        // Square cells when the space allows.
        const CellRect view = viewFor(t.layer);
        int w = space.width(), h = space.height();
        if (!view.empty() && w > 0 && h > 0) {
            const double aspect = double(view.width()) / double(view.height());
            if (w / aspect > h)
                w = int(h * aspect);
            else
                h = int(w / aspect);
            // A layer of a few rows (a classifier head) would be a hairline: give it up to 3 px per cell row,
            // at most 60 px; larger layers keep their shape.
            w = std::max<int>(w, int(std::min<int64_t>({space.width(), view.width() * 3, 60})));
            h = std::max<int>(h, int(std::min<int64_t>({space.height(), view.height() * 3, 60})));
        }
        t.image = QRect(space.x() + (space.width() - w) / 2, space.y(), std::max(w, 0), std::max(h, 0));
        tiles.push_back(t);
    }
    return tiles;
}

QImage MaskCanvas::buildImage(int layer, QSize max_pixels, bool use_cache, bool* current) const {
    if (current) *current = false;
    const MaskWords cur = data_->maskAt(member_, update_, layer);
    if (!cur) return {};
    MaskWords prev = update_ > 0 ? data_->maskAt(member_, update_ - 1, layer) : nullptr;
    if (prev && prev->size() != cur->size()) prev = nullptr;
    CachedImage want{
        data_->generation(),   cur, prev, viewFor(layer), imageSizeFor(viewFor(layer), max_pixels), convLayout_,
        maskColors(palette()), {}};
    const MaskGrid grid = gridFor(layer);
    const auto build = [grid](const CachedImage& w) {
        return blockImage(
            countBlocks(grid, w.current->data(), w.previous ? w.previous->data() : nullptr, w.view, w.size), w.colors);
    };
    if (!use_cache) {
        if (current) *current = true;
        return build(want);
    }
    auto it = cache_.find(layer);
    if (it != cache_.end() && it->second.sameAs(want)) {
        if (current) *current = true;
        return it->second.image;
    }
    // A large view is drawn on the canvas's worker (a newer frame makes an older one stale), so that scrubbing or
    // zooming a layer of tens of millions of weights never stalls the GUI thread; the last picture stays meanwhile.
    if (want.view.width() * want.view.height() > kSynchronousCells) {
        auto pending = pending_.find(layer);
        if (pending == pending_.end() || !pending->second.sameAs(want)) {
            pending_[layer] = want;
            QPointer<MaskCanvas> self(const_cast<MaskCanvas*>(this));
            jobs_->start<QImage>(
                QStringLiteral("image %1").arg(layer), [build, want] { return build(want); },
                [self, layer, want](QImage image) {
                    if (!self) return;
                    CachedImage done = want;
                    done.image = std::move(image);
                    self->cache_[layer] = std::move(done);
                    self->pending_.erase(layer);
                    self->update();
                });
        }
        return it != cache_.end() && it->second.generation == want.generation ? it->second.image : QImage();
    }
    want.image = build(want);
    cache_[layer] = want;
    if (current) *current = true;
    return want.image;
}

bool MaskCanvas::CachedImage::sameAs(const CachedImage& o) const {
    return generation == o.generation && current == o.current && previous == o.previous && size == o.size &&
           layout == o.layout && view.col0 == o.view.col0 && view.col1 == o.view.col1 && view.row0 == o.view.row0 &&
           view.row1 == o.view.row1 && colors.active == o.colors.active && colors.inactive == o.colors.inactive &&
           colors.pruned == o.colors.pruned && colors.regrown == o.colors.regrown && colors.none == o.colors.none;
}

QImage MaskCanvas::layerImage(int layer, QSize max_pixels) const { return buildImage(layer, max_pixels, false); }

QString MaskCanvas::titleOf(int layer) const {
    const LayerDesc& d = data_->layers()[size_t(layer)];
    QStringList dims;
    for (auto s : d.shape) dims << QString::number(s);
    QString t = d.name;
    if (!dims.isEmpty()) t += QStringLiteral("  ") + dims.join(QStringLiteral("×"));
    if (const LayerMask* m = maskOf(update_, layer); m && m->total > 0) {
        t += QStringLiteral("  %1%").arg(100.0 * double(m->active) / double(m->total), 0, 'f', 1);
        if (d.targetDensity < 1) t += QStringLiteral(" (target %1%)").arg(100.0 * d.targetDensity, 0, 'f', 1);
        if (update_ > 0) t += QStringLiteral("  −%1 +%2").arg(m->pruned).arg(m->regrown);
    }
    if (zoomed_ && layer == layer_)
        t += QStringLiteral("  [rows %1–%2, cols %3–%4]")
                 .arg(zoom_.row0)
                 .arg(zoom_.row1 - 1)
                 .arg(zoom_.col0)
                 .arg(zoom_.col1 - 1);
    return t;
}

void MaskCanvas::paintTiles(QPainter& painter, const QRect& area, qreal dpr, bool use_cache) {
    painter.fillRect(area, palette().color(QPalette::Window));
    painter.setPen(palette().color(QPalette::WindowText));
    if (!data_ || data_->maskUpdates(member_).empty()) {
        painter.drawText(
            area, Qt::AlignCenter | Qt::TextWordWrap,
            data_ && !data_->layers().empty() ? tr("No mask update of this member yet.") : tr("No mask updates."));
        return;
    }
    const QFontMetrics fm(painter.font());
    const MaskColors colors = maskColors(palette());
    bool complete = true;
    for (const Tile& t : layoutTiles(area, fm.height() + 2)) {
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(t.title, Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(titleOf(t.layer), Qt::ElideRight, t.title.width()));
        if (t.image.isEmpty()) continue;
        bool current = false;
        QImage image = buildImage(t.layer, t.image.size() * dpr, use_cache, &current);
        complete = complete && current;
        const LayerMask* m = maskOf(update_, t.layer);
        if (image.isNull() && m && m->captured && use_cache) {
            // Being read from the store: the last picture of the layer stays until the new one is there.
            if (auto it = cache_.find(t.layer); it != cache_.end() && it->second.generation == data_->generation())
                image = it->second.image;
        }
        if (image.isNull()) {
            // No packed mask (yet): the density as a bar, so the update is still visible.
            painter.fillRect(t.image, colors.inactive);
            if (m && m->total > 0) {
                QRect bar = t.image;
                bar.setWidth(int(t.image.width() * double(m->active) / double(m->total)));
                painter.fillRect(bar, colors.active);
            }
            painter.setPen(colors.none);
            painter.drawText(t.image, Qt::AlignCenter,
                             m && m->captured ? tr("reading the mask…") : tr("mask not captured"));
            continue;
        }
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(t.image, image);
    }
    if (use_cache && complete && update_ != lastCompleteUpdate_) {
        lastCompleteUpdate_ = update_;
        ++completeFrames_;
    }
}

void MaskCanvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintTiles(painter, rect(), devicePixelRatioF(), true);
}

void MaskCanvas::paintFigure(QPainter& painter, const QRect& target) {
    painter.save();
    painter.translate(target.topLeft());
    paintTiles(painter, QRect(QPoint(0, 0), target.size()), 1.0, false);
    painter.restore();
}

QRect MaskCanvas::imageRect(int layer) const {
    for (const Tile& t : layoutTiles(rect(), fontMetrics().height() + 2))
        if (t.layer == layer) return t.image;
    return {};
}

bool MaskCanvas::cellsAt(QPoint pos, int* layer, CellRect* cells) const {
    if (!data_) return false;
    for (const Tile& t : layoutTiles(rect(), fontMetrics().height() + 2)) {
        if (!t.image.contains(pos)) continue;
        const CellRect view = viewFor(t.layer);
        const QSize size = imageSizeFor(view, t.image.size() * devicePixelRatioF());
        if (size.isEmpty()) return false;
        const int ix =
            std::clamp(int(int64_t(pos.x() - t.image.x()) * size.width() / t.image.width()), 0, size.width() - 1);
        const int iy =
            std::clamp(int(int64_t(pos.y() - t.image.y()) * size.height() / t.image.height()), 0, size.height() - 1);
        *layer = t.layer;
        *cells = {view.col0 + blockStart(ix, view.width(), size.width()),
                  view.row0 + blockStart(iy, view.height(), size.height()),
                  view.col0 + blockStart(ix + 1, view.width(), size.width()),
                  view.row0 + blockStart(iy + 1, view.height(), size.height())};
        return true;
    }
    return false;
}

void MaskCanvas::refreshHover() {
    if (underMouse() && rect().contains(hoverPos_)) emit hovered(describeAt(hoverPos_));
}

QString MaskCanvas::describeAt(QPoint pos) const {
    int layer = -1;
    CellRect cells;
    if (!cellsAt(pos, &layer, &cells)) return {};
    return describeCells(*data_, member_, layer, update_, gridFor(layer), cells);
}

bool MaskCanvas::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = describeAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* event) {
    if (panning_ && layer_ >= 0) {
        const QRect r = imageRect(layer_);
        if (!r.isEmpty()) {
            const QPoint d = event->position().toPoint() - panFrom_;
            const int64_t dc = -int64_t(std::llround(double(d.x()) * panStart_.width() / r.width()));
            const int64_t dr = -int64_t(std::llround(double(d.y()) * panStart_.height() / r.height()));
            const MaskGrid g = gridFor(layer_);
            const int64_t c0 = std::clamp<int64_t>(panStart_.col0 + dc, 0, g.cols() - panStart_.width());
            const int64_t r0 = std::clamp<int64_t>(panStart_.row0 + dr, 0, g.rows() - panStart_.height());
            setZoom({c0, r0, c0 + panStart_.width(), r0 + panStart_.height()});
        }
    }
    hoverPos_ = event->position().toPoint();
    emit hovered(describeAt(hoverPos_));
}

void MaskCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && layer_ >= 0 && zoomed_) {
        panning_ = true;
        panFrom_ = event->position().toPoint();
        panStart_ = zoom_;
    }
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent*) { panning_ = false; }

void MaskCanvas::mouseDoubleClickEvent(QMouseEvent* event) {
    if (layer_ >= 0) {
        resetZoom();
        return;
    }
    int layer = -1;
    CellRect cells;
    if (cellsAt(event->position().toPoint(), &layer, &cells)) emit layerActivated(layer);
}

void MaskCanvas::zoomAbout(double factor, int64_t col, int64_t row) {
    // Zoom about a cell, keeping it where it is on screen.
    const CellRect v = viewFor(layer_);
    const MaskGrid g = gridFor(layer_);
    const double fx = double(col - v.col0) / double(std::max<int64_t>(1, v.width()));
    const double fy = double(row - v.row0) / double(std::max<int64_t>(1, v.height()));
    const int64_t w =
        std::clamp<int64_t>(int64_t(std::llround(v.width() * factor)), std::min<int64_t>(4, g.cols()), g.cols());
    const int64_t h =
        std::clamp<int64_t>(int64_t(std::llround(v.height() * factor)), std::min<int64_t>(4, g.rows()), g.rows());
    const int64_t c0 = std::clamp<int64_t>(col - int64_t(std::llround(fx * double(w))), 0, g.cols() - w);
    const int64_t r0 = std::clamp<int64_t>(row - int64_t(std::llround(fy * double(h))), 0, g.rows() - h);
    setZoom({c0, r0, c0 + w, r0 + h});
}

void MaskCanvas::panBy(double fx, double fy) {
    const CellRect v = viewFor(layer_);
    const MaskGrid g = gridFor(layer_);
    const int64_t dc = int64_t(std::llround(fx * double(v.width()))),
                  dr = int64_t(std::llround(fy * double(v.height())));
    const int64_t c0 = std::clamp<int64_t>(v.col0 + dc, 0, g.cols() - v.width());
    const int64_t r0 = std::clamp<int64_t>(v.row0 + dr, 0, g.rows() - v.height());
    setZoom({c0, r0, c0 + v.width(), r0 + v.height()});
}

void MaskCanvas::wheelEvent(QWheelEvent* event) {
    if (layer_ < 0) {
        event->ignore();
        return;
    }
    int layer = -1;
    CellRect under;
    if (!cellsAt(event->position().toPoint(), &layer, &under)) return;
    zoomAbout(event->angleDelta().y() > 0 ? 0.8 : 1.25, under.col0, under.row0);
    emit hovered(describeAt(event->position().toPoint()));
}

void MaskCanvas::keyPressEvent(QKeyEvent* event) {
    // One layer: + and - zoom about the centre, the arrows pan by an eighth of the view, 0 or Home fit the layer.
    if (layer_ < 0) return QWidget::keyPressEvent(event);
    const CellRect v = viewFor(layer_);
    const int64_t cc = v.col0 + v.width() / 2, cr = v.row0 + v.height() / 2;
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal: zoomAbout(0.5, cc, cr); break;
        case Qt::Key_Minus: zoomAbout(2.0, cc, cr); break;
        case Qt::Key_Left: panBy(-0.125, 0); break;
        case Qt::Key_Right: panBy(0.125, 0); break;
        case Qt::Key_Up: panBy(0, -0.125); break;
        case Qt::Key_Down: panBy(0, 0.125); break;
        case Qt::Key_0:
        case Qt::Key_Home: resetZoom(); break;
        default: return QWidget::keyPressEvent(event);
    }
    event->accept();
}

void MaskCanvas::leaveEvent(QEvent* event) {
    QWidget::leaveEvent(event);
    emit hovered(QString());
}

}  // namespace ftw
