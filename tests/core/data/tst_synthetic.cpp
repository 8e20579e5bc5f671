// SPDX-License-Identifier: GPL-3.0-or-later
// Synthetic 2-D sets and their load_dataset branch.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace {

template <typename Fn>
void expect_data_error(Fn fn, const std::vector<std::string>& needles) {
    try {
        fn();
        ADD_FAILURE() << "expected ft::DataError";
    } catch (const ft::DataError& e) {
        const std::string msg = e.what();
        for (const auto& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << "'" << n << "' not in: " << msg;
    }
}

int64_t classes_of(const std::string& name) { return name == "blobs" ? 4 : 2; }

}  // namespace

class Synthetic : public ::testing::TestWithParam<std::string> {};

TEST_P(Synthetic, ShapesAndTypes) {
    const auto s = ft::make_synthetic(GetParam(), 101, 0.1, 3);
    EXPECT_EQ(s.x.sizes(), (std::vector<int64_t>{101, 2}));
    EXPECT_EQ(s.x.scalar_type(), torch::kFloat32);
    EXPECT_EQ(s.y.sizes(), (std::vector<int64_t>{101}));
    EXPECT_EQ(s.y.scalar_type(), torch::kInt64);
    EXPECT_EQ(s.size(), 101);
    EXPECT_TRUE(torch::isfinite(s.x).all().item<bool>());
}

TEST_P(Synthetic, SameSeedSameData) {
    const auto a = ft::make_synthetic(GetParam(), 500, 0.1, 42);
    const auto b = ft::make_synthetic(GetParam(), 500, 0.1, 42);
    EXPECT_TRUE(torch::equal(a.x, b.x));
    EXPECT_TRUE(torch::equal(a.y, b.y));
    const auto c = ft::make_synthetic(GetParam(), 500, 0.1, 43);
    EXPECT_FALSE(torch::equal(a.x, c.x));
    // A prefix of a bigger draw with the same seed is not required, but a draw must not depend on torch's RNG.
    torch::manual_seed(1);
    const auto d = ft::make_synthetic(GetParam(), 500, 0.1, 42);
    torch::manual_seed(2);
    const auto e = ft::make_synthetic(GetParam(), 500, 0.1, 42);
    EXPECT_TRUE(torch::equal(d.x, e.x));
    EXPECT_TRUE(torch::equal(a.x, d.x));
}

TEST_P(Synthetic, DoesNotTouchTheGlobalTorchGenerator) {
    torch::manual_seed(99);
    const auto expected = torch::rand({8});
    torch::manual_seed(99);
    ft::make_synthetic(GetParam(), 300, 0.2, 5);
    EXPECT_TRUE(torch::equal(torch::rand({8}), expected));
}

TEST_P(Synthetic, BalancedClassesEverywhere) {
    const int64_t k = classes_of(GetParam());
    const auto s = ft::make_synthetic(GetParam(), 1000, 0.1, 7);
    EXPECT_EQ(s.y.min().item<int64_t>(), 0);
    EXPECT_EQ(s.y.max().item<int64_t>(), k - 1);
    const auto counts = torch::bincount(s.y, {}, k);
    for (int64_t c = 0; c < k; ++c) EXPECT_EQ(counts[c].item<int64_t>(), 1000 / k);
    // Also the last 10% (the validation split).
    const auto tail = torch::bincount(s.y.narrow(0, 900, 100), {}, k);
    for (int64_t c = 0; c < k; ++c) EXPECT_EQ(tail[c].item<int64_t>(), 100 / k);
}

TEST_P(Synthetic, ValueRange) {
    const auto clean = ft::make_synthetic(GetParam(), 2000, 0.0, 11);
    EXPECT_LE(clean.x.abs().max().item<float>(), 1.0f + 1e-6f);
    EXPECT_GT(clean.x.abs().max().item<float>(), 0.4f);  // uses the range, not a point
    const auto noisy = ft::make_synthetic(GetParam(), 2000, 0.1, 11);
    EXPECT_LE(noisy.x.abs().max().item<float>(), 1.0f + 6 * 0.1f);
    // Noise has roughly the requested standard deviation (the same seed gives the same clean positions).
    const double sd = (noisy.x - clean.x).std().item<double>();
    EXPECT_NEAR(sd, 0.1, 0.01);
}

