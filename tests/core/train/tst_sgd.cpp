// SPDX-License-Identifier: GPL-3.0-or-later
// MomentumSgd: the arithmetic of torch.optim.SGD (dampening 0, no Nesterov) followed by the mask (spec §2.1),
// on the fused CPU path and on the tensor path, against the formula evaluated in double precision.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "nn/sparse_linear.h"
#include "train/sgd.h"

using ft::MomentumSgd;

namespace {

constexpr double lr = 0.1, momentum = 0.9, wd = 5e-4;

struct Case {
    torch::Tensor w, mask;
    std::vector<torch::Tensor> grads;
};

Case make_case(int64_t rows, int64_t cols, int steps) {
    torch::manual_seed(7);
    Case c{torch::randn({rows, cols}), (torch::rand({rows, cols}) < 0.3).to(torch::kFloat), {}};
    c.w.mul_(c.mask);
    for (int s = 0; s < steps; ++s) c.grads.push_back(torch::randn({rows, cols}));
    return c;
}

// The formula in double: d = g + wd w; b = d (first step) else mu b + d; w = (w - lr b) m; b = b m if masked.
std::pair<torch::Tensor, torch::Tensor> expected(const Case& c, bool mask_momentum) {
    auto w = c.w.to(torch::kDouble), m = c.mask.to(torch::kDouble);
    torch::Tensor b;
    for (const auto& g32 : c.grads) {
        const auto d = g32.to(torch::kDouble) + wd * w;
        b = b.defined() ? momentum * b + d : d;
        w = (w - lr * b) * m;
        if (mask_momentum) b = b * m;
    }
    return {w, b};
}

// Trains `param` (a leaf sharing c.w's values, in whatever layout the caller made it) through MomentumSgd.
std::pair<torch::Tensor, torch::Tensor> run(const Case& c, torch::Tensor param, torch::Tensor mask,
                                            bool mask_momentum) {
    param.set_requires_grad(true);
    MomentumSgd sgd({param}, lr, momentum, wd);
    for (const auto& g : c.grads) {
        sgd.zero_grad();
        EXPECT_FALSE(param.grad().defined()) << "zero_grad drops the gradients";
        param.mutable_grad() = g.clone();
        sgd.step({mask}, mask_momentum);
    }
    return {param.detach().contiguous(), sgd.buffers()[0].contiguous()};
}

void expect_matches(const std::pair<torch::Tensor, torch::Tensor>& got,
                    const std::pair<torch::Tensor, torch::Tensor>& want, const torch::Tensor& mask,
                    bool mask_momentum) {
    EXPECT_TRUE(torch::allclose(got.first.to(torch::kDouble), want.first, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(got.second.to(torch::kDouble), want.second, 1e-5, 1e-6));
    const auto off = mask == 0;
    EXPECT_EQ(got.first.masked_select(off).count_nonzero().item<int64_t>(), 0) << "inactive weights exactly zero";
    const auto buffer_nonzero_off = got.second.masked_select(off).count_nonzero().item<int64_t>();
    if (mask_momentum)
        EXPECT_EQ(buffer_nonzero_off, 0) << "masked momentum exactly zero off the mask";
    else
        EXPECT_GT(buffer_nonzero_off, 0) << "unmasked momentum keeps the gradients of inactive weights";
}

}  // namespace

// 300 x 800 = 240,000 elements: more than one parallel chunk, so the fused path splits the work between threads.
TEST(MomentumSgd, FusedCpuStepFollowsTheFormula) {
    for (bool mask_momentum : {false, true}) {
        const auto c = make_case(300, 800, 4);
        const auto got = run(c, c.w.clone(), c.mask, mask_momentum);
        expect_matches(got, expected(c, mask_momentum), c.mask, mask_momentum);
    }
}

// A transposed (non-contiguous) parameter takes the tensor path; both paths must agree.
TEST(MomentumSgd, TensorPathFollowsTheSameFormula) {
    for (bool mask_momentum : {false, true}) {
        const auto c = make_case(30, 40, 4);
        auto transposed = c.w.t().contiguous().t();  // same values, column-major storage
        ASSERT_FALSE(transposed.is_contiguous());
        const auto got = run(c, transposed, c.mask, mask_momentum);
        expect_matches(got, expected(c, mask_momentum), c.mask, mask_momentum);
        const auto fused = run(c, c.w.clone(), c.mask, mask_momentum);
        EXPECT_TRUE(torch::allclose(got.first, fused.first, 1e-6, 1e-7));
    }
}

// Sparse execution: the gradient arrives in the pattern's compact slot (or, on a step that grows, as the dense
// weight.grad), the step touches only the active positions, and the pattern's copy of the values stays equal to the
// weight, so the next forward product reads the stepped values.
TEST(MomentumSgd, SparseStepFromTheGradientSlotFollowsTheFormula) {
    const auto c = make_case(300, 800, 4);
    auto param = c.w.clone().set_requires_grad(true);
    const auto pattern = ft::build_sparse_linear_pattern(c.mask);
    MomentumSgd sgd({param}, lr, momentum, wd);
    sgd.set_sparse_pattern(0, pattern);
    ft::sparse_linear_values(param, *pattern);  // as the first forward pass does
    for (size_t s = 0; s < c.grads.size(); ++s) {
        sgd.zero_grad();
        ASSERT_FALSE(pattern->state->grad_written) << "zero_grad drops the compact gradient too";
        const torch::Tensor g = c.grads[s] * c.mask;
        if (s == 2) {
            param.mutable_grad() = c.grads[s].clone();  // a growing step's dense gradient
        } else {
            auto& st = *pattern->state;
            st.grad.resize(pattern->flat.size());
            const float* gd = g.data_ptr<float>();
            for (size_t k = 0; k < pattern->flat.size(); ++k) st.grad[k] = gd[pattern->flat[k]];
            st.grad_written = true;
        }
        sgd.step({c.mask}, true);
        EXPECT_FALSE(pattern->state->grad_written) << "the step consumes the compact gradient";
    }
    const auto want = expected(c, true);
    const torch::Tensor w = param.detach();
    EXPECT_TRUE(torch::allclose(w.to(torch::kDouble), want.first, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(sgd.buffers()[0].to(torch::kDouble), want.second, 1e-5, 1e-6));
    EXPECT_EQ(w.masked_select(c.mask == 0).count_nonzero().item<int64_t>(), 0) << "inactive weights exactly zero";
    const float* values = ft::sparse_linear_values(param, *pattern);
    const float* pw = w.data_ptr<float>();
    for (size_t k = 0; k < pattern->flat.size(); ++k)
        ASSERT_EQ(values[k], pw[pattern->flat[k]]) << "the pattern's copy of value " << k << " is stale";
}

// A change made to the weight by anything but the sparse step (a torch in-place op, the dense fused step) reaches the
// forward product: the copy of the values is refreshed, not trusted.
TEST(MomentumSgd, TheValuesCopyFollowsEveryOtherWriteToTheWeight) {
    const auto c = make_case(30, 40, 1);
    auto param = c.w.clone().set_requires_grad(true);
    const auto pattern = ft::build_sparse_linear_pattern(c.mask);
    const torch::Tensor xt = torch::randn({40, 9});
    const auto forward_matches = [&](const char* after) {
        const torch::Tensor want = torch::mm(param.detach(), xt);
        const torch::Tensor got = ft::sparse_linear_forward_t(xt, param.detach(), *pattern);
        EXPECT_TRUE(torch::allclose(got, want, 1e-5, 1e-6)) << "after " << after;
    };
    forward_matches("the first call");
    {
        torch::NoGradGuard no_grad;
        param.mul_(3.0);
    }
    forward_matches("an in-place multiply");
    MomentumSgd sgd({param}, lr, momentum, wd);  // not told of the pattern: the dense fused step
    param.mutable_grad() = c.grads[0].clone();
    sgd.step({c.mask}, true);
    forward_matches("a dense optimizer step");
}

TEST(MomentumSgd, UnmaskedParametersAreOnlyStepped) {
    const auto c = make_case(10, 10, 3);
    auto ones = torch::ones_like(c.mask);
    Case dense{c.w.clone(), ones, c.grads};
    const auto got = run(dense, c.w.clone(), torch::Tensor(), false);
    const auto want = expected(dense, false);
    EXPECT_TRUE(torch::allclose(got.first.to(torch::kDouble), want.first, 1e-5, 1e-6));
}

// PF's fresh optimizer (pf.fresh_optimizer, spec §5): after reset_momentum the next step is a first step again
// (buf = d), exactly what a newly built optimizer does from the same weights.
TEST(MomentumSgd, ResetMomentumStartsAfreshLikeANewOptimizer) {
    const auto c = make_case(30, 40, 4);
    auto trained = c.w.clone().set_requires_grad(true);
    MomentumSgd sgd({trained}, lr, momentum, wd);
    for (int s = 0; s < 3; ++s) {
        sgd.zero_grad();
        trained.mutable_grad() = c.grads[size_t(s)].clone();
        sgd.step({c.mask}, false);
    }
    ASSERT_TRUE(sgd.buffers()[0].defined());
    sgd.reset_momentum();
    EXPECT_FALSE(sgd.buffers()[0].defined());

    auto fresh = trained.detach().clone().set_requires_grad(true);
    MomentumSgd new_sgd({fresh}, lr, momentum, wd);
    sgd.zero_grad();
    new_sgd.zero_grad();
    trained.mutable_grad() = c.grads[3].clone();
    fresh.mutable_grad() = c.grads[3].clone();
    sgd.step({c.mask}, false);
    new_sgd.step({c.mask}, false);
    EXPECT_TRUE(torch::equal(trained.detach(), fresh.detach()));
    EXPECT_TRUE(torch::equal(sgd.buffers()[0], new_sgd.buffers()[0]));
}
