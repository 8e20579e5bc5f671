// SPDX-License-Identifier: GPL-3.0-or-later
// FLOPs accounting under the RigL convention (spec §7). Plain C++.
//
// Everything is in units of the dense forward cost f_D per example; BN, activations and biases are ignored.
//  * sparse_forward_ratio = sum_l d_l N_l k_l / sum_l N_l k_l. No layers, or layers with no MACs at all -> 1.0
//    (nothing is sparse). Layers are validated: weights >= 0, macs_per_weight >= 0, density in [0, 1].
//  * dense: 3 (forward + 2x backward); static sparse: 3 r;
//    gradient-growth DST: (3 r dT + 2 r + 1) / (dT + 1): dT sparse steps plus one step with a dense gradient
//    (sparse forward, sparse input-gradient, dense weight-gradient f_D); without a dense gradient: 3 r.
//  * a dense weight-gradient at every step: 2 r + 1 (the limit of the DST step at dT = 0).
//  * r must be a finite number in [0, 1] and dT >= 1, else std::invalid_argument.
#include "ft/eval/flops.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace ft {
namespace {

void check_ratio(double r, const char* who) {
    if (!std::isfinite(r) || r < 0.0 || r > 1.0)
        throw std::invalid_argument(std::string(who) + ": sparse_ratio must be in [0, 1], got " + std::to_string(r));
}

}  // namespace

double sparse_forward_ratio(const std::vector<LayerCost>& layers) {
    double dense = 0, sparse = 0;
    for (const LayerCost& l : layers) {
        if (l.weights < 0 || l.macs_per_weight < 0 || !(l.density >= 0.0 && l.density <= 1.0))
            throw std::invalid_argument("sparse_forward_ratio: layer '" + l.name +
                                        "' has weights = " + std::to_string(l.weights) + ", macs_per_weight = " +
                                        std::to_string(l.macs_per_weight) + ", density = " + std::to_string(l.density) +
                                        " (need weights >= 0, macs_per_weight >= 0, density in [0, 1])");
        dense += l.dense_macs();
        sparse += l.sparse_macs();
    }
    if (dense == 0.0) return 1.0;
    return sparse / dense;
}

double dense_step_cost() { return 3.0; }

double static_step_cost(double sparse_ratio) {
    check_ratio(sparse_ratio, "static_step_cost");
    return 3.0 * sparse_ratio;
}

double dst_step_cost(double sparse_ratio, int64_t update_frequency, bool dense_gradient_at_update) {
    check_ratio(sparse_ratio, "dst_step_cost");
    if (update_frequency < 1)
        throw std::invalid_argument("dst_step_cost: update_frequency must be >= 1, got " +
                                    std::to_string(update_frequency));
    if (!dense_gradient_at_update) return 3.0 * sparse_ratio;
    const double dT = static_cast<double>(update_frequency);
    return (3.0 * sparse_ratio * dT + 2.0 * sparse_ratio + 1.0) / (dT + 1.0);
}

double dense_gradient_step_cost(double sparse_ratio) {
    check_ratio(sparse_ratio, "dense_gradient_step_cost");
    return 2.0 * sparse_ratio + 1.0;
}

}  // namespace ft
