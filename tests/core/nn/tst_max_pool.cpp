// SPDX-License-Identifier: GPL-3.0-or-later
// The 2x2 max-pooling pass (core/nn/max_pool.cpp) against torch's max_pool2d(relu(x)) and max_pool2d(x), to the bit:
// outputs and gradients, on ties, zeros, NaN and -inf, odd heights and widths, and inputs it hands to torch. Widths
// of 10 and more put windows both in the four-at-a-time loop and in its scalar tail.
#include <gtest/gtest.h>

#include <limits>

#include <torch/torch.h>

#include "nn/max_pool.h"

namespace {

// Bit for bit (NaN equal to NaN, +0 not equal to -0).
void expect_same_bits(const torch::Tensor& got, const torch::Tensor& want, const std::string& what) {
    ASSERT_EQ(got.sizes(), want.sizes()) << what;
    EXPECT_TRUE(got.contiguous().view(torch::kInt32).equal(want.contiguous().view(torch::kInt32))) << what;
}

struct Result {
    torch::Tensor y, gx;
};

Result run(const torch::Tensor& input, const torch::Tensor& gy, bool relu, bool ours) {
    const torch::Tensor x = input.detach().clone().requires_grad_(true);
    const torch::Tensor y = ours ? ft::max_pool2x2(x, relu) : torch::max_pool2d(relu ? torch::relu(x) : x, {2, 2});
    y.backward(gy);
    return {y.detach(), x.grad()};
}

// In NCHW and in channels-last memory (as the convolutions leave their output on the CPU): torch's NCHW numbers,
// and the output in the input's layout.
void expect_as_torch(const torch::Tensor& nchw, const std::string& what) {
    for (bool relu : {true, false})
        for (bool last : {false, true}) {
            const std::string name =
                what + (relu ? ", ReLU fused" : ", pooling alone") + (last ? ", channels-last" : ", NCHW");
            const torch::Tensor x = last ? nchw.contiguous(torch::MemoryFormat::ChannelsLast) : nchw;
            const torch::Tensor gy = torch::randn({x.size(0), x.size(1), x.size(2) / 2, x.size(3) / 2});
            const Result want = run(nchw, gy, relu, false);
            const Result got = run(x, gy, relu, true);
            expect_same_bits(got.y, want.y, name + ": output");
            expect_same_bits(got.gx, want.gx, name + ": gradient");
            if (last && x.size(1) > 1) {
                EXPECT_TRUE(got.y.is_contiguous(torch::MemoryFormat::ChannelsLast)) << name << ": the layout kept";
            }
        }
}

TEST(MaxPool2x2, RandomInputsGiveTorchsNumbers) {
    torch::manual_seed(1);
    expect_as_torch(torch::randn({3, 4, 8, 6}), "random 8x6");
    expect_as_torch(torch::randn({5, 20, 24, 24}), "LeNet-5's first pooling");
    expect_as_torch(torch::randn({3, 50, 8, 8}), "LeNet-5's second pooling");  // 50 channels: 4 at a time, and 2
}

TEST(MaxPool2x2, OddSizesDropTheLastRowAndColumnAsTorchDoes) {
    torch::manual_seed(2);
    expect_as_torch(torch::randn({2, 3, 7, 9}), "7x9");
    expect_as_torch(torch::randn({1, 1, 3, 2}), "3x2");
}

TEST(MaxPool2x2, TiesAndZerosRouteTheGradientToTheSameElement) {
    torch::manual_seed(3);
    // Small integers: most windows hold a tie, many are all zero or all negative once ReLU has run.
    expect_as_torch(torch::randint(-2, 3, {4, 5, 10, 10}).to(torch::kFloat32), "ties");
    expect_as_torch(torch::zeros({1, 6, 4, 10}), "all zero");
    expect_as_torch(-torch::ones({1, 6, 4, 10}), "all negative");
    expect_as_torch(-torch::zeros({1, 6, 4, 10}), "negative zeros");
}

TEST(MaxPool2x2, NanAndInfinitiesAreTreatedAsTorchTreatsThem) {
    torch::manual_seed(4);
    torch::Tensor x = torch::randn({2, 5, 6, 10});  // channel 4: the channels-last tail
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    auto a = x.accessor<float, 4>();
    a[0][0][0][1] = nan;  // NaN beside numbers
    a[0][1][2][2] = nan;  // two NaNs in one window
    a[0][1][3][3] = nan;
    for (int i = 4; i < 6; ++i)  // a window of -inf
        for (int j = 4; j < 6; ++j) a[1][0][i][j] = -inf;
    a[1][1][0][0] = inf;
    a[0][0][4][9] = nan;  // and in windows of the scalar tail
    a[1][1][2][8] = nan;
    a[1][1][3][9] = nan;
    a[1][4][0][0] = nan;
    a[0][4][2][3] = -inf;
    expect_as_torch(x, "NaN and infinities");
}

TEST(MaxPool2x2, InputsOutsideTheFastPathGoThroughTorch) {
    torch::manual_seed(5);
    // A transposed view (neither NCHW nor channels-last) and double: torch's own operations, the same numbers.
    const torch::Tensor t = torch::randn({2, 3, 6, 8});
    expect_same_bits(ft::max_pool2x2(t.transpose(2, 3), true),
                     torch::max_pool2d(torch::relu(t.transpose(2, 3)), {2, 2}), "transposed");
    const torch::Tensor d = torch::randn({2, 3, 6, 6}, torch::kFloat64);
    expect_same_bits(ft::max_pool2x2(d, true), torch::max_pool2d(torch::relu(d), {2, 2}), "double");
}

}  // namespace
