// SPDX-License-Identifier: GPL-3.0-or-later
// Corruptions (spec §6.3) and OoD noise sets (spec §6.5): determinism, range, shape, monotone severity, hand
// values, and the exactness of the de-/re-normalisation pipeline.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/types.h>

#include "data/corruptions.h"

namespace {

const std::vector<float> kMean = {0.4914f, 0.4822f, 0.4465f}, kStd = {0.2023f, 0.1994f, 0.2010f};

// A deterministic "natural-looking" batch: smooth shading, an edge and a fine texture, values in about [0.1, 0.9].
torch::Tensor test_images(int64_t n, int64_t c, int64_t h, int64_t w) {
    torch::Tensor x = torch::empty({n, c, h, w}, torch::kFloat32);
    float* p = x.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i)
        for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t y = 0; y < h; ++y)
                for (int64_t xx = 0; xx < w; ++xx) {
                    const double smooth = 0.5 + 0.2 * std::sin(0.3 * static_cast<double>(xx + 2 * i) + 0.5 * ch) *
                                                    std::cos(0.2 * static_cast<double>(y));
                    const double edge = (xx + y > h + i) ? 0.1 : -0.1;
                    const uint64_t hsh =
                        (static_cast<uint64_t>(i * 7919 + ch * 104729 + y * 131 + xx) * 0x9E3779B97F4A7C15ull) >> 40;
                    const double texture = 0.08 * (static_cast<double>(hsh % 1000) / 1000.0 - 0.5);
                    *p++ = static_cast<float>(std::clamp(smooth + edge + texture, 0.0, 1.0));
                }
    return x;
}

double mad(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().mean().item<double>(); }

bool is_random(const std::string& name) {
    return name == "gaussian_noise" || name == "shot_noise" || name == "impulse_noise" || name == "speckle_noise" ||
           name == "rotation";
}

struct Shape {
    int64_t n, c, h, w;
};
const std::vector<Shape> kShapes = {{4, 3, 32, 32}, {4, 1, 28, 28}};

std::string shape_name(const Shape& s) {
    return std::to_string(s.n) + "x" + std::to_string(s.c) + "x" + std::to_string(s.h) + "x" + std::to_string(s.w);
}

}  // namespace

TEST(Corruptions, Names) {
    const auto names = ft::corruption_names();
    EXPECT_GE(names.size(), 8u);
    const std::set<std::string> set(names.begin(), names.end());
    EXPECT_EQ(set.size(), names.size()) << "duplicate names";
    for (const char* want : {"gaussian_noise", "shot_noise", "impulse_noise", "gaussian_blur", "contrast", "brightness",
                             "pixelate", "rotation"})
        EXPECT_TRUE(set.count(want)) << want;
}

TEST(Corruptions, DeterministicShapeAndRange) {
    for (const Shape& s : kShapes) {
        const torch::Tensor x = test_images(s.n, s.c, s.h, s.w);
        const torch::Tensor before = x.clone();
        for (const auto& name : ft::corruption_names())
            for (int sev = 1; sev <= 5; ++sev) {
                SCOPED_TRACE(name + " severity " + std::to_string(sev) + " " + shape_name(s));
                const torch::Tensor a = ft::corrupt(x, name, sev, 123);
                const torch::Tensor b = ft::corrupt(x, name, sev, 123);
                ASSERT_EQ(a.sizes(), x.sizes());
                EXPECT_EQ(a.scalar_type(), torch::kFloat32);
                EXPECT_TRUE(torch::equal(a, b)) << "same seed must give the same tensor";
                EXPECT_GE(a.min().item<float>(), 0.0f);
                EXPECT_LE(a.max().item<float>(), 1.0f);
                EXPECT_FALSE(torch::equal(a, x)) << "the corruption changed nothing";
                const torch::Tensor c = ft::corrupt(x, name, sev, 124);
                if (is_random(name))
                    EXPECT_FALSE(torch::equal(a, c)) << "a different seed must give a different draw";
                else
                    EXPECT_TRUE(torch::equal(a, c)) << "a deterministic corruption must not depend on the seed";
            }
        EXPECT_TRUE(torch::equal(x, before)) << "the input was modified";
    }
}

TEST(Corruptions, MonotoneInSeverity) {
    for (const Shape& s : kShapes) {
        const torch::Tensor x = test_images(s.n, s.c, s.h, s.w);
        for (const auto& name : ft::corruption_names()) {
            double prev = 0;
            for (int sev = 1; sev <= 5; ++sev) {
                const double d = mad(ft::corrupt(x, name, sev, 2024), x);
                EXPECT_GT(d, prev) << name << " " << shape_name(s) << ": severity " << sev
                                   << " is not stronger than severity " << sev - 1 << " (" << d << " <= " << prev
                                   << ")";
                prev = d;
            }
        }
    }
}

