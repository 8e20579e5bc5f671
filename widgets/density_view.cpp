// SPDX-License-Identifier: GPL-3.0-or-later
// DensityView (density_view.h). The data are small (one point per mask update and layer), so every refresh
// rebuilds the plottables from RunData.
#include "density_view.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QVBoxLayout>
#include <algorithm>

#include "control_bar.h"
#include "event_markers.h"
#include "figure_export.h"
#include "palette.h"
#include "plot.h"
#include "plot_style.h"

namespace ftw {
namespace {

constexpr int kMaxLegendLayers = 12;  // beyond this the legend would hide the plot; the heatmap names them

// A layer's name, and "sparse" when it multiplies with its active weights only (sparse.execution).
QString layerLabel(const LayerDesc& l) {
    return l.sparseExecution ? DensityView::tr("%1 · sparse").arg(l.name) : l.name;
}

QCPColorGradient viridisGradient() {
    QCPColorGradient g;
    g.clearColorStops();
    for (int i = 0; i <= 8; ++i) g.setColorStopAt(i / 8.0, viridis(i / 8.0));
    return g;
}

}  // namespace

DensityView::DensityView(QWidget* parent) : RunView(parent) {
    plot_ = newPlot(this, QStringLiteral("density"));
    plot_->setAutoAddPlottableToLegend(false);
    plot_->plotLayout()->clear();
    // Each chart has its legend in a row of its own above it, never over its data.
    top_ = new QCPAxisRect(plot_);
    bottom_ = new QCPAxisRect(plot_);
    auto* legend = new QCPLegend;
    auto* counts_legend = new QCPLegend;
    counts_legend->setObjectName(QStringLiteral("countsLegend"));
    auto* grid = plot_->plotLayout();
    grid->addElement(0, 0, legend);
    grid->addElement(1, 0, top_);
    grid->addElement(2, 0, counts_legend);
    grid->addElement(3, 0, bottom_);
    grid->expandTo(4, 2);  // (1, 1): the heatmap's colour scale, narrow when present, empty else
    grid->setColumnStretchFactor(1, 0.001);
    for (int row : {0, 2}) grid->setRowStretchFactor(row, 0.001);
    auto* margins = new QCPMarginGroup(plot_);
    top_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    bottom_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    for (QCPLegend* l : {legend, counts_legend}) {
        l->setLayer(QStringLiteral("legend"));
        l->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        l->setMargins(QMargins(4, 2, 4, 2));
    }
    plot_->legend = legend;
    countsLegend_ = counts_legend;
    auto* plot = static_cast<Plot*>(plot_);
    plot->manageLegend(legend, grid, 0, 0, true, 0.2);
    plot->manageLegend(counts_legend, grid, 2, 0, true, 0.15);
    scale_ = new QCPColorScale(plot_);
    scale_->setLabel(tr("density"));
    scale_->setVisible(false);
    // Added to the layout in heatmap mode only.

    bottom_->axis(QCPAxis::atBottom)->setLabel(tr("step"));
    bottom_->axis(QCPAxis::atLeft)->setLabel(tr("weights per update"));
    bottom_->axis(QCPAxis::atRight)->setVisible(true);
    bottom_->axis(QCPAxis::atRight)->setLabel(tr("ever active"));
    bottom_->axis(QCPAxis::atRight)->setRange(0, 1.05);

    memberBox_ = new QComboBox(this);
    modeBox_ = new QComboBox(this);
    modeBox_->addItem(tr("a line per layer"), false);
    modeBox_->addItem(tr("layers × updates heatmap"), true);
    layerBox_ = new QComboBox(this);
    auto* bar = new ControlBar(this);
    bar->add(tr("Member"), memberBox_);
    bar->add(modeBox_);
    bar->add(tr("Pruned / regrown of"), layerBox_, true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(plot_, 1);
    connect(memberBox_, &QComboBox::activated, this, [this](int i) { setMember(memberBox_->itemData(i).toInt()); });
    connect(modeBox_, &QComboBox::activated, this, [this](int i) { setHeatmap(modeBox_->itemData(i).toBool()); });
    connect(layerBox_, &QComboBox::activated, this, [this](int i) { setCountsLayer(layerBox_->itemData(i).toInt()); });
}

void DensityView::setMember(int member) {
    member_ = std::max(0, member);
    refreshNow();
}

void DensityView::setHeatmap(bool on) {
    heatmap_ = on;
    refreshNow();
}

void DensityView::setCountsLayer(int layer) {
    countsLayer_ = layer;
    refreshNow();
}

QCPGraph* DensityView::densityGraph(int layer) const {
    if (layer < 0) return totalGraph_;
    return size_t(layer) < layerGraphs_.size() ? layerGraphs_[size_t(layer)] : nullptr;
}

QCPGraph* DensityView::targetGraph(int layer) const {
    return layer >= 0 && size_t(layer) < targetGraphs_.size() ? targetGraphs_[size_t(layer)] : nullptr;
}

void DensityView::syncControls() {
    const RunData* d = runData();
    member_ = syncMemberBox(memberBox_, member_);
    modeBox_->setCurrentIndex(heatmap_ ? 1 : 0);
    const int layers = d ? int(d->layers().size()) : 0;
    if (layerBox_->count() != layers + 1) {
        layerBox_->clear();
        layerBox_->addItem(tr("all layers"), -1);
        for (int l = 0; l < layers; ++l) layerBox_->addItem(layerLabel(d->layers()[size_t(l)]), l);
    }
    if (countsLayer_ >= layers) countsLayer_ = -1;
    layerBox_->setCurrentIndex(layerBox_->findData(countsLayer_));
}

void DensityView::buildDensity() {
    const RunData* d = runData();
    layerGraphs_.clear();
    targetGraphs_.clear();
    totalGraph_ = nullptr;
    map_ = nullptr;
    QCPAxis* x = top_->axis(QCPAxis::atBottom);
    QCPAxis* y = top_->axis(QCPAxis::atLeft);
    if (scale_->layout() == plot_->plotLayout()) plot_->plotLayout()->take(scale_);
    scale_->setVisible(false);
    if (!d) return;
    const auto& updates = d->maskUpdates(member_);
    const int layers = int(d->layers().size());

    if (heatmap_) {
        plot_->plotLayout()->addElement(1, 1, scale_);
        scale_->setVisible(true);
        map_ = new QCPColorMap(x, y);
        map_->setName(tr("density"));
        map_->setInterpolate(false);
        map_->setColorScale(scale_);  // the map takes the scale's gradient: set it on the scale
        scale_->setGradient(viridisGradient());
        const int n = int(updates.size());
        map_->data()->setSize(std::max(1, n), std::max(1, layers));
        map_->data()->setRange(QCPRange(0, std::max(0, n - 1)), QCPRange(0, std::max(0, layers - 1)));
        double top = 0;
        for (int k = 0; k < n; ++k)
            for (int l = 0; l < layers; ++l) {
                const auto& lm =
                    size_t(l) < updates[size_t(k)].layers.size() ? updates[size_t(k)].layers[size_t(l)] : LayerMask{};
                const double v = lm.total > 0 ? double(lm.active) / double(lm.total) : std::nan("");
                map_->data()->setCell(k, l, v);
                if (v > top) top = v;
            }
        map_->setDataRange(QCPRange(0, top > 0 ? top : 1));
        auto names = QSharedPointer<QCPAxisTickerText>::create();
        for (int l = 0; l < layers; ++l) names->addTick(l, layerLabel(d->layers()[size_t(l)]));
        y->setTicker(names);
        y->setLabel(QString());
        y->setRange(-0.5, std::max(0, layers - 1) + 0.5);
        y->setScaleType(QCPAxis::stLinear);
        x->setLabel(tr("mask update"));
        x->setRange(-0.5, std::max(0, n - 1) + 0.5);
        return;
    }

    y->setTicker(QSharedPointer<QCPAxisTicker>::create());
    y->setLabel(tr("density"));
    x->setLabel(countsShown_ ? QString() : tr("step"));  // the counts chart below says it when shown
    QVector<double> steps;
    for (const auto& u : updates) steps << double(u.step);
    double top = 0;
    const bool legend = layers <= kMaxLegendLayers;
    for (int l = 0; l < layers; ++l) {
        QVector<double> values;
        for (const auto& u : updates) {
            const LayerMask lm = size_t(l) < u.layers.size() ? u.layers[size_t(l)] : LayerMask{};
            values << (lm.total > 0 ? double(lm.active) / double(lm.total) : std::nan(""));
            top = std::max(top, values.back());
        }
        const QColor c = layerColor(l, layers);
        auto* g = plot_->addGraph(x, y);
        g->setName(layerLabel(d->layers()[size_t(l)]));
        g->setPen(QPen(c, 1.5));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 3));
        g->setData(steps, values, true);
        if (legend) g->addToLegend(plot_->legend);
        layerGraphs_.push_back(g);

        const double target = d->layers()[size_t(l)].targetDensity;
        top = std::max(top, target);
        auto* t = plot_->addGraph(x, y);
        t->setName(tr("target (allocation)"));
        t->setPen(QPen(c, 1, Qt::DashLine));
        if (!steps.isEmpty()) t->setData({steps.front(), steps.back()}, {target, target}, true);
        if (legend && l == 0) t->addToLegend(plot_->legend);
        targetGraphs_.push_back(t);
    }
    // All layers together, in the member's colour: what the run's density budget is.
    QVector<double> total;
    for (const auto& u : updates) {
        int64_t active = 0, weights = 0;
        for (const auto& lm : u.layers) {
            active += lm.active;
            weights += lm.total;
        }
        total << (weights > 0 ? double(active) / double(weights) : std::nan(""));
    }
    totalGraph_ = plot_->addGraph(x, y);
    totalGraph_->setName(tr("all layers"));
    totalGraph_->setPen(seriesPen(member_, palette(), false, 2.5));
    totalGraph_->setData(steps, total, true);
    totalGraph_->addToLegend(plot_->legend);
    if (!steps.isEmpty()) x->setRange(steps.front(), std::max(steps.back(), steps.front() + 1));
    y->setRange(0, std::min(1.05, std::max(0.05, top * 1.1)));
    MarkerFilter filter;
    filter.member = member_;
    filter.maskUpdates = false;  // the points themselves are the updates
    addEventMarkers(plot_, top_, *d, filter, palette(), plot_->legend);
}

