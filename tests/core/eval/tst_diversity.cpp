// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of ft/eval/diversity.h against hand-computed values (spec §6.4).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "ft/eval/diversity.h"

namespace {
constexpr double kTol = 1e-6;  // float32 inputs
}

TEST(Disagreement, IdenticalMembersAgree) {
    const std::vector<float> p = {0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f};
    const ft::Matrix d = ft::disagreement_matrix({p, p, p}, 3);
    ASSERT_EQ(d.size(), 3u);
    for (const auto& row : d) {
        ASSERT_EQ(row.size(), 3u);
        for (double v : row) EXPECT_EQ(v, 0.0);
    }
    EXPECT_EQ(ft::mean_off_diagonal(d), 0.0);
}

// Two members, n = 2, classes = 2:
//   m0: [0.7, 0.3], [0.6, 0.4] -> argmax 0, 0
//   m1: [0.4, 0.6], [0.8, 0.2] -> argmax 1, 0
// They agree on 1 of 2 examples: d = 1 - 1/2 = 0.5.
TEST(Disagreement, TwoMembersHalf) {
    const ft::Matrix d = ft::disagreement_matrix({{0.7f, 0.3f, 0.6f, 0.4f}, {0.4f, 0.6f, 0.8f, 0.2f}}, 2);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0][0], 0.0);
    EXPECT_EQ(d[1][1], 0.0);
    EXPECT_DOUBLE_EQ(d[0][1], 0.5);
    EXPECT_DOUBLE_EQ(d[1][0], 0.5);
    EXPECT_DOUBLE_EQ(ft::mean_off_diagonal(d), 0.5);
}

// Ties go to the lowest index: [0.5, 0.5, 0] and [0.4, 0.4, 0.2] both predict 0 (agree); [0.3, 0.35, 0.35] predicts 1.
TEST(Disagreement, ArgmaxTies) {
    const ft::Matrix d = ft::disagreement_matrix({{0.5f, 0.5f, 0.f}, {0.4f, 0.4f, 0.2f}, {0.3f, 0.35f, 0.35f}}, 3);
    EXPECT_EQ(d[0][1], 0.0);
    EXPECT_EQ(d[0][2], 1.0);
    EXPECT_EQ(d[1][2], 1.0);
    // mean of off-diagonal entries: (0 + 1 + 0 + 1 + 1 + 1) / 6 = 2/3
    EXPECT_DOUBLE_EQ(ft::mean_off_diagonal(d), 4.0 / 6.0);
}

TEST(Disagreement, SingleMemberAndEmpty) {
    const ft::Matrix one = ft::disagreement_matrix({{0.2f, 0.8f}}, 2);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0], (std::vector<double>{0.0}));
    EXPECT_EQ(ft::mean_off_diagonal(one), 0.0);
    EXPECT_TRUE(ft::disagreement_matrix({}, 2).empty());
    const ft::Matrix none = ft::disagreement_matrix({{}, {}}, 10);  // n = 0: zeros, no NaN
    EXPECT_EQ(none, (ft::Matrix{{0.0, 0.0}, {0.0, 0.0}}));
}

TEST(Disagreement, InvalidInputsThrow) {
    EXPECT_THROW(ft::disagreement_matrix({{0.5f, 0.5f}, {1.f}}, 1), std::invalid_argument);  // sizes differ
    EXPECT_THROW(ft::disagreement_matrix({{0.5f, 0.5f, 0.f}}, 2), std::invalid_argument);    // not n x 2
    EXPECT_THROW(ft::disagreement_matrix({{0.5f, 0.5f}}, 0), std::invalid_argument);         // classes 0
    EXPECT_THROW(ft::kl_matrix({{0.5f, 0.5f}, {0.2f, 0.3f, 0.5f}}, 1), std::invalid_argument);
    EXPECT_THROW(ft::kl_matrix({{0.5f, 0.5f, 0.f}}, 2), std::invalid_argument);
}

