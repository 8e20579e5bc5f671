// SPDX-License-Identifier: GPL-3.0-or-later
// SGD with momentum and weight decay, arithmetically identical to torch.optim.SGD (dampening 0, no Nesterov):
//   d = g + wd * w;  buf = d on the first step, else momentum * buf + d;  w -= lr * buf.
// Written here, not taken from torch::optim, because the masking rules need the momentum buffers by layer
// (mask them, grow by them, checkpoint them), and torch::optim's state keys differ between LibTorch 1.13 and 2.x.
#pragma once

#include <memory>
#include <vector>

#include <torch/types.h>

namespace ft {

struct SparseLinearPattern;  // nn/sparse_linear.h

class MomentumSgd {
public:
    MomentumSgd(std::vector<torch::Tensor> params, double lr, double momentum, double weight_decay);
    void zero_grad();
    // One step. Then, for each parameter i with masks[i] defined (0/1, its shape), w <- w * m and, with
    // mask_momentum, buf <- buf * m: Masking.step of spec §2.1, the optimizer step followed by apply_mask. On CPU
    // float tensors it all happens in one pass over each parameter.
    void step(const std::vector<torch::Tensor>& masks = {}, bool mask_momentum = false);
    // Sparse execution: parameter i is a weight that runs sparse with `pattern`, whose inactive entries, weight and
    // (masked) momentum alike, are zero and stay zero, so with mask_momentum the step touches only the pattern's
    // active positions and leaves the rest as the dense step would leave it. Its gradient is the pattern's gradient
    // slot (SparseLinearState::grad, consumed by the step) or, on the steps that computed it, the dense weight.grad;
    // the step also keeps the pattern's copy of the active values current. Null: the dense step again. The caller
    // zeroes the buffer's inactive entries when the mask changes (mask_buffer).
    void set_sparse_pattern(size_t i, std::shared_ptr<const SparseLinearPattern> pattern);
    // buf_i <- buf_i * mask (when the buffer exists).
    void mask_buffer(size_t i, const torch::Tensor& mask);
    void set_lr(double lr) { lr_ = lr; }
    double lr() const { return lr_; }
    // Buffers in parameter order; undefined before the first step (or with momentum 0).
    std::vector<torch::Tensor>& buffers() { return buffers_; }
    const std::vector<torch::Tensor>& buffers() const { return buffers_; }
    // Forgets every buffer: the next step starts momentum afresh (buf = d), as a newly built optimizer.
    void reset_momentum();
    const std::vector<torch::Tensor>& params() const { return params_; }

private:
    std::vector<torch::Tensor> params_, buffers_;
    std::vector<std::shared_ptr<const SparseLinearPattern>> sparse_;
    double lr_, momentum_, weight_decay_;
};

}  // namespace ft
