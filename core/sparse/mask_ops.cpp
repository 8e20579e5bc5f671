// SPDX-License-Identifier: GPL-3.0-or-later
// Prune and grow primitives (spec §2.2).
#include "sparse/mask_ops.h"

#include <cmath>

namespace ft {

namespace {

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
    if (sum_counts_exactly(before) && sum_counts_exactly(after))
        return std::llround((after - before).clamp_min_(0).sum().item<double>());
    return ((before == 0) & (after != 0)).sum().item<int64_t>();
}

torch::Tensor prune_magnitude(const torch::Tensor& weight, const torch::Tensor& mask, double rate) {
    const int64_t n = mask.numel();
    const int64_t active = count_active(mask);
    const int64_t remove = static_cast<int64_t>(std::ceil(rate * double(active)));
    const auto magnitude = weight.detach().abs();
    if (remove == 0) return (weight.detach() != 0).to(mask.scalar_type());
    const int64_t zeros = n - active;
    const int64_t k = std::min(zeros + remove, n);  // 1-based rank of the threshold in ascending order
    // The k-th smallest |w| over all N entries, found among the nonzero ones only: the N - nnz(w) zeros rank
    // first, so it is 0 when k falls among them and otherwise the (k - zeros(w))-th smallest nonzero |w|. Same
    // threshold as a selection over all entries, on a fraction of them (the inactive weights are all zero).
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
