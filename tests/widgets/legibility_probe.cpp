// SPDX-License-Identifier: GPL-3.0-or-later
// Legibility probe (legibility_probe.h).
#include "legibility_probe.h"

#include <qcustomplot.h>

#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QLineEdit>
#include <QPaintDevice>
#include <QPaintEngine>
#include <QTextItem>
#include <QWidget>
#include <algorithm>
#include <cmath>
#include <memory>

namespace probe {
namespace {

struct Recorded {
    QRectF rect;
    QString text;
};

// A paint engine that draws nothing and remembers each text item's box in device coordinates.
class RecordingEngine : public QPaintEngine {
public:
    RecordingEngine() : QPaintEngine(QPaintEngine::AllFeatures) {}
    bool begin(QPaintDevice*) override { return true; }
    bool end() override { return true; }
    void updateState(const QPaintEngineState& state) override {
        if (state.state() & QPaintEngine::DirtyTransform) transform_ = state.transform();
    }
    void drawPixmap(const QRectF&, const QPixmap&, const QRectF&) override {}
    void drawPath(const QPainterPath&) override {}
    void drawPolygon(const QPointF*, int, PolygonDrawMode) override {}
    void drawTextItem(const QPointF& p, const QTextItem& item) override {
        const QString text = item.text();
        if (text.trimmed().isEmpty()) return;
        const QRectF box(p.x(), p.y() - item.ascent(), item.width(), item.ascent() + item.descent());
        texts.push_back({transform_.mapRect(box), text});
    }
    Type type() const override { return QPaintEngine::User; }

    std::vector<Recorded> texts;

private:
    QTransform transform_;
};

class RecordingDevice : public QPaintDevice {
public:
    RecordingDevice(QSize size, int dpiX, int dpiY) : size_(size), dpiX_(dpiX), dpiY_(dpiY) {}
    QPaintEngine* paintEngine() const override { return &engine_; }
    std::vector<Recorded>& texts() { return engine_.texts; }

protected:
    int metric(PaintDeviceMetric m) const override {
        switch (m) {
            case PdmWidth: return size_.width();
            case PdmHeight: return size_.height();
            case PdmWidthMM: return int(size_.width() * 25.4 / dpiX_);
            case PdmHeightMM: return int(size_.height() * 25.4 / dpiY_);
            case PdmNumColors: return 0x7fffffff;
            case PdmDepth: return 32;
            case PdmDpiX:
            case PdmPhysicalDpiX: return dpiX_;
            case PdmDpiY:
            case PdmPhysicalDpiY: return dpiY_;
            case PdmDevicePixelRatio: return 1;
            case PdmDevicePixelRatioScaled: return int(QPaintDevice::devicePixelRatioFScale());
        }
        return 0;
    }

private:
    QSize size_;
    int dpiX_, dpiY_;
    mutable RecordingEngine engine_;
};

QString pathOf(const QWidget* w) {
    QStringList parts;
    for (const QWidget* p = w; p && !p->isWindow(); p = p->parentWidget())
        parts.prepend(p->objectName().isEmpty() ? QString::fromLatin1(p->metaObject()->className()) : p->objectName());
    return parts.join(QLatin1Char('/'));
}

// Texts in line edits, spin boxes and scroll-area viewports may run past the edge: they scroll.
bool scrollingText(const QWidget* w) {
    if (qobject_cast<const QLineEdit*>(w)) return true;
    for (const QWidget* p = w; p; p = p->parentWidget()) {
        if (qobject_cast<const QAbstractSpinBox*>(p)) return true;
        if (auto* area = qobject_cast<const QAbstractScrollArea*>(p->parentWidget()); area && area->viewport() == p)
            return p == w;  // the viewport draws (cells, log lines); children inside a scroll area are widgets
    }
    return false;
}

// The part of `w` inside all its ancestors, in window coordinates; scrolledAway says an ancestor is a scroll
// area's viewport (what it cuts off is scrolled out of sight, not cut off by a lack of room).
QRectF visiblePart(const QWidget* w, const QWidget* window, bool* inScrollArea) {
    QRectF visible(QPointF(w->mapTo(window, QPoint(0, 0))), QSizeF(w->size()));
    *inScrollArea = false;
    for (const QWidget* p = w->parentWidget(); p && p != window->parentWidget(); p = p->parentWidget()) {
        visible &= QRectF(QPointF(p->mapTo(window, QPoint(0, 0))), QSizeF(p->size()));
        if (auto* area = qobject_cast<const QAbstractScrollArea*>(p->parentWidget()); area && area->viewport() == p)
            *inScrollArea = true;
        if (p == window) break;
    }
    return visible;
}

QString describe(const TextBox& t) {
    return QStringLiteral("\"%1\" (%2 at %3,%4 %5x%6)")
        .arg(t.text.left(40), t.owner)
        .arg(t.rect.x(), 0, 'f', 0)
        .arg(t.rect.y(), 0, 'f', 0)
        .arg(t.rect.width(), 0, 'f', 0)
        .arg(t.rect.height(), 0, 'f', 0);
}

QList<QCPLegend*> legendsOf(QCustomPlot* plot) {
    QList<QCPLegend*> out;
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true))
        if (auto* l = qobject_cast<QCPLegend*>(e)) out << l;
    if (plot->legend && !out.contains(plot->legend)) out << plot->legend;
    return out;
}

