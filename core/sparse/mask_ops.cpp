// SPDX-License-Identifier: GPL-3.0-or-later
// Prune and grow primitives (spec §2.2).
#include "sparse/mask_ops.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// The loops over whole masks below are written so that the compiler vectorises them: pointers copied by value
// (a captured reference is reloaded after every store, since a byte store may alias it), bitwise instead of
// short-circuit logic (which reads the second operand only on some elements, so it becomes a branch per element),
// bool tensors read as bytes, and counts kept per block in 32 bits. Written the obvious way, they ran element by
// element with a branch each (measured on the 784-6000-6000-10 EDST: HACKING.md, "Mask updates at scale").
constexpr int64_t kCountBlock = int64_t{1} << 20;

// How many i in [0, n) have hit(i) (0 or 1), on LibTorch's threads.
template <typename Hit>
int64_t parallel_count(int64_t n, Hit hit) {
    return at::parallel_reduce(
        int64_t{0}, n, kGrain, int64_t{0},
        [hit](int64_t begin, int64_t end, int64_t total) {
            for (int64_t b0 = begin; b0 < end; b0 += kCountBlock) {
                const int64_t b1 = std::min(end, b0 + kCountBlock);
                int32_t count = 0;
                for (int64_t i = b0; i < b1; ++i) count += int32_t(hit(i));
                total += count;
            }
            return total;
        },
        std::plus<int64_t>());
}

bool plain_cpu_mask(const torch::Tensor& t) {
    return t.device().is_cpu() && t.is_contiguous() &&
           (t.scalar_type() == torch::kFloat || t.scalar_type() == torch::kBool);
}

// A bool tensor's bytes, which are 0 or 1: the compiler has no vector type for bool and leaves a loop that loads
// one element by element.
const uint8_t* bytes(const torch::Tensor& t) { return reinterpret_cast<const uint8_t*>(t.data_ptr<bool>()); }

// f(p) with p a pointer of the tensor's own type (float, or bytes for bool), for a plain_cpu_mask tensor.
template <typename F>
auto with_mask_pointer(const torch::Tensor& t, F f) {
    return t.scalar_type() == torch::kFloat ? f(t.data_ptr<float>()) : f(bytes(t));
}

}  // namespace

int64_t count_active(const torch::Tensor& mask) {
    // A mask update counts each layer's active entries several times: torch's count_nonzero took 5% of the
    // 784-6000-6000-10 EDST.
    if (plain_cpu_mask(mask))
        return with_mask_pointer(mask, [n = mask.numel()](const auto* m) {
            return parallel_count(n, [m](int64_t i) { return m[i] != 0; });
        });
    if (sum_counts_exactly(mask)) return std::llround(mask.sum().item<double>());
    return mask.count_nonzero().item<int64_t>();
}

int64_t count_switched_on(const torch::Tensor& before, const torch::Tensor& after) {
    if (plain_cpu_pair(before, after)) {
        const float *b = before.data_ptr<float>(), *a = after.data_ptr<float>();
        return parallel_count(before.numel(), [b, a](int64_t i) { return (b[i] == 0.0f) & (a[i] != 0.0f); });
    }
    if (sum_counts_exactly(before) && sum_counts_exactly(after))
        return std::llround((after - before).clamp_min_(0).sum().item<double>());
    return ((before == 0) & (after != 0)).sum().item<int64_t>();
}

MaskOverlap bits_overlap(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
    if (a.size() != b.size()) throw std::invalid_argument("bits_overlap: the masks differ in size");
    MaskOverlap o;
    for (size_t w = 0; w < a.size(); ++w) {
        o.both += __builtin_popcountll(a[w] & b[w]);
        o.either += __builtin_popcountll(a[w] | b[w]);
    }
    return o;
}

void or_active_into(torch::Tensor& ever, const torch::Tensor& mask) {
    if (ever.numel() != mask.numel() || ever.scalar_type() != torch::kBool)
        throw std::invalid_argument("or_active_into: `ever` must be a bool tensor of the mask's size");
    if (plain_cpu_mask(ever) && plain_cpu_mask(mask)) {
        auto* e = reinterpret_cast<uint8_t*>(ever.data_ptr<bool>());
        const auto mark = [&](const auto* m) {
            at::parallel_for(0, ever.numel(), kGrain, [e, m](int64_t begin, int64_t end) {
                // Local copies: stores through a byte pointer may alias the closure, which would be read again
                // after each one.
                uint8_t* out = e;
                const auto* in = m;
                for (int64_t i = begin; i < end; ++i) out[i] = uint8_t(out[i] | (in[i] != 0));
            });
        };
        if (mask.scalar_type() == torch::kFloat)
            mark(mask.data_ptr<float>());
        else
            mark(bytes(mask));
        return;
    }
    ever.logical_or_(mask != 0);
}

namespace {

// The 64 bits of x[0..63] != 0 (NaN is nonzero, -0.0 is not).
inline uint64_t nonzero_word(const float* x) {
#if defined(__SSE2__)
    // Four compares and a movemask per 4 floats: the scalar shift-and-or loop does not vectorise.
    const __m128 zero = _mm_setzero_ps();
    uint64_t bits = 0;
    for (int b = 0; b < 64; b += 4) bits |= uint64_t(_mm_movemask_ps(_mm_cmpneq_ps(_mm_loadu_ps(x + b), zero))) << b;
    return bits;
#else
    uint64_t bits = 0;
    for (int b = 0; b < 64; ++b) bits |= uint64_t(x[b] != 0.0f) << b;
    return bits;
#endif
}

}  // namespace

std::vector<uint64_t> pack_mask(const torch::Tensor& mask) {
    if (plain_cpu_floats(mask)) {
        // Straight from the float mask, on LibTorch's threads: the store captures every layer's mask at every
        // update, and a bool copy with a branch per weight took about 0.1 s of the training thread per update of a
        // 36M-weight layer.
        const float* x = mask.data_ptr<float>();
        const int64_t n = mask.numel(), whole = n / 64;
        std::vector<uint64_t> words(static_cast<size_t>((n + 63) / 64), 0);
        uint64_t* out = words.data();
        at::parallel_for(0, whole, kGrain / 64, [x, out](int64_t first, int64_t last) {
            for (int64_t w = first; w < last; ++w) out[w] = nonzero_word(x + w * 64);
        });
        for (int64_t i = whole * 64; i < n; ++i) out[whole] |= uint64_t(x[i] != 0.0f) << (i - whole * 64);
        return words;
    }
    const auto flat = (mask.flatten() != 0).to(torch::kCPU).contiguous();
    const int64_t n = flat.numel();
    std::vector<uint64_t> words(static_cast<size_t>((n + 63) / 64), 0);
    const bool* bits = flat.data_ptr<bool>();
    for (int64_t i = 0; i < n; ++i)
        if (bits[i]) words[static_cast<size_t>(i >> 6)] |= uint64_t{1} << (i & 63);
    return words;
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
        auto grown = torch::empty_like(mask);
        float* out = grown.data_ptr<float>();
        const uint32_t bits = kth.bits;
        const bool all_tied_grow = tied == kth.equal;
        // Branch-free, so that it vectorises (a branch per entry was 4% of the 6000-wide EDST).
        at::parallel_for(0, n, kGrain, [pm, ps, out, bits, all_tied_grow](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                const uint32_t b = radix::magnitude_bits(ps[i]);
                const bool grow = (pm[i] == 0.0f) & ((b > bits) | ((b == bits) & all_tied_grow));
                out[i] = grow ? 1.0f : pm[i];
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
