// SPDX-License-Identifier: GPL-3.0-or-later
// DensityView: per-layer density of one member over its mask updates (a line per layer with its target density
// dashed, or a layers x updates heatmap), and below it the weights pruned and regrown at each update (all layers
// or one) with the share of weights ever activated (the ITOP exploration rate). Run events are drawn as markers.
#pragma once

#include "run_view.h"

class QComboBox;
class QCustomPlot;
class QCPAxisRect;
class QCPBars;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPLegend;

namespace ftw {

class DensityView : public RunView {
    Q_OBJECT
public:
    explicit DensityView(QWidget* parent = nullptr);

    void setMember(int member);
    int member() const { return member_; }
    void setHeatmap(bool on);  // false: a line per layer
    bool heatmap() const { return heatmap_; }
    void setCountsLayer(int layer);  // -1: all layers
    int countsLayer() const { return countsLayer_; }

    QCustomPlot* plot() const { return plot_; }
    // Lines mode: layer -1 is the density over all layers.
    QCPGraph* densityGraph(int layer) const;
    QCPGraph* targetGraph(int layer) const;
    QCPBars* prunedBars() const { return pruned_; }  // negative values: weights removed
    QCPBars* regrownBars() const { return regrown_; }
    QCPGraph* everActiveGraph() const { return everActive_; }
    QCPColorMap* heatmapItem() const { return map_; }  // x: update index, y: layer index

    QString csvText() const override;

protected:
    void rebuild() override;
    void resizeEvent(QResizeEvent* event) override;
    void applyTheme() override;

private:
    void syncControls();
    void buildDensity();
    void buildCounts();

    QCustomPlot* plot_ = nullptr;
    QCPAxisRect* top_ = nullptr;
    QCPAxisRect* bottom_ = nullptr;
    QCPColorScale* scale_ = nullptr;
    QCPLegend* countsLegend_ = nullptr;
    QComboBox* memberBox_ = nullptr;
    QComboBox* modeBox_ = nullptr;
    QComboBox* layerBox_ = nullptr;
    std::vector<QCPGraph*> layerGraphs_, targetGraphs_;
    QCPGraph* totalGraph_ = nullptr;
    QCPBars* pruned_ = nullptr;
    QCPBars* regrown_ = nullptr;
    QCPGraph* everActive_ = nullptr;
    QCPColorMap* map_ = nullptr;
    int member_ = 0;
    bool heatmap_ = false;
    int countsLayer_ = -1;
    bool countsShown_ = true;
};

}  // namespace ftw
