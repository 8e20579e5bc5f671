// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of ft/eval/ood.h (spec §6.5) against hand-computed values and a brute-force pair count.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "ft/eval/ood.h"

namespace {
constexpr double kTol = 1e-6;  // float32 probabilities

// AUROC by counting all pairs: 1 for s_in > s_out, 1/2 for a tie.
double brute_auroc(const std::vector<double>& in, const std::vector<double>& out) {
    double sum = 0;
    for (double a : in)
        for (double b : out) sum += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
    return sum / (static_cast<double>(in.size()) * static_cast<double>(out.size()));
}
}  // namespace

TEST(OodScores, MaxSoftmaxProbability) {
    const auto msp = ft::max_softmax_probability({0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f, 0.25f, 0.5f, 0.25f}, 3);
    ASSERT_EQ(msp.size(), 3u);
    EXPECT_NEAR(msp[0], 0.7, kTol);
    EXPECT_NEAR(msp[1], 0.8, kTol);
    EXPECT_NEAR(msp[2], 0.5, kTol);
}

TEST(OodScores, EntropyOfUniformIsLogC) {
    for (int64_t c : {2, 3, 10, 100}) {
        const std::vector<float> p(static_cast<size_t>(2 * c), 1.0f / static_cast<float>(c));
        const auto h = ft::predictive_entropy(p, c);
        ASSERT_EQ(h.size(), 2u);
        EXPECT_NEAR(h[0], std::log(static_cast<double>(c)), 1e-5) << c;
        EXPECT_NEAR(h[1], std::log(static_cast<double>(c)), 1e-5) << c;
    }
}

TEST(OodScores, EntropyOfOneHotIsZeroAndHandValue) {
    // 0 * log 0 = 0: a one-hot row has entropy exactly 0 (not NaN).
    const auto h = ft::predictive_entropy({0.f, 1.f, 0.f, 0.5f, 0.5f, 0.f, 0.25f, 0.25f, 0.5f}, 3);
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0], 0.0);
    EXPECT_NEAR(h[1], std::log(2.0), kTol);
    // -(2 * 0.25 ln 0.25 + 0.5 ln 0.5) = 0.5 ln 4 + 0.5 ln 2 = 1.5 ln 2
    EXPECT_NEAR(h[2], 1.5 * std::log(2.0), kTol);
}

TEST(OodScores, BadShapesThrow) {
    EXPECT_THROW(ft::max_softmax_probability({0.5f, 0.5f, 1.f}, 2), std::invalid_argument);
    EXPECT_THROW(ft::predictive_entropy({0.5f, 0.5f}, 0), std::invalid_argument);
    EXPECT_TRUE(ft::predictive_entropy(std::vector<float>{}, 3).empty());
}

TEST(Auroc, PerfectReversedIdentical) {
    const std::vector<double> hi = {0.9, 0.8, 0.95, 0.7}, lo = {0.1, 0.3, 0.2};
    EXPECT_DOUBLE_EQ(ft::auroc(hi, lo), 1.0);
    EXPECT_DOUBLE_EQ(ft::auroc(lo, hi), 0.0);
    // With higher_is_in = false a LOWER score means in-distribution.
    EXPECT_DOUBLE_EQ(ft::auroc(lo, hi, false), 1.0);
    EXPECT_DOUBLE_EQ(ft::auroc(hi, lo, false), 0.0);
    // Identical samples: every comparison is balanced by its mirror, ties count 1/2.
    const std::vector<double> same = {0.1, 0.4, 0.4, 0.9, 0.3};
    EXPECT_DOUBLE_EQ(ft::auroc(same, same), 0.5);
    EXPECT_DOUBLE_EQ(ft::auroc({0.5, 0.5}, {0.5, 0.5, 0.5}), 0.5);
}

// in = {0.9, 0.5, 0.5}, out = {0.5, 0.1}; the 6 pairs:
//   (0.9, 0.5) 1   (0.9, 0.1) 1   (0.5, 0.5) 1/2   (0.5, 0.1) 1   (0.5, 0.5) 1/2   (0.5, 0.1) 1
// AUROC = 5 / 6.
TEST(Auroc, HandTieCase) {
    EXPECT_DOUBLE_EQ(ft::auroc({0.9, 0.5, 0.5}, {0.5, 0.1}), 5.0 / 6.0);
    EXPECT_DOUBLE_EQ(ft::auroc({0.9, 0.5, 0.5}, {0.5, 0.1}, false), 1.0 / 6.0);
}

TEST(Auroc, MatchesBruteForceWithManyTies) {
    std::mt19937_64 rng(7);
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<double> in(37 + trial), out(23 + 2 * trial);
        for (double& v : in) v = static_cast<double>(rng() % 10);       // heavy ties
        for (double& v : out) v = static_cast<double>(rng() % 10) - 1;  // shifted down a bit
        EXPECT_NEAR(ft::auroc(in, out), brute_auroc(in, out), 1e-12) << trial;
        EXPECT_NEAR(ft::auroc(in, out, false), 1.0 - brute_auroc(in, out), 1e-12) << trial;
    }
}

TEST(Auroc, InvalidInputsThrow) {
    EXPECT_THROW(ft::auroc({}, {0.1}), std::invalid_argument);
    EXPECT_THROW(ft::auroc({0.1}, {}), std::invalid_argument);
    EXPECT_THROW(ft::auroc({std::nan("")}, {0.1}), std::invalid_argument);
}

