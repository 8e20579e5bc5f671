// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of ft/eval/flops.h against hand-computed values (spec §7, RigL convention).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "ft/eval/flops.h"

namespace {
ft::LayerCost layer(const char* name, int64_t weights, int64_t macs_per_weight, double density) {
    ft::LayerCost l;
    l.name = name;
    l.weights = weights;
    l.macs_per_weight = macs_per_weight;
    l.density = density;
    return l;
}
}  // namespace

// conv: 100 weights x 4 output positions at d = 0.5 -> dense 400, sparse 200
// fc:   200 weights x 1 at d = 0.25                  -> dense 200, sparse 50
// f_S / f_D = 250 / 600 = 5/12
TEST(Flops, SparseForwardRatioTwoLayers) {
    const std::vector<ft::LayerCost> layers = {layer("conv", 100, 4, 0.5), layer("fc", 200, 1, 0.25)};
    EXPECT_EQ(layers[0].dense_macs(), 400.0);
    EXPECT_EQ(layers[0].sparse_macs(), 200.0);
    EXPECT_DOUBLE_EQ(ft::sparse_forward_ratio(layers), 250.0 / 600.0);
    // Dense layers give 1; no layers give 1; a layer without MACs changes nothing.
    EXPECT_EQ(ft::sparse_forward_ratio({layer("a", 10, 3, 1.0), layer("b", 7, 1, 1.0)}), 1.0);
    EXPECT_EQ(ft::sparse_forward_ratio({}), 1.0);
    EXPECT_EQ(ft::sparse_forward_ratio({layer("empty", 0, 1, 0.3)}), 1.0);
    EXPECT_DOUBLE_EQ(ft::sparse_forward_ratio({layer("conv", 100, 4, 0.5), layer("empty", 0, 9, 0.1)}), 0.5);
}

TEST(Flops, InvalidLayersThrow) {
    EXPECT_THROW(ft::sparse_forward_ratio({layer("x", -1, 1, 0.5)}), std::invalid_argument);
    EXPECT_THROW(ft::sparse_forward_ratio({layer("x", 1, -1, 0.5)}), std::invalid_argument);
    EXPECT_THROW(ft::sparse_forward_ratio({layer("x", 1, 1, 1.5)}), std::invalid_argument);
    EXPECT_THROW(ft::sparse_forward_ratio({layer("x", 1, 1, -0.1)}), std::invalid_argument);
    EXPECT_THROW(ft::sparse_forward_ratio({layer("x", 1, 1, std::numeric_limits<double>::quiet_NaN())}),
                 std::invalid_argument);
}

TEST(Flops, StepCosts) {
    EXPECT_EQ(ft::dense_step_cost(), 3.0);
    EXPECT_DOUBLE_EQ(ft::static_step_cost(0.34), 1.02);  // 3 * 0.34
    EXPECT_EQ(ft::static_step_cost(1.0), 3.0);
    // Without a dense gradient at the update the DST step costs the same as static sparse.
    EXPECT_DOUBLE_EQ(ft::dst_step_cost(0.34, 1000, false), 1.02);
    // dT = 1: (3r + 2r + 1) / 2; r = 0.2 -> (0.6 + 0.4 + 1) / 2 = 1.0
    EXPECT_DOUBLE_EQ(ft::dst_step_cost(0.2, 1, true), 1.0);
    // r = 1 (dense): (3 dT + 2 + 1) / (dT + 1) = 3
    EXPECT_DOUBLE_EQ(ft::dst_step_cost(1.0, 100, true), 3.0);
    // A dense weight gradient every step: sparse forward r, sparse input gradient r, dense weight gradient 1.
    EXPECT_DOUBLE_EQ(ft::dense_gradient_step_cost(0.2), 1.4);
    EXPECT_DOUBLE_EQ(ft::dense_gradient_step_cost(1.0), 3.0);  // dense: the dense step
    EXPECT_DOUBLE_EQ(ft::dense_gradient_step_cost(0.0), 1.0);
    EXPECT_THROW(ft::dense_gradient_step_cost(1.5), std::invalid_argument);
}

// Spec §7: dT = 1000, r = f_S/f_D = 0.340 (WRN-28-10, ERK d = 0.2):
// (3 * 0.34 * 1000 + 2 * 0.34 + 1) / 1001 = (1020 + 0.68 + 1) / 1001 = 1021.68 / 1001 = 1.02065934...
// ~ 3 r (1 + 1e-3) = 1.02102 (within 1e-3 relative).
TEST(Flops, SpecNumbersDeltaT1000) {
    const double r = 0.34;
    const double c = ft::dst_step_cost(r, 1000, true);
    EXPECT_NEAR(c, 1021.68 / 1001.0, 1e-12);
    EXPECT_NEAR(c, 3 * r * (1 + 1e-3), 1e-3 * 3 * r);
    EXPECT_GT(c, ft::static_step_cost(r));  // the dense gradient costs a little

    // Relative training FLOPs, one dense model trained 250 epochs = 250 * 3.
    const double dense_run = 250 * ft::dense_step_cost();
    // EDST M=3, d=0.2, E=450: 450 * 3 * 0.340 / (250 * 3) = 0.612 -> the spec's 0.61x.
    // With the dense-gradient term: 450 * (1021.68 / 1001) / 750 = 0.6123956.
    EXPECT_NEAR(450 * ft::static_step_cost(0.340) / dense_run, 0.612, 1e-12);
    EXPECT_NEAR(450 * ft::dst_step_cost(0.340, 1000, true) / dense_run, 0.6123956, 1e-7);
    // EDST M=7, d=0.1, E = 150 + 7 * 100 = 850: 850 * 0.169 / 250 = 0.5746 -> the spec's 0.57x.
    // With the dense-gradient term: (507 + 0.338 + 1) / 1001 = 0.5078302; * 850 / 750 = 0.5755409.
    EXPECT_NEAR(850 * ft::static_step_cost(0.169) / dense_run, 0.5746, 1e-12);
    EXPECT_NEAR(850 * ft::dst_step_cost(0.169, 1000, true) / dense_run, 0.5755409, 1e-7);
    // DST ensemble M=3, d=0.2, 250 epochs each: 3 * 250 * 3 * 0.340 / (250 * 3) = 1.02x
    EXPECT_NEAR(3 * 250 * ft::static_step_cost(0.340) / dense_run, 1.02, 1e-12);
}

TEST(Flops, InvalidStepArgumentsThrow) {
    EXPECT_THROW(ft::dst_step_cost(0.3, 0, true), std::invalid_argument);
    EXPECT_THROW(ft::dst_step_cost(0.3, -5, false), std::invalid_argument);
    EXPECT_THROW(ft::dst_step_cost(-0.1, 10, true), std::invalid_argument);
    EXPECT_THROW(ft::static_step_cost(1.5), std::invalid_argument);
    EXPECT_THROW(ft::static_step_cost(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}