TEST(KL, IdenticalMembersZero) {
    const std::vector<float> p = {0.7f, 0.2f, 0.1f, 0.0f, 0.25f, 0.75f};
    const ft::Matrix kl = ft::kl_matrix({p, p}, 3);
    EXPECT_EQ(kl, (ft::Matrix{{0.0, 0.0}, {0.0, 0.0}}));
    EXPECT_EQ(ft::mean_off_diagonal(kl), 0.0);
}

// Same members as TwoMembersHalf. KL_ij = KL(p_j || p_i), batchmean over n = 2:
// KL_01 = KL(m1 || m0) = ( [0.4 ln(0.4/0.7) + 0.6 ln(0.6/0.3)] + [0.8 ln(0.8/0.6) + 0.2 ln(0.2/0.4)] ) / 2
//       = ( [0.4 * -0.5596158 + 0.6 * 0.6931472] + [0.8 * 0.2876821 + 0.2 * -0.6931472] ) / 2
//       = ( 0.1920420 + 0.0915162 ) / 2 = 0.1417791
// KL_10 = KL(m0 || m1) = ( [0.7 ln(0.7/0.4) + 0.3 ln(0.3/0.6)] + [0.6 ln(0.6/0.8) + 0.4 ln(0.4/0.2)] ) / 2
//       = ( [0.3917311 - 0.2079442] + [-0.1726092 + 0.2772589] ) / 2 = ( 0.1837869 + 0.1046496 ) / 2 = 0.1442183
// mean of the two off-diagonal entries = 0.1429987
TEST(KL, TwoMembersByHand) {
    const ft::Matrix kl = ft::kl_matrix({{0.7f, 0.3f, 0.6f, 0.4f}, {0.4f, 0.6f, 0.8f, 0.2f}}, 2);
    ASSERT_EQ(kl.size(), 2u);
    EXPECT_EQ(kl[0][0], 0.0);
    EXPECT_EQ(kl[1][1], 0.0);
    EXPECT_NEAR(kl[0][1], 0.1417791, kTol);
    EXPECT_NEAR(kl[1][0], 0.1442183, kTol);
    EXPECT_NEAR(ft::mean_off_diagonal(kl), 0.1429987, kTol);
}

// m0 = [0.5, 0.5], m1 = [1, 0], n = 1.
// KL_01 = KL(m1 || m0) = 1 ln(1/0.5) + (p_j = 0 term contributes 0) = ln 2
// KL_10 = KL(m0 || m1) = 0.5 ln(0.5/1) + 0.5 (ln 0.5 - ln 0) = +inf
TEST(KL, ZeroProbabilities) {
    const ft::Matrix kl = ft::kl_matrix({{0.5f, 0.5f}, {1.0f, 0.0f}}, 2);
    EXPECT_NEAR(kl[0][1], std::log(2.0), 1e-12);
    EXPECT_TRUE(std::isinf(kl[1][0]) && kl[1][0] > 0);
    EXPECT_TRUE(std::isinf(ft::mean_off_diagonal(kl)));
}

TEST(KL, SingleMemberAndEmpty) {
    EXPECT_EQ(ft::kl_matrix({{0.3f, 0.7f}}, 2), (ft::Matrix{{0.0}}));
    EXPECT_TRUE(ft::kl_matrix({}, 2).empty());
    EXPECT_EQ(ft::kl_matrix({{}, {}}, 4), (ft::Matrix{{0.0, 0.0}, {0.0, 0.0}}));
}

TEST(MeanOffDiagonal, HandExample) {
    // off-diagonal: 1, 2, 3, 4, 5, 6 -> 21 / 6 = 3.5 (the diagonal 9s are ignored)
    EXPECT_DOUBLE_EQ(ft::mean_off_diagonal({{9, 1, 2}, {3, 9, 4}, {5, 6, 9}}), 3.5);
    EXPECT_EQ(ft::mean_off_diagonal({}), 0.0);
    EXPECT_EQ(ft::mean_off_diagonal({{7.0}}), 0.0);
    EXPECT_THROW(ft::mean_off_diagonal({{0, 1}, {1}}), std::invalid_argument);
}

