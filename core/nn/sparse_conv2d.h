// SPDX-License-Identifier: GPL-3.0-or-later
// Sparse execution of a Conv2d layer (ARCHITECTURE.md, "Sparse execution"): forward, grad-input and grad-weight
// with only the active weights, computed directly (no unfolded input). Private to core (torch).
//
// The weight [O, C, kh, kw] is the [O, C * kh * kw] matrix of a SparseLinearPattern, so the pattern, its gradient
// slot and its copy of the values (sparse_linear.h) serve convolutions unchanged, and so does the optimizer's
// sparse step. Activations are used channel-major with the batch innermost ([C, H, W, B]): each active weight
// (o, c, dy, dx) adds w times a contiguous batch vector of the input to one of the output, for every output pixel
// whose input pixel lies inside the image.
#pragma once

#include <cstdint>
#include <memory>

#include <torch/types.h>

#include "nn/sparse_linear.h"

namespace ft {

// What the kernels need to know of a convolution besides its weight: groups 1, dilation 1.
struct ConvGeometry {
    int64_t stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0;
};

// x [B, C, H, W] (float32, CPU) -> [B, O, Ho, Wo], differentiable in x, weight [O, C, kh, kw] and bias (may be
// undefined). The weight gradient goes to pattern.state->grad at the active positions (as sparse_linear), unless
// dense_weight_grad. The pattern is that of the mask viewed as [O, C * kh * kw].
torch::Tensor sparse_conv2d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            const ConvGeometry& geometry, const std::shared_ptr<const SparseLinearPattern>& pattern,
                            bool dense_weight_grad);

// The kernels without autograd, for the tests and the benchmark, on [B, C, H, W] tensors: the output without bias,
// the input gradient, and the weight gradient [O, C, kh, kw] (zero where inactive).
torch::Tensor sparse_conv2d_forward(const torch::Tensor& x, const torch::Tensor& weight, const ConvGeometry& g,
                                    const SparseLinearPattern& p);
torch::Tensor sparse_conv2d_grad_input(const torch::Tensor& gy, const torch::Tensor& weight,
                                       const std::vector<int64_t>& input_size, const ConvGeometry& g,
                                       const SparseLinearPattern& p);
torch::Tensor sparse_conv2d_grad_weight(const torch::Tensor& gy, const torch::Tensor& x, const torch::Tensor& weight,
                                        const ConvGeometry& g, const SparseLinearPattern& p);

}  // namespace ft