TEST(Corruptions, InvalidArgumentsThrow) {
    const torch::Tensor x = test_images(1, 3, 8, 8);
    for (int sev : {0, 6, -1}) {
        try {
            ft::corrupt(x, "contrast", sev, 0);
            ADD_FAILURE() << "severity " << sev << " accepted";
        } catch (const std::invalid_argument& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find(std::to_string(sev)), std::string::npos) << msg;
            EXPECT_NE(msg.find("1, 2, 3, 4, 5"), std::string::npos) << msg;
        }
    }
    try {
        ft::corrupt(x, "fog_of_war", 1, 0);
        ADD_FAILURE() << "unknown type accepted";
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("fog_of_war"), std::string::npos) << msg;
        for (const auto& name : ft::corruption_names()) EXPECT_NE(msg.find(name), std::string::npos) << msg;
    }
    EXPECT_THROW(ft::corrupt(x[0], "contrast", 1, 0), std::invalid_argument);                 // not 4-D
    EXPECT_THROW(ft::corrupt(x.to(torch::kUInt8), "contrast", 1, 0), std::invalid_argument);  // not floating
    // An empty batch is fine.
    EXPECT_EQ(ft::corrupt(torch::zeros({0, 3, 8, 8}), "rotation", 3, 0).size(0), 0);
}

// Hand values for the deterministic corruptions.
TEST(Corruptions, ContrastHandValue) {
    // One channel, pixels 0.2 and 0.6: mean 0.4, severity 1 factor 0.75 -> 0.25 and 0.55.
    const torch::Tensor x = torch::tensor({0.2f, 0.6f}).view({1, 1, 1, 2});
    const torch::Tensor y = ft::corrupt(x, "contrast", 1, 0);
    EXPECT_NEAR(y[0][0][0][0].item<float>(), 0.25f, 1e-6);
    EXPECT_NEAR(y[0][0][0][1].item<float>(), 0.55f, 1e-6);
    // Severity 5 (0.15): 0.4 -/+ 0.03.
    const torch::Tensor z = ft::corrupt(x, "contrast", 5, 0);
    EXPECT_NEAR(z[0][0][0][0].item<float>(), 0.37f, 1e-6);
    EXPECT_NEAR(z[0][0][0][1].item<float>(), 0.43f, 1e-6);
}

TEST(Corruptions, BrightnessIsAnHsvValueShift) {
    // RGB pixel (0.4, 0.2, 0.1): V = 0.4 -> 0.45 at severity 1 (+0.05); hue and saturation kept, so every channel
    // scales by 0.45 / 0.4. A black pixel becomes grey V' = 0.05. A pixel with V = 0.9 saturates at severity 3
    // (+0.15): V' = 1.
    const torch::Tensor x = torch::tensor({0.4f, 0.0f, 0.9f, 0.2f, 0.0f, 0.45f, 0.1f, 0.0f, 0.3f}).view({1, 3, 1, 3});
    const torch::Tensor y = ft::corrupt(x, "brightness", 1, 0);
    EXPECT_NEAR(y[0][0][0][0].item<float>(), 0.45f, 1e-6);
    EXPECT_NEAR(y[0][1][0][0].item<float>(), 0.225f, 1e-6);
    EXPECT_NEAR(y[0][2][0][0].item<float>(), 0.1125f, 1e-6);
    for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(y[0][ch][0][1].item<float>(), 0.05f, 1e-6);
    const torch::Tensor z = ft::corrupt(x, "brightness", 3, 0);
    EXPECT_NEAR(z[0][0][0][2].item<float>(), 1.0f, 1e-6);
    EXPECT_NEAR(z[0][1][0][2].item<float>(), 0.5f, 1e-6);
    EXPECT_NEAR(z[0][2][0][2].item<float>(), 1.0f / 3.0f, 1e-6);
    // Grey-level images: min(p + b, 1).
    const torch::Tensor g = ft::corrupt(torch::tensor({0.3f, 0.95f}).view({1, 1, 1, 2}), "brightness", 5, 0);
    EXPECT_NEAR(g[0][0][0][0].item<float>(), 0.6f, 1e-6);
    EXPECT_NEAR(g[0][0][0][1].item<float>(), 1.0f, 1e-6);
}

TEST(Corruptions, LinearFiltersKeepConstantImages) {
    // Blurs and pixelate average pixels with weights summing to 1: a constant image stays constant.
    const torch::Tensor x = torch::full({2, 3, 32, 32}, 0.37f);
    for (const char* name : {"gaussian_blur", "defocus_blur", "pixelate"})
        for (int sev = 1; sev <= 5; ++sev)
            EXPECT_LT((ft::corrupt(x, name, sev, 0) - x).abs().max().item<float>(), 1e-6) << name << " " << sev;
}

