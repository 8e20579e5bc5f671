// SPDX-License-Identifier: GPL-3.0-or-later
// Prune and grow primitives (spec §2.2).
#include "sparse/mask_ops.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include <ATen/Parallel.h>

#include "sparse/radix_select.h"

namespace ft {

namespace {

// The selections below run as plain loops over CPU float tensors (radix_select.h says why); anything else (a GPU
// run's masks) takes the tensor operations, which give the same masks.
bool plain_cpu_floats(const torch::Tensor& t) {
    return t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous();
}

bool plain_cpu_pair(const torch::Tensor& a, const torch::Tensor& b) {
    return plain_cpu_floats(a) && plain_cpu_floats(b) && a.numel() == b.numel();
}

constexpr uint32_t kInfinityBits = 0x7f800000u;  // magnitude bits above this are NaN
constexpr int64_t kGrain = int64_t{1} << 16;

// The chunks run on LibTorch's threads (this file is compiled with OpenMP, core/CMakeLists.txt).
// One histogram chunk per thread, and one in all for a layer too small to split (each costs a 512 KB histogram).
int64_t chunks(int64_t n) { return n < 4 * kGrain ? 1 : std::max(1, at::get_num_threads()); }
void in_parallel(int64_t n, int64_t chunks, const radix::ChunkFn& fn) {
    at::parallel_for(0, chunks, 1, [&](int64_t first, int64_t last) {
        for (int64_t c = first; c < last; ++c) fn(c, n * c / chunks, n * (c + 1) / chunks);
    });
}

// A float sum of 0/1 values is exact while every partial sum stays below 2^24, and it is an order of magnitude
// faster than counting through a bool tensor (which a mask update does several times per layer).
constexpr int64_t exact_float_count_limit = int64_t{1} << 24;

bool sum_counts_exactly(const torch::Tensor& t) {
    return t.scalar_type() == torch::kFloat && t.numel() < exact_float_count_limit;
}

}  // namespace

int64_t count_active(const torch::Tensor& mask) {
    if (sum_counts_exactly(mask)) return std::llround(mask.sum().item<double>());
    return mask.count_nonzero().item<int64_t>();
}

int64_t count_switched_on(const torch::Tensor& before, const torch::Tensor& after) {
    if (plain_cpu_pair(before, after)) {
        const float *b = before.data_ptr<float>(), *a = after.data_ptr<float>();
        return at::parallel_reduce(
            int64_t{0}, before.numel(), kGrain, int64_t{0},
            [&](int64_t begin, int64_t end, int64_t count) {
                for (int64_t i = begin; i < end; ++i) count += b[i] == 0 && a[i] != 0;
                return count;
            },
            std::plus<int64_t>());
    }
    if (sum_counts_exactly(before) && sum_counts_exactly(after))
        return std::llround((after - before).clamp_min_(0).sum().item<double>());
    return ((before == 0) & (after != 0)).sum().item<int64_t>();
}

namespace {

bool plain_cpu_mask(const torch::Tensor& t) {
    return t.device().is_cpu() && t.is_contiguous() &&
           (t.scalar_type() == torch::kFloat || t.scalar_type() == torch::kBool);
}

// f(a, b) with each argument a pointer of its own type (float or bool), for plain_cpu_mask tensors.
template <typename F>
auto with_mask_pointers(const torch::Tensor& a, const torch::Tensor& b, F f) {
    const bool fa = a.scalar_type() == torch::kFloat, fb = b.scalar_type() == torch::kFloat;
    if (fa && fb) return f(a.data_ptr<float>(), b.data_ptr<float>());
    if (fa) return f(a.data_ptr<float>(), b.data_ptr<bool>());
    if (fb) return f(a.data_ptr<bool>(), b.data_ptr<float>());
    return f(a.data_ptr<bool>(), b.data_ptr<bool>());
}

}  // namespace

// A mask update reports how far the masks moved (member_trainer.cpp). Counted through bool tensors, each sum
// converted every entry to int64 first: a 288 MB temporary per sum on the 784-6000-6000-10 MLP's fc2.
MaskOverlap mask_overlap(const torch::Tensor& a, const torch::Tensor& b) {
    if (a.numel() != b.numel()) throw std::invalid_argument("mask_overlap: the masks differ in size");
    if (plain_cpu_mask(a) && plain_cpu_mask(b)) {
        return with_mask_pointers(a, b, [&](const auto* pa, const auto* pb) {
            return at::parallel_reduce(
                int64_t{0}, a.numel(), kGrain, MaskOverlap{},
                [&](int64_t begin, int64_t end, MaskOverlap o) {
                    for (int64_t i = begin; i < end; ++i) {
                        const bool x = pa[i] != 0, y = pb[i] != 0;
                        o.both += x && y;
                        o.either += x || y;
                    }
                    return o;
                },
                [](MaskOverlap x, const MaskOverlap& y) {
                    x.both += y.both;
                    x.either += y.either;
                    return x;
                });
        });
    }
    const torch::Tensor x = a != 0, y = b.to(a.device()) != 0;
    return {(x & y).count_nonzero().item<int64_t>(), (x | y).count_nonzero().item<int64_t>()};
}

void or_active_into(torch::Tensor& ever, const torch::Tensor& mask) {
    if (ever.numel() != mask.numel() || ever.scalar_type() != torch::kBool)
        throw std::invalid_argument("or_active_into: `ever` must be a bool tensor of the mask's size");
    if (plain_cpu_mask(ever) && plain_cpu_mask(mask)) {
        bool* e = ever.data_ptr<bool>();
        const auto mark = [&](const auto* m) {
            at::parallel_for(0, ever.numel(), kGrain, [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) e[i] = e[i] || m[i] != 0;
            });
        };
        if (mask.scalar_type() == torch::kFloat)
            mark(mask.data_ptr<float>());
        else
            mark(mask.data_ptr<bool>());
        return;
    }
    ever.logical_or_(mask != 0);
}

