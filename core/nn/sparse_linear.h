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
#include <vector>

#include <torch/types.h>

namespace ft {

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

    int64_t nnz() const { return int64_t(col.size()); }
    double density() const { return out * in > 0 ? double(nnz()) / double(out * in) : 0.0; }
};

// The pattern of a 0/1 mask [out, in] (any float or bool dtype, CPU).
std::shared_ptr<const SparseLinearPattern> build_sparse_linear_pattern(const torch::Tensor& mask);

// x [B, in] (float32, CPU) -> [B, out], differentiable in x, weight and bias (bias may be undefined). The weight
// gradient is computed at the pattern's active positions only (zero elsewhere) unless dense_weight_grad, which
// gives the full dense gradient (gradient growth scores the inactive weights with it).
torch::Tensor sparse_linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            const std::shared_ptr<const SparseLinearPattern>& pattern, bool dense_weight_grad);

// The kernels without autograd, for the tests and the benchmark. Feature-major: xt [in, B], gyt [out, B].
torch::Tensor sparse_linear_forward_t(const torch::Tensor& xt, const torch::Tensor& weight,
                                      const SparseLinearPattern& p);  // -> yt [out, B] without bias
torch::Tensor sparse_linear_grad_input_t(const torch::Tensor& gyt, const torch::Tensor& weight,
                                         const SparseLinearPattern& p);  // -> gxt [in, B]
torch::Tensor sparse_linear_grad_weight(const torch::Tensor& gyt, const torch::Tensor& xt,
                                        const SparseLinearPattern& p);  // -> [out, in], zero where inactive

}  // namespace ft
