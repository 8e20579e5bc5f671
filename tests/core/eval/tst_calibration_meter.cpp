// SPDX-License-Identifier: GPL-3.0-or-later
// CalibrationMeter: metrics accumulated batch by batch equal the metrics of the concatenation (pooled corrupted
// sets rely on it), on hand-computed values with a tie and an empty bin, and reset starts over.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ft/eval/calibration.h"

using namespace ft;

TEST(CalibrationMeter, TwoBatchesByHand) {
    // Reference binning with 3 edges {0, 0.5, 1}: intervals (0, 0.5] and (0.5, 1].
    CalibrationMeter meter(2, {3, false});
    meter.add({0.8f, 0.2f}, {0});                 // correct, confidence 0.8
    meter.add({0.3f, 0.7f, 0.5f, 0.5f}, {0, 1});  // wrong (0.7); a tie goes to class 0: wrong (0.5)
    const auto m = meter.value();
    EXPECT_EQ(m.n, 3);
    EXPECT_DOUBLE_EQ(m.accuracy, 1.0 / 3.0);
    // (0.5, 1]: 2 samples, 1 correct, confidences 0.8 + 0.7 -> |1 - 1.5|; (0, 0.5]: 0 correct, 0.5 -> |0 - 0.5|.
    EXPECT_NEAR(m.ece, (0.5 + 0.5) / 3.0, 1e-7);
    EXPECT_NEAR(m.mce, 0.5, 1e-7);  // max(|0.5 - 0.75|, |0 - 0.5|)
    EXPECT_NEAR(m.nll, -(std::log(0.8) + std::log(0.3) + std::log(0.5)) / 3.0, 1e-6);
    EXPECT_NEAR(m.brier, (0.08 + 0.98 + 0.5) / 3.0, 1e-6);
    ASSERT_EQ(m.reliability.size(), 2u);
    EXPECT_EQ(m.reliability[0].count, 1);
    EXPECT_EQ(m.reliability[1].count, 2);
    EXPECT_NEAR(m.reliability[1].confidence, 0.75, 1e-7);
    EXPECT_DOUBLE_EQ(m.reliability[1].accuracy, 0.5);
}

TEST(CalibrationMeter, BatchesEqualTheConcatenationExactly) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const int64_t classes = 5, n = 300;
    std::vector<float> probs;
    std::vector<int64_t> labels;
    for (int64_t i = 0; i < n; ++i) {
        std::vector<float> row(classes);
        float sum = 0;
        for (auto& v : row) sum += (v = u(rng) * u(rng));
        for (auto& v : row) probs.push_back(v / sum);
        labels.push_back(int64_t(rng() % classes));
    }
    for (const BinningOptions& opt : {BinningOptions{15, false}, BinningOptions{10, true}, BinningOptions{40, false}}) {
        const auto whole = classification_metrics(probs, labels, classes, opt);
        CalibrationMeter meter(classes, opt);
        const std::vector<std::pair<int64_t, int64_t>> batches = {{0, 17}, {17, 17}, {17, 150}, {150, n}};  // one empty
        for (const auto& [start, end] : batches)
            meter.add(probs.data() + start * classes, labels.data() + start, end - start);
        const auto pooled = meter.value();
        EXPECT_EQ(pooled.n, n);
        EXPECT_EQ(pooled.accuracy, whole.accuracy);
        EXPECT_EQ(pooled.nll, whole.nll);
        EXPECT_EQ(pooled.brier, whole.brier);
        EXPECT_EQ(pooled.ece, whole.ece);
        EXPECT_EQ(pooled.mce, whole.mce);
        ASSERT_EQ(pooled.reliability.size(), whole.reliability.size());
        for (size_t b = 0; b < whole.reliability.size(); ++b) {
            EXPECT_EQ(pooled.reliability[b].count, whole.reliability[b].count);
            EXPECT_EQ(pooled.reliability[b].confidence, whole.reliability[b].confidence);
        }
    }
}

TEST(CalibrationMeter, ResetAndBadInput) {
    CalibrationMeter meter(2, {15, false});
    meter.add({0.9f, 0.1f}, {1});
    meter.reset();
    EXPECT_EQ(meter.count(), 0);
    const auto empty = meter.value();
    EXPECT_EQ(empty.n, 0);
    EXPECT_EQ(empty.ece, 0.0);
    EXPECT_EQ(empty.reliability.size(), 14u);
    for (const auto& b : empty.reliability) EXPECT_EQ(b.count, 0);  // every bin empty
    EXPECT_THROW(meter.add({0.5f, 0.5f}, {2}), std::invalid_argument);
    EXPECT_THROW(CalibrationMeter(0, {15, false}), std::invalid_argument);
    EXPECT_THROW(CalibrationMeter(2, {0, false}), std::invalid_argument);
}