TEST(Corruptions, PixelateBlocks) {
    // 4x4 -> int(4 * 0.65) = 2 (severity 5): each 2x2 block becomes its mean, then is repeated back.
    const torch::Tensor x = torch::arange(16, torch::kFloat32).div(16).view({1, 1, 4, 4});
    const torch::Tensor y = ft::corrupt(x, "pixelate", 5, 0);
    // Top-left block: (0 + 1 + 4 + 5) / 4 / 16 = 2.5 / 16.
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) EXPECT_NEAR(y[0][0][r][c].item<float>(), 2.5f / 16, 1e-6);
    // Bottom-right block: (10 + 11 + 14 + 15) / 4 / 16 = 12.5 / 16.
    EXPECT_NEAR(y[0][0][3][3].item<float>(), 12.5f / 16, 1e-6);
}

TEST(Corruptions, NoiseStatistics) {
    // On a mid-grey image nothing is clipped at low severity: gaussian_noise adds N(0, 0.04^2) at severity 1.
    const torch::Tensor x = torch::full({8, 3, 32, 32}, 0.5f);
    const torch::Tensor d = ft::corrupt(x, "gaussian_noise", 1, 5) - x;
    EXPECT_NEAR(d.mean().item<double>(), 0.0, 0.003);
    EXPECT_NEAR(d.std().item<double>(), 0.04, 0.002);
    // impulse_noise at severity 5 replaces about 7% of the values by 0 or 1.
    const torch::Tensor y = ft::corrupt(x, "impulse_noise", 5, 5);
    const double changed = (y != x).to(torch::kFloat64).mean().item<double>();
    EXPECT_NEAR(changed, 0.07, 0.01);
    const torch::Tensor vals = y.masked_select(y != x);
    EXPECT_TRUE(((vals == 0) | (vals == 1)).all().item<bool>());
    // shot_noise at severity 1 (500): the variance of Poisson(0.5 * 500) / 500 is 0.5 / 500.
    const torch::Tensor s = ft::corrupt(x, "shot_noise", 1, 5) - x;
    EXPECT_NEAR(s.std().item<double>(), std::sqrt(0.5 / 500), 0.002);
}

TEST(Corruptions, RotationKeepsTheCentreAndBlackensCorners) {
    // A constant image rotated by 30 degrees: the corners come from outside the image (black), the centre stays.
    const torch::Tensor x = torch::full({3, 1, 28, 28}, 0.8f);
    const torch::Tensor y = ft::corrupt(x, "rotation", 5, 1);
    for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(y[i][0][13][13].item<float>(), 0.8f, 1e-5);
        EXPECT_NEAR(y[i][0][14][14].item<float>(), 0.8f, 1e-5);
        EXPECT_NEAR(y[i][0][0][0].item<float>(), 0.0f, 1e-6);
        EXPECT_NEAR(y[i][0][27][27].item<float>(), 0.0f, 1e-6);
    }
}

TEST(Corruptions, NormalisationRoundTripIsExactToFloatPrecision) {
    // Pixels as load_dataset makes them (k / 255), normalised with the same float32 operations.
    const torch::Tensor pixels =
        torch::arange(3 * 16 * 16, torch::kFloat32).remainder(256).div(255.0).view({1, 3, 16, 16});
    const torch::Tensor mean = torch::tensor(kMean).view({1, 3, 1, 1}), stdev = torch::tensor(kStd).view({1, 3, 1, 1});
    const torch::Tensor x = (pixels - mean) / stdev;
    EXPECT_TRUE(torch::equal(ft::normalised_from_pixels(pixels, kMean, kStd), x)) << "not the training normalisation";
    const torch::Tensor back = ft::pixels_from_normalised(x, kMean, kStd);
    EXPECT_LT((back - pixels).abs().max().item<float>(), 2e-7f);
    EXPECT_LT((ft::normalised_from_pixels(back, kMean, kStd) - x).abs().max().item<float>(), 1e-6f);
}

