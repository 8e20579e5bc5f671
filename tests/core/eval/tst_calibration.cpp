// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of ft/eval/calibration.h against hand-computed values (spec §6.1, §6.2).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "ft/eval/calibration.h"

namespace {

constexpr double kTol = 1e-6;  // inputs are float32, so hand values hold to ~1e-7

ft::BinningOptions reference_bins(int64_t bins = 15) {
    ft::BinningOptions o;
    o.bins = bins;
    o.true_bins = false;
    return o;
}

ft::BinningOptions true_bins(int64_t bins) {
    ft::BinningOptions o;
    o.bins = bins;
    o.true_bins = true;
    return o;
}

// Index of the reported reliability bin that holds the single sample of a 1-sample evaluation (-1 if none).
int bin_of_single(const ft::ClassificationMetrics& m) {
    int found = -1;
    for (size_t j = 0; j < m.reliability.size(); ++j) {
        if (m.reliability[j].count == 1) {
            EXPECT_EQ(found, -1) << "more than one non-empty bin";
            found = static_cast<int>(j);
        } else {
            EXPECT_EQ(m.reliability[j].count, 0);
        }
    }
    return found;
}

}  // namespace

TEST(BinEdges, ReferenceIsNumpyLinspace) {
    // linspace(0, 1, 15): 15 edges, step 1/14, last edge exactly 1.
    const std::vector<double> e = ft::ece_bin_edges(reference_bins());
    ASSERT_EQ(e.size(), 15u);
    EXPECT_EQ(e.front(), 0.0);
    EXPECT_EQ(e.back(), 1.0);
    const double step = 1.0 / 14.0;
    for (int j = 0; j < 14; ++j) EXPECT_EQ(e[j], j * step) << j;  // numpy: start + j * step, bit for bit
    // j * (1/14) is not j / 14 in float64 at j = 5: numpy's edge is the former (0.3571428571428571 vs ...715).
    EXPECT_NE(5 * step, 5.0 / 14.0);
    EXPECT_EQ(e[5], 5 * step);
    EXPECT_EQ(e[7], 0.5);  // 7 * (1/14) rounds to exactly 0.5
}

TEST(BinEdges, TrueBinsAndDegenerateCases) {
    const std::vector<double> e2 = ft::ece_bin_edges(true_bins(2));
    ASSERT_EQ(e2.size(), 3u);  // linspace(0, 1, 3) = {0, 0.5, 1}
    EXPECT_EQ(e2[0], 0.0);
    EXPECT_EQ(e2[1], 0.5);
    EXPECT_EQ(e2[2], 1.0);
    EXPECT_EQ(ft::ece_bin_edges(true_bins(15)).size(), 16u);
    EXPECT_EQ(ft::ece_bin_edges(true_bins(1)), (std::vector<double>{0.0, 1.0}));
    // Reference with bins = 1 (numpy would give {0}, no usable bin): documented as one interval (0, 1].
    EXPECT_EQ(ft::ece_bin_edges(reference_bins(1)), (std::vector<double>{0.0, 1.0}));
    EXPECT_EQ(ft::ece_bin_edges(reference_bins(2)), (std::vector<double>{0.0, 1.0}));
    EXPECT_THROW(ft::ece_bin_edges(reference_bins(0)), std::invalid_argument);
    EXPECT_THROW(ft::ece_bin_edges(true_bins(-3)), std::invalid_argument);
}

