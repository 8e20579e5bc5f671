// SPDX-License-Identifier: GPL-3.0-or-later
// The model zoo's private plumbing (core/nn only): the builders behind make_model and the convolution call every
// model uses, so that Model::index_layers can measure each conv's output size.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <torch/nn/modules/conv.h>
#include <torch/types.h>

#include "nn/model.h"

namespace ft::nn_detail {

// conv.forward(x). While Model::index_layers runs its dummy forward pass, it also records H_out * W_out of the
// result and the input's shape for this conv. Every model applies its convolutions through Model::conv, which
// calls this unless the conv runs sparse; index_layers throws if a conv was not seen.
torch::Tensor conv_forward(torch::nn::Conv2dImpl& conv, const torch::Tensor& x);

// Builders, one per ModelFamily (ft/nn/model_specs.h). Shapes and names are checked by make_model
// (model_registry.cpp) before these are called.
// Fully connected ReLU net in_features -> hidden... -> classes, layers fc1..fc(k+1); flattens its input.
std::shared_ptr<Model> make_mlp(int64_t in_features, const std::vector<int64_t>& hidden, int64_t classes);
std::shared_ptr<Model> make_lenet5(int64_t classes);  // 1x28x28
// 3x32x32; widths: conv widths, 0 for a max-pool.
std::shared_ptr<Model> make_vgg(const std::vector<int64_t>& widths, int64_t classes);
std::shared_ptr<Model> make_wide_resnet(int64_t depth, int64_t widen_factor, int64_t classes);  // 3x32x32

}  // namespace ft::nn_detail
