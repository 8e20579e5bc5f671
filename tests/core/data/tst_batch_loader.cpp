// SPDX-License-Identifier: GPL-3.0-or-later
// BatchLoader: coverage, determinism per (seed, epoch), file order, augmentation, and no use of torch's RNG.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <vector>

#include "data/batch_loader.h"

namespace {

// N examples whose label is their index, features [N, 3] = index.
ft::Split indexed_features(int64_t n) {
    ft::Split s;
    s.y = torch::arange(n, torch::kInt64);
    s.x = s.y.to(torch::kFloat32).unsqueeze(1).repeat({1, 3});
    return s;
}

// N images [N, C, H, W] with all-distinct values; label = index.
ft::Split indexed_images(int64_t n, int64_t c, int64_t h, int64_t w) {
    ft::Split s;
    s.x = torch::arange(n * c * h * w, torch::kFloat32).reshape({n, c, h, w});
    s.y = torch::arange(n, torch::kInt64);
    return s;
}

struct Epoch {
    std::vector<torch::Tensor> xs, ys;
};

Epoch run_epoch(ft::BatchLoader& loader, int64_t epoch) {
    loader.start_epoch(epoch);
    Epoch e;
    torch::Tensor x, y;
    while (loader.next(x, y)) {
        e.xs.push_back(x);
        e.ys.push_back(y);
    }
    return e;
}

std::vector<int64_t> order_of(const Epoch& e) {
    std::vector<int64_t> out;
    for (const auto& y : e.ys)
        for (int64_t i = 0; i < y.size(0); ++i) out.push_back(y[i].item<int64_t>());
    return out;
}

bool same_batches(const Epoch& a, const Epoch& b) {
    if (a.xs.size() != b.xs.size()) return false;
    for (size_t i = 0; i < a.xs.size(); ++i)
        if (!torch::equal(a.xs[i], b.xs[i]) || !torch::equal(a.ys[i], b.ys[i])) return false;
    return true;
}

ft::Augmentation cifar_like(ft::PadMode mode, int64_t pad) {
    ft::Augmentation a;
    a.enabled = true;
    a.pad = pad;
    a.pad_mode = mode;
    a.hflip = true;
    return a;
}

// Every [H, W] window of `padded` ([C, H + 2p, W + 2p]), and its mirror image: does `sample` equal one of them?
// Returns the offset found (dy, dx, flipped) or dy = -1.
struct Window {
    int64_t dy = -1, dx = -1;
    bool flipped = false;
};
Window find_window(const torch::Tensor& sample, const torch::Tensor& padded) {
    const int64_t h = sample.size(1), w = sample.size(2);
    for (int64_t dy = 0; dy + h <= padded.size(1); ++dy)
        for (int64_t dx = 0; dx + w <= padded.size(2); ++dx) {
            const auto win = padded.narrow(1, dy, h).narrow(2, dx, w);
            if (torch::equal(sample, win)) return {dy, dx, false};
            if (torch::equal(sample, win.flip({2}))) return {dy, dx, true};
        }
    return {};
}

}  // namespace

TEST(BatchLoader, CoversEveryExampleOncePerEpoch) {
    const auto split = indexed_features(103);
    ft::BatchLoader loader(split, 10, true, {}, 5);
    EXPECT_EQ(loader.size(), 103);
    EXPECT_EQ(loader.batches_per_epoch(), 11);
    for (int64_t epoch = 0; epoch < 3; ++epoch) {
        const auto e = run_epoch(loader, epoch);
        ASSERT_EQ(e.ys.size(), 11u);
        for (size_t i = 0; i + 1 < e.ys.size(); ++i) EXPECT_EQ(e.ys[i].size(0), 10);
        EXPECT_EQ(e.ys.back().size(0), 3);  // the last batch is smaller, not dropped
        const auto order = order_of(e);
        ASSERT_EQ(order.size(), 103u);
        EXPECT_EQ(std::set<int64_t>(order.begin(), order.end()).size(), 103u);
        // x and y travel together.
        for (size_t b = 0; b < e.xs.size(); ++b) {
            EXPECT_EQ(e.xs[b].sizes(), (std::vector<int64_t>{e.ys[b].size(0), 3}));
            EXPECT_TRUE(torch::equal(e.xs[b].select(1, 2), e.ys[b].to(torch::kFloat32)));
        }
        torch::Tensor x, y;
        EXPECT_FALSE(loader.next(x, y));  // stays at the end
    }
}

