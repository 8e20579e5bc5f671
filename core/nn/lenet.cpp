// SPDX-License-Identifier: GPL-3.0-or-later
// The MNIST models of the reference (sparselearning/models.py): LeNet_300_100 and LeNet_5_Caffe.
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "nn/max_pool.h"
#include "nn/model_zoo.h"

namespace ft::nn_detail {

namespace {

// LeNet-5 as in Caffe: no padding in the first conv, so a 28x28 input gives 24x24, 12x12, 8x8, 4x4.
class LeNet5 final : public Model {
public:
    explicit LeNet5(int64_t classes)
        : conv1_(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 20, 5)))),
          conv2_(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(20, 50, 5)))),
          fc3_(register_module("fc3", torch::nn::Linear(50 * 4 * 4, 500))),
          fc4_(register_module("fc4", torch::nn::Linear(500, classes))) {}

    torch::Tensor forward(torch::Tensor x) override {
        // ReLU and pooling in one pass (max_pool.h says why), with the numbers of torch's max_pool2d(relu(x)).
        x = max_pool2x2(conv(*conv1_, x), true);
        x = max_pool2x2(conv(*conv2_, x), true);
        x = torch::relu(linear(*fc3_, x.reshape({x.size(0), 50 * 4 * 4})));
        return torch::log_softmax(linear(*fc4_, x), 1);
    }

private:
    torch::nn::Conv2d conv1_;
    torch::nn::Conv2d conv2_;
    torch::nn::Linear fc3_;
    torch::nn::Linear fc4_;
};

}  // namespace

std::shared_ptr<Model> make_lenet5(int64_t classes) { return std::make_shared<LeNet5>(classes); }

}  // namespace ft::nn_detail