void DensityView::buildCounts() {
    const RunData* d = runData();
    pruned_ = regrown_ = nullptr;
    everActive_ = nullptr;
    QCPLegend* legend = countsLegend_;
    if (legend) legend->clearItems();
    if (!d) return;
    QCPAxis* x = bottom_->axis(QCPAxis::atBottom);
    QCPAxis* y = bottom_->axis(QCPAxis::atLeft);
    const auto& updates = d->maskUpdates(member_);
    QVector<double> steps, pruned, regrown, ever;
    double gap = 0;
    for (size_t k = 0; k < updates.size(); ++k) {
        const auto& u = updates[k];
        int64_t p = 0, g = 0;
        for (size_t l = 0; l < u.layers.size(); ++l)
            if (countsLayer_ < 0 || int(l) == countsLayer_) {
                p += u.layers[l].pruned;
                g += u.layers[l].regrown;
            }
        steps << double(u.step);
        pruned << -double(p);
        regrown << double(g);
        ever << u.everActive;
        if (k > 0 && u.step > updates[k - 1].step) {
            const double dx = double(u.step - updates[k - 1].step);
            gap = gap > 0 ? std::min(gap, dx) : dx;
        }
    }
    const MaskColors colors = maskColors(palette());
    const double width = gap > 0 ? 0.8 * gap : 1.0;
    regrown_ = new QCPBars(x, y);
    regrown_->setName(tr("regrown"));
    regrown_->setBrush(colors.regrown);
    regrown_->setPen(Qt::NoPen);
    regrown_->setWidth(width);
    regrown_->setData(steps, regrown, true);
    pruned_ = new QCPBars(x, y);
    pruned_->setName(tr("pruned (down)"));
    pruned_->setBrush(colors.pruned);
    pruned_->setPen(Qt::NoPen);
    pruned_->setWidth(width);
    pruned_->setData(steps, pruned, true);
    everActive_ = plot_->addGraph(x, bottom_->axis(QCPAxis::atRight));
    everActive_->setName(tr("ever active (share of weights)"));
    everActive_->setPen(seriesPen(member_, palette(), false, 2));
    everActive_->setData(steps, ever, true);
    if (legend) {
        regrown_->addToLegend(legend);
        pruned_->addToLegend(legend);
        everActive_->addToLegend(legend);
    }
    double extent = 1;
    for (int i = 0; i < steps.size(); ++i) extent = std::max({extent, regrown[i], -pruned[i]});
    y->setRange(-extent * 1.1, extent * 1.1);
    if (!steps.isEmpty()) x->setRange(steps.front() - width, steps.back() + width);
    MarkerFilter filter;
    filter.member = member_;
    filter.maskUpdates = false;
    addEventMarkers(plot_, bottom_, *d, filter, palette(), nullptr);
}

