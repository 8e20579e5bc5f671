// SPDX-License-Identifier: GPL-3.0-or-later
// Seeded mini-batches. Every random draw comes from a std::mt19937_64 (output fixed by the standard) seeded from
// (seed, epoch) for the permutation and from (seed, epoch, position in the epoch) for a batch's augmentation, so
// the batches of epoch e are a function of (seed, e) alone: a resumed run sees exactly the batches it would have
// seen, whatever happened before, and torch's global generator is neither used nor disturbed.
#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "data/batch_loader.h"

namespace ft {
namespace {

constexpr uint64_t kOrderSalt = 0x0D5E4A11C0FFEEull;
constexpr uint64_t kAugmentSalt = 0xA06E7D47A11CEull;

uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

uint64_t mix(uint64_t a, uint64_t b, uint64_t c) { return splitmix64(splitmix64(splitmix64(a) ^ b) ^ c); }

// Uniform in [0, n), n >= 1, without modulo bias (Lemire's method); portable, unlike std::uniform_int_distribution.
uint64_t bounded(std::mt19937_64& rng, uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(rng()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
        const uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = static_cast<unsigned __int128>(rng()) * n;
            low = static_cast<uint64_t>(m);
        }
    }
    return static_cast<uint64_t>(m >> 64);
}

torch::Tensor int64_tensor(const std::vector<int64_t>& v, std::vector<int64_t> shape) {
    auto t = torch::empty(shape, torch::kInt64);
    std::copy(v.begin(), v.end(), t.data_ptr<int64_t>());
    return t;
}

// Pads the batch once, then takes one crop window (and maybe a mirror image) per example with two gathers.
torch::Tensor augment_batch(const torch::Tensor& x, const Augmentation& aug, std::mt19937_64& rng) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), p = aug.pad;
    torch::Tensor padded = x;
    if (p > 0) {
        if (aug.pad_mode == PadMode::Reflect) {
            padded = torch::reflection_pad2d(x, {p, p, p, p});
        } else if (aug.pad_value.empty()) {
            padded = torch::constant_pad_nd(x, {p, p, p, p}, 0);
        } else {
            auto values = torch::empty({c}, torch::kFloat32);
            std::copy(aug.pad_value.begin(), aug.pad_value.end(), values.data_ptr<float>());
            values = values.to(x.options());
            padded = values.view({1, c, 1, 1}).expand({b, c, h + 2 * p, w + 2 * p}).clone();
            padded.narrow(2, p, h).narrow(3, p, w).copy_(x);
        }
    }
    std::vector<int64_t> rows(static_cast<size_t>(b * h)), cols(static_cast<size_t>(b * w));
    for (int64_t i = 0; i < b; ++i) {
        const auto dy = static_cast<int64_t>(bounded(rng, static_cast<uint64_t>(2 * p + 1)));
        const auto dx = static_cast<int64_t>(bounded(rng, static_cast<uint64_t>(2 * p + 1)));
        const bool flip = aug.hflip && (rng() >> 63) != 0;
        for (int64_t r = 0; r < h; ++r) rows[static_cast<size_t>(i * h + r)] = dy + r;
        for (int64_t k = 0; k < w; ++k) cols[static_cast<size_t>(i * w + k)] = dx + (flip ? w - 1 - k : k);
    }
    const auto device = x.device();
    auto row_index = int64_tensor(rows, {b, 1, h, 1}).to(device).expand({b, c, h, w + 2 * p});
    auto col_index = int64_tensor(cols, {b, 1, 1, w}).to(device).expand({b, c, h, w});
    return padded.gather(2, row_index).gather(3, col_index);
}

}  // namespace

BatchLoader::BatchLoader(const Split& split, int64_t batch_size, bool shuffle, Augmentation augmentation, uint64_t seed)
    : split_(split), batch_size_(batch_size), shuffle_(shuffle), augmentation_(std::move(augmentation)), seed_(seed) {
    if (batch_size_ < 1)
        throw std::invalid_argument("BatchLoader: batch size must be >= 1, got " + std::to_string(batch_size_));
    const int64_t n = split_.size();
    if (n > 0 && (!split_.x.defined() || split_.x.dim() < 1 || split_.x.size(0) != n))
        throw std::invalid_argument("BatchLoader: the split's x and y hold different numbers of examples");
    if (augmentation_.enabled && n > 0) {
        const auto& x = split_.x;
        if (x.dim() != 4)
            throw std::invalid_argument("BatchLoader: augmentation needs images [N, C, H, W], got a " +
                                        std::to_string(x.dim()) + "-D tensor");
        if (augmentation_.pad < 0) throw std::invalid_argument("BatchLoader: augmentation pad must be >= 0");
        if (augmentation_.pad_mode == PadMode::Reflect &&
            (augmentation_.pad >= x.size(2) || augmentation_.pad >= x.size(3)))
            throw std::invalid_argument("BatchLoader: reflect padding must be smaller than the image");
        if (augmentation_.pad_mode == PadMode::Zero && !augmentation_.pad_value.empty() &&
            static_cast<int64_t>(augmentation_.pad_value.size()) != x.size(1))
            throw std::invalid_argument("BatchLoader: augmentation pad_value needs one value per channel");
    }
    start_epoch(0);
}

void BatchLoader::start_epoch(int64_t epoch) {
    epoch_ = epoch;
    position_ = 0;
    const int64_t n = split_.size();
    if (!shuffle_ || n < 2) {
        order_ = torch::Tensor();  // file order: next() takes slices
        return;
    }
    std::mt19937_64 rng(mix(seed_, static_cast<uint64_t>(epoch), kOrderSalt));
    std::vector<int64_t> perm(static_cast<size_t>(n));
    std::iota(perm.begin(), perm.end(), int64_t{0});
    for (int64_t i = n - 1; i > 0; --i)
        std::swap(perm[static_cast<size_t>(i)], perm[bounded(rng, static_cast<uint64_t>(i + 1))]);
    order_ = int64_tensor(perm, {n});
}

bool BatchLoader::next(torch::Tensor& x, torch::Tensor& y) {
    const int64_t n = split_.size();
    if (position_ >= n) return false;
    const int64_t b = std::min(batch_size_, n - position_);
    if (order_.defined()) {
        auto idx = order_.narrow(0, position_, b);
        x = split_.x.index_select(0, idx.to(split_.x.device()));
        y = split_.y.index_select(0, idx.to(split_.y.device()));
    } else {
        // Copies, so that a caller working in place cannot change the dataset.
        x = split_.x.narrow(0, position_, b).clone();
        y = split_.y.narrow(0, position_, b).clone();
    }
    if (augmentation_.enabled && (augmentation_.pad > 0 || augmentation_.hflip)) {
        std::mt19937_64 rng(mix(seed_ ^ kAugmentSalt, static_cast<uint64_t>(epoch_), static_cast<uint64_t>(position_)));
        x = augment_batch(x, augmentation_, rng);
    }
    position_ += b;
    return true;
}

int64_t BatchLoader::batches_per_epoch() const { return (split_.size() + batch_size_ - 1) / batch_size_; }

}  // namespace ft
