// SPDX-License-Identifier: GPL-3.0-or-later
// Run events (mask updates, phase changes, LR changes, ticket captures, evaluations, annotations) drawn as
// vertical markers on a time chart: one impulse graph per kind on a hidden 0..1 axis of the axis rect, so they
// span the whole height whatever the data axis (linear or log) shows, and cost one graph per kind.
#pragma once

#include <QColor>
#include <QString>
#include <cstdint>
#include <vector>

#include "run_data.h"

class QCPAxisRect;
class QCPGraph;
class QCPLegend;
class QCustomPlot;
class QPalette;

namespace ftw {

struct MarkerFilter {
    bool maskUpdates = true, phases = true, lrChanges = true, tickets = true, evaluations = false, annotations = true;
    int64_t member = -2;  // -2: every member; else that member plus the run-wide (-1) markers
    bool accepts(const Marker& m) const;
};

QString markerKindName(MarkerKind kind);
QColor markerColor(MarkerKind kind, const QPalette& palette);

// Adds the marker graphs to `rect` (x = step). The graphs are named after the kind ("mask update", ...) and
// listed in `legend` when it is not null. Returns the graphs added.
std::vector<QCPGraph*> addEventMarkers(QCustomPlot* plot, QCPAxisRect* rect, const RunData& data,
                                       const MarkerFilter& filter, const QPalette& palette, QCPLegend* legend);

// The labels of the markers within `tolerance` steps of `step` (for tooltips), "step 400: mask update 3" each.
QStringList markersNear(const RunData& data, const MarkerFilter& filter, double step, double tolerance);

}  // namespace ftw
