// SPDX-License-Identifier: GPL-3.0-or-later
// The sparse Conv2d kernels (core/nn/sparse_conv2d.cpp) against torch's convolution of the masked weight: forward,
// grad-input and grad-weight, through autograd too, for strides 1 and 2, paddings 0 to 2, kernels 1x1 to 5x5 and
// non-square ones, on awkward patterns (output channels and taps without an active weight, one active weight, a
// fully dense layer) and odd batch sizes; then LeNet-5 and a WideResNet with every convolution sparse.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "tensor_checks.h"

#include "nn/model.h"
#include "nn/sparse_conv2d.h"

namespace {

// Convolutions sum up to 500 products per output: a little more reassociation than the Linear tests allow.
void expect_close(const torch::Tensor& got, const torch::Tensor& want, const std::string& what) {
    nn_test::expect_close(got, want, what, 2e-5);
}

struct Case {
    const char* name;
    int64_t batch, in_c, out_c, h, w, kh, kw, stride, pad;
    double density;
};

torch::Tensor make_mask(const Case& c) {
    torch::manual_seed(5);
    torch::Tensor m = (torch::rand({c.out_c, c.in_c, c.kh, c.kw}) < c.density).to(torch::kFloat32);
    const std::string name = c.name;
    if (name == "empty channels and taps") {
        m.index_put_({torch::indexing::Slice(0, c.out_c / 3)}, 0.0);  // output channels without an active weight
        m.index_put_({torch::indexing::Slice(), 1}, 0.0);             // an input channel no weight reads
        m.index_put_({torch::indexing::Slice(), torch::indexing::Slice(), 0, 0}, 0.0);  // a tap nobody uses
    } else if (name == "one active weight") {
        m.zero_();
        m[c.out_c - 1][c.in_c / 2][c.kh - 1][0] = 1.0;
    } else if (name == "fully dense") {
        m.fill_(1.0);
    }
    return m;
}

torch::nn::functional::Conv2dFuncOptions options(const Case& c) {
    return torch::nn::functional::Conv2dFuncOptions().stride(c.stride).padding(c.pad);
}

class SparseConv2dOps : public ::testing::TestWithParam<Case> {};

TEST_P(SparseConv2dOps, MatchTorchsConvolutionOfTheMaskedWeight) {
    const Case c = GetParam();
    const torch::Tensor mask = make_mask(c);
    torch::manual_seed(13);
    const torch::Tensor w = torch::randn({c.out_c, c.in_c, c.kh, c.kw}) * mask;
    const torch::Tensor x = torch::randn({c.batch, c.in_c, c.h, c.w});
    const ft::ConvGeometry g{c.stride, c.stride, c.pad, c.pad};
    const auto p = ft::build_sparse_linear_pattern(mask.reshape({c.out_c, -1}));

    const torch::Tensor want = torch::nn::functional::conv2d(x, w, options(c));
    expect_close(ft::sparse_conv2d_forward(x, w, g, *p), want, "forward");
    const torch::Tensor gy = torch::randn(want.sizes());
    auto xd = x.clone().requires_grad_(true), wd = w.clone().requires_grad_(true);
    auto bd = torch::randn({c.out_c}).requires_grad_(true);
    auto yd = torch::nn::functional::conv2d(xd, wd, options(c).bias(bd));
    (yd * gy).sum().backward();
    expect_close(ft::sparse_conv2d_grad_input(gy, w, x.sizes().vec(), g, *p), xd.grad(), "grad-input");
    const torch::Tensor gw = ft::sparse_conv2d_grad_weight(gy, x, w, g, *p);
    expect_close(gw, wd.grad() * mask, "grad-weight");
    EXPECT_EQ((gw * (1 - mask)).abs().max().item<double>(), 0.0) << "gradient outside the mask";

    // A channels-last input (what Model::conv hands a CPU convolution) is read as it is, to the same numbers.
    const torch::Tensor x_cl = x.contiguous(at::MemoryFormat::ChannelsLast);
    expect_close(ft::sparse_conv2d_forward(x_cl, w, g, *p), want, "forward, channels-last input");
    expect_close(ft::sparse_conv2d_grad_weight(gy, x_cl, w, g, *p), wd.grad() * mask, "grad-weight, channels-last");

    // Through autograd, with a bias: the weight gradient into the pattern's slot, or dense on growth steps.
    for (bool dense_grad : {false, true})
        for (bool channels_last : {false, true}) {
            SCOPED_TRACE(channels_last ? "channels-last input" : "NCHW input");
            auto xs = (channels_last ? x_cl.clone(at::MemoryFormat::ChannelsLast) : x.clone()).requires_grad_(true);
            auto ws = w.clone().requires_grad_(true);
            auto bs = bd.detach().clone().requires_grad_(true);
            auto ys = ft::sparse_conv2d(xs, ws, bs, g, p, dense_grad);
            expect_close(ys, yd.detach(), "autograd forward");
            (ys * gy).sum().backward();
            expect_close(xs.grad(), xd.grad(), "autograd grad-input");
            expect_close(bs.grad(), bd.grad(), "autograd grad-bias");
            nn_test::expect_weight_gradient(ws, wd.grad(), mask, *p, dense_grad, 2e-5);
            p->state->grad_written = false;
        }
}

INSTANTIATE_TEST_SUITE_P(Shapes, SparseConv2dOps,
                         ::testing::Values(Case{"lenet5 conv2", 19, 20, 50, 12, 12, 5, 5, 1, 0, 0.1},
                                           Case{"wrn 3x3 padded", 7, 16, 24, 9, 9, 3, 3, 1, 1, 0.2},
                                           Case{"wrn 3x3 strided", 5, 8, 16, 10, 9, 3, 3, 2, 1, 0.3},
                                           Case{"1x1 shortcut strided", 3, 12, 20, 8, 8, 1, 1, 2, 0, 0.25},
                                           Case{"wide padding", 2, 3, 4, 5, 6, 3, 5, 1, 2, 0.5},
                                           Case{"batch of one", 1, 6, 5, 7, 7, 3, 3, 1, 1, 0.4},
                                           Case{"batch of 70", 70, 4, 6, 6, 6, 3, 3, 1, 0, 0.3},
                                           Case{"empty channels and taps", 9, 6, 9, 8, 8, 3, 3, 1, 1, 0.4},
                                           Case{"one active weight", 4, 5, 3, 6, 6, 3, 3, 2, 1, 0.0},
                                           Case{"fully dense", 3, 4, 5, 7, 5, 3, 3, 1, 1, 1.0},
                                           // 576 weights a channel over 16 columns: run in batch slices of 8, 8 and 4.
                                           Case{"batch in slices", 20, 64, 8, 16, 16, 3, 3, 1, 1, 1.0}),
                         [](const auto& info) { return nn_test::case_name(info); });

TEST(SparseConv2d, WrongInputsAreRefused) {
    const auto p = ft::build_sparse_linear_pattern(torch::ones({4, 3 * 9}));
    const torch::Tensor w = torch::ones({4, 3, 3, 3});
    EXPECT_THROW(ft::sparse_conv2d_forward(torch::ones({2, 5, 8, 8}), w, {}, *p), std::invalid_argument);  // C
    EXPECT_THROW(ft::sparse_conv2d_forward(torch::ones({2, 3, 2, 2}), w, {}, *p), std::invalid_argument);  // small
    EXPECT_THROW(ft::sparse_conv2d_forward(torch::ones({2, 3, 8, 8}), torch::ones({4, 3, 3, 2}), {}, *p),
                 std::invalid_argument);  // the pattern is not the weight's
    EXPECT_THROW(ft::sparse_conv2d_forward(torch::ones({2, 3, 8, 8}), w, {0, 1, 0, 0}, *p), std::invalid_argument);
}

// Every maskable layer of a model sparse at about 20%: the forward pass gives what the masked model gives.
void expect_model_matches(const std::string& name, const std::vector<int64_t>& input, int64_t convs) {
    ft::ModelConfig mc;
    mc.name = name;
    torch::manual_seed(3);
    auto model = ft::make_model(mc, input, 10);
    std::vector<int64_t> shape{6};
    shape.insert(shape.end(), input.begin(), input.end());
    const torch::Tensor x = torch::randn(shape);
    for (const auto& l : model->maskable_layers()) {
        torch::NoGradGuard no_grad;
        l.weight.mul_((torch::rand(l.weight.sizes()) < 0.2).to(torch::kFloat32));
    }
    model->eval();
    const torch::Tensor masked = model->forward(x).detach();
    int64_t conv_count = 0;
    for (const auto& l : model->maskable_layers()) {
        model->set_sparse_pattern(l.name, ft::build_sparse_linear_pattern(l.weight.reshape({l.weight.size(0), -1})));
        conv_count += l.kind == ft::LayerKind::Conv;
    }
    EXPECT_EQ(conv_count, convs) << name;
    EXPECT_EQ(model->sparse_layer_count(), int64_t(model->maskable_layers().size())) << name;
    expect_close(model->forward(x).detach(), masked, name + " with every layer sparse");
    EXPECT_THROW(model->set_sparse_pattern(model->maskable_layers()[0].name,
                                           ft::build_sparse_linear_pattern(torch::ones({3, 3}))),
                 std::invalid_argument)
        << name;
}

TEST(SparseConv2d, ModelsWithSparseConvolutionsGiveTheMaskedResult) {
    expect_model_matches("lenet5", {1, 28, 28}, 2);
    expect_model_matches("wrn-28-2", {3, 32, 32}, 28);  // conv1, 3 groups x 4 blocks x 2, 3 shortcuts
}

}  // namespace