// Four samples, two classes, reference binning (edges j/14):
//   s0 [0.9, 0.1]  y=0: pred 0, correct, conf 0.9  -> 0.9*14 = 12.6  -> (12/14, 13/14] = reported bin 12
//   s1 [0.2, 0.8]  y=0: pred 1, wrong,   conf 0.8  -> 0.8*14 = 11.2  -> (11/14, 12/14] = reported bin 11
//   s2 [0.5, 0.5]  y=1: tie -> pred 0, wrong, conf 0.5 = edge 7 exactly -> lower interval (6/14, 7/14] = bin 6
//   s3 [0.15,0.85] y=1: pred 1, correct, conf 0.85 -> 0.85*14 = 11.9 -> bin 11
// ECE = (|0-0.8 + 1-0.85| + |1-0.9| + |0-0.5|) / 4 = (0.65 + 0.1 + 0.5) / 4 = 0.3125
// MCE: bin 11 |0.5 - 0.825| = 0.325, bin 12 |1 - 0.9| = 0.1, bin 6 |0 - 0.5| = 0.5 -> 0.5
// accuracy = 2/4; NLL = -(ln .9 + ln .2 + ln .5 + ln .85)/4 = -(-0.1053605 - 1.6094379 - 0.6931472 - 0.1625189)/4
//                                                           = 0.6426161
// Brier = ((.1^2+.1^2) + (.8^2+.8^2) + (.5^2+.5^2) + (.15^2+.15^2)) / 4 = (0.02 + 1.28 + 0.5 + 0.045)/4 = 0.46125
TEST(ClassificationMetrics, FourSamplesReferenceBinning) {
    const std::vector<float> probs = {0.9f, 0.1f, 0.2f, 0.8f, 0.5f, 0.5f, 0.15f, 0.85f};
    const std::vector<int64_t> labels = {0, 0, 1, 1};
    const ft::ClassificationMetrics m = ft::classification_metrics(probs, labels, 2, reference_bins());
    EXPECT_EQ(m.n, 4);
    EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
    EXPECT_NEAR(m.nll, 0.6426161345, kTol);
    EXPECT_NEAR(m.brier, 0.46125, kTol);
    EXPECT_NEAR(m.ece, 0.3125, kTol);
    EXPECT_NEAR(m.mce, 0.5, kTol);

    ASSERT_EQ(m.reliability.size(), 14u);  // 15 edges -> 14 real intervals
    for (int j = 0; j < 14; ++j) {
        EXPECT_DOUBLE_EQ(m.reliability[j].lo, j * (1.0 / 14.0)) << j;
        EXPECT_DOUBLE_EQ(m.reliability[j].hi, j == 13 ? 1.0 : (j + 1) * (1.0 / 14.0)) << j;
        if (j == 6 || j == 11 || j == 12) continue;
        // empty bins report zeros
        EXPECT_EQ(m.reliability[j].count, 0) << j;
        EXPECT_EQ(m.reliability[j].confidence, 0.0) << j;
        EXPECT_EQ(m.reliability[j].accuracy, 0.0) << j;
    }
    EXPECT_EQ(m.reliability[6].count, 1);
    EXPECT_NEAR(m.reliability[6].confidence, 0.5, kTol);
    EXPECT_DOUBLE_EQ(m.reliability[6].accuracy, 0.0);
    EXPECT_EQ(m.reliability[11].count, 2);
    EXPECT_NEAR(m.reliability[11].confidence, 0.825, kTol);  // (0.8 + 0.85) / 2
    EXPECT_DOUBLE_EQ(m.reliability[11].accuracy, 0.5);
    EXPECT_EQ(m.reliability[12].count, 1);
    EXPECT_NEAR(m.reliability[12].confidence, 0.9, kTol);
    EXPECT_DOUBLE_EQ(m.reliability[12].accuracy, 1.0);
}

// True bins = 2: edges {0, 0.5, 1}.
//   [0.5, 0.5] y=0: tie -> pred 0, correct, conf 0.5 on the edge -> lower bin (0, 0.5]
//   [0.3, 0.7] y=0: pred 1, wrong, conf 0.7 -> (0.5, 1]
// ECE = (|1 - 0.5| + |0 - 0.7|) / 2 = 0.6; MCE = max(0.5, 0.7) = 0.7.
TEST(ClassificationMetrics, TrueBinsEdgeGoesToLowerBin) {
    const std::vector<float> probs = {0.5f, 0.5f, 0.3f, 0.7f};
    const std::vector<int64_t> labels = {0, 0};
    const ft::ClassificationMetrics m = ft::classification_metrics(probs, labels, 2, true_bins(2));
    ASSERT_EQ(m.reliability.size(), 2u);
    EXPECT_EQ(m.reliability[0].lo, 0.0);
    EXPECT_EQ(m.reliability[0].hi, 0.5);
    EXPECT_EQ(m.reliability[0].count, 1);
    EXPECT_DOUBLE_EQ(m.reliability[0].confidence, 0.5);
    EXPECT_DOUBLE_EQ(m.reliability[0].accuracy, 1.0);
    EXPECT_EQ(m.reliability[1].count, 1);
    EXPECT_NEAR(m.reliability[1].confidence, 0.7, kTol);
    EXPECT_DOUBLE_EQ(m.reliability[1].accuracy, 0.0);
    EXPECT_NEAR(m.ece, 0.6, kTol);
    EXPECT_NEAR(m.mce, 0.7, kTol);
    EXPECT_DOUBLE_EQ(m.accuracy, 0.5);
}

