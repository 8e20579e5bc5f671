// SPDX-License-Identifier: GPL-3.0-or-later
// Per-layer density allocation for sparse initialisation (spec §1.2, §1.3): ERK with its dense-layer loop, ER
// (the SET multiplicative search) and uniform. Plain C++ over shapes, so it is testable without building a net.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ft/config/run_config.h"

namespace ft {

using Shape = std::vector<int64_t>;

struct DensityAllocation {
    std::vector<double> density;  // d_l per layer, in the order of the shapes, in [0, 1]
    std::vector<bool> dense;      // layer dense (d_l == 1; ERK and ER: forced dense by the loop)
    double epsilon = 0;           // the solved scale factor (ERK, ER); 0 for uniform
};

// ERK (spec §1.2): raw_l = (sum(shape) / prod(shape))^power; solve epsilon so that sum d_l N_l = d sum N_l with
// layers whose epsilon * raw_l > 1 forced dense (all layers tied at the max raw join together). d = 1 gives all 1.
DensityAllocation erk_allocation(const std::vector<Shape>& shapes, double density, double power_scale);
// ER (spec §1.3, the SET formulation): p_l = epsilon * sum(shape) / prod(shape), epsilon from the multiplicative
// search (start 10, factor 0.5, factor *= 0.95, stop when |sum epsilon*sum(shape) - d N| < 5). Unlike SET, a layer
// whose p_l would exceed 1 is made dense and the search repeated over the others (as ERK does), so every d_l is in
// [0, 1] and the overall density is d.
DensityAllocation er_allocation(const std::vector<Shape>& shapes, double density);
DensityAllocation uniform_allocation(const std::vector<Shape>& shapes, double density);
DensityAllocation allocate_density(SparseInit init, const std::vector<Shape>& shapes, double density,
                                   double power_scale);

int64_t element_count(const Shape& shape);

}  // namespace ft
