// SPDX-License-Identifier: GPL-3.0-or-later
// MomentumSgd: see sgd.h for why it is ours.
#include "train/sgd.h"

#include <ATen/Parallel.h>
#include <torch/utils.h>

namespace ft {
namespace {

bool fusable(const torch::Tensor& t, const torch::Tensor& like) {
    return !t.defined() ||
           (t.device().is_cpu() && t.scalar_type() == torch::kFloat && t.is_contiguous() && t.numel() == like.numel());
}

// The step of one parameter and its mask in a single pass over memory: the formula of the tensor path below, in the
// same order (ATen may fuse a multiply-add where this rounds twice, so the last bit can differ). Memory-bound: five
// separate passes cost several times this on large layers. The variants are separate loops without branches so
// that the compiler vectorises each of them.
template <bool First, bool Masked, bool MaskMomentum>
void fused_range(float* __restrict pw, const float* __restrict pg, float* __restrict pb, const float* __restrict pm,
                 int64_t begin, int64_t end, float lr, float momentum, float weight_decay) {
    for (int64_t i = begin; i < end; ++i) {
        const float d = pg[i] + weight_decay * pw[i];
        const float b = First ? d : momentum * pb[i] + d;
        const float w = pw[i] - lr * b;
        pw[i] = Masked ? w * pm[i] : w;
        pb[i] = MaskMomentum ? b * pm[i] : b;
    }
}

template <bool First>
void fused_step(float* pw, const float* pg, float* pb, const float* pm, bool mask_momentum, int64_t n, float lr,
                float momentum, float weight_decay) {
    at::parallel_for(0, n, 32768, [&](int64_t begin, int64_t end) {
        if (!pm)
            fused_range<First, false, false>(pw, pg, pb, pm, begin, end, lr, momentum, weight_decay);
        else if (!mask_momentum)
            fused_range<First, true, false>(pw, pg, pb, pm, begin, end, lr, momentum, weight_decay);
        else
            fused_range<First, true, true>(pw, pg, pb, pm, begin, end, lr, momentum, weight_decay);
    });
}

// The fused step at the listed positions only (sparse execution with masked momentum): the same formula.
void sparse_step(float* pw, const float* pg, float* pb, const std::vector<int64_t>& flat, bool first, float lr,
                 float momentum, float weight_decay) {
    at::parallel_for(0, int64_t(flat.size()), 16384, [&](int64_t begin, int64_t end) {
        for (int64_t k = begin; k < end; ++k) {
            const int64_t i = flat[size_t(k)];
            const float d = pg[i] + weight_decay * pw[i];
            const float b = first ? d : momentum * pb[i] + d;
            pw[i] -= lr * b;
            pb[i] = b;
        }
    });
}

}  // namespace

void MomentumSgd::set_active_positions(size_t i, std::shared_ptr<const std::vector<int64_t>> flat) {
    if (active_.size() < params_.size()) active_.resize(params_.size());
    active_.at(i) = std::move(flat);
}

void MomentumSgd::mask_buffer(size_t i, const torch::Tensor& mask) {
    torch::NoGradGuard no_grad;
    if (buffers_.at(i).defined()) buffers_[i].mul_(mask);
}

MomentumSgd::MomentumSgd(std::vector<torch::Tensor> params, double lr, double momentum, double weight_decay)
    : params_(std::move(params)), buffers_(params_.size()), lr_(lr), momentum_(momentum), weight_decay_(weight_decay) {}

void MomentumSgd::reset_momentum() {
    for (auto& b : buffers_) b = torch::Tensor();
}

// Dropping the gradients instead of zeroing them (PyTorch 2's default, set_to_none) gives the same numbers, since
// backward then stores g where it would have computed 0 + g, and saves a zero fill and an add per parameter.
// Growth by gradient still sees the last backward's gradients: they live until the next zero_grad.
void MomentumSgd::zero_grad() {
    for (auto& p : params_) p.mutable_grad() = torch::Tensor();
}

void MomentumSgd::step(const std::vector<torch::Tensor>& masks, bool mask_momentum) {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i) {
        auto& p = params_[i];
        if (!p.grad().defined()) continue;
        const torch::Tensor mask = i < masks.size() ? masks[i] : torch::Tensor();
        auto& buf = buffers_[i];
        const std::vector<int64_t>* active = i < active_.size() ? active_[i].get() : nullptr;
        if (active && mask_momentum && momentum_ != 0 && fusable(p, p) && fusable(p.grad(), p) && fusable(buf, p)) {
            const bool first = !buf.defined();
            if (first) buf = torch::zeros_like(p);  // inactive entries stay 0, as the dense step's masking leaves them
            const auto g = p.grad().contiguous();
            sparse_step(p.data_ptr<float>(), g.data_ptr<float>(), buf.data_ptr<float>(), *active, first, float(lr_),
                        float(momentum_), float(weight_decay_));
            continue;
        }
        if (momentum_ != 0 && fusable(p, p) && fusable(p.grad(), p) && fusable(buf, p) && fusable(mask, p)) {
            const bool first = !buf.defined();
            if (first) buf = torch::empty_like(p);
            const auto g = p.grad().contiguous();
            const float* pm = mask.defined() ? mask.data_ptr<float>() : nullptr;
            (first ? fused_step<true> : fused_step<false>)(p.data_ptr<float>(), g.data_ptr<float>(),
                                                           buf.data_ptr<float>(), pm, mask_momentum, p.numel(),
                                                           float(lr_), float(momentum_), float(weight_decay_));
            continue;
        }
        auto d = weight_decay_ != 0 ? p.grad().add(p, weight_decay_) : p.grad();
        if (momentum_ != 0) {
            if (!buf.defined())
                buf = d.clone().detach();
            else
                buf.mul_(momentum_).add_(d);
            d = buf;
        }
        p.add_(d, -lr_);
        if (mask.defined()) {
            p.mul_(mask);
            if (mask_momentum && buf.defined()) buf.mul_(mask);
        }
    }
}

}  // namespace ft
