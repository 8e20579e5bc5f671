// SPDX-License-Identifier: GPL-3.0-or-later
// The CPU selections of mask_ops.cpp (counting passes over contiguous float tensors) against its tensor-operation
// path, which a strided view of the same tensors takes: the same masks and counts, on layers large enough to be
// split across threads, with ties, zeros, NaN and infinities.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "sparse/mask_ops.h"

using namespace ft;

namespace {

// A (rows x cols) weight with `density` of it active and the rest exactly zero, as after apply_mask.
std::pair<torch::Tensor, torch::Tensor> layer(int64_t rows, int64_t cols, double density, uint64_t seed) {
    torch::manual_seed(seed);
    auto mask = (torch::rand({rows, cols}) < density).to(torch::kFloat);
    return {torch::randn({rows, cols}) * mask, mask};
}

// The same values in a column-major layout: t() of a contiguous copy of the transpose (not contiguous itself).
torch::Tensor strided(const torch::Tensor& t) { return t.t().contiguous().t(); }

}  // namespace

TEST(MaskOpsCpu, PruneMatchesTheTensorPath) {
    for (int threads : {1, 3}) {
        at::set_num_threads(threads);
        for (double rate : {0.005, 0.3, 0.5, 1.0}) {
            auto [w, m] = layer(700, 600, 0.12, 11);     // 420,000 weights: four chunks and more
            w.view({-1}).narrow(0, 0, 40).fill_(0.25f);  // ties
            w.view({-1})[1000] = std::nanf("");
            w.view({-1})[1001] = -INFINITY;
            m.view({-1}).narrow(0, 0, 40).fill_(1.0f);
            m.view({-1})[1000] = m.view({-1})[1001] = 1.0f;
            ASSERT_FALSE(strided(w).is_contiguous());
            const auto fast = prune_magnitude(w, m, rate);
            const auto reference = prune_magnitude(strided(w), strided(m), rate);
            EXPECT_TRUE(torch::equal(fast, reference)) << "rate " << rate << ", " << threads << " threads";
            EXPECT_EQ(fast.view({-1})[1000].item<float>(), 0.0f) << "NaN is never kept";
        }
    }
    at::set_num_threads(1);
}

TEST(MaskOpsCpu, GrowMatchesTheTensorPathWhereScoresDoNotTie) {
    for (int threads : {1, 2}) {
        at::set_num_threads(threads);
        auto [w, m] = layer(512, 800, 0.1, 12);
        const auto score = torch::randn({512, 800});  // continuous: no ties at the threshold
        for (int64_t k : {int64_t{1}, int64_t{5000}, int64_t{300000}, int64_t{409600}}) {
            const auto fast = grow_by_score(m, score, k);
            EXPECT_TRUE(torch::equal(fast, grow_by_score(strided(m), strided(score), k))) << k;
            EXPECT_EQ(count_active(fast), std::min(count_active(m) + k, m.numel()));
        }
    }
    at::set_num_threads(1);
}

TEST(MaskOpsCpu, GrowTakesTiesAtTheThresholdLowestIndexFirst) {
    // Scores 3 (twice, inactive), 2 (four times, inactive), 9 (active): k = 4 takes both 3s and the first two 2s.
    const auto m = torch::tensor({0.f, 0.f, 0.f, 1.f, 0.f, 0.f, 0.f, 0.f});
    const auto score = torch::tensor({2.f, 3.f, -2.f, 9.f, 2.f, -3.f, 2.f, 1.f});
    EXPECT_TRUE(torch::equal(grow_by_score(m, score, 4), torch::tensor({1.f, 1.f, 1.f, 1.f, 0.f, 1.f, 0.f, 0.f})));
    // Only zero scores left to choose from: the lowest inactive indices.
    EXPECT_TRUE(
        torch::equal(grow_by_score(m, torch::zeros({8}), 3), torch::tensor({1.f, 1.f, 1.f, 1.f, 0.f, 0.f, 0.f, 0.f})));
    // NaN outranks every number, as in topk.
    const auto nan_score = torch::tensor({1.f, std::nanf(""), 5.f, 0.f, INFINITY, 0.f, 0.f, 0.f});
    EXPECT_TRUE(torch::equal(grow_by_score(m, nan_score, 2), torch::tensor({0.f, 1.f, 0.f, 1.f, 1.f, 0.f, 0.f, 0.f})));
}

TEST(MaskOpsCpu, GrowWithTiesOnALargeLayerKeepsCountAndOrder) {
    at::set_num_threads(2);
    auto [w, m] = layer(600, 600, 0.2, 13);
    // Integer scores: thousands tied at every value, so the threshold splits a tie group.
    const auto score = torch::randint(0, 20, {600, 600}).to(torch::kFloat);
    const int64_t k = 123457;
    const auto grown = grow_by_score(m, score, k);
    EXPECT_EQ(count_active(grown), count_active(m) + k);
    EXPECT_EQ(count_switched_on(grown, m), 0) << "nothing active was dropped";
    const auto added = (grown - m).view({-1});
    const auto s = score.view({-1});
    const float lowest_taken = s.masked_select(added == 1).min().item<float>();
    const auto candidates = (m.view({-1}) == 0);
    EXPECT_EQ((candidates & (s > lowest_taken) & (added == 0)).sum().item<int64_t>(), 0) << "every higher score grew";
    // Within the tie group at the threshold, the taken ones come before the ones left.
    const auto tied = torch::nonzero(candidates & (s == lowest_taken)).view({-1});
    const auto taken = added.index_select(0, tied);
    const int64_t n_taken = taken.sum().item<int64_t>();
    EXPECT_TRUE(torch::equal(taken.narrow(0, 0, n_taken), torch::ones({n_taken})));
    EXPECT_EQ(taken.narrow(0, n_taken, taken.numel() - n_taken).sum().item<float>(), 0.0f);
    at::set_num_threads(1);
}

