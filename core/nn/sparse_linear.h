// SPDX-License-Identifier: GPL-3.0-or-later
// Sparse execution of a Linear layer (ARCHITECTURE.md, "Sparse execution"): y = x W^T + b with only the active
// weights of W, for forward, grad-input and grad-weight. Private to core (torch).
//
// The pattern (which weights are active) is rebuilt from the mask at each update; the values are read from the
// dense weight at every call, because SGD changes them at every step. Activations are used feature-major
// ([features, batch]) so that each active weight is one multiply-add over a contiguous batch vector.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <torch/types.h>

namespace ft {

// What a sparse layer keeps between calls, beside its pattern (one per pattern, so one per layer and mask).
struct SparseLinearState {
    // The weight gradient at the active positions, in CSR order: the backward pass of a step that needs no dense
    // gradient writes it here instead of into weight.grad (which stays undefined), so no dense [out, in] gradient
    // is zero-filled and scattered into at every step; MomentumSgd steps from it. `written`: since the last
    // zero_grad or step (a second backward before then adds to it).
    std::vector<float> grad;
    bool grad_written = false;
    // The active weights' values in CSR order, read by the forward and grad-input products instead of gathering
    // them from the dense weight at every call. Valid while the weight's storage and version counter are those
    // recorded: every torch in-place op on the weight (a mask update, a checkpoint load) bumps the counter, and
    // MomentumSgd, which writes through the data pointer without bumping it, updates these values in the same pass.
    // values_of holds the weight they came from, so that its memory cannot be reused by another tensor meanwhile.
    std::vector<float> values;
    torch::Tensor values_of;
    int64_t values_version = -1;
    std::mutex values_mutex;  // evaluation may run a model from several threads
};

struct SparseLinearPattern {
    int64_t out = 0, in = 0;
    // CSR over output rows: the active weights of row o are col[row_ptr[o]] .. col[row_ptr[o + 1] - 1], in
    // ascending column order; position k of the CSR is weight (o, col[k]), flat index o * in + col[k].
    std::vector<int64_t> row_ptr;
    std::vector<int32_t> col;
    std::vector<int64_t> flat;  // o * in + col[k]: where value k lives in the dense weight
    // CSC over input columns, for the transposed product (grad-input): the active weights of column j are the CSR
    // positions t_pos[t_ptr[j]] .. t_pos[t_ptr[j + 1] - 1] (rows t_row[...]), in ascending row order.
    std::vector<int64_t> t_ptr;
    std::vector<int32_t> t_row;
    std::vector<int64_t> t_pos;

    // Mutable through a const pattern: the pattern's shape never changes, its gradient and value cache do.
    std::shared_ptr<SparseLinearState> state = std::make_shared<SparseLinearState>();

    int64_t nnz() const { return int64_t(col.size()); }
    double density() const { return out * in > 0 ? double(nnz()) / double(out * in) : 0.0; }
};

// The pattern of a 0/1 mask [out, in] (any float or bool dtype, CPU).
std::shared_ptr<const SparseLinearPattern> build_sparse_linear_pattern(const torch::Tensor& mask);

// x [B, in] (float32, CPU) -> [B, out], differentiable in x, weight and bias (bias may be undefined). The weight
// gradient is computed at the pattern's active positions only, into pattern.state->grad (weight.grad is left
// alone), unless dense_weight_grad, which gives weight.grad the full dense gradient (gradient growth scores the
// inactive weights with it).
torch::Tensor sparse_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            const std::shared_ptr<const SparseLinearPattern>& pattern, bool dense_weight_grad);

// The kernels without autograd, for the tests and the benchmark. Feature-major: xt [in, B], gyt [out, B].
torch::Tensor sparse_linear_forward_t(const torch::Tensor& xt, const torch::Tensor& weight,
                                      const SparseLinearPattern& p);  // -> yt [out, B] without bias
torch::Tensor sparse_linear_grad_input_t(const torch::Tensor& gyt, const torch::Tensor& weight,
                                         const SparseLinearPattern& p);  // -> gxt [in, B]
torch::Tensor sparse_linear_grad_weight(const torch::Tensor& gyt, const torch::Tensor& xt,
                                        const SparseLinearPattern& p);  // -> [out, in], zero where inactive
// The same at the active positions only, in CSR order, into out (nnz floats); accumulate adds to what is there.
void sparse_linear_grad_weight_values(const torch::Tensor& gyt, const torch::Tensor& xt, const SparseLinearPattern& p,
                                      float* out, bool accumulate);
// The values of the active weights in CSR order, as the products read them (from the state's cache, refreshed
// from `weight` when stale). The pointer stays valid until the next call with another weight.
const float* sparse_linear_values(const torch::Tensor& weight, const SparseLinearPattern& p);
// pattern.state->grad as a dense [out, in] tensor (zero where inactive, and everywhere when nothing was written).
torch::Tensor sparse_linear_grad_as_dense(const SparseLinearPattern& p);

}  // namespace ft
