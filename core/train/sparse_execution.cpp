// SPDX-License-Identifier: GPL-3.0-or-later
// use_sparse_execution and the timing behind sparse.execution = auto (see sparse_execution.h).
#include "train/sparse_execution.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <torch/torch.h>

#include "nn/sparse_conv2d.h"
#include "nn/sparse_linear.h"

namespace ft {

bool can_run_sparse(Model& model, const Masking& masking, size_t i) {
    return model.maskable_layers()[i].sparse_capable && !masking.layers()[i].allocated_dense;
}

void use_sparse_execution(Model& model, const Masking& masking, MomentumSgd* sgd, const std::vector<bool>& sparse) {
    const auto& layers = model.maskable_layers();
    for (size_t i = 0; i < layers.size(); ++i) {
        if (!layers[i].sparse_capable) continue;
        const bool chosen = can_run_sparse(model, masking, i) && (sparse.empty() || sparse.at(i));
        const torch::Tensor& mask = masking.layers()[i].mask;
        // A conv's [O, C, kh, kw] mask is the [O, C * kh * kw] matrix of its pattern.
        auto pattern = chosen ? build_sparse_linear_pattern(mask.reshape({mask.size(0), -1})) : nullptr;
        if (sgd) {
            const auto& params = sgd->params();
            for (size_t p = 0; p < params.size(); ++p) {
                if (!params[p].is_same(layers[i].weight)) continue;
                if (!chosen) {
                    sgd->set_sparse_pattern(p, nullptr);
                    continue;
                }
                sgd->mask_buffer(p, mask);
                // The optimizer shares the pattern: its positions, gradient slot and copy of the values.
                sgd->set_sparse_pattern(p, pattern);
            }
        }
        model.set_sparse_pattern(layers[i].name, std::move(pattern));
    }
}

namespace {

// Seconds of the fastest of `pass` repeated: at least 3 times after one warm-up, and until 0.25 s were spent (a
// 6000x6000 layer takes about a tenth of a second per pass on 2 cores, a LeNet layer microseconds).
template <typename Pass>
double fastest(Pass pass) {
    pass();
    double best = std::numeric_limits<double>::infinity(), spent = 0;
    for (int rep = 0; rep < 3 || (spent < 0.25 && rep < 50); ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        pass();
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best = std::min(best, s);
        spent += s;
    }
    return best;
}

}  // namespace

ExecutionTiming time_layer_execution(const MaskableLayer& layer, const torch::Tensor& mask, int64_t batch,
                                     bool input_grad) {
    // Callers may sit inside a NoGradGuard (evaluation); the timed passes need their backward.
    const torch::AutoGradMode with_grad(true);
    const torch::Tensor& weight = layer.weight;
    const auto pattern = build_sparse_linear_pattern(mask.reshape({mask.size(0), -1}));
    const torch::Tensor w = (weight.detach() * mask).contiguous().requires_grad_(true);
    std::vector<int64_t> input{batch};
    input.insert(input.end(), layer.input_shape.begin(), layer.input_shape.end());
    if (input.size() < 2) input.push_back(weight.size(1));  // a Linear layer described by its weight alone
    const torch::Tensor x = torch::full(input, 0.5f).requires_grad_(input_grad);
    const torch::Tensor bias = layer.has_bias ? torch::zeros({weight.size(0)}) : torch::Tensor();
    const bool conv = layer.kind == LayerKind::Conv;
    const ConvGeometry& g = layer.conv;
    const auto dense = [&] {
        return conv ? torch::nn::functional::conv2d(x, w,
                                                    torch::nn::functional::Conv2dFuncOptions()
                                                        .bias(bias)
                                                        .stride({g.stride_h, g.stride_w})
                                                        .padding(std::vector<int64_t>{g.pad_h, g.pad_w}))
                    : torch::nn::functional::linear(x, w, bias);
    };
    const torch::Tensor gy = torch::full(dense().sizes(), 0.01f);
    const auto pass = [&](bool sparse) {
        return [&, sparse] {
            const torch::Tensor y = !sparse ? dense()
                                    : conv  ? sparse_conv2d(x, w, bias, g, pattern, false)
                                            : sparse_linear(x, w, bias, pattern, false);
            y.backward(gy);
            w.mutable_grad() = torch::Tensor();
            pattern->state->grad_written = false;  // as the optimizer's step consumes it
            if (input_grad) x.mutable_grad() = torch::Tensor();
        };
    };
    ExecutionTiming t;
    t.masked_seconds = fastest(pass(false));
    t.sparse_seconds = fastest(pass(true));
    t.sparse = t.sparse_seconds < 0.95 * t.masked_seconds;
    return t;
}

ExecutionTiming time_linear_execution(const torch::Tensor& weight, const torch::Tensor& mask, int64_t batch,
                                      bool input_grad) {
    MaskableLayer layer;
    layer.weight = weight;
    layer.input_shape = {weight.size(1)};
    layer.has_bias = true;  // the zoo's Linear layers all have one
    return time_layer_execution(layer, mask, batch, input_grad);
}

std::vector<size_t> ExecutionChooser::decide(Model& model, const Masking& masking, int64_t batch) {
    const auto& layers = model.maskable_layers();
    layers_.resize(layers.size());
    std::vector<size_t> decided;
    for (size_t i = 0; i < layers.size(); ++i) {
        Layer& l = layers_[i];
        if (!can_run_sparse(model, masking, i)) {
            l = Layer{};
            continue;
        }
        const torch::Tensor& mask = masking.layers()[i].mask;
        const double density = (mask != 0).sum().item<double>() / double(mask.numel());
        if (l.density >= 0 && std::abs(density - l.density) <= 0.1 * l.density) continue;
        // The first maskable layer reads the data itself: no gradient flows into its input.
        const ExecutionTiming t = time_layer_execution(layers[i], mask, batch, i > 0);
        l = Layer{t.sparse, density, t.masked_seconds, t.sparse_seconds};
        decided.push_back(i);
    }
    return decided;
}

std::vector<bool> ExecutionChooser::sparse_layers() const {
    std::vector<bool> out;
    for (const auto& l : layers_) out.push_back(l.sparse);
    return out;
}

nlohmann::json ExecutionChooser::to_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& l : layers_) out.push_back({l.sparse, l.density, l.masked_seconds, l.sparse_seconds});
    return out;
}

void ExecutionChooser::from_json(const nlohmann::json& json) {
    std::vector<Layer> layers;
    try {
        for (const auto& l : json.get<std::vector<nlohmann::json>>())
            layers.push_back(
                Layer{l.at(0).get<bool>(), l.at(1).get<double>(), l.at(2).get<double>(), l.at(3).get<double>()});
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error("execution = " + json.dump() +
                                 ": expected [[sparse, density, masked_seconds, sparse_seconds], ...] (" + e.what() +
                                 ")");
    }
    layers_ = std::move(layers);
}

}  // namespace ft