bool segmentHitsRect(QPointF a, QPointF b, const QRectF& r) {
    if (r.contains(a) || r.contains(b)) return true;
    const QLineF s(a, b);
    const QLineF edges[] = {{r.topLeft(), r.topRight()},
                            {r.topRight(), r.bottomRight()},
                            {r.bottomRight(), r.bottomLeft()},
                            {r.bottomLeft(), r.topLeft()}};
    for (const QLineF& e : edges)
        if (s.intersects(e, nullptr) == QLineF::BoundedIntersection) return true;
    return false;
}

// Whether the plottable draws anything inside `area` (pixels), within what its axis rect shows.
bool drawsInside(QCPAbstractPlottable* p, const QRectF& area) {
    const QRectF shown = QRectF(p->keyAxis()->axisRect()->rect()) & area;
    if (shown.isEmpty()) return false;
    if (auto* g = qobject_cast<QCPGraph*>(p)) {
        const bool lines = g->lineStyle() != QCPGraph::lsNone;
        bool havePrevious = false;
        QPointF previous;
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) {
            if (!std::isfinite(it->value)) {
                havePrevious = false;
                continue;
            }
            const QPointF pt = g->coordsToPixels(it->key, it->value);
            if (shown.contains(pt)) return true;
            if (lines && havePrevious && segmentHitsRect(previous, pt, shown)) return true;
            previous = pt;
            havePrevious = true;
        }
        return false;
    }
    if (auto* c = qobject_cast<QCPCurve*>(p)) {
        bool havePrevious = false;
        QPointF previous;
        for (auto it = c->data()->constBegin(); it != c->data()->constEnd(); ++it) {
            const QPointF pt = c->coordsToPixels(it->key, it->value);
            if (shown.contains(pt) || (havePrevious && segmentHitsRect(previous, pt, shown))) return true;
            previous = pt;
            havePrevious = true;
        }
        return false;
    }
    if (auto* b = qobject_cast<QCPBars*>(p)) {
        for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) {
            const QPointF lo = b->coordsToPixels(it->key - b->width() / 2, 0);
            const QPointF hi = b->coordsToPixels(it->key + b->width() / 2, it->value);
            if (QRectF(lo, hi).normalized().intersects(shown)) return true;
        }
        return false;
    }
    if (auto* m = qobject_cast<QCPColorMap*>(p)) {
        const QCPRange k = m->data()->keyRange(), v = m->data()->valueRange();
        const double hk = m->data()->keySize() > 1 ? k.size() / (m->data()->keySize() - 1) / 2 : 0.5;
        const double hv = m->data()->valueSize() > 1 ? v.size() / (m->data()->valueSize() - 1) / 2 : 0.5;
        const QRectF cells =
            QRectF(m->coordsToPixels(k.lower - hk, v.lower - hv), m->coordsToPixels(k.upper + hk, v.upper + hv))
                .normalized();
        return cells.intersects(shown);
    }
    // Anything else: ask the plottable itself at a grid of points.
    for (double y = shown.top(); y <= shown.bottom(); y += 3)
        for (double x = shown.left(); x <= shown.right(); x += 3) {
            const double d = p->selectTest(QPointF(x, y), false);
            if (d >= 0 && d < 1.5) return true;
        }
    return false;
}

}  // namespace

