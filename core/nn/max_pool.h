// SPDX-License-Identifier: GPL-3.0-or-later
// 2x2 max-pooling with stride 2, optionally after a ReLU in the same pass, for the models' CPU activations (NCHW or
// channels-last, as the convolutions leave them).
// Private to core (torch).
//
// LibTorch 1.13's CPU max_pool2d on an NCHW tensor took 14 ms for LeNet-5's first pooling of a 500-example batch
// (20 x 24 x 24 per example), as long as the convolution before it, and a quarter of a LeNet-5 training step with its
// backward; this pass takes a small fraction of that. The numbers are torch's to the bit: the same maximum (ties
// to the first in the window, NaN wins), the gradient routed to the same element, ReLU's zero gradient where the
// maximum is not positive. Other inputs (other devices, dtypes or layouts) go through torch's own operations.
#pragma once

#include <torch/types.h>

namespace ft {

// max_pool2d(relu ? relu(x) : x, kernel 2, stride 2, floor mode) of an [N, C, H, W] tensor, with autograd.
torch::Tensor max_pool2x2(const torch::Tensor& x, bool relu);

}  // namespace ft
