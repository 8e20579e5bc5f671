// SPDX-License-Identifier: GPL-3.0-or-later
// FLOPs and parameter accounting under the RigL convention (spec §7). Plain C++ over per-layer shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ft {

struct LayerCost {
    std::string name;
    int64_t weights = 0;          // N_l
    int64_t macs_per_weight = 1;  // forward MACs per weight per example (conv: H_out * W_out; linear: 1)
    double density = 1.0;         // d_l
    double dense_macs() const { return double(weights) * double(macs_per_weight); }
    double sparse_macs() const { return dense_macs() * density; }
};

// f_S / f_D: sparse forward MACs over dense forward MACs of the maskable layers.
double sparse_forward_ratio(const std::vector<LayerCost>& layers);

// Training FLOPs per example per iteration, in units of f_D (spec §7):
//   dense: 3; static: 3 f_S/f_D; gradient-growth DST: (3 f_S dT + 2 f_S + f_D) / (dT + 1) / f_D.
double dense_step_cost();
double static_step_cost(double sparse_ratio);
double dst_step_cost(double sparse_ratio, int64_t update_frequency, bool dense_gradient_at_update);
// A step that needs the dense weight gradient every iteration, in units of f_D: sparse forward, sparse
// input-gradient and dense weight-gradient, 2 f_S/f_D + 1. Momentum growth scores inactive weights by their momentum,
// and unmasked momentum (sparse.mask_momentum = false) keeps accumulating the inactive weights' gradients; either
// needs every step's dense gradient (spec §2.1, §2.2), not RigL's one per update.
double dense_gradient_step_cost(double sparse_ratio);

}  // namespace ft