// n = 5: a = bits {1, 2, 4} = 0b10110, b = bits {0, 1, 2} = 0b00111, garbage above bit 4 in both (different).
// a xor b = 0b10001 -> 2 / 5 = 0.4; a and b = 0b00110 -> 2; a or b = 0b10111 -> 4; Jaccard = 2 / 4 = 0.5.
TEST(MaskDistance, HandExampleIgnoresBitsBeyondN) {
    const std::vector<uint64_t> a = {0b10110ull | (0xABCDull << 8)};
    const std::vector<uint64_t> b = {0b00111ull | (0x1234ull << 20) | (1ull << 63)};
    const ft::MaskDistance d = ft::mask_distance(a, b, 5);
    EXPECT_DOUBLE_EQ(d.hamming, 0.4);
    EXPECT_DOUBLE_EQ(d.jaccard, 0.5);
}

TEST(MaskDistance, IdenticalAndEmpty) {
    const std::vector<uint64_t> a = {0xDEADBEEFCAFEF00Dull, 0x5ull};
    const ft::MaskDistance same = ft::mask_distance(a, a, 70);
    EXPECT_EQ(same.hamming, 0.0);
    EXPECT_EQ(same.jaccard, 1.0);
    // Both empty within n (bits only beyond n): Hamming 0, Jaccard 1 by definition.
    const ft::MaskDistance empty = ft::mask_distance({0xFFull << 10}, {0xF0ull << 12}, 10);
    EXPECT_EQ(empty.hamming, 0.0);
    EXPECT_EQ(empty.jaccard, 1.0);
    const ft::MaskDistance none = ft::mask_distance({}, {}, 0);
    EXPECT_EQ(none.hamming, 0.0);
    EXPECT_EQ(none.jaccard, 1.0);
}

TEST(MaskDistance, WordBoundaries) {
    // n = 64 exactly: one full word, all bits count. a = all ones, b = none: Hamming 1, Jaccard 0 / 64 = 0.
    const ft::MaskDistance full = ft::mask_distance({~0ull}, {0ull}, 64);
    EXPECT_EQ(full.hamming, 1.0);
    EXPECT_EQ(full.jaccard, 0.0);
    // n = 70: word 0 all 64 bits + the low 6 bits of word 1; a third word is ignored.
    //   a = word0 all ones, word1 = 0b111111 | high garbage; b = word0 low 32 bits, word1 = 0b000011.
    //   xor: 32 (word 0) + 4 (word 1) = 36 -> 36/70; and: 32 + 2 = 34; or: 64 + 6 = 70 -> Jaccard 34/70.
    const std::vector<uint64_t> a = {~0ull, 0b111111ull | (~0ull << 6), ~0ull};
    const std::vector<uint64_t> b = {0xFFFFFFFFull, 0b000011ull, 0ull};
    const ft::MaskDistance d = ft::mask_distance(a, b, 70);
    EXPECT_DOUBLE_EQ(d.hamming, 36.0 / 70.0);
    EXPECT_DOUBLE_EQ(d.jaccard, 34.0 / 70.0);
    // Hamming is symmetric; so is Jaccard.
    const ft::MaskDistance r = ft::mask_distance(b, a, 70);
    EXPECT_EQ(r.hamming, d.hamming);
    EXPECT_EQ(r.jaccard, d.jaccard);
}

TEST(MaskDistance, InvalidInputsThrow) {
    EXPECT_THROW(ft::mask_distance({0ull}, {0ull, 0ull}, 65), std::invalid_argument);  // a needs 2 words
    EXPECT_THROW(ft::mask_distance({0ull, 0ull}, {0ull}, 65), std::invalid_argument);  // b needs 2 words
    EXPECT_THROW(ft::mask_distance({}, {}, 1), std::invalid_argument);
    EXPECT_THROW(ft::mask_distance({0ull}, {0ull}, -1), std::invalid_argument);
    EXPECT_NO_THROW(ft::mask_distance({0ull}, {0ull}, 64));
}
