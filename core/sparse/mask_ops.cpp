// Prune and grow primitives (spec §2.2).
#include "sparse/mask_ops.h"

#include <cmath>

namespace ft {

int64_t count_active(const torch::Tensor& mask) { return (mask != 0).sum().item<int64_t>(); }

torch::Tensor prune_magnitude(const torch::Tensor& weight, const torch::Tensor& mask, double rate) {
    const int64_t n = mask.numel();
    const int64_t active = count_active(mask);
    const int64_t remove = static_cast<int64_t>(std::ceil(rate * double(active)));
    if (remove == 0) return (weight != 0).to(mask.scalar_type());
    const int64_t zeros = n - active;
    const int64_t k = std::min(zeros + remove, n);  // 1-based rank of the threshold in ascending order
    const auto magnitude = weight.detach().abs().flatten();
    const auto threshold = std::get<0>(magnitude.kthvalue(k));
    return (weight.detach().abs() > threshold).to(mask.scalar_type());
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

torch::Tensor sample_mask(const std::vector<int64_t>& shape, double density, bool exact, const torch::TensorOptions& options) {
    if (!exact) return (torch::rand(shape, options.dtype(torch::kFloat)) < density).to(options.dtype());
    int64_t n = 1;
    for (auto s : shape) n *= s;
    const auto keep = static_cast<int64_t>(std::llround(density * double(n)));
    auto flat = torch::zeros({n}, options);
    if (keep > 0) flat.index_fill_(0, torch::randperm(n, options.dtype(torch::kLong)).narrow(0, 0, keep), 1);
    return flat.view(shape);
}

}  // namespace ft
