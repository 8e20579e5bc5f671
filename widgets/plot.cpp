// SPDX-License-Identifier: GPL-3.0-or-later
// Plot (plot.h).
#include "plot.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QToolTip>
#include <algorithm>

#include "plot_fit.h"

namespace ftw {

namespace {
constexpr int kMaxLayoutPasses = 5;  // fitting converges in two or three; the cap guards against a cycle
}

Plot::Plot(QWidget* parent) : QCustomPlot(parent) {}

// QCustomPlot's destructor and QWidget's, which run after this one, delete the legends: their destroyed() must not
// reach the lambda of manageLegend, whose legends_ is gone by then (ASan: heap-use-after-free).
Plot::~Plot() {
    for (const ManagedLegend& m : legends_) disconnect(m.legend, &QObject::destroyed, this, nullptr);
}

void Plot::addFitter(Fitter fitter) { fitters_.push_back(std::move(fitter)); }

void Plot::manageLegend(QCPLegend* legend, QCPLayoutGrid* grid, int row, int column, bool wrapToWidth,
                        double maxShare) {
    legends_.erase(
        std::remove_if(legends_.begin(), legends_.end(), [&](const ManagedLegend& m) { return m.legend == legend; }),
        legends_.end());
    const bool inGrid = grid->hasElement(row, column) && grid->element(row, column) == legend;
    legends_.push_back({legend, grid, row, column, wrapToWidth, maxShare, inGrid});
    disconnect(legend, &QObject::destroyed, this, nullptr);  // one handler, however often it is managed
    connect(legend, &QObject::destroyed, this, [this, legend] {
        legends_.erase(std::remove_if(legends_.begin(), legends_.end(),
                                      [&](const ManagedLegend& m) { return m.legend == legend; }),
                       legends_.end());
    });
}

bool Plot::legendShown(const QCPLegend* legend) const {
    for (const ManagedLegend& m : legends_)
        if (m.legend == legend) return m.shown;
    return legend && legend->visible();
}

QList<QCPLegend*> Plot::managedLegends() const {
    QList<QCPLegend*> out;
    for (const ManagedLegend& m : legends_) out << m.legend;
    return out;
}

void Plot::forgetLegends() {
    std::vector<ManagedLegend> managed;
    managed.swap(legends_);
    for (const ManagedLegend& m : managed) {
        // A forgotten legend left in a layout is deleted with the plot, after ~Plot: its handler must not run then.
        disconnect(m.legend, &QObject::destroyed, this, nullptr);
        if (!m.legend->layout()) delete m.legend;
    }
}

void Plot::setLegendsEnabled(bool on) {
    if (legendsEnabled_ == on) return;
    legendsEnabled_ = on;
    replot(rpQueuedReplot);
}

bool Plot::anyLegendHidden() const {
    return std::any_of(legends_.begin(), legends_.end(),
                       [](const ManagedLegend& m) { return !m.shown && m.legend->itemCount() > 0; });
}

bool Plot::fitLegends() {
    bool changed = false;
    for (ManagedLegend& m : legends_) {
        if (m.wrap) changed |= fitLegendColumns(m.legend);  // hidden too: its size decides whether it comes back
        const QSize hint = m.legend->minimumOuterSizeHint();
        const QRect area = viewport();
        // A legend in a row of its own may span the plot; one beside a chart takes at most 40 % of the width.
        const double widest = (m.wrap ? 1.0 : 0.4) * area.width();
        const bool fits = hint.height() <= m.maxShare * area.height() && hint.width() <= widest;
        bool hasItems = false;
        for (int i = 0; i < m.legend->itemCount() && !hasItems; ++i) hasItems = m.legend->item(i) != nullptr;
        const bool want = legendsEnabled_ && hasItems && fits;
        if (want == m.shown) continue;
        if (want) {
            if (!m.grid->hasElement(m.row, m.column)) m.grid->addElement(m.row, m.column, m.legend);
        } else {
            m.grid->take(m.legend);
        }
        m.legend->setVisible(want);
        m.shown = want;
        changed = true;
    }
    return changed;
}

namespace {
// FTW_DEBUG_FIT=1 prints what each layout pass changes; FTW_DEBUG_LAYOUT=<plot name> that plot's layout.
bool debugFit() {
    static const bool on = qEnvironmentVariableIsSet("FTW_DEBUG_FIT");
    return on;
}
}  // namespace

bool Plot::fitOnce(int pass) {
    bool changed = fitLegends();
    if (changed && debugFit()) qDebug() << objectName() << pass << "legends";
    for (QCPAxisRect* rect : axisRects())
        for (QCPAxis* axis : rect->axes()) {
            if (fitAxisTicks(axis)) {
                changed = true;
                if (debugFit())
                    qDebug() << objectName() << pass << "ticks" << axis->axisType() << axis->ticker()->tickCount();
            }
            if (fitAxisTitle(axis)) {
                changed = true;
                if (debugFit()) qDebug() << objectName() << pass << "title" << axis->label();
            }
        }
    if (fitAxisRectEdges(this)) {
        changed = true;
        if (debugFit())
            for (QCPAxisRect* r : axisRects()) qDebug() << objectName() << pass << "edges" << r->minimumMargins();
    }
    for (const Fitter& f : fitters_) changed |= f();
    return changed;
}

void Plot::updateLayout() {
    if (inLayout_) {
        QCustomPlot::updateLayout();
        return;
    }
    inLayout_ = true;
    int pass = 0;
    for (; pass < kMaxLayoutPasses; ++pass) {
        QCustomPlot::updateLayout();
        if (!fitOnce(pass)) break;
    }
    inLayout_ = false;
    if (pass == kMaxLayoutPasses && debugFit()) qDebug() << objectName() << "did not settle";
    static const QString dump = qEnvironmentVariable("FTW_DEBUG_LAYOUT");
    if (!dump.isEmpty() && objectName() == dump)
        for (QCPLayoutElement* e : plotLayout()->elements(true))
            if (e) qDebug() << e->metaObject()->className() << e->outerRect() << e->minimumOuterSizeHint();
}

void Plot::contextMenuEvent(QContextMenuEvent* event) {
    if (legends_.empty()) return QCustomPlot::contextMenuEvent(event);
    QMenu menu(this);
    QAction* legends = menu.addAction(tr("Show legends"));
    legends->setCheckable(true);
    legends->setChecked(legendsEnabled_);
    connect(legends, &QAction::toggled, this, &Plot::setLegendsEnabled);
    menu.exec(event->globalPos());
}

void Plot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    // With its legend out of the way, a series says its name when hovered.
    if (event->buttons() != Qt::NoButton || !anyLegendHidden()) return;
    QCPAbstractPlottable* p = plottableAt(event->pos(), false);
    if (p && !p->property("ftwMarker").toBool() && !p->name().isEmpty())
        QToolTip::showText(event->globalPosition().toPoint(), p->name(), this);
}

void Plot::leaveEvent(QEvent* event) {
    QCustomPlot::leaveEvent(event);
    QToolTip::hideText();
}

}  // namespace ftw
