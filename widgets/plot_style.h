// SPDX-License-Identifier: GPL-3.0-or-later
// QCustomPlot set-up shared by the chart views: colours from the widget palette (light or dark), fast-path hints,
// and the pens of the member series.
#pragma once

#include <QColor>
#include <QPen>

class QCustomPlot;
class QCPAxisRect;
class QCPGraph;
class QPalette;
class QWidget;

namespace ftw {

// A Plot (plot.h: fitted to its size) with the workbench's defaults (cached labels, no antialiasing while dragging,
// horizontal drag and zoom).
QCustomPlot* newPlot(QWidget* parent, const QString& object_name);
// Background, axes, tick labels, grid and legend in the palette's colours.
void stylePlot(QCustomPlot* plot, const QPalette& palette);
void styleAxisRect(QCPAxisRect* rect, const QPalette& palette);
// The pen of a member series (member -1: the ensemble); `faint` for the raw series under a smoothed one.
QPen seriesPen(int member, const QPalette& palette, bool faint = false, qreal width = 1.5);

}  // namespace ftw