// Float32 confidences vs the float64 edges (numpy promotes float32 to float64 in digitize):
//   float(9/14)  = 0.642857134... <  e9  = 0.642857142... -> (8/14, 9/14]   = reported bin 8
//   float(10/14) = 0.714285731... >  e10 = 0.714285714... -> (10/14, 11/14] = reported bin 10
//     (comparing against float32 edges would put it ON the edge and so in bin 9: we must not do that)
//   0.5f         = e7 exactly                              -> (6/14, 7/14]   = reported bin 6
//   float(1/14)  = 0.071428574... >  e1 = 0.071428571...   -> (1/14, 2/14]   = reported bin 1
TEST(ClassificationMetrics, Float32ConfidencesAgainstFloat64Edges) {
    const auto single = [](std::vector<float> p) {
        const std::vector<int64_t> y = {0};
        return bin_of_single(ft::classification_metrics(p, y, static_cast<int64_t>(p.size()), reference_bins()));
    };
    EXPECT_EQ(single({9.0f / 14.0f, 5.0f / 14.0f}), 8);
    EXPECT_EQ(single({10.0f / 14.0f, 4.0f / 14.0f}), 10);
    EXPECT_EQ(single({0.5f, 0.5f}), 6);
    EXPECT_EQ(single(std::vector<float>(14, 1.0f / 14.0f)), 1);  // 14 tied classes, conf = float(1/14)
    EXPECT_EQ(single({1.0f, 0.0f}), 13);                         // conf 1 = last edge -> last bin
    static_assert(static_cast<double>(1.0f / 14.0f) > 1.0 / 14.0, "float(1/14) rounds up");
}

// Conf == 0 (impossible for real probabilities, but handled), reference bins = 15:
//   [0, 0]       y=0: tie -> pred 0, correct, conf 0    -> degenerate digitize bin 0
//   [0.03, 0.01] y=1: pred 0, wrong,   conf 0.03 -> (0, 1/14] = digitize bin 1
// Reference ECE keeps bin 0 separate: (|1 - 0| + |0 - 0.03|) / 2 = 0.515; MCE = max(1, 0.03) = 1.
// true_bins = 14 has the same edges but merges conf 0 into (0, 1/14]: |1 - 0.03| / 2 = 0.485; MCE |0.5 - 0.015|.
// Both report the two samples in the first reliability bin: count 2, conf 0.015, accuracy 0.5.
TEST(ClassificationMetrics, ZeroConfidenceGoesToFirstBin) {
    const std::vector<float> probs = {0.0f, 0.0f, 0.03f, 0.01f};
    const std::vector<int64_t> labels = {0, 1};
    const ft::ClassificationMetrics ref = ft::classification_metrics(probs, labels, 2, reference_bins(15));
    const ft::ClassificationMetrics tb = ft::classification_metrics(probs, labels, 2, true_bins(14));
    EXPECT_NEAR(ref.ece, 0.515, kTol);
    EXPECT_NEAR(ref.mce, 1.0, kTol);
    EXPECT_NEAR(tb.ece, 0.485, kTol);
    EXPECT_NEAR(tb.mce, 0.485, kTol);
    for (const auto* m : {&ref, &tb}) {
        ASSERT_EQ(m->reliability.size(), 14u);
        EXPECT_EQ(m->reliability[0].count, 2);
        EXPECT_NEAR(m->reliability[0].confidence, 0.015, kTol);
        EXPECT_DOUBLE_EQ(m->reliability[0].accuracy, 0.5);
        for (size_t j = 1; j < 14; ++j) EXPECT_EQ(m->reliability[j].count, 0);
    }
    // NLL: p(y) = 0 for the first sample -> +inf (no clamp).
    EXPECT_TRUE(std::isinf(ref.nll) && ref.nll > 0);
}

