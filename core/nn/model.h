// SPDX-License-Identifier: GPL-3.0-or-later
// Models (private to core: includes torch). Every model returns log-softmax (spec §8) and names its children, so
// masks are found by parameter name. A "maskable layer" is every conv and linear weight (spec §1.1): biases and
// BatchNorm parameters are never masked.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>
#include <unordered_map>

#include "ft/config/run_config.h"
#include "nn/sparse_conv2d.h"

namespace ft {

enum class LayerKind { Linear, Conv };

struct MaskableLayer {
    std::string name;  // module path, e.g. "conv1", "block1.layer.0.conv1", "fc"
    LayerKind kind = LayerKind::Linear;
    torch::Tensor weight;         // the parameter itself (shares storage with the module)
    int64_t macs_per_weight = 1;  // forward multiply-accumulates per weight per example (conv: H_out * W_out)
    // What sparse execution needs: whether the layer can run sparse (every Linear; a Conv2d with groups 1,
    // dilation 1, numeric zero padding), its input per example ([in] or [C, H, W]), a bias, and a conv's geometry.
    bool sparse_capable = true;
    std::vector<int64_t> input_shape;
    bool has_bias = false;
    ConvGeometry conv;
};

class Model : public torch::nn::Module {
public:
    // x: [B, C, H, W] images or [B, F] features; returns log-probabilities [B, classes].
    virtual torch::Tensor forward(torch::Tensor x) = 0;

    // Conv2d and Linear weights in registration order, with macs_per_weight filled in (computed once from a
    // forward pass on a dummy input of the model's input shape).
    const std::vector<MaskableLayer>& maskable_layers();

    // Sparse execution (sparse.execution = sparse): the maskable layer `layer` (by name) multiplies with only the
    // active weights of `pattern` from now on (a conv's weight viewed as [O, C * kh * kw]); null: the dense product
    // again. Throws std::invalid_argument for a name that is not a sparse_capable maskable layer, or a pattern of
    // another shape.
    void set_sparse_pattern(const std::string& layer, std::shared_ptr<const SparseLinearPattern> pattern);
    // The backward passes of the next steps give sparse layers their full dense weight gradient (gradient
    // growth scores the inactive weights with it), or only the active positions (zero elsewhere).
    void set_dense_weight_grads(bool dense) { dense_weight_grads_ = dense; }
    // The layers that run sparse now.
    int64_t sparse_layer_count() const;

    // Every model applies its Conv2d layers through this (its blocks too, hence public): torch's convolution
    // (nn_detail::conv_forward), or the sparse one when set.
    torch::Tensor conv(torch::nn::Conv2dImpl& layer, const torch::Tensor& x);

protected:
    // Every model applies its Linear layers through this: the dense product, or the sparse one when set.
    torch::Tensor linear(torch::nn::LinearImpl& layer, const torch::Tensor& x);
    // Called by make_model after construction: finds the maskable layers and measures their output sizes.
    friend std::shared_ptr<Model> make_model(const ModelConfig&, const std::vector<int64_t>&, int64_t);
    void index_layers(const std::vector<int64_t>& input_shape);
    std::vector<MaskableLayer> layers_;

private:
    std::unordered_map<const torch::nn::LinearImpl*, std::shared_ptr<const SparseLinearPattern>> sparse_;
    std::unordered_map<const torch::nn::Conv2dImpl*, std::shared_ptr<const SparseLinearPattern>> sparse_conv_;
    bool dense_weight_grads_ = false;
};

// Builds the model named in the config for inputs of `input_shape` (per example) and `classes` outputs.
// Uses the current torch seed for initialisation. Throws std::invalid_argument for an unknown name.
std::shared_ptr<Model> make_model(const ModelConfig& config, const std::vector<int64_t>& input_shape, int64_t classes);

}  // namespace ft
