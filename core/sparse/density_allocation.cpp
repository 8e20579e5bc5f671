// SPDX-License-Identifier: GPL-3.0-or-later
// ERK / ER / uniform density allocation (spec §1.2, §1.3).
#include "ft/sparse/density_allocation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ft {

int64_t element_count(const Shape& shape) {
    return std::accumulate(shape.begin(), shape.end(), int64_t{1}, std::multiplies<>());
}

static double shape_sum(const Shape& shape) { return std::accumulate(shape.begin(), shape.end(), 0.0); }

DensityAllocation erk_allocation(const std::vector<Shape>& shapes, double density, double power_scale) {
    const size_t n = shapes.size();
    DensityAllocation out;
    out.density.assign(n, 1.0);
    out.dense.assign(n, false);
    if (density >= 1.0) {
        out.dense.assign(n, true);
        return out;
    }
    std::vector<double> raw(n), count(n);
    for (size_t l = 0; l < n; ++l) {
        count[l] = double(element_count(shapes[l]));
        raw[l] = std::pow(shape_sum(shapes[l]) / count[l], power_scale);
    }
    // The reference loop: solve for epsilon, force every layer tied at the max raw value dense if it would exceed 1,
    // and repeat. Exact float comparison is deliberate (spec §10.23): identical shapes give identical raw values.
    while (true) {
        double rhs = 0, divisor = 0, max_raw = -1;
        for (size_t l = 0; l < n; ++l) {
            if (out.dense[l]) {
                rhs -= (1.0 - density) * count[l];
            } else {
                rhs += density * count[l];
                divisor += raw[l] * count[l];
                max_raw = std::max(max_raw, raw[l]);
            }
        }
        if (divisor <= 0) break;  // every layer is dense
        out.epsilon = rhs / divisor;
        if (out.epsilon * max_raw > 1.0) {
            for (size_t l = 0; l < n; ++l)
                if (!out.dense[l] && raw[l] == max_raw) out.dense[l] = true;
        } else {
            break;
        }
    }
    for (size_t l = 0; l < n; ++l) out.density[l] = out.dense[l] ? 1.0 : out.epsilon * raw[l];
    return out;
}

DensityAllocation er_allocation(const std::vector<Shape>& shapes, double density) {
    const size_t n = shapes.size();
    DensityAllocation out;
    out.dense.assign(n, density >= 1.0);  // d = 1: every layer dense, as ERK (the search would stop 5 weights short)
    // The SET formulation has no cap: a small layer can get p_l > 1 (LeNet-5's conv1 and fc4 at d = 0.2: about
    // 4.5), keeps only its N_l weights, and the network ends up far below d (about 0.156 there). As ERK's loop
    // does (spec §1.2), such layers are made dense and epsilon is searched again for the others, so that the
    // overall density is d and no target exceeds 1.
    double epsilon = 0;
    while (true) {
        double target = 0, sum_of_sums = 0;
        for (size_t l = 0; l < n; ++l) {
            const double count = double(element_count(shapes[l]));
            target += density * count - (out.dense[l] ? count : 0.0);
            if (!out.dense[l]) sum_of_sums += shape_sum(shapes[l]);
        }
        if (sum_of_sums <= 0) break;  // every layer is dense
        // The reference's search (spec §1.3); it converges geometrically, the cap only guards against a
        // pathological input.
        epsilon = 10.0;
        double growth = 0.5;
        for (int i = 0; i < 100000 && std::abs(epsilon * sum_of_sums - target) >= 5.0; ++i) {
            epsilon *= (epsilon * sum_of_sums > target) ? (1.0 - growth) : (1.0 + growth);
            growth *= 0.95;
        }
        bool capped = false;
        for (size_t l = 0; l < n; ++l)
            if (!out.dense[l] && epsilon * shape_sum(shapes[l]) / double(element_count(shapes[l])) > 1.0)
                out.dense[l] = capped = true;
        if (!capped) break;
    }
    out.epsilon = epsilon;
    for (size_t l = 0; l < n; ++l) {
        out.density.push_back(out.dense[l] ? 1.0 : epsilon * shape_sum(shapes[l]) / double(element_count(shapes[l])));
        out.dense[l] = out.density[l] >= 1.0;
    }
    return out;
}

DensityAllocation uniform_allocation(const std::vector<Shape>& shapes, double density) {
    DensityAllocation out;
    out.density.assign(shapes.size(), density);
    out.dense.assign(shapes.size(), density >= 1.0);
    return out;
}

DensityAllocation allocate_density(SparseInit init, const std::vector<Shape>& shapes, double density,
                                   double power_scale) {
    if (!(density > 0.0 && density <= 1.0)) throw std::invalid_argument("density must be in (0, 1]");
    switch (init) {
        case SparseInit::Erk: return erk_allocation(shapes, density, power_scale);
        case SparseInit::Er: return er_allocation(shapes, density);
        case SparseInit::Uniform: return uniform_allocation(shapes, density);
    }
    throw std::invalid_argument("unknown sparse init");
}

}  // namespace ft
