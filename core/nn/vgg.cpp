// SPDX-License-Identifier: GPL-3.0-or-later
// "vgg-like": the SNIP VGG-16 "like" variant of the reference (sparselearning/models.py, VGG16('like')).
// features: 13 convs 3x3 pad 1 (with bias), each followed by BatchNorm2d and ReLU, and 5 max-pools;
// classifier: Linear 512->512, ReLU, BatchNorm1d(512), Linear 512->classes (the reference's order: ReLU before BN).
// Children are numbered as the reference's nn.Sequential numbers them, ReLU and pooling included, so the layer
// names match the reference: convs features.0, .3, .7, .10, .14, ..., .40; classifier.0 and classifier.3.
#include <string>
#include <vector>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "nn/max_pool.h"

#include "nn/model_zoo.h"

namespace ft::nn_detail {

namespace {

constexpr int64_t kPool = 0;  // 'M' in the reference's configuration list (the registry row's widths)

class Vgg final : public Model {
public:
    Vgg(const std::vector<int64_t>& widths, int64_t classes) {
        auto features = register_module("features", std::make_shared<torch::nn::Module>());
        int64_t index = 0;
        int64_t in = 3;
        for (int64_t v : widths) {
            Stage stage;
            if (v == kPool) {
                index += 1;  // MaxPool2d
            } else {
                stage.conv = features->register_module(
                    std::to_string(index), torch::nn::Conv2d(torch::nn::Conv2dOptions(in, v, 3).padding(1)));
                stage.bn = features->register_module(std::to_string(index + 1), torch::nn::BatchNorm2d(v));
                index += 3;  // conv, BatchNorm2d, ReLU
                in = v;
            }
            stages_.push_back(stage);
        }
        auto classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
        fc1_ = classifier->register_module("0", torch::nn::Linear(in, 512));  // the last stage is 1x1 (32 / 2^5)
        bn_ = classifier->register_module("2", torch::nn::BatchNorm1d(512));
        fc2_ = classifier->register_module("3", torch::nn::Linear(512, classes));
    }

    torch::Tensor forward(torch::Tensor x) override {
        for (auto& stage : stages_) {
            if (stage.conv.is_empty())
                x = max_pool2x2(x, false);
            else
                x = torch::relu(stage.bn->forward(conv(*stage.conv, x)));
        }
        x = x.reshape({x.size(0), -1});
        x = bn_->forward(torch::relu(linear(*fc1_, x)));
        return torch::log_softmax(linear(*fc2_, x), 1);
    }

private:
    struct Stage {
        torch::nn::Conv2d conv{nullptr};  // empty for a max-pool
        torch::nn::BatchNorm2d bn{nullptr};
    };
    std::vector<Stage> stages_;
    torch::nn::Linear fc1_{nullptr};
    torch::nn::BatchNorm1d bn_{nullptr};
    torch::nn::Linear fc2_{nullptr};
};

}  // namespace

std::shared_ptr<Model> make_vgg(const std::vector<int64_t>& widths, int64_t classes) {
    return std::make_shared<Vgg>(widths, classes);
}

}  // namespace ft::nn_detail