void DensityView::resizeEvent(QResizeEvent* event) {
    RunView::resizeEvent(event);
    // With little height the pruned/regrown chart (the secondary one) goes, so that the density chart and its
    // legend keep room to be read.
    const int line = QFontMetrics(plot_->font()).height();
    const bool shown = plot_->height() >= 26 * line;
    if (shown == countsShown_) return;
    countsShown_ = shown;
    auto* grid = plot_->plotLayout();
    if (shown)
        grid->addElement(3, 0, bottom_);
    else
        grid->take(bottom_);
    grid->setRowStretchFactor(3, shown ? 1.0 : 0.001);
    bottom_->setVisible(shown);
    scheduleRefresh();
}

void DensityView::rebuild() {
    syncControls();
    plot_->clearPlottables();
    buildDensity();
    if (countsShown_)
        buildCounts();
    else {
        pruned_ = regrown_ = nullptr;  // went with clearPlottables()
        everActive_ = nullptr;
        if (countsLegend_) countsLegend_->clearItems();
    }
    // One step axis for both charts in lines mode, so an update lines up with its bars.
    if (!heatmap_ && countsShown_) top_->axis(QCPAxis::atBottom)->setRange(bottom_->axis(QCPAxis::atBottom)->range());
    stylePlot(plot_, palette());
    plot_->replot();
}

void DensityView::applyTheme() {
    stylePlot(plot_, palette());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString DensityView::csvText() const {
    QString out = QStringLiteral(
        "member,update,step,layer,density,target_density,pruned,regrown,active,total,"
        "ever_active\n");
    const RunData* d = runData();
    if (!d) return out;
    const auto n = [](int64_t v) { return QString::number(v); };
    for (int m = 0; m < d->memberCount(); ++m)
        for (const auto& u : d->maskUpdates(m))
            for (size_t l = 0; l < u.layers.size(); ++l) {
                const LayerMask& lm = u.layers[l];
                const bool known = l < d->layers().size();
                out += csvRow({n(m), n(u.index), n(u.step), csvField(known ? d->layers()[l].name : n(int64_t(l))),
                               csvNumber(lm.total > 0 ? double(lm.active) / double(lm.total) : std::nan("")),
                               csvNumber(known ? d->layers()[l].targetDensity : std::nan("")), n(lm.pruned),
                               n(lm.regrown), n(lm.active), n(lm.total), csvNumber(u.everActive)});
            }
    return out;
}

}  // namespace ftw