TEST(ClassificationMetrics, ArgmaxTiesGoToLowestIndex) {
    // [0.4, 0.4, 0.2]: tie between 0 and 1 -> pred 0. [0.1, 0.45, 0.45]: tie between 1 and 2 -> pred 1.
    const std::vector<float> probs = {0.4f, 0.4f, 0.2f, 0.1f, 0.45f, 0.45f};
    EXPECT_DOUBLE_EQ(ft::classification_metrics(probs, {0, 1}, 3, reference_bins()).accuracy, 1.0);
    EXPECT_DOUBLE_EQ(ft::classification_metrics(probs, {1, 2}, 3, reference_bins()).accuracy, 0.0);
}

TEST(ClassificationMetrics, BrierAndNllOfSimplePredictions) {
    // One-hot correct: Brier 0, NLL -ln 1 = 0, accuracy 1, ECE |1 - 1| = 0.
    const ft::ClassificationMetrics onehot =
        ft::classification_metrics(std::vector<float>{0, 1, 0, 1, 0, 0}, {1, 0}, 3, reference_bins());
    EXPECT_EQ(onehot.brier, 0.0);
    EXPECT_EQ(onehot.nll, 0.0);
    EXPECT_EQ(onehot.accuracy, 1.0);
    EXPECT_EQ(onehot.ece, 0.0);
    EXPECT_EQ(onehot.mce, 0.0);
    EXPECT_EQ(onehot.reliability.back().count, 2);
    // Uniform over C = 4: Brier = 3 * (1/4)^2 + (3/4)^2 = 12/16 = (C-1)/C = 0.75 for every label; NLL = ln 4.
    const std::vector<float> uniform(3 * 4, 0.25f);
    const ft::ClassificationMetrics u = ft::classification_metrics(uniform, {0, 2, 3}, 4, reference_bins());
    EXPECT_DOUBLE_EQ(u.brier, 0.75);
    EXPECT_NEAR(u.nll, std::log(4.0), 1e-12);
    // Ties -> pred 0: only the first sample is correct; all confs 0.25 in (3/14, 4/14] = bin 3.
    // ECE = |1 - 3 * 0.25| / 3 = 0.25 / 3.
    EXPECT_DOUBLE_EQ(u.accuracy, 1.0 / 3.0);
    EXPECT_NEAR(u.ece, 0.25 / 3.0, 1e-12);
    EXPECT_EQ(u.reliability[3].count, 3);
}

TEST(ClassificationMetrics, SingleClass) {
    // classes = 1: every prediction is class 0 and correct; conf = p = 1 -> last bin.
    const ft::ClassificationMetrics m = ft::classification_metrics(std::vector<float>{1, 1}, {0, 0}, 1, true_bins(4));
    EXPECT_EQ(m.accuracy, 1.0);
    EXPECT_EQ(m.ece, 0.0);
    EXPECT_EQ(m.brier, 0.0);
    ASSERT_EQ(m.reliability.size(), 4u);
    EXPECT_EQ(m.reliability[3].count, 2);
}

TEST(ClassificationMetrics, EmptyInputGivesZerosAndEmptyBins) {
    const ft::ClassificationMetrics m = ft::classification_metrics(nullptr, nullptr, 0, 10, reference_bins());
    EXPECT_EQ(m.n, 0);
    EXPECT_EQ(m.accuracy, 0.0);
    EXPECT_EQ(m.nll, 0.0);
    EXPECT_EQ(m.brier, 0.0);
    EXPECT_EQ(m.ece, 0.0);
    EXPECT_EQ(m.mce, 0.0);
    ASSERT_EQ(m.reliability.size(), 14u);
    for (const auto& b : m.reliability) {
        EXPECT_EQ(b.count, 0);
        EXPECT_EQ(b.confidence, 0.0);
        EXPECT_EQ(b.accuracy, 0.0);
    }
    const ft::ClassificationMetrics v = ft::classification_metrics(std::vector<float>{}, {}, 3, true_bins(5));
    EXPECT_EQ(v.reliability.size(), 5u);
}

