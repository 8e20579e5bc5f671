// SPDX-License-Identifier: GPL-3.0-or-later
// Screen-resolution reduction of long series (min/max envelope per pixel column, so a spike is never hidden) and
// the EMA smoothing of the curves view. Plain functions on vectors: testable without a window.
#pragma once

#include <QVector>
#include <cstdint>
#include <vector>

namespace ftw {

struct XYData {
    QVector<double> x, y;
};

// The points of (steps, values) with x in [x_min, x_max], at most two per pixel column: the minimum and the
// maximum of the column, in step order. `columns` pixel columns span [x_min, x_max] (in log10 when log_x; points
// with x <= 0 are then left out). One point on each side of the range is kept so that the line runs to the edge.
// A column whose values are all NaN gives one NaN point: the line breaks there instead of bridging the gap.
// Non-finite x_min/x_max or columns < 1 give every point in range (no reduction).
XYData decimateMinMax(const std::vector<int64_t>& steps, const std::vector<double>& values, double x_min, double x_max,
                      int columns, bool log_x = false);

// Exponential moving average with weight w in [0, 1): s_t = w s_{t-1} + (1 - w) x_t, debiased by 1 - w^n (n the
// finite values so far) so the start is not pulled towards zero. NaN inputs give NaN and leave the state
// unchanged. w = 0 returns the values unchanged. Throws std::invalid_argument for w outside [0, 1).
std::vector<double> emaSmooth(const std::vector<double>& values, double weight);

}  // namespace ftw
