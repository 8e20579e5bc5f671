// SPDX-License-Identifier: GPL-3.0-or-later
// Min/max decimation and EMA smoothing (decimation.h).
#include "decimation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ftw {

XYData decimateMinMax(const std::vector<int64_t>& steps, const std::vector<double>& values, double x_min, double x_max,
                      int columns, bool log_x) {
    XYData out;
    const size_t n = std::min(steps.size(), values.size());
    if (n == 0) return out;
    // Visible index range, plus one point on each side.
    size_t lo = size_t(std::lower_bound(steps.begin(), steps.begin() + std::ptrdiff_t(n), x_min,
                                        [](int64_t s, double v) { return double(s) < v; }) -
                       steps.begin());
    size_t hi = size_t(std::upper_bound(steps.begin(), steps.begin() + std::ptrdiff_t(n), x_max,
                                        [](double v, int64_t s) { return v < double(s); }) -
                       steps.begin());
    const bool has_before = lo > 0, has_after = hi < n;
    if (log_x)  // points with x <= 0 have no place on a log axis
        while (lo < hi && steps[lo] <= 0) ++lo;

    const auto pos = [log_x](double x) { return log_x ? std::log10(x) : x; };
    const bool reduce = columns >= 1 && std::isfinite(x_min) && std::isfinite(x_max) && x_max > x_min &&
                        (!log_x || x_min > 0) && hi - lo > size_t(2 * columns);
    const auto push = [&out](double x, double y) {
        out.x.push_back(x);
        out.y.push_back(y);
    };
    if (has_before && (!log_x || steps[lo - 1] > 0)) push(double(steps[lo - 1]), values[lo - 1]);
    if (!reduce) {
        for (size_t i = lo; i < hi; ++i) push(double(steps[i]), values[i]);
    } else {
        out.x.reserve(2 * columns + 2);
        out.y.reserve(2 * columns + 2);
        const double p0 = pos(x_min), scale = double(columns) / (pos(x_max) - p0);
        size_t i = lo;
        while (i < hi) {
            const int column = std::clamp(int((pos(double(steps[i])) - p0) * scale), 0, columns - 1);
            size_t first = i, imin = hi, imax = hi;
            for (; i < hi; ++i) {
                if (std::clamp(int((pos(double(steps[i])) - p0) * scale), 0, columns - 1) != column) break;
                const double v = values[i];
                if (std::isnan(v)) continue;
                if (imin == hi || v < values[imin]) imin = i;
                if (imax == hi || v > values[imax]) imax = i;
            }
            if (imin == hi) {  // only NaN in this column
                push(double(steps[first]), std::nan(""));
            } else if (imin == imax) {
                push(double(steps[imin]), values[imin]);
            } else {
                const size_t a = std::min(imin, imax), b = std::max(imin, imax);
                push(double(steps[a]), values[a]);
                push(double(steps[b]), values[b]);
            }
        }
    }
    if (has_after) push(double(steps[hi]), values[hi]);
    return out;
}

std::vector<double> emaSmooth(const std::vector<double>& values, double weight) {
    if (!(weight >= 0 && weight < 1))
        throw std::invalid_argument("EMA smoothing weight " + std::to_string(weight) + " is outside [0, 1)");
    if (weight == 0) return values;
    std::vector<double> out(values.size());
    double state = 0, decay = 1;  // decay = w^n
    for (size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            out[i] = v;
            continue;
        }
        state = weight * state + (1 - weight) * v;
        decay *= weight;
        out[i] = state / (1 - decay);
    }
    return out;
}

}  // namespace ftw
