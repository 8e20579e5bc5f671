// SPDX-License-Identifier: GPL-3.0-or-later
// Size-dependent fitting of QCustomPlot elements, run by Plot after each layout. Each function returns true when
// it changed something (another layout pass is then needed) and false when the element already fits.
#pragma once

#include <QRectF>
#include <QString>
#include <vector>

class QCPAxis;
class QCPAxisRect;
class QCPLegend;
class QCPTextElement;
class QCustomPlot;

namespace ftw {

// Where a tick label of `axis` is drawn (plot pixels), as QCustomPlot places it; only ticks in the axis range.
struct TickLabelBox {
    double tick = 0;
    QString text;
    QRectF rect;
};
std::vector<TickLabelBox> tickLabelBoxes(const QCPAxis* axis);

// The most ticks whose labels keep at least about one character height apart along the axis (fixed text
// tickers are left alone). Plain and logarithmic tickers are replaced by equivalents that can leave out single
// labels (for corners).
bool fitAxisTicks(QCPAxis* axis);
// The axis title elided to the axis length (the full title is kept and restored when there is room again).
bool fitAxisTitle(QCPAxis* axis);
// Room for tick labels that stick out past an axis rect (the first and last label of an axis centred on its
// ends), shared by the rects of a margin group; and a vertical axis leaves out its end label where it would
// collide with the first label of the horizontal axis at the same corner.
bool fitAxisRectEdges(QCustomPlot* plot);
// As many columns as the legend's parent cell is wide.
bool fitLegendColumns(QCPLegend* legend);
// A title's text broken into lines at " · " (then elided) so that it is no wider than `width` pixels.
bool fitTitle(QCPTextElement* title, double width);

}  // namespace ftw