torch::Tensor prune_magnitude(const torch::Tensor& weight, const torch::Tensor& mask, double rate) {
    const int64_t n = mask.numel();
    const int64_t active = count_active(mask);
    const int64_t remove = static_cast<int64_t>(std::ceil(rate * double(active)));
    if (remove == 0) return (weight.detach() != 0).to(mask.scalar_type());
    const int64_t zeros = n - active;
    const int64_t k = std::min(zeros + remove, n);  // 1-based rank of the threshold in ascending order
    if (plain_cpu_pair(weight, mask)) {
        // The same threshold as below, found by counting (radix_select.h). NaN is neither nonzero nor kept.
        const torch::Tensor w = weight.detach();
        const float* pw = w.data_ptr<float>();
        const auto positive = [pw](int64_t i) {
            const uint32_t b = radix::magnitude_bits(pw[i]);
            return b != 0 && b <= kInfinityBits;
        };
        const radix::MagnitudeSelect select(
            n, positive, [pw](int64_t i) { return pw[i]; }, chunks(n), in_parallel);
        const int64_t rank = k - (n - select.total());
        const uint32_t threshold = rank <= 0 ? 0 : select.kth(rank, false).bits;
        auto kept = torch::empty_like(mask);
        float* out = kept.data_ptr<float>();
        at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                const uint32_t b = radix::magnitude_bits(pw[i]);
                out[i] = b > threshold && b <= kInfinityBits ? 1.0f : 0.0f;
            }
        });
        return kept;
    }
    const auto magnitude = weight.detach().abs();
    const auto nonzero = magnitude.masked_select(magnitude > 0);
    const int64_t rank = k - (n - nonzero.numel());
    const auto threshold = rank <= 0 ? torch::zeros({}, magnitude.options()) : std::get<0>(nonzero.kthvalue(rank));
    return (magnitude > threshold).to(mask.scalar_type());
}

torch::Tensor grow_by_score(const torch::Tensor& mask, const torch::Tensor& score, int64_t k) {
    auto flat_mask = mask.flatten();
    const int64_t inactive = mask.numel() - count_active(mask);
    k = std::min(k, inactive);
    if (k <= 0) return mask.clone();
    if (plain_cpu_pair(mask, score)) {
        // The k-th largest inactive score by counting (radix_select.h); everything above it grows, then as many of
        // the entries equal to it as are still wanted, lowest index first (topk leaves the choice among ties open).
        const torch::Tensor s = score.detach();
        const float *pm = mask.data_ptr<float>(), *ps = s.data_ptr<float>();
        const int64_t n = mask.numel();
        const radix::MagnitudeSelect select(
            n, [pm](int64_t i) { return pm[i] == 0; }, [ps](int64_t i) { return ps[i]; }, chunks(n), in_parallel);
        const radix::Kth kth = select.kth(k, true);
        const int64_t tied = k - kth.beyond;  // how many of the kth.equal entries tied at the threshold grow
        auto grown = mask.clone();
        float* out = grown.data_ptr<float>();
        at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                const uint32_t b = radix::magnitude_bits(ps[i]);
                if (pm[i] == 0 && (b > kth.bits || (b == kth.bits && tied == kth.equal))) out[i] = 1.0f;
            }
        });
        if (tied < kth.equal)
            for (int64_t i = 0, left = tied; i < n && left > 0; ++i)
                if (pm[i] == 0 && radix::magnitude_bits(ps[i]) == kth.bits) {
                    out[i] = 1.0f;
                    --left;
                }
        return grown;
    }
    // Active positions get -1 so they can never outrank an inactive one (scores are magnitudes, >= 0).
    auto candidates = torch::where(flat_mask == 0, score.detach().abs().flatten().to(torch::kFloat),
                                   torch::full({}, -1.0f, score.options().dtype(torch::kFloat)));
    const auto chosen = std::get<1>(candidates.topk(k, /*dim=*/0, /*largest=*/true, /*sorted=*/false));
    auto grown = flat_mask.clone();
    grown.index_fill_(0, chosen, 1);
    return grown.view(mask.sizes());
}

torch::Tensor grow_random(const torch::Tensor& mask, int64_t k) {
    const int64_t inactive = mask.numel() - count_active(mask);
    if (k <= 0 || inactive == 0) return mask.clone();
    const double p = double(k) / double(inactive);
    auto draw = torch::rand(mask.sizes(), mask.options().dtype(torch::kFloat)) < p;
    return ((mask != 0) | ((mask == 0) & draw)).to(mask.scalar_type());
}

torch::Tensor sample_mask(const std::vector<int64_t>& shape, double density, bool exact,
                          const torch::TensorOptions& options) {
    if (!exact) return (torch::rand(shape, options.dtype(torch::kFloat)) < density).to(options.dtype());
    int64_t n = 1;
    for (auto s : shape) n *= s;
    const auto keep = static_cast<int64_t>(std::llround(density * double(n)));
    auto flat = torch::zeros({n}, options);
    if (keep > 0) flat.index_fill_(0, torch::randperm(n, options.dtype(torch::kLong)).narrow(0, 0, keep), 1);
    return flat.view(shape);
}

}  // namespace ft
