// SPDX-License-Identifier: GPL-3.0-or-later
// Size-dependent fitting of QCustomPlot elements (plot_fit.h).
#include "plot_fit.h"

#include <qcustomplot.h>

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>
#include <map>
#include <typeinfo>

namespace ftw {
namespace {

const char* kFullLabel = "ftwFullLabel";    // the title the view set
const char* kShownLabel = "ftwShownLabel";  // what fitAxisTitle made of it
const char* kFullTitle = "ftwFullTitle";
const char* kShownTitle = "ftwShownTitle";

// Labels to leave out, by tick value, and the labels as the ticker made them (to measure a left-out one).
class LabelBlanks {
public:
    virtual ~LabelBlanks() = default;
    std::vector<double> blanks;
    std::map<double, QString> original;
};

template <class Base>
class BlankableTicker : public Base, public LabelBlanks {
protected:
    QVector<QString> createLabelVector(const QVector<double>& ticks, const QLocale& locale, QChar format,
                                       int precision) override {
        QVector<QString> labels = Base::createLabelVector(ticks, locale, format, precision);
        original.clear();
        for (int i = 0; i < ticks.size(); ++i) {
            original[ticks[i]] = labels[i];
            for (double b : blanks)
                if (std::abs(ticks[i] - b) <= 1e-9 * std::max(1.0, std::abs(b))) labels[i].clear();
        }
        return labels;
    }
};

LabelBlanks* blanksOf(const QCPAxis* axis) { return dynamic_cast<LabelBlanks*>(axis->ticker().data()); }

// Plain and log tickers become their blankable twins with the same settings; others stay as they are.
LabelBlanks* ensureBlankable(QCPAxis* axis) {
    QSharedPointer<QCPAxisTicker> t = axis->ticker();
    if (!t) return nullptr;
    if (auto* b = dynamic_cast<LabelBlanks*>(t.data())) return b;
    const auto& type = typeid(*t);
    if (type == typeid(QCPAxisTicker)) {
        auto n = QSharedPointer<BlankableTicker<QCPAxisTicker>>::create();
        n->setTickCount(t->tickCount());
        n->setTickStepStrategy(t->tickStepStrategy());
        n->setTickOrigin(t->tickOrigin());
        axis->setTicker(n);
        return n.data();
    }
    if (type == typeid(QCPAxisTickerLog)) {
        auto log = t.staticCast<QCPAxisTickerLog>();
        auto n = QSharedPointer<BlankableTicker<QCPAxisTickerLog>>::create();
        n->setTickCount(t->tickCount());
        n->setLogBase(log->logBase());
        n->setSubTickCount(log->subTickCount());
        axis->setTicker(n);
        return n.data();
    }
    return nullptr;
}

bool horizontal(const QCPAxis* axis) { return axis->orientation() == Qt::Horizontal; }

double axisLength(const QCPAxis* axis) {
    const QRect r = axis->axisRect()->rect();
    return horizontal(axis) ? r.width() : r.height();
}

bool showsLabels(const QCPAxis* axis) { return axis->visible() && axis->tickLabels() && axis->ticker(); }

QRectF labelRect(const QCPAxis* axis, double tick, const QString& text) {
    const QFontMetricsF fm(axis->tickLabelFont());
    const QSizeF size = fm.boundingRect(QRectF(), Qt::TextDontClip, text).size();
    const QRect r = axis->axisRect()->rect();
    const double distance =
        axis->offset() + axis->tickLabelPadding() + std::max(axis->tickLengthOut(), axis->subTickLengthOut());
    const double pos = axis->coordToPixel(tick);
    switch (axis->axisType()) {
        case QCPAxis::atBottom: return {pos - size.width() / 2, r.bottom() + distance, size.width(), size.height()};
        case QCPAxis::atTop:
            return {pos - size.width() / 2, r.top() - distance - size.height(), size.width(), size.height()};
        case QCPAxis::atLeft:
            return {r.left() - distance - size.width(), pos - size.height() / 2, size.width(), size.height()};
        case QCPAxis::atRight: return {r.right() + distance, pos - size.height() / 2, size.width(), size.height()};
    }
    return {};
}

// Every label in range, left-out ones included (with the text they would have), for the corner rule.
std::vector<TickLabelBox> allLabelBoxes(const QCPAxis* axis) {
    std::vector<TickLabelBox> out;
    if (!showsLabels(axis)) return out;
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    const LabelBlanks* blanks = blanksOf(axis);
    for (int i = 0; i < ticks.size() && i < labels.size(); ++i) {
        if (!axis->range().contains(ticks[i])) continue;
        QString text = labels[i];
        if (text.isEmpty() && blanks)
            if (auto it = blanks->original.find(ticks[i]); it != blanks->original.end()) text = it->second;
        if (text.isEmpty()) continue;
        out.push_back({ticks[i], text, labelRect(axis, ticks[i], text)});
    }
    return out;
}

// Whether the labels `count` ticks give keep their distance along the axis.
bool ticksFit(QCPAxis* axis, int count, double slack) {
    QCPAxisTicker* ticker = axis->ticker().data();
    const int before = ticker->tickCount();
    ticker->setTickCount(count);
    QVector<double> ticks;
    QVector<QString> labels;
    const QString format = axis->numberFormat();
    ticker->generate(axis->range(), axis->parentPlot()->locale(), format.isEmpty() ? QLatin1Char('g') : format.at(0),
                     axis->numberPrecision(), ticks, nullptr, &labels);
    ticker->setTickCount(before);
    const QFontMetricsF fm(axis->tickLabelFont());
    const bool across = horizontal(axis);
    const double gap = (across ? fm.height() : 0.5 * fm.height()) * slack;
    bool have = false;
    double previousPos = 0, previousHalf = 0;
    for (int i = 0; i < ticks.size() && i < labels.size(); ++i) {
        if (!axis->range().contains(ticks[i])) continue;
        const double pos = axis->coordToPixel(ticks[i]);
        const double half = (across ? fm.horizontalAdvance(labels[i]) : fm.height()) / 2;
        if (have && std::abs(pos - previousPos) < previousHalf + half + gap) return false;
        have = true;
        previousPos = pos;
        previousHalf = half;
    }
    return true;
}

QMargins marginsNeeded(QCPAxisRect* rect) {
    QMargins need;
    const QRect r = rect->rect();
    if (r.width() < 2 || r.height() < 2) return need;  // not laid out yet: positions mean nothing
    // A label centred on an end of its axis sticks out by half its extent at most; more only comes from a
    // label outside the range, which is not drawn.
    const auto out = [](double past, double half) { return int(std::ceil(std::clamp(past, 0.0, half + 1))) + 1; };
    for (QCPAxis* axis : rect->axes()) {
        for (const TickLabelBox& b : allLabelBoxes(axis)) {
            if (horizontal(axis)) {
                const double half = b.rect.width() / 2;
                need.setLeft(std::max(need.left(), out(r.left() - b.rect.left(), half)));
                need.setRight(std::max(need.right(), out(b.rect.right() - r.right(), half)));
            } else {
                const double half = b.rect.height() / 2;
                need.setTop(std::max(need.top(), out(r.top() - b.rect.top(), half)));
                need.setBottom(std::max(need.bottom(), out(b.rect.bottom() - r.bottom(), half)));
            }
        }
    }
    return need;
}

int side(const QMargins& m, QCP::MarginSide s) {
    switch (s) {
        case QCP::msLeft: return m.left();
        case QCP::msRight: return m.right();
        case QCP::msTop: return m.top();
        case QCP::msBottom: return m.bottom();
        default: return 0;
    }
}

void setSide(QMargins& m, QCP::MarginSide s, int v) {
    switch (s) {
        case QCP::msLeft: m.setLeft(v); break;
        case QCP::msRight: m.setRight(v); break;
        case QCP::msTop: m.setTop(v); break;
        case QCP::msBottom: m.setBottom(v); break;
        default: break;
    }
}

// The vertical axis's end label at a corner leaves way for the horizontal axis's label at the same corner.
bool fitCorner(QCPAxis* vertical, QCPAxis* across) {
    if (!showsLabels(vertical)) return false;
    LabelBlanks* blanks = ensureBlankable(vertical);
    if (!blanks) return false;
    std::vector<double> wanted;
    if (showsLabels(across)) {
        const auto ys = allLabelBoxes(vertical);
        const auto xs = allLabelBoxes(across);
        if (!ys.empty() && !xs.empty()) {
            const bool bottom = across->axisType() == QCPAxis::atBottom;
            const bool left = vertical->axisType() == QCPAxis::atLeft;
            const auto& y = *std::max_element(ys.begin(), ys.end(), [&](const auto& a, const auto& b) {
                return bottom ? a.rect.bottom() < b.rect.bottom() : a.rect.top() > b.rect.top();
            });
            const auto& x = *std::min_element(xs.begin(), xs.end(), [&](const auto& a, const auto& b) {
                return left ? a.rect.left() < b.rect.left() : a.rect.right() > b.rect.right();
            });
            if (y.rect.adjusted(-2, -2, 2, 2).intersects(x.rect)) wanted.push_back(y.tick);
        }
    }
    if (wanted == blanks->blanks) return false;
    blanks->blanks = wanted;
    return true;
}

}  // namespace

std::vector<TickLabelBox> tickLabelBoxes(const QCPAxis* axis) {
    std::vector<TickLabelBox> out;
    if (!showsLabels(axis)) return out;
    const QVector<double> ticks = axis->tickVector();
    const QVector<QString> labels = axis->tickVectorLabels();
    for (int i = 0; i < ticks.size() && i < labels.size(); ++i)
        if (axis->range().contains(ticks[i]) && !labels[i].isEmpty())
            out.push_back({ticks[i], labels[i], labelRect(axis, ticks[i], labels[i])});
    return out;
}

bool fitAxisTicks(QCPAxis* axis) {
    if (!showsLabels(axis) || dynamic_cast<QCPAxisTickerText*>(axis->ticker().data())) return false;
    ensureBlankable(axis);
    const double length = axisLength(axis);
    if (length < 2) return false;
    const QFontMetricsF fm(axis->tickLabelFont());
    const int old = axis->ticker()->tickCount();
    const int most = std::clamp(int(length / ((horizontal(axis) ? 3.0 : 1.8) * fm.height())), 1, 12);
    int count = std::min(old, most);
    // More ticks only with room to spare, so that a pixel of difference does not make the labels flicker.
    while (count < most && ticksFit(axis, count + 1, 1.4)) ++count;
    while (count > 1 && !ticksFit(axis, count, 1.0)) --count;
    if (count == old) return false;
    axis->ticker()->setTickCount(count);
    return true;
}

bool fitAxisTitle(QCPAxis* axis) {
    if (!axis->visible()) return false;
    QString full = axis->property(kFullLabel).toString();
    if (axis->label() != axis->property(kShownLabel).toString()) full = axis->label();  // set anew by its view
    axis->setProperty(kFullLabel, full);
    const double length = axisLength(axis);
    QString shown = full;
    if (!full.isEmpty() && length > 0) {
        shown = QFontMetricsF(axis->labelFont()).elidedText(full, Qt::ElideRight, length);
        if (shown == QStringLiteral("…")) shown.clear();
    }
    axis->setProperty(kShownLabel, shown);
    if (shown == axis->label()) return false;
    axis->setLabel(shown);
    return true;
}

bool fitAxisRectEdges(QCustomPlot* plot) {
    bool changed = false;
    const QList<QCPAxisRect*> rects = plot->axisRects();
    for (QCPAxisRect* rect : rects) {
        QCPAxis* bottom = rect->axis(QCPAxis::atBottom);
        if (QCPAxis* left = rect->axis(QCPAxis::atLeft)) changed |= fitCorner(left, bottom);
        if (QCPAxis* right = rect->axis(QCPAxis::atRight)) changed |= fitCorner(right, bottom);
    }
    std::map<QCPAxisRect*, QMargins> need;
    for (QCPAxisRect* rect : rects) need[rect] = marginsNeeded(rect);
    for (QCPAxisRect* rect : rects) {
        QMargins wanted = need[rect];
        for (QCP::MarginSide s : {QCP::msLeft, QCP::msRight, QCP::msTop, QCP::msBottom})
            if (QCPMarginGroup* group = rect->marginGroup(s))
                for (QCPLayoutElement* e : group->elements(s))
                    if (auto* other = qobject_cast<QCPAxisRect*>(e); other && need.count(other))
                        setSide(wanted, s, std::max(side(wanted, s), side(need[other], s)));
        // Growing is needed at once; shrinking waits for a clear gain, since where a label lands moves with the
        // margins themselves and a pixel back and forth would never settle.
        const QMargins now = rect->minimumMargins();
        QMargins next = now;
        for (QCP::MarginSide s : {QCP::msLeft, QCP::msRight, QCP::msTop, QCP::msBottom}) {
            const int w = side(wanted, s), n = side(now, s);
            if (w > n || w < n - 6) setSide(next, s, w);
        }
        if (next != now) {
            rect->setMinimumMargins(next);
            changed = true;
        }
    }
    return changed;
}

bool fitLegendColumns(QCPLegend* legend) {
    int items = 0;
    for (int i = 0; i < legend->itemCount(); ++i) items += legend->item(i) != nullptr;  // cells can be empty
    if (items == 0) return false;
    const QCPLayout* parent = legend->layout();
    const double width = parent ? parent->rect().width() : legend->parentPlot()->viewport().width();
    int itemWidth = 1;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (QCPAbstractLegendItem* item = legend->item(i))
            itemWidth = std::max(itemWidth, item->minimumOuterSizeHint().width());
    const int spare = int(width) - legend->margins().left() - legend->margins().right() + legend->columnSpacing();
    const int columns = std::clamp(spare / (itemWidth + legend->columnSpacing()), 1, items);
    if (legend->wrap() == columns && legend->fillOrder() == QCPLayoutGrid::foColumnsFirst) return false;
    legend->setWrap(columns);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    return true;
}

bool fitTitle(QCPTextElement* title, double width) {
    QString full = title->property(kFullTitle).toString();
    if (title->text() != title->property(kShownTitle).toString()) full = title->text();
    title->setProperty(kFullTitle, full);
    const QFontMetricsF fm(title->font());
    QStringList lines;
    if (fm.horizontalAdvance(full) <= width || width <= 0) {
        lines << full;
    } else {
        QString line;
        for (const QString& part : full.split(QStringLiteral(" · "))) {
            const QString joined = line.isEmpty() ? part : line + QStringLiteral(" · ") + part;
            if (!line.isEmpty() && fm.horizontalAdvance(joined) > width) {
                lines << line;
                line = part;
            } else {
                line = joined;
            }
        }
        lines << line;
        for (QString& l : lines) l = fm.elidedText(l, Qt::ElideRight, width);
    }
    const QString shown = lines.join(QLatin1Char('\n'));
    title->setProperty(kShownTitle, shown);
    if (shown == title->text()) return false;
    title->setText(shown);
    return true;
}

}  // namespace ftw
