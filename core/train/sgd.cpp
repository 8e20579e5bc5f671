// SPDX-License-Identifier: GPL-3.0-or-later
// MomentumSgd: see sgd.h for why it is ours.
#include "train/sgd.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/utils.h>

#include "nn/sparse_linear.h"

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

// The fused step at the active positions only (sparse execution with masked momentum): the same formula. The
// gradient is the dense one at i (Dense), the compact one at k (Compact), or their sum; Vals: the pattern's copy
// of the active values is current, so w is read from it (contiguous) and written to both.
template <bool Dense, bool Compact, bool Vals, bool First>
void sparse_range(float* __restrict pw, const float* __restrict gd, const float* __restrict gc, float* __restrict pb,
                  float* __restrict vals, const int64_t* __restrict flat, int64_t begin, int64_t end, float lr,
                  float momentum, float weight_decay) {
    for (int64_t k = begin; k < end; ++k) {
        const int64_t i = flat[k];
        const float g = Dense && Compact ? gd[i] + gc[k] : Dense ? gd[i] : gc[k];
        const float w = Vals ? vals[k] : pw[i];
        const float d = g + weight_decay * w;
        const float b = First ? d : momentum * pb[i] + d;
        const float nw = w - lr * b;
        pw[i] = nw;
        if (Vals) vals[k] = nw;
        pb[i] = b;
    }
}

template <bool Dense, bool Compact, bool Vals>
void sparse_step_as(float* pw, const float* gd, const float* gc, float* pb, float* vals,
                    const std::vector<int64_t>& flat, bool first, float lr, float momentum, float weight_decay) {
    at::parallel_for(0, int64_t(flat.size()), 16384, [&](int64_t begin, int64_t end) {
        (first ? sparse_range<Dense, Compact, Vals, true>
               : sparse_range<Dense, Compact, Vals, false>)(pw, gd, gc, pb, vals, flat.data(), begin, end, lr, momentum,
                                                            weight_decay);
    });
}

void sparse_step(float* pw, const float* gd, const float* gc, float* pb, float* vals, const std::vector<int64_t>& flat,
                 bool first, float lr, float momentum, float weight_decay) {
    using Step = void (*)(float*, const float*, const float*, float*, float*, const std::vector<int64_t>&, bool, float,
                          float, float);
    // [dense][vals]; without a dense gradient the compact one is there (the caller checked).
    static const Step steps[2][2][2] = {
        {{nullptr, nullptr}, {sparse_step_as<false, true, false>, sparse_step_as<false, true, true>}},
        {{sparse_step_as<true, false, false>, sparse_step_as<true, false, true>},
         {sparse_step_as<true, true, false>, sparse_step_as<true, true, true>}}};
    steps[gd != nullptr][gc != nullptr][vals != nullptr](pw, gd, gc, pb, vals, flat, first, lr, momentum, weight_decay);
}

}  // namespace

void MomentumSgd::set_sparse_pattern(size_t i, std::shared_ptr<const SparseLinearPattern> pattern) {
    if (sparse_.size() < params_.size()) sparse_.resize(params_.size());
    sparse_.at(i) = std::move(pattern);
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
    for (const auto& pattern : sparse_)
        if (pattern) pattern->state->grad_written = false;
}

void MomentumSgd::step(const std::vector<torch::Tensor>& masks, bool mask_momentum) {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i) {
        auto& p = params_[i];
        const SparseLinearPattern* pattern = i < sparse_.size() ? sparse_[i].get() : nullptr;
        auto& buf = buffers_[i];
        if (pattern && mask_momentum && momentum_ != 0 && fusable(p, p) && fusable(p.grad(), p) && fusable(buf, p)) {
            SparseLinearState& st = *pattern->state;
            if (!p.grad().defined() && !st.grad_written) continue;
            const bool first = !buf.defined();
            if (first) buf = torch::zeros_like(p);  // inactive entries stay 0, as the dense step's masking leaves them
            const bool vals_current = st.values_of.defined() && st.values_of.data_ptr() == p.data_ptr() &&
                                      st.values_version == int64_t(p._version()) &&
                                      st.values.size() == pattern->flat.size();
            sparse_step(p.data_ptr<float>(), p.grad().defined() ? p.grad().data_ptr<float>() : nullptr,
                        st.grad_written ? st.grad.data() : nullptr, buf.data_ptr<float>(),
                        vals_current ? st.values.data() : nullptr, pattern->flat, first, float(lr_), float(momentum_),
                        float(weight_decay_));
            st.grad_written = false;  // consumed: a backward after this step writes afresh
            continue;
        }
        if (pattern) {
            // A step that does not go through sparse_step: fold the compact gradient into a dense one first.
            SparseLinearState& st = *pattern->state;
            if (st.grad_written) {
                // As the weight's shape: a conv's pattern is its [O, C * kh * kw] matrix.
                const torch::Tensor compact = sparse_linear_grad_as_dense(*pattern).view(p.sizes()).to(p.device());
                p.mutable_grad() = p.grad().defined() ? p.grad() + compact : compact;
                st.grad_written = false;
            }
        }
        if (!p.grad().defined()) continue;
        const torch::Tensor mask = i < masks.size() ? masks[i] : torch::Tensor();
        if (momentum_ != 0 && fusable(p, p) && fusable(p.grad(), p) && fusable(buf, p) && fusable(mask, p)) {
            const bool first = !buf.defined();
            if (first) buf = torch::empty_like(p);
            const auto g = p.grad().contiguous();
            const float* pm = mask.defined() ? mask.data_ptr<float>() : nullptr;
            (first ? fused_step<true> : fused_step<false>)(p.data_ptr<float>(), g.data_ptr<float>(),
                                                           buf.data_ptr<float>(), pm, mask_momentum, p.numel(),
                                                           float(lr_), float(momentum_), float(weight_decay_));
            // Written through the data pointer: say so, as torch's in-place ops do, so that a copy of the values
            // (a sparse layer's SparseLinearState) knows it is stale.
            torch::autograd::impl::bump_version(p);
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
