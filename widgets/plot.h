// SPDX-License-Identifier: GPL-3.0-or-later
// Plot: the QCustomPlot every chart view uses. After each layout (on screen and in exports alike) it fits what
// depends on the plot's size and lays out again until nothing changes (plot_fit.h): as many ticks as the axis
// length holds with labels that never touch, axis titles elided to their axis, room for tick labels that stick
// out of an axis rect's corner, legends wrapped to their width. A legend the plot manages is taken out of the
// layout when it would take too much of the plot's height or when the user hides legends (context menu); then
// hovering a series shows its name instead.
#pragma once

#include <qcustomplot.h>

#include <QHash>
#include <functional>
#include <vector>

namespace ftw {

class Plot : public QCustomPlot {
    Q_OBJECT
public:
    explicit Plot(QWidget* parent = nullptr);
    ~Plot() override;

    // Runs after each layout; returns true when it changed something that needs another layout pass.
    using Fitter = std::function<bool()>;
    void addFitter(Fitter fitter);

    // `legend` lives at (row, column) of `grid`; `wrapToWidth`: its items fill as many columns as the grid is wide
    // (a legend in a row of its own), else they stay in one column (a legend beside a chart). It is shown while
    // it has items, the user shows legends and its height is at most `maxShare` of the plot's; otherwise it is
    // taken out of the grid (its cell stays empty).
    void manageLegend(QCPLegend* legend, QCPLayoutGrid* grid, int row, int column, bool wrapToWidth,
                      double maxShare = 0.3);
    bool legendShown(const QCPLegend* legend) const;
    QList<QCPLegend*> managedLegends() const;
    // Before a view clears its layout: legends taken out of it are deleted (the layout deletes the others).
    void forgetLegends();
    bool legendsEnabled() const { return legendsEnabled_; }
    void setLegendsEnabled(bool on);

protected:
    void updateLayout() override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct ManagedLegend {
        QCPLegend* legend;
        QCPLayoutGrid* grid;
        int row, column;
        bool wrap;
        double maxShare;
        bool shown = true;
    };
    bool fitLegends();
    bool fitOnce(int pass);  // one round of fitting after a layout; true when it changed something
    bool anyLegendHidden() const;

    std::vector<Fitter> fitters_;
    std::vector<ManagedLegend> legends_;
    bool legendsEnabled_ = true;
    bool inLayout_ = false;
};

}  // namespace ftw
