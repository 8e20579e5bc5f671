// SPDX-License-Identifier: GPL-3.0-or-later
// Pre-activation WideResNet (Zagoruyko & Komodakis), as in the reference's sparselearning/models.py, dropRate 0.
// Names follow the reference: conv1; block{1,2,3}.layer.{i}.{bn1,conv1,bn2,conv2,convShortcut}; bn1; fc.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "nn/model_zoo.h"

namespace ft::nn_detail {

namespace {

torch::nn::Conv2d conv3x3(int64_t in, int64_t out, int64_t stride) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

// bn1-relu-conv1(stride)-bn2-relu-conv2, plus the identity, or a strided 1x1 conv of relu(bn1(x)) when the width
// changes. Registration order (bn1, conv1, bn2, conv2, convShortcut) is the reference's.
class BasicBlock final : public torch::nn::Module {
public:
    // owner: the model, through which the convolutions run (Model::conv); it owns this block.
    BasicBlock(Model& owner, int64_t in, int64_t out, int64_t stride)
        : owner_(owner),
          bn1_(register_module("bn1", torch::nn::BatchNorm2d(in))),
          conv1_(register_module("conv1", conv3x3(in, out, stride))),
          bn2_(register_module("bn2", torch::nn::BatchNorm2d(out))),
          conv2_(register_module("conv2", conv3x3(out, out, 1))) {
        if (in != out)
            shortcut_ = register_module(
                "convShortcut", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)));
    }

    torch::Tensor forward(const torch::Tensor& x) {
        torch::Tensor pre = torch::relu(bn1_->forward(x));
        torch::Tensor out = owner_.conv(*conv1_, pre);
        out = owner_.conv(*conv2_, torch::relu(bn2_->forward(out)));
        return (shortcut_.is_empty() ? x : owner_.conv(*shortcut_, pre)) + out;
    }

private:
    Model& owner_;
    torch::nn::BatchNorm2d bn1_;
    torch::nn::Conv2d conv1_;
    torch::nn::BatchNorm2d bn2_;
    torch::nn::Conv2d conv2_;
    torch::nn::Conv2d shortcut_{nullptr};
};

// n BasicBlocks, held in a child named "layer" and numbered 0..n-1 (the reference's nn.Sequential).
class NetworkBlock final : public torch::nn::Module {
public:
    NetworkBlock(Model& owner, int64_t n, int64_t in, int64_t out, int64_t stride) {
        auto layer = register_module("layer", std::make_shared<torch::nn::Module>());
        for (int64_t i = 0; i < n; ++i)
            blocks_.push_back(layer->register_module(
                std::to_string(i), std::make_shared<BasicBlock>(owner, i == 0 ? in : out, out, i == 0 ? stride : 1)));
    }

    torch::Tensor forward(torch::Tensor x) {
        for (auto& block : blocks_) x = block->forward(x);
        return x;
    }

private:
    std::vector<std::shared_ptr<BasicBlock>> blocks_;
};

class WideResNet final : public Model {
public:
    WideResNet(int64_t depth, int64_t k, int64_t classes) : channels_(64 * k) {
        const int64_t n = (depth - 4) / 6;
        conv1_ = register_module("conv1", conv3x3(3, 16, 1));
        block1_ = register_module("block1", std::make_shared<NetworkBlock>(*this, n, 16, 16 * k, 1));
        block2_ = register_module("block2", std::make_shared<NetworkBlock>(*this, n, 16 * k, 32 * k, 2));
        block3_ = register_module("block3", std::make_shared<NetworkBlock>(*this, n, 32 * k, 64 * k, 2));
        bn1_ = register_module("bn1", torch::nn::BatchNorm2d(64 * k));
        fc_ = register_module("fc", torch::nn::Linear(64 * k, classes));

        // The reference's init: conv ~ N(0, sqrt(2 / (kh * kw * out_channels))), BN gamma 1 and beta 0,
        // Linear bias 0, Linear weight left at the framework default.
        torch::NoGradGuard no_grad;
        for (const auto& module : modules(/*include_self=*/false)) {
            if (auto* conv = module->as<torch::nn::Conv2dImpl>()) {
                const auto& w = conv->weight;  // [out, in, kh, kw]
                const double fan_out = double(w.size(0) * w.size(2) * w.size(3));
                conv->weight.normal_(0.0, std::sqrt(2.0 / fan_out));
            } else if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) {
                bn->weight.fill_(1.0);
                bn->bias.zero_();
            } else if (auto* linear = module->as<torch::nn::LinearImpl>()) {
                linear->bias.zero_();
            }
        }
    }

    torch::Tensor forward(torch::Tensor x) override {
        x = conv(*conv1_, x);
        x = block3_->forward(block2_->forward(block1_->forward(x)));
        x = torch::relu(bn1_->forward(x));
        x = torch::avg_pool2d(x, {8, 8});
        return torch::log_softmax(linear(*fc_, x.reshape({x.size(0), channels_})), 1);
    }

private:
    int64_t channels_;
    torch::nn::Conv2d conv1_{nullptr};
    std::shared_ptr<NetworkBlock> block1_, block2_, block3_;
    torch::nn::BatchNorm2d bn1_{nullptr};
    torch::nn::Linear fc_{nullptr};
};

}  // namespace

std::shared_ptr<Model> make_wide_resnet(int64_t depth, int64_t widen_factor, int64_t classes) {
    return std::make_shared<WideResNet>(depth, widen_factor, classes);
}

}  // namespace ft::nn_detail
