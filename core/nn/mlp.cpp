// SPDX-License-Identifier: GPL-3.0-or-later
// Fully connected models: the generic "mlp" (model.hidden widths), "mlp-cifar" (MLP_CIFAR10) and the class behind
// LeNet-300-100 (lenet.cpp). ReLU between layers, log-softmax at the end (spec §8).
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/modules/linear.h>

#include "nn/model_zoo.h"

namespace ft::nn_detail {

namespace {

class Mlp final : public Model {
public:
    Mlp(int64_t in_features, const std::vector<int64_t>& hidden, int64_t classes) {
        std::vector<int64_t> widths = hidden;
        widths.push_back(classes);
        int64_t in = in_features;
        for (size_t i = 0; i < widths.size(); ++i) {
            layers_fc_.push_back(register_module("fc" + std::to_string(i + 1), torch::nn::Linear(in, widths[i])));
            in = widths[i];
        }
    }

    torch::Tensor forward(torch::Tensor x) override {
        x = x.reshape({x.size(0), -1});
        for (size_t i = 0; i + 1 < layers_fc_.size(); ++i) x = torch::relu(linear(*layers_fc_[i], x));
        return torch::log_softmax(linear(*layers_fc_.back(), x), 1);
    }

private:
    std::vector<torch::nn::Linear> layers_fc_;
};

}  // namespace

std::shared_ptr<Model> make_mlp(int64_t in_features, const std::vector<int64_t>& hidden, int64_t classes) {
    return std::make_shared<Mlp>(in_features, hidden, classes);
}

}  // namespace ft::nn_detail