TEST(BatchLoader, OrderDependsOnlyOnSeedAndEpoch) {
    const auto split = indexed_features(200);
    ft::BatchLoader a(split, 32, true, {}, 11);
    ft::BatchLoader b(split, 32, true, {}, 11);
    const auto a0 = order_of(run_epoch(a, 0));
    const auto a1 = order_of(run_epoch(a, 1));
    const auto a2 = order_of(run_epoch(a, 2));
    // A "resumed" loader that jumps straight to epoch 2 sees the same order.
    EXPECT_EQ(order_of(run_epoch(b, 2)), a2);
    EXPECT_EQ(order_of(run_epoch(b, 0)), a0);
    EXPECT_NE(a0, a1);
    EXPECT_NE(a1, a2);
    // Another seed gives another order; the order is actually shuffled.
    ft::BatchLoader c(split, 32, true, {}, 12);
    EXPECT_NE(order_of(run_epoch(c, 0)), a0);
    std::vector<int64_t> identity(200);
    for (int64_t i = 0; i < 200; ++i) identity[static_cast<size_t>(i)] = i;
    EXPECT_NE(a0, identity);
    // The constructor prepares epoch 0.
    ft::BatchLoader fresh(split, 32, true, {}, 11);
    Epoch e;
    torch::Tensor x, y;
    while (fresh.next(x, y)) e.ys.push_back(y);
    EXPECT_EQ(order_of(e), a0);
}