TEST_P(Synthetic, ClassesDiffer) {
    // Class means or spreads differ enough that the classes are not the same cloud.
    const int64_t k = classes_of(GetParam());
    const auto s = ft::make_synthetic(GetParam(), 2000, 0.0, 13);
    std::vector<torch::Tensor> parts;
    for (int64_t c = 0; c < k; ++c) parts.push_back(s.x.index({s.y == c}));
    for (int64_t a = 0; a < k; ++a)
        for (int64_t b = a + 1; b < k; ++b) {
            // The nearest pair of points from two classes is apart (noise-free data does not overlap), except
            // near the centre where the two spirals start.
            const auto d = torch::cdist(parts[static_cast<size_t>(a)], parts[static_cast<size_t>(b)]);
            const auto far_from_centre = parts[static_cast<size_t>(a)].norm(2, 1) > 0.3;
            const float nearest = d.index({far_from_centre}).min().item<float>();
            EXPECT_GT(nearest, 0.05f) << GetParam() << " classes " << a << ", " << b;
        }
}

INSTANTIATE_TEST_SUITE_P(AllSets, Synthetic, ::testing::Values("spirals", "moons", "blobs"));

TEST(SyntheticErrors, UnknownNameAndBadArguments) {
    expect_data_error([] { ft::make_synthetic("circles", 10, 0.1, 1); }, {"circles", "spirals"});
    expect_data_error([] { ft::make_synthetic("moons", -1, 0.1, 1); }, {"moons"});
    expect_data_error([] { ft::make_synthetic("moons", 10, -0.1, 1); }, {"noise"});
    EXPECT_EQ(ft::make_synthetic("blobs", 0, 0.1, 1).size(), 0);
}

TEST(LoadSynthetic, SplitsTestDrawAndMetadata) {
    for (const std::string name : {"spirals", "moons", "blobs"}) {
        ft::DataConfig cfg;
        cfg.name = name;
        cfg.synthetic_samples = 400;
        cfg.synthetic_noise = 0.05;
        cfg.validation_split = 0.1;
        const auto b = ft::load_dataset(cfg, 21);
        EXPECT_EQ(b.name, name);
        EXPECT_EQ(b.classes, classes_of(name));
        EXPECT_EQ(b.input_shape, (std::vector<int64_t>{2}));
        EXPECT_TRUE(b.mean.empty());
        EXPECT_TRUE(b.stdev.empty());
        EXPECT_FALSE(b.augmentation.enabled);
        ASSERT_EQ(b.train.x.sizes(), (std::vector<int64_t>{360, 2}));
        ASSERT_EQ(b.validation.size(), 40);
        ASSERT_EQ(b.test.size(), 400);
        // Train + validation are the draw for the seed, in order; the test set is an independent draw.
        const auto draw = ft::make_synthetic(name, 400, 0.05, 21);
        EXPECT_TRUE(torch::equal(torch::cat({b.train.x, b.validation.x}), draw.x));
        EXPECT_TRUE(torch::equal(torch::cat({b.train.y, b.validation.y}), draw.y));
        EXPECT_FALSE(torch::equal(b.test.x, draw.x));
        // Deterministic for the seed, different for another.
        const auto again = ft::load_dataset(cfg, 21);
        EXPECT_TRUE(torch::equal(again.test.x, b.test.x));
        EXPECT_FALSE(torch::equal(ft::load_dataset(cfg, 22).train.x, b.train.x));

        cfg.validation_split = 0.0;
        cfg.train_limit = 50;
        cfg.test_limit = 30;
        const auto small = ft::load_dataset(cfg, 21);
        EXPECT_EQ(small.train.size(), 50);
        EXPECT_EQ(small.validation.size(), 0);
        EXPECT_EQ(small.test.size(), 30);
    }
}
