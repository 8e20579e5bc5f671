// SPDX-License-Identifier: GPL-3.0-or-later
// The model registry's rows and the layer names they imply (see model_specs.h). Torch-free: the networks
// themselves are built in model_registry.cpp from these rows.
#include "ft/nn/model_specs.h"

#include <stdexcept>

namespace ft {
namespace {

constexpr int64_t kPool = 0;  // a max-pool in a VGG width list ('M' in the reference)

std::vector<std::string> mlp_layers(size_t hidden_layers) {
    std::vector<std::string> names;
    for (size_t i = 0; i <= hidden_layers; ++i) names.push_back("fc" + std::to_string(i + 1));
    return names;
}

// features.<i>: each conv is followed by BatchNorm and ReLU (3 modules), each pool is one module.
std::vector<std::string> vgg_layers(const std::vector<int64_t>& widths) {
    std::vector<std::string> names;
    int64_t index = 0;
    for (int64_t w : widths) {
        if (w == kPool) {
            index += 1;
        } else {
            names.push_back("features." + std::to_string(index));
            index += 3;
        }
    }
    names.emplace_back("classifier.0");
    names.emplace_back("classifier.3");
    return names;
}

// conv1, then three groups of n = (depth - 4) / 6 blocks (conv1, conv2, and a 1x1 convShortcut where the width
// changes), then fc.
std::vector<std::string> wrn_layers(int64_t depth, int64_t widen) {
    std::vector<std::string> names = {"conv1"};
    const int64_t n = (depth - 4) / 6;
    const int64_t channels[] = {16, 16 * widen, 32 * widen, 64 * widen};
    for (int g = 1; g <= 3; ++g) {
        for (int64_t i = 0; i < n; ++i) {
            const std::string block = "block" + std::to_string(g) + ".layer." + std::to_string(i) + ".";
            names.push_back(block + "conv1");
            names.push_back(block + "conv2");
            if (i == 0 && channels[g - 1] != channels[g]) names.push_back(block + "convShortcut");
        }
    }
    names.emplace_back("fc");
    return names;
}

ModelSpec wrn(int64_t depth, int64_t widen, const char* description) {
    ModelSpec s;
    s.name = "wrn-" + std::to_string(depth) + "-" + std::to_string(widen);
    s.input = {3, 32, 32};
    s.family = ModelFamily::WideResNet;
    s.depth = depth;
    s.widen = widen;
    s.description = description;
    return s;
}

}  // namespace

std::string ModelSpec::input_text() const {
    if (input.empty()) return "any";
    std::string s;
    for (size_t i = 0; i < input.size(); ++i) {
        if (i) s += 'x';
        s += std::to_string(input[i]);
    }
    return s;
}

const std::vector<ModelSpec>& model_specs() {
    static const std::vector<ModelSpec> specs = {
        {"lenet300-100",
         {1, 28, 28},
         ModelFamily::Mlp,
         {300, 100},
         false,
         0,
         0,
         "LeNet-300-100: MLP 784-300-100-10 (fc1, fc2, fc3)"},
        {"lenet5",
         {1, 28, 28},
         ModelFamily::LeNet5,
         {},
         false,
         0,
         0,
         "LeNet-5 (Caffe): conv 20, conv 50, fc 500, fc 10 (conv1, conv2, fc3, fc4)"},
        {"mlp-cifar", {3, 32, 32}, ModelFamily::Mlp, {1024, 512}, false, 0, 0, "MLP 3072-1024-512-10 (fc1, fc2, fc3)"},
        {"vgg-like",
         {3, 32, 32},
         ModelFamily::Vgg,
         {64, 64, kPool, 128, 128, kPool, 256, 256, 256, kPool, 512, 512, 512, kPool, 512, 512, 512, kPool},
         false,
         0,
         0,
         "VGG-16-like with BatchNorm, 2 FC layers of 512"},
        wrn(16, 8, "WideResNet-16-8 (10.95M weights)"),
        wrn(28, 2, "WideResNet-28-2 (1.46M weights)"),
        wrn(28, 10, "WideResNet-28-10 (36.5M weights)"),
        {"mlp",
         {},
         ModelFamily::Mlp,
         {64, 64},
         true,
         0,
         0,
         "MLP with model.hidden widths (default 64, 64); flattens its input"},
    };
    return specs;
}

const ModelSpec* find_model_spec(const std::string& name) {
    for (const auto& m : model_specs())
        if (m.name == name) return &m;
    return nullptr;
}

std::string model_choices() {
    std::string s = "one of {";
    const auto& specs = model_specs();
    for (size_t i = 0; i < specs.size(); ++i) {
        if (i) s += ", ";
        s += specs[i].name;
    }
    return s + "}";
}

std::vector<int64_t> model_widths(const ModelSpec& spec, const ModelConfig& config) {
    return spec.settable_widths && !config.hidden.empty() ? config.hidden : spec.widths;
}

std::vector<std::string> model_layer_names(const ModelConfig& config) {
    const ModelSpec* spec = find_model_spec(config.name);
    if (!spec) throw std::invalid_argument("unknown model \"" + config.name + "\"; expected " + model_choices());
    switch (spec->family) {
        case ModelFamily::Mlp: return mlp_layers(model_widths(*spec, config).size());
        case ModelFamily::LeNet5: return {"conv1", "conv2", "fc3", "fc4"};
        case ModelFamily::Vgg: return vgg_layers(spec->widths);
        case ModelFamily::WideResNet: return wrn_layers(spec->depth, spec->widen);
    }
    throw std::logic_error("model \"" + config.name + "\": unknown family");
}

}  // namespace ft
