// SPDX-License-Identifier: GPL-3.0-or-later
// BoundaryView and BoundaryCanvas (boundary_view.h).
#include "boundary_view.h"
#include "control_bar.h"

#include <QCheckBox>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "palette.h"

namespace ftw {

BoundaryCanvas::BoundaryCanvas(QWidget* parent) : QWidget(parent) {
    setMinimumSize(160, 120);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void BoundaryCanvas::setRun(RunData* data) {
    data_ = data;
    order_.clear();
    if (data_) {
        const auto& all = data_->boundaries();
        const auto rank = [](const ft::DecisionBoundary& b) {
            return b.source == "ticket" ? 0 : b.source == "ensemble" ? 1 : b.source == "live" ? 2 : 3;
        };
        for (size_t i = 0; i < all.size(); ++i)
            if (all[i].resolution > 0 && all[i].classes > 0 &&
                int64_t(all[i].probs.size()) == all[i].resolution * all[i].resolution * all[i].classes)
                order_.push_back(i);
        std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
            if (rank(all[a]) != rank(all[b])) return rank(all[a]) < rank(all[b]);
            return all[a].member < all[b].member;
        });
    }
    update();
}

void BoundaryCanvas::setPointsVisible(bool on) {
    points_ = on;
    update();
}

const ft::DecisionBoundary* BoundaryCanvas::panelBoundary(int panel) const {
    if (!data_ || panel < 0 || panel >= panelCount()) return nullptr;
    return &data_->boundaries()[order_[size_t(panel)]];
}

QString BoundaryCanvas::panelTitle(int panel) const {
    const ft::DecisionBoundary* b = panelBoundary(panel);
    if (!b) return {};
    if (b->source == "ticket") return tr("ticket %1 (step %2)").arg(b->member).arg(b->step);
    if (b->source == "ensemble") return tr("ensemble (step %1)").arg(b->step);
    if (b->source == "live") return tr("live, member %1 (step %2)").arg(b->member).arg(b->step);
    return tr("%1 %2 (step %3)").arg(QString::fromStdString(b->source)).arg(b->member).arg(b->step);
}

QColor BoundaryCanvas::cellColor(const float* probs, int64_t classes, const QColor& background) {
    double r = 0, g = 0, b = 0, top = 0, sum = 0;
    for (int64_t c = 0; c < classes; ++c) {
        const double p = std::isfinite(probs[c]) ? std::max(0.0f, probs[c]) : 0.0;
        const QColor k = classColor(int(c));
        r += p * k.redF();
        g += p * k.greenF();
        b += p * k.blueF();
        top = std::max(top, p);
        sum += p;
    }
    if (sum <= 0) return background;
    r /= sum;
    g /= sum;
    b /= sum;
    // Confidence above chance, 0..1: a certain cell shows its class colour, an unsure one fades to the background.
    const double chance = 1.0 / double(std::max<int64_t>(classes, 1));
    const double confidence = classes > 1 ? std::clamp((top / sum - chance) / (1 - chance), 0.0, 1.0) : 1.0;
    const double s = 0.25 + 0.75 * confidence;
    return QColor::fromRgbF(float(background.redF() + s * (r - background.redF())),
                            float(background.greenF() + s * (g - background.greenF())),
                            float(background.blueF() + s * (b - background.blueF())));
}

QImage BoundaryCanvas::panelImage(int panel) const {
    const ft::DecisionBoundary* b = panelBoundary(panel);
    if (!b) return {};
    const int n = int(b->resolution);
    QImage image(n, n, QImage::Format_RGB32);
    const QColor background = palette().color(QPalette::Base);
    for (int gy = 0; gy < n; ++gy) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(n - 1 - gy));  // grid row 0 is y_min: the bottom
        for (int gx = 0; gx < n; ++gx)
            line[gx] =
                cellColor(&b->probs[(size_t(gy) * size_t(n) + size_t(gx)) * size_t(b->classes)], b->classes, background)
                    .rgb();
    }
    return image;
}

std::vector<QRect> BoundaryCanvas::layoutPanels(const QRect& area, int title_height) const {
    std::vector<QRect> out;
    const int n = panelCount();
    if (n == 0 || area.isEmpty()) return out;
    int best_cols = 1, best_side = -1;
    for (int c = 1; c <= n; ++c) {
        const int rows = (n + c - 1) / c;
        const int side = std::min(area.width() / c - 8, area.height() / rows - title_height - 8);
        if (side > best_side) {
            best_side = side;
            best_cols = c;
        }
    }
    const int side = std::max(best_side, 1);
    const int cw = area.width() / best_cols, ch = side + title_height + 8;
    for (int i = 0; i < n; ++i) {
        const int x = area.x() + (i % best_cols) * cw + (cw - side) / 2;
        const int y = area.y() + (i / best_cols) * ch + title_height;
        out.push_back(QRect(x, y, side, side));
    }
    return out;
}