std::vector<TextBox> collectTexts(QWidget* window) {
    std::vector<TextBox> out;
    QList<QWidget*> widgets{window};
    widgets += window->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (!w->isVisible() || (w != window && w->isWindow()) || w->size().isEmpty()) continue;
        bool inScrollArea = false;
        const QRectF visible = visiblePart(w, window, &inScrollArea);
        if (visible.isEmpty()) continue;
        RecordingDevice device(w->size(), w->logicalDpiX(), w->logicalDpiY());
        if (auto* plot = qobject_cast<QCustomPlot*>(w)) {
            QCPPainter painter(&device);
            painter.setMode(QCPPainter::pmNoCaching);
            plot->toPainter(&painter, w->width(), w->height());
        } else {
            w->render(&device, QPoint(), QRegion(), QWidget::DrawWindowBackground);
        }
        const QPointF offset(w->mapTo(window, QPoint(0, 0)));
        const QRectF own(offset, QSizeF(w->size()));
        const bool scrolls = scrollingText(w);
        std::vector<Recorded> seen;
        for (const Recorded& r : device.texts()) {
            // Some styles draw a text twice in two clips (a progress bar's filled and empty parts): one text.
            if (std::any_of(seen.begin(), seen.end(),
                            [&](const Recorded& s) { return s.text == r.text && s.rect == r.rect; }))
                continue;
            seen.push_back(r);
            TextBox t;
            t.rect = r.rect.translated(offset);
            t.ownerRect = own;
            t.visibleRect = inScrollArea || scrolls ? visible : own & visible;
            t.text = r.text;
            t.owner = pathOf(w);
            t.scrolls = scrolls || inScrollArea;
            if (scrolls) t.rect &= own;                        // an editor shows only what fits
            if ((t.rect & t.visibleRect).isEmpty()) continue;  // scrolled out of sight
            out.push_back(std::move(t));
        }
    }
    return out;
}

QStringList overlaps(const std::vector<TextBox>& texts, double tolerance) {
    QStringList out;
    for (size_t i = 0; i < texts.size(); ++i) {
        const QRectF a = texts[i].rect & texts[i].visibleRect;
        for (size_t j = i + 1; j < texts.size(); ++j) {
            const QRectF b = texts[j].rect & texts[j].visibleRect;
            const QRectF both = a & b;
            if (both.width() > tolerance && both.height() > tolerance)
                out << describe(texts[i]) + QStringLiteral(" overlaps ") + describe(texts[j]);
        }
    }
    return out;
}

QStringList clipped(const std::vector<TextBox>& texts, double tolerance) {
    QStringList out;
    for (const TextBox& t : texts) {
        if (t.scrolls) continue;
        const QRectF within = t.ownerRect & t.visibleRect;
        const QRectF allowed = within.adjusted(-tolerance, -tolerance, tolerance, tolerance);
        if (!allowed.contains(t.rect))
            out << describe(t) + QStringLiteral(" is cut off by its widget (%1,%2 %3x%4)")
                                     .arg(within.x(), 0, 'f', 0)
                                     .arg(within.y(), 0, 'f', 0)
                                     .arg(within.width(), 0, 'f', 0)
                                     .arg(within.height(), 0, 'f', 0);
    }
    return out;
}

QStringList legendsOverData(QWidget* window) {
    QStringList out;
    QList<QCustomPlot*> plots = window->findChildren<QCustomPlot*>();
    if (auto* self = qobject_cast<QCustomPlot*>(window)) plots.prepend(self);
    for (QCustomPlot* plot : plots) {
        if (!plot->isVisible()) continue;
        plot->replot(QCustomPlot::rpImmediateRefresh);
        for (QCPLegend* legend : legendsOf(plot)) {
            if (!legend->realVisibility() || legend->itemCount() == 0) continue;
            const QRectF area = legend->outerRect();
            for (QCPAxisRect* rect : plot->axisRects()) {
                if (!QRectF(rect->rect()).intersects(area)) continue;
                for (QCPAbstractPlottable* p : rect->plottables()) {
                    if (!p->realVisibility() || p->property("ftwMarker").toBool()) continue;
                    if (drawsInside(p, area))
                        out << QStringLiteral("%1: the legend at %2,%3 %4x%5 covers \"%6\"")
                                   .arg(plot->objectName())
                                   .arg(area.x())
                                   .arg(area.y())
                                   .arg(area.width())
                                   .arg(area.height())
                                   .arg(p->name());
                }
            }
        }
    }
    return out;
}

QStringList chartsTooSmall(QWidget* window, int minimum) {
    QStringList out;
    for (QCustomPlot* plot : window->findChildren<QCustomPlot*>()) {
        if (!plot->isVisible() || plot->visibleRegion().isEmpty()) continue;
        for (QCPAxisRect* rect : plot->axisRects()) {
            if (!rect->realVisibility() || !rect->layout()) continue;  // taken out of the layout: not shown
            const QRect r = rect->rect();
            if (r.width() < minimum || r.height() < minimum)
                out << QStringLiteral("%1: a chart of %2x%3 pixels")
                           .arg(plot->objectName())
                           .arg(r.width())
                           .arg(r.height());
        }
    }
    return out;
}

}  // namespace probe
