// SPDX-License-Identifier: GPL-3.0-or-later
// The core's own kernels (sparse Linear and Conv2d products, the fused pooling) split their work over LibTorch's
// OpenMP threads, each output written by one thread in a fixed order: the same bits on one thread and on several,
// which resuming a run and comparing runs rely on. A kernel file compiled without OpenMP would pass this too (it runs
// serially); the benchmark's kernel table says whether the second thread is used.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

#include "nn/max_pool.h"
#include "nn/sparse_conv2d.h"
#include "nn/sparse_linear.h"

namespace {

// The results of `run` with 1 and with 3 threads (more than this machine's cores: uneven splits), bit for bit.
void expect_same_bits_on_threads(const std::function<std::vector<torch::Tensor>()>& run, const std::string& what) {
    const int before = at::get_num_threads();
    at::set_num_threads(1);
    const std::vector<torch::Tensor> one = run();
    at::set_num_threads(3);
    const std::vector<torch::Tensor> three = run();
    at::set_num_threads(before);
    ASSERT_EQ(one.size(), three.size());
    for (size_t i = 0; i < one.size(); ++i)
        EXPECT_TRUE(one[i].contiguous().view(torch::kInt32).equal(three[i].contiguous().view(torch::kInt32)))
            << what << ", result " << i;
}

torch::Tensor random_mask(std::vector<int64_t> shape, double density) {
    return (torch::rand(shape) < density).to(torch::kFloat32);
}

TEST(KernelThreads, SparseLinearGivesTheSameBitsOnOneAndThreeThreads) {
    torch::manual_seed(11);
    const torch::Tensor mask = random_mask({301, 257}, 0.1);
    const auto p = ft::build_sparse_linear_pattern(mask);
    const torch::Tensor w = torch::randn({301, 257}) * mask;
    const torch::Tensor xt = torch::randn({257, 131}), gyt = torch::randn({301, 131});
    expect_same_bits_on_threads(
        [&] {
            return std::vector<torch::Tensor>{ft::sparse_linear_forward_t(xt, w, *p),
                                              ft::sparse_linear_grad_input_t(gyt, w, *p),
                                              ft::sparse_linear_grad_weight(gyt, xt, *p)};
        },
        "sparse Linear");
}

TEST(KernelThreads, SparseConv2dGivesTheSameBitsOnOneAndThreeThreads) {
    torch::manual_seed(12);
    for (int64_t stride : {1, 2}) {
        const torch::Tensor mask = random_mask({24, 12, 3, 3}, 0.15);
        const auto p = ft::build_sparse_linear_pattern(mask.reshape({24, -1}));
        const torch::Tensor w = torch::randn({24, 12, 3, 3}) * mask;
        const torch::Tensor x = torch::randn({70, 12, 11, 11});
        ft::ConvGeometry g;
        g.stride_h = g.stride_w = stride;
        g.pad_h = g.pad_w = 1;
        const torch::Tensor y = ft::sparse_conv2d_forward(x, w, g, *p);
        const torch::Tensor gy = torch::randn(y.sizes());
        expect_same_bits_on_threads(
            [&] {
                return std::vector<torch::Tensor>{ft::sparse_conv2d_forward(x, w, g, *p),
                                                  ft::sparse_conv2d_grad_input(gy, w, x.sizes().vec(), g, *p),
                                                  ft::sparse_conv2d_grad_weight(gy, x, w, g, *p)};
            },
            "sparse Conv2d, stride " + std::to_string(stride));
    }
}

TEST(KernelThreads, PoolingGivesTheSameBitsOnOneAndThreeThreads) {
    torch::manual_seed(13);
    const torch::Tensor input = torch::randn({9, 20, 24, 24});
    const torch::Tensor gy = torch::randn({9, 20, 12, 12});
    for (bool last : {false, true})
        expect_same_bits_on_threads(
            [&] {
                const torch::Tensor x =
                    (last ? input.contiguous(torch::MemoryFormat::ChannelsLast) : input).detach().requires_grad_(true);
                const torch::Tensor y = ft::max_pool2x2(x, true);
                y.backward(gy);
                return std::vector<torch::Tensor>{y.detach(), x.grad()};
            },
            last ? "pooling, channels-last" : "pooling, NCHW");
}

}  // namespace