QRect BoundaryCanvas::panelRect(int panel) const {
    const auto rects = layoutPanels(rect(), fontMetrics().height() + 2);
    return panel >= 0 && panel < int(rects.size()) ? rects[size_t(panel)] : QRect();
}

void BoundaryCanvas::paintPanels(QPainter& painter, const QRect& area) {
    painter.fillRect(area, palette().color(QPalette::Window));
    painter.setPen(palette().color(QPalette::WindowText));
    if (panelCount() == 0) {
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap,
                         tr("No decision boundary yet (2-D data only: the teaching presets)."));
        return;
    }
    const QFontMetrics fm(painter.font());
    const auto rects = layoutPanels(area, fm.height() + 2);
    const ft::DataPoints2D& points = data_->dataPoints();
    for (int i = 0; i < panelCount(); ++i) {
        const QRect r = rects[size_t(i)];
        const ft::DecisionBoundary& b = *panelBoundary(i);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(r.x(), r.y() - fm.height() - 2, r.width(), fm.height()), Qt::AlignCenter,
                         fm.elidedText(panelTitle(i), Qt::ElideRight, r.width()));
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
        painter.drawImage(r, panelImage(i));
        if (points_ && data_->hasDataPoints() && b.x_max > b.x_min && b.y_max > b.y_min) {
            painter.save();
            painter.setClipRect(r);
            painter.setRenderHint(QPainter::Antialiasing, true);
            const double radius = std::clamp(r.width() / 120.0, 1.5, 4.0);
            const size_t n = std::min({points.x.size(), points.y.size(), points.label.size()});
            // Grid point k is the centre of image pixel k: the image spans half a cell beyond x_min and x_max.
            const double hx = b.resolution > 1 ? (b.x_max - b.x_min) / double(b.resolution - 1) : 0;
            const double hy = b.resolution > 1 ? (b.y_max - b.y_min) / double(b.resolution - 1) : 0;
            const double x0 = b.x_min - hx / 2, x1 = b.x_max + hx / 2, y0 = b.y_min - hy / 2, y1 = b.y_max + hy / 2;
            for (size_t p = 0; p < n; ++p) {
                const double px = r.x() + (points.x[p] - x0) / (x1 - x0) * r.width();
                const double py = r.y() + (y1 - points.y[p]) / (y1 - y0) * r.height();
                painter.setPen(QPen(palette().color(QPalette::WindowText), 0.6));
                painter.setBrush(classColor(points.label[p]));
                painter.drawEllipse(QPointF(px, py), radius, radius);
            }
            painter.restore();
        }
        painter.setPen(QPen(palette().color(QPalette::Mid), 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(r.adjusted(0, 0, -1, -1));
    }
}

void BoundaryCanvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paintPanels(painter, rect());
}

void BoundaryCanvas::paintFigure(QPainter& painter, const QRect& target) {
    painter.save();
    painter.translate(target.topLeft());
    paintPanels(painter, QRect(QPoint(0, 0), target.size()));
    painter.restore();
}

BoundaryView::BoundaryView(QWidget* parent) : RunView(parent) {
    canvas_ = new BoundaryCanvas(this);
    pointsBox_ = new QCheckBox(tr("training points"), this);
    pointsBox_->setChecked(true);
    auto* bar = new ControlBar(this);
    bar->add(pointsBox_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(canvas_, 1);
    connect(pointsBox_, &QCheckBox::toggled, canvas_, &BoundaryCanvas::setPointsVisible);
}

void BoundaryView::rebuild() { canvas_->setRun(runData()); }

QString BoundaryView::csvText() const {
    QString out = QStringLiteral("source,member,step,x,y,class,probability\n");
    const RunData* d = runData();
    if (!d) return out;
    const auto n = [](int64_t v) { return QString::number(v); };
    for (int i = 0; i < canvas_->panelCount(); ++i) {
        const ft::DecisionBoundary& b = *canvas_->panelBoundary(i);
        const int64_t res = b.resolution;
        const auto at = [res](double lo, double hi, int64_t k) {
            return res > 1 ? lo + (hi - lo) * double(k) / double(res - 1) : lo;
        };
        const QString source = csvField(QString::fromStdString(b.source));
        for (int64_t gy = 0; gy < res; ++gy)
            for (int64_t gx = 0; gx < res; ++gx)
                for (int64_t c = 0; c < b.classes; ++c)
                    out += csvRow({source, n(b.member), n(b.step), csvNumber(at(b.x_min, b.x_max, gx)),
                                   csvNumber(at(b.y_min, b.y_max, gy)), n(c),
                                   csvNumber(b.probs[size_t((gy * res + gx) * b.classes + c)])});
    }
    if (d->hasDataPoints()) {
        const auto& p = d->dataPoints();
        for (size_t i = 0; i < std::min({p.x.size(), p.y.size(), p.label.size()}); ++i)
            out += csvRow({"data", "-1", "", csvNumber(p.x[i]), csvNumber(p.y[i]), n(p.label[i]), ""});
    }
    return out;
}

}  // namespace ftw