// in = 1, 2, ..., 20; k = ceil(0.95 * 20) = 19, so the threshold is the 19th largest in-score, 2 (it accepts
// 19 of 20). out = {0, 1.5, 2, 2.5, 3, 25}: accepted are s >= 2, i.e. 2 (a tie: counted), 2.5, 3, 25 -> 4/6.
TEST(FprAtTpr, HandExample) {
    std::vector<double> in;
    for (int i = 1; i <= 20; ++i) in.push_back(i);
    const std::vector<double> out = {0, 1.5, 2, 2.5, 3, 25};
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr(in, out), 4.0 / 6.0);
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr(in, out, 0.95), 4.0 / 6.0);
    // TPR 100%: threshold 1 -> 1.5, 2, 2.5, 3, 25 accepted.
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr(in, out, 1.0), 5.0 / 6.0);
    // TPR 50%: k = 10, threshold = 11 -> only 25 accepted.
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr(in, out, 0.5), 1.0 / 6.0);
    // 0.951 * 20 = 19.02 -> k = 20 (at least 95.1% must be kept): threshold 1.
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr(in, out, 0.951), 5.0 / 6.0);
}

TEST(FprAtTpr, LowerIsInMirrors) {
    std::vector<double> in, out;
    for (int i = 1; i <= 20; ++i) in.push_back(-i);
    for (double v : {0.0, 1.5, 2.0, 2.5, 3.0, 25.0}) out.push_back(-v);
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr(in, out, 0.95, false), 4.0 / 6.0);
}

// Ties at the threshold are resolved conservatively: with in = {1, 1, 1, 1} every threshold that keeps 95% is 1,
// and an OoD score of exactly 1 counts as accepted.
TEST(FprAtTpr, TiesAreConservative) {
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr({1, 1, 1, 1}, {1, 0.5}), 0.5);
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr({1, 1, 1, 1}, {1, 1}), 1.0);
    EXPECT_DOUBLE_EQ(ft::fpr_at_tpr({3, 2, 1}, {0.5, 0.9}), 0.0);  // k = ceil(2.85) = 3, threshold 1
}

TEST(FprAtTpr, InvalidInputsThrow) {
    EXPECT_THROW(ft::fpr_at_tpr({}, {0.1}), std::invalid_argument);
    EXPECT_THROW(ft::fpr_at_tpr({0.1}, {}), std::invalid_argument);
    EXPECT_THROW(ft::fpr_at_tpr({0.1}, {0.2}, 0.0), std::invalid_argument);
    EXPECT_THROW(ft::fpr_at_tpr({0.1}, {0.2}, 1.5), std::invalid_argument);
    EXPECT_THROW(ft::fpr_at_tpr({0.1}, {std::nan("")}), std::invalid_argument);
}

TEST(OodMetrics, SeparatedSets) {
    // In: confident predictions; out: uniform. Both scores separate them perfectly.
    const std::vector<float> in = {0.9f, 0.05f, 0.05f, 0.1f, 0.8f, 0.1f, 0.02f, 0.02f, 0.96f};
    const std::vector<float> out(9, 1.0f / 3.0f);
    const ft::OodResult r = ft::ood_metrics(in, out, 3);
    EXPECT_DOUBLE_EQ(r.auroc_msp, 1.0);
    EXPECT_DOUBLE_EQ(r.fpr95_msp, 0.0);
    EXPECT_DOUBLE_EQ(r.auroc_entropy, 1.0);
    EXPECT_DOUBLE_EQ(r.fpr95_entropy, 0.0);
    // Swapped roles: fully reversed, every OoD sample is accepted.
    const ft::OodResult s = ft::ood_metrics(out, in, 3);
    EXPECT_DOUBLE_EQ(s.auroc_msp, 0.0);
    EXPECT_DOUBLE_EQ(s.fpr95_msp, 1.0);
    EXPECT_DOUBLE_EQ(s.auroc_entropy, 0.0);
    EXPECT_DOUBLE_EQ(s.fpr95_entropy, 1.0);
}

// A mixed case, in = {[0.6, 0.4, 0], [0.5, 0.25, 0.25]}, out = {[0.55, 0.225, 0.225]}.
//   MSP:     in 0.6, 0.5; out 0.55           -> AUROC 1/2
//   entropy: in 0.673, 1.040; out 1.000      -> lower = in: 0.673 < 1.000 wins, 1.040 loses -> AUROC 1/2
// FPR@95 (k = ceil(1.9) = 2, the threshold is the less confident in-sample): MSP 0.5 accepts 0.55 -> 1;
// entropy 1.040 accepts 1.000 -> 1.
TEST(OodMetrics, HandMixedCase) {
    const ft::OodResult r = ft::ood_metrics({0.6f, 0.4f, 0.f, 0.5f, 0.25f, 0.25f}, {0.55f, 0.225f, 0.225f}, 3);
    EXPECT_DOUBLE_EQ(r.auroc_msp, 0.5);
    EXPECT_DOUBLE_EQ(r.auroc_entropy, 0.5);
    EXPECT_DOUBLE_EQ(r.fpr95_msp, 1.0);
    EXPECT_DOUBLE_EQ(r.fpr95_entropy, 1.0);
}

TEST(OodMetrics, InvalidInputsThrow) {
    EXPECT_THROW(ft::ood_metrics({}, {0.5f, 0.5f}, 2), std::invalid_argument);
    EXPECT_THROW(ft::ood_metrics({0.5f, 0.5f}, {}, 2), std::invalid_argument);
    EXPECT_THROW(ft::ood_metrics({0.5f, 0.5f}, {0.5f, 0.5f, 0.1f}, 2), std::invalid_argument);
    EXPECT_THROW(ft::ood_metrics({0.5f, 0.5f}, {0.5f, 0.5f}, 0), std::invalid_argument);
}