TEST(BatchLoader, NoShuffleKeepsFileOrder) {
    const auto split = indexed_features(25);
    ft::BatchLoader loader(split, 8, false, {}, 3);
    for (int64_t epoch : {0, 4}) {
        const auto order = order_of(run_epoch(loader, epoch));
        ASSERT_EQ(order.size(), 25u);
        for (int64_t i = 0; i < 25; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
    }
    // Batches are copies: changing one in place leaves the split alone.
    loader.start_epoch(0);
    torch::Tensor x, y;
    ASSERT_TRUE(loader.next(x, y));
    x.zero_();
    EXPECT_EQ(split.x[1][0].item<float>(), 1.0f);
}

TEST(BatchLoader, EmptySplit) {
    ft::Split empty;
    ft::BatchLoader loader(empty, 16, true, {}, 1);
    EXPECT_EQ(loader.size(), 0);
    EXPECT_EQ(loader.batches_per_epoch(), 0);
    torch::Tensor x, y;
    EXPECT_FALSE(loader.next(x, y));
    ft::Split zero_rows{torch::empty({0, 2}), torch::empty({0}, torch::kInt64)};
    ft::BatchLoader loader2(zero_rows, 16, false, {}, 1);
    EXPECT_FALSE(loader2.next(x, y));
}

TEST(BatchLoader, RejectsBadArguments) {
    const auto split = indexed_features(4);
    EXPECT_THROW(ft::BatchLoader(split, 0, true, {}, 1), std::invalid_argument);
    // Augmentation needs images.
    EXPECT_THROW(ft::BatchLoader(split, 2, true, cifar_like(ft::PadMode::Reflect, 4), 1), std::invalid_argument);
    auto zero = cifar_like(ft::PadMode::Zero, 2);
    zero.pad_value = {0.0f, 1.0f};  // 2 values for 3 channels
    EXPECT_THROW(ft::BatchLoader(indexed_images(2, 3, 8, 8), 2, true, zero, 1), std::invalid_argument);
}

TEST(BatchLoader, ReflectPadCropFlipIsAShiftedCopy) {
    const int64_t n = 40, c = 3, h = 8, w = 8, p = 2;
    const auto split = indexed_images(n, c, h, w);
    ft::BatchLoader loader(split, 16, true, cifar_like(ft::PadMode::Reflect, p), 9);
    const auto e = run_epoch(loader, 0);
    std::set<std::pair<int64_t, int64_t>> offsets;
    int flipped = 0, total = 0;
    for (size_t b = 0; b < e.xs.size(); ++b) {
        ASSERT_EQ(e.xs[b].sizes(), (std::vector<int64_t>{e.ys[b].size(0), c, h, w}));
        ASSERT_EQ(e.xs[b].scalar_type(), torch::kFloat32);
        for (int64_t i = 0; i < e.xs[b].size(0); ++i) {
            const int64_t id = e.ys[b][i].item<int64_t>();
            const auto padded = torch::reflection_pad2d(split.x.narrow(0, id, 1), {p, p, p, p})[0];
            const auto win = find_window(e.xs[b][i], padded);
            ASSERT_GE(win.dy, 0) << "sample " << id << " is not a window of its padded original";
            offsets.insert({win.dy, win.dx});
            flipped += win.flipped;
            ++total;
        }
    }
    EXPECT_EQ(total, n);
    EXPECT_GT(offsets.size(), 5u);  // offsets vary
    EXPECT_GT(flipped, 5);          // some flipped ...
    EXPECT_LT(flipped, n - 5);      // ... and some not
}

TEST(BatchLoader, ZeroPadUsesThePerChannelValue) {
    const int64_t n = 24, c = 3, h = 6, w = 5, p = 3;
    const auto split = indexed_images(n, c, h, w);
    auto aug = cifar_like(ft::PadMode::Zero, p);
    aug.pad_value = {-1.5f, -2.5f, -3.5f};
    ft::BatchLoader loader(split, 7, true, aug, 4);
    const auto e = run_epoch(loader, 3);
    int touched_padding = 0;
    for (size_t b = 0; b < e.xs.size(); ++b)
        for (int64_t i = 0; i < e.xs[b].size(0); ++i) {
            const int64_t id = e.ys[b][i].item<int64_t>();
            auto padded = torch::empty({c, h + 2 * p, w + 2 * p});
            for (int64_t ch = 0; ch < c; ++ch) padded[ch].fill_(aug.pad_value[static_cast<size_t>(ch)]);
            padded.narrow(1, p, h).narrow(2, p, w).copy_(split.x[id]);
            const auto sample = e.xs[b][i];
            ASSERT_GE(find_window(sample, padded).dy, 0) << "sample " << id;
            touched_padding += (sample[1] == -2.5f).any().item<bool>();
        }
    EXPECT_GT(touched_padding, 0);
}

TEST(BatchLoader, AugmentationWithoutPadOnlyFlips) {
    const auto split = indexed_images(30, 1, 4, 4);
    auto aug = cifar_like(ft::PadMode::Reflect, 0);
    ft::BatchLoader loader(split, 30, false, aug, 2);
    torch::Tensor x, y;
    ASSERT_TRUE(loader.next(x, y));
    int flipped = 0;
    for (int64_t i = 0; i < 30; ++i) {
        const bool same = torch::equal(x[i], split.x[i]);
        const bool mirror = torch::equal(x[i], split.x[i].flip({2}));
        EXPECT_TRUE(same || mirror);
        flipped += mirror;
    }
    EXPECT_GT(flipped, 3);
    EXPECT_LT(flipped, 27);
}

TEST(BatchLoader, AugmentationIsDeterministicPerSeedAndEpoch) {
    const auto split = indexed_images(50, 3, 8, 8);
    const auto aug = cifar_like(ft::PadMode::Reflect, 2);
    ft::BatchLoader a(split, 16, true, aug, 77);
    ft::BatchLoader b(split, 16, true, aug, 77);
    const auto a0 = run_epoch(a, 0);
    const auto a1 = run_epoch(a, 1);
    EXPECT_TRUE(same_batches(run_epoch(b, 1), a1));  // resumed at epoch 1
    EXPECT_TRUE(same_batches(run_epoch(b, 0), a0));
    EXPECT_TRUE(same_batches(run_epoch(a, 1), a1));  // replaying an epoch
    // Without shuffling the order is fixed but the crops still change with the epoch.
    ft::BatchLoader ordered(split, 16, false, aug, 77);
    const auto o0 = run_epoch(ordered, 0);
    const auto o1 = run_epoch(ordered, 1);
    EXPECT_EQ(order_of(o0), order_of(o1));
    EXPECT_FALSE(same_batches(o0, o1));
}

TEST(BatchLoader, DoesNotTouchTheGlobalTorchGenerator) {
    torch::manual_seed(1234);
    const auto expected = torch::rand({16});

    torch::manual_seed(1234);
    const auto split = indexed_images(64, 3, 8, 8);  // arange: no randomness
    ft::BatchLoader loader(split, 10, true, cifar_like(ft::PadMode::Reflect, 2), 5);
    run_epoch(loader, 0);
    run_epoch(loader, 1);
    ft::BatchLoader plain(indexed_features(33), 4, true, {}, 6);
    run_epoch(plain, 3);
    EXPECT_TRUE(torch::equal(torch::rand({16}), expected));

    // And the global generator's state does not change the batches.
    torch::manual_seed(1);
    const auto first = run_epoch(loader, 2);
    torch::manual_seed(2);
    EXPECT_TRUE(same_batches(run_epoch(loader, 2), first));
}

TEST(BatchLoader, CifarSizedBatchesAreCheap) {
    // A CIFAR batch of 128 with reflect pad 4: shape preserved; a whole 2048-example epoch runs quickly.
    ft::Split s;
    s.x = torch::randn({2048, 3, 32, 32});
    s.y = torch::zeros({2048}, torch::kInt64);
    ft::BatchLoader loader(s, 128, true, cifar_like(ft::PadMode::Reflect, 4), 3);
    const auto start = std::chrono::steady_clock::now();
    const auto e = run_epoch(loader, 0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(e.xs.size(), 16u);
    for (const auto& x : e.xs) EXPECT_EQ(x.sizes(), (std::vector<int64_t>{128, 3, 32, 32}));
    EXPECT_LT(seconds, 5.0);  // generous: shared CI machines; ~10 ms per batch is typical
}