// The counting loops go in blocks of 2^20 entries (mask_ops.cpp): 1500 x 1500 gives each of two threads more than
// one block, and a last block cut short.
constexpr int64_t kBig = 1500;

TEST(MaskOpsCpu, SwitchedOnCountsMatchTheTensorPath) {
    at::set_num_threads(2);
    auto [w1, before] = layer(kBig, kBig, 0.3, 14);
    auto [w2, after] = layer(kBig, kBig, 0.3, 15);
    before.view({-1})[7] = -0.0f;  // a -0 mask entry is inactive
    after.view({-1})[7] = 1.0f;
    EXPECT_EQ(count_switched_on(before, after), count_switched_on(strided(before), strided(after)));
    EXPECT_EQ(count_switched_on(before, after), ((before == 0) & (after != 0)).sum().item<int64_t>());
    at::set_num_threads(1);
}

TEST(MaskOpsCpu, OverlapOfPackedMasksCountsBothAndEither) {
    at::set_num_threads(2);
    // An odd size, so that the last word is partial: its padding must count in neither.
    auto [w1, a] = layer(kBig, kBig + 1, 0.3, 16);
    auto [w2, b] = layer(kBig, kBig + 1, 0.4, 17);
    a.view({-1})[3] = -0.0f;  // inactive
    b.view({-1})[3] = 1.0f;
    const int64_t both = ((a != 0) & (b != 0)).sum().item<int64_t>();
    const int64_t either = ((a != 0) | (b != 0)).sum().item<int64_t>();
    ASSERT_GT(both, 0);
    ASSERT_LT(both, either);
    const MaskOverlap o = bits_overlap(pack_mask(a), pack_mask(b));
    EXPECT_EQ(o.both, both);
    EXPECT_EQ(o.either, either);
    const MaskOverlap self = bits_overlap(pack_mask(a), pack_mask(a != 0));
    EXPECT_EQ(self.both, count_active(a));
    EXPECT_EQ(self.either, count_active(a));
    EXPECT_THROW(bits_overlap(pack_mask(a), pack_mask(b.view({-1}).narrow(0, 0, 10))), std::invalid_argument);
    at::set_num_threads(1);
}

TEST(MaskOpsCpu, OrActiveIntoMarksEveryActivePositionAndKeepsTheRest) {
    at::set_num_threads(2);
    auto [w1, ever_mask] = layer(kBig, kBig, 0.3, 18);
    auto [w2, mask] = layer(kBig, kBig, 0.3, 19);
    mask.view({-1})[5] = -0.0f;  // inactive: marks nothing
    const torch::Tensor want = (ever_mask != 0) | (mask != 0);
    torch::Tensor ever = ever_mask != 0;
    or_active_into(ever, mask);
    EXPECT_TRUE(torch::equal(ever, want));
    torch::Tensor ever_b = ever_mask != 0;  // a bool mask
    or_active_into(ever_b, mask != 0);
    EXPECT_TRUE(torch::equal(ever_b, want));
    torch::Tensor ever_t = strided(ever_mask != 0);  // the tensor path
    or_active_into(ever_t, strided(mask));
    EXPECT_TRUE(torch::equal(ever_t, want));
    torch::Tensor floats = ever_mask.clone();
    EXPECT_THROW(or_active_into(floats, mask), std::invalid_argument);
    at::set_num_threads(1);
}

TEST(MaskOpsCpu, PackMaskIsLsbFirst) {
    auto m = torch::zeros({70});
    m[0] = 1;
    m[65] = 1;
    const auto bits = pack_mask(m);
    ASSERT_EQ(bits.size(), 2u);
    EXPECT_EQ(bits[0], 1u);
    EXPECT_EQ(bits[1], 2u);
}

TEST(MaskOpsCpu, PackMaskGivesTheSameBitsFromAFloatMaskAsFromAnyOther) {
    // The float path reads the mask directly (in tasks of 1024 words on two threads: 400 x 401 makes three, and a
    // partial last word); a strided view takes the general one. -0 is inactive, NaN active.
    at::set_num_threads(2);
    torch::manual_seed(9);
    for (const auto& shape : {std::vector<int64_t>{37, 29}, std::vector<int64_t>{400, 401}}) {
        auto m = (torch::rand(shape) < 0.4).to(torch::kFloat);
        m.view({-1})[0] = -0.0f;
        m.view({-1})[1] = std::numeric_limits<float>::quiet_NaN();
        m.view({-1})[m.numel() - 1] = 1.0f;  // the last bit of a partial word
        const auto fast = pack_mask(m);
        const auto general = pack_mask(m.t().contiguous().t());
        ASSERT_FALSE(m.t().contiguous().t().is_contiguous());
        EXPECT_EQ(fast, general);
        const auto set_tensor = (m.view({-1}) != 0).contiguous();
        const bool* set = set_tensor.data_ptr<bool>();
        for (int64_t i = 0; i < m.numel(); ++i) ASSERT_EQ(bool(fast[size_t(i / 64)] >> (i % 64) & 1), set[i]) << i;
        EXPECT_EQ(fast.back() >> (m.numel() % 64), 0u) << "no bits past the mask";
    }
    at::set_num_threads(1);
}
