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
#include <torch/nn/modules/linear.h>
#include <torch/types.h>
#include <unordered_map>

#include "ft/config/run_config.h"

namespace ft {

enum class LayerKind { Linear, Conv };

struct SparseLinearPattern;  // nn/sparse_linear.h

struct MaskableLayer {
    std::string name;  // module path, e.g. "conv1", "block1.layer.0.conv1", "fc"
    LayerKind kind;
    torch::Tensor weight;         // the parameter itself (shares storage with the module)
    int64_t macs_per_weight = 1;  // forward multiply-accumulates per weight per example (conv: H_out * W_out)
};

class Model : public torch::nn::Module {
public:
    // x: [B, C, H, W] images or [B, F] features; returns log-probabilities [B, classes].
    virtual torch::Tensor forward(torch::Tensor x) = 0;

    // Conv2d and Linear weights in registration order, with macs_per_weight filled in (computed once from a
    // forward pass on a dummy input of the model's input shape).
    const std::vector<MaskableLayer>& maskable_layers();

    // Sparse execution (sparse.execution = sparse): the Linear layer `layer` (a maskable layer's name) multiplies
    // with only the active weights of `pattern` from now on; null: the dense product again. Conv layers always
    // run masked. Throws std::invalid_argument for a name that is not a Linear maskable layer.
    void set_sparse_pattern(const std::string& layer, std::shared_ptr<const SparseLinearPattern> pattern);
    // The backward passes of the next steps give sparse layers their full dense weight gradient (gradient
    // growth scores the inactive weights with it), or only the active positions (zero elsewhere).
    void set_dense_weight_grads(bool dense) { dense_weight_grads_ = dense; }
    // The layers that run sparse now.
    int64_t sparse_layer_count() const;

protected:
    // Every model applies its Linear layers through this: the dense product, or the sparse one when set.
    torch::Tensor linear(torch::nn::LinearImpl& layer, const torch::Tensor& x);
    // Called by make_model after construction: finds the maskable layers and measures their output sizes.
    friend std::shared_ptr<Model> make_model(const ModelConfig&, const std::vector<int64_t>&, int64_t);
    void index_layers(const std::vector<int64_t>& input_shape);
    std::vector<MaskableLayer> layers_;

private:
    std::unordered_map<const torch::nn::LinearImpl*, std::shared_ptr<const SparseLinearPattern>> sparse_;
    bool dense_weight_grads_ = false;
};

// Builds the model named in the config for inputs of `input_shape` (per example) and `classes` outputs.
// Uses the current torch seed for initialisation. Throws std::invalid_argument for an unknown name.
std::shared_ptr<Model> make_model(const ModelConfig& config, const std::vector<int64_t>& input_shape, int64_t classes);

}  // namespace ft
