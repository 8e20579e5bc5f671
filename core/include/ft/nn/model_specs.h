// SPDX-License-Identifier: GPL-3.0-or-later
// The model registry (spec §8), one row per model: its name, the input it expects, which constructor builds it
// with which widths, and the names of its maskable layers (spec §1.1). Plain C++: validation, the config
// schema and the views read it without torch; make_model (core/nn/model_registry.cpp) builds from the same rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ft/config/run_config.h"

namespace ft {

// The constructor behind a row (core/nn/model_registry.cpp has one case per family).
enum class ModelFamily {
    Mlp,         // fully connected ReLU layers fc1..fc(k+1) over the flattened input (mlp.cpp)
    LeNet5,      // LeNet-5 (Caffe): conv1, conv2, fc3, fc4 (lenet.cpp)
    Vgg,         // VGG-16 style with BatchNorm: 3x3 convs features.<i>, 2 FC layers classifier.0/3 (vgg.cpp)
    WideResNet,  // pre-activation WRN-depth-widen (wrn.cpp)
};

struct ModelSpec {
    std::string name;
    std::vector<int64_t> input;  // per-example input shape; empty: any (the model flattens its input)
    ModelFamily family = ModelFamily::Mlp;
    // Mlp: the hidden widths (model.hidden replaces them where settable_widths); Vgg: the conv widths, 0 for a
    // max-pool (the reference's 'M').
    std::vector<int64_t> widths;
    bool settable_widths = false;  // model.hidden may set the widths (only "mlp")
    int64_t depth = 0, widen = 0;  // WideResNet
    std::string description;

    std::string input_text() const;  // "1x28x28", "3x32x32" or "any"
};

const std::vector<ModelSpec>& model_specs();
// Null for an unknown name.
const ModelSpec* find_model_spec(const std::string& name);
// "one of {lenet300-100, lenet5, ...}".
std::string model_choices();

// The hidden widths the model of `config` is built with (Mlp family: model.hidden where settable and given).
std::vector<int64_t> model_widths(const ModelSpec& spec, const ModelConfig& config);
// The maskable layers (conv and linear weights, spec §1.1) of the model `config` names, in the order the network
// registers them (what MaskableLayer::name holds). Throws std::invalid_argument for an unknown name.
std::vector<std::string> model_layer_names(const ModelConfig& config);

}  // namespace ft