TEST(Corruptions, CorruptedSplitIsCorruptInPixelSpace) {
    const torch::Tensor pixels = test_images(5, 3, 32, 32);
    ft::Split clean{ft::normalised_from_pixels(pixels, kMean, kStd), torch::arange(5, torch::kInt64)};
    for (const auto& name : ft::corruption_names()) {
        const ft::Split c = ft::corrupted_split(clean, kMean, kStd, name, 3, 77);
        ASSERT_EQ(c.x.sizes(), clean.x.sizes()) << name;
        EXPECT_TRUE(torch::equal(c.y, clean.y)) << name;
        // Exactly the pipeline: de-normalise, clamp, corrupt, re-normalise.
        const torch::Tensor expected = ft::normalised_from_pixels(
            ft::corrupt(ft::pixels_from_normalised(clean.x, kMean, kStd).clamp(0, 1), name, 3, 77), kMean, kStd);
        EXPECT_TRUE(torch::equal(c.x, expected)) << name;
        // And, up to the float round-off of the round trip, the corruption of the original pixels. (Not for
        // shot_noise: a Poisson draw may change when its rate moves by one ulp.)
        if (name != "shot_noise") {
            const torch::Tensor direct = ft::normalised_from_pixels(ft::corrupt(pixels, name, 3, 77), kMean, kStd);
            EXPECT_LT((c.x - direct).abs().max().item<float>(), 1e-4f) << name;
        }
        // In pixel space the result lies in [0, 1].
        const torch::Tensor px = ft::pixels_from_normalised(c.x, kMean, kStd);
        EXPECT_GE(px.min().item<float>(), -1e-6f) << name;
        EXPECT_LE(px.max().item<float>(), 1.0f + 1e-6f) << name;
    }
    EXPECT_THROW(ft::corrupted_split(clean, {0.5f}, {0.25f}, "contrast", 1, 0), std::invalid_argument);
    EXPECT_THROW(ft::corrupted_split(clean, kMean, {0.2f, 0.2f, 0.0f}, "contrast", 1, 0), std::invalid_argument);
}

TEST(OodNoiseSets, GaussianFollowsTheReference) {
    const ft::Split s = ft::gaussian_noise_set(500, {3, 32, 32}, kMean, kStd, 9);
    ASSERT_EQ(s.x.sizes(), (std::vector<int64_t>{500, 3, 32, 32}));
    ASSERT_EQ(s.size(), 500);
    EXPECT_EQ(s.y.scalar_type(), torch::kInt64);
    EXPECT_EQ(s.y.abs().sum().item<int64_t>(), 0);
    const torch::Tensor px = ft::pixels_from_normalised(s.x, kMean, kStd);
    EXPECT_GE(px.min().item<float>(), -1e-6f);
    EXPECT_LE(px.max().item<float>(), 1.0f + 1e-6f);
    // 0.5 + 0.25 * clip(Z, -2, 2): mean 0.5; std 0.25 * sqrt(E[clip(Z,-2,2)^2]) = 0.25 * sqrt(0.92054) = 0.23986.
    EXPECT_NEAR(px.mean().item<double>(), 0.5, 0.002);
    EXPECT_NEAR(px.std().item<double>(), 0.23986, 0.002);
    // The clipped tails: P(|Z| > 2) = 4.55% of the values sit exactly at 0 or 1.
    const double at_bounds = ((px < 1e-6) | (px > 1 - 1e-6)).to(torch::kFloat64).mean().item<double>();
    EXPECT_NEAR(at_bounds, 0.0455, 0.003);
    EXPECT_TRUE(torch::equal(s.x, ft::gaussian_noise_set(500, {3, 32, 32}, kMean, kStd, 9).x));
    EXPECT_FALSE(torch::equal(s.x, ft::gaussian_noise_set(500, {3, 32, 32}, kMean, kStd, 10).x));
}

TEST(OodNoiseSets, UniformAndFeatureShapes) {
    const ft::Split s = ft::uniform_noise_set(400, {1, 28, 28}, {0.1307f}, {0.3081f}, 3);
    ASSERT_EQ(s.x.sizes(), (std::vector<int64_t>{400, 1, 28, 28}));
    const torch::Tensor px = ft::pixels_from_normalised(s.x, {0.1307f}, {0.3081f});
    EXPECT_GE(px.min().item<float>(), -1e-6f);
    EXPECT_LT(px.max().item<float>(), 1.0f + 1e-6f);
    EXPECT_NEAR(px.mean().item<double>(), 0.5, 0.005);
    EXPECT_NEAR(px.var().item<double>(), 1.0 / 12.0, 0.002);
    EXPECT_TRUE(torch::equal(s.x, ft::uniform_noise_set(400, {1, 28, 28}, {0.1307f}, {0.3081f}, 3).x));
    // Feature data (no normalisation): the raw draws.
    const ft::Split f = ft::uniform_noise_set(10, {2}, {}, {}, 3);
    ASSERT_EQ(f.x.sizes(), (std::vector<int64_t>{10, 2}));
    EXPECT_GE(f.x.min().item<float>(), 0.0f);
    EXPECT_EQ(ft::gaussian_noise_set(0, {3, 32, 32}, kMean, kStd, 1).size(), 0);
    EXPECT_THROW(ft::gaussian_noise_set(4, {1, 28, 28}, kMean, kStd, 1), std::invalid_argument);  // 1 vs 3 channels
    EXPECT_THROW(ft::uniform_noise_set(-1, {3, 32, 32}, kMean, kStd, 1), std::invalid_argument);
    EXPECT_THROW(ft::uniform_noise_set(4, {2}, kMean, kStd, 1), std::invalid_argument);
}