TEST(ClassificationMetrics, ReferenceBinsOneIsASingleInterval) {
    // Documented deviation: bins = 1 with reference binning = one interval (0, 1].
    // [0.75, 0.25] y=0 correct, [0.6, 0.4] y=1 wrong: ECE = |1 + 0 - 0.75 - 0.6| / 2 = 0.35 / 2 = 0.175.
    const ft::ClassificationMetrics m =
        ft::classification_metrics(std::vector<float>{0.75f, 0.25f, 0.6f, 0.4f}, {0, 1}, 2, reference_bins(1));
    ASSERT_EQ(m.reliability.size(), 1u);
    EXPECT_EQ(m.reliability[0].count, 2);
    EXPECT_NEAR(m.ece, 0.175, kTol);
    EXPECT_NEAR(m.mce, 0.175, kTol);  // |0.5 - 0.675|
}

TEST(ClassificationMetrics, InvalidInputsThrow) {
    const std::vector<float> probs = {0.5f, 0.5f, 0.5f, 0.5f};
    try {
        ft::classification_metrics(probs, {0, 2}, 2, reference_bins());
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("index 1"), std::string::npos) << what;
        EXPECT_NE(what.find("2"), std::string::npos) << what;
    }
    try {
        ft::classification_metrics(probs, {-1, 0}, 2, reference_bins());
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("index 0"), std::string::npos) << what;
        EXPECT_NE(what.find("-1"), std::string::npos) << what;
    }
    EXPECT_THROW(ft::classification_metrics(probs, {0, 0}, 0, reference_bins()), std::invalid_argument);
    const int64_t labels[2] = {0, 0};
    EXPECT_THROW(ft::classification_metrics(probs.data(), labels, -1, 2, reference_bins()), std::invalid_argument);
    EXPECT_THROW(ft::classification_metrics(probs, {0, 0}, 2, reference_bins(0)), std::invalid_argument);
}

TEST(MeanProbabilities, ElementWiseMean) {
    // (0.2 + 0.6) / 2 = 0.4, (0.8 + 0.4) / 2 = 0.6
    const std::vector<float> two = ft::mean_probabilities({{0.2f, 0.8f}, {0.6f, 0.4f}});
    ASSERT_EQ(two.size(), 2u);
    EXPECT_NEAR(two[0], 0.4f, 1e-7);
    EXPECT_NEAR(two[1], 0.6f, 1e-7);
    // (1 + 0 + 0.5) / 3 = 0.5, (0 + 1 + 0.5) / 3 = 0.5
    const std::vector<float> three = ft::mean_probabilities({{1.f, 0.f}, {0.f, 1.f}, {0.5f, 0.5f}});
    EXPECT_EQ(three, (std::vector<float>{0.5f, 0.5f}));
    // A single member and identical members give the member back exactly.
    const std::vector<float> p = {0.1f, 0.7f, 0.2f};
    EXPECT_EQ(ft::mean_probabilities({p}), p);
    EXPECT_EQ(ft::mean_probabilities({p, p, p, p, p, p, p}), p);
}

TEST(MeanProbabilities, InvalidInputsThrow) {
    EXPECT_THROW(ft::mean_probabilities({}), std::invalid_argument);
    EXPECT_THROW(ft::mean_probabilities({{0.5f, 0.5f}, {1.0f}}), std::invalid_argument);
}

// Ensemble of two members: member A [0.9,0.1],[0.4,0.6]; member B [0.3,0.7],[0.2,0.8]; labels 0, 1.
// Mean: [0.6, 0.4], [0.3, 0.7] -> both correct; NLL = -(ln 0.6 + ln 0.7)/2 = (0.5108256 + 0.3566749)/2 = 0.4337503.
TEST(MeanProbabilities, EnsembleMetrics) {
    const std::vector<float> mean = ft::mean_probabilities({{0.9f, 0.1f, 0.4f, 0.6f}, {0.3f, 0.7f, 0.2f, 0.8f}});
    const ft::ClassificationMetrics m = ft::classification_metrics(mean, {0, 1}, 2, reference_bins());
    EXPECT_DOUBLE_EQ(m.accuracy, 1.0);
    EXPECT_NEAR(m.nll, 0.4337503, kTol);
    // confs 0.6 (8.4 -> bin (8/14, 9/14] = 8) and 0.7 (9.8 -> bin 9): ECE = (0.4 + 0.3) / 2 = 0.35
    EXPECT_NEAR(m.ece, 0.35, kTol);
    EXPECT_EQ(m.reliability[8].count, 1);
    EXPECT_EQ(m.reliability[9].count, 1);
}
