// SPDX-License-Identifier: GPL-3.0-or-later
// The sparse Linear kernels (core/nn/sparse_linear.cpp) against the dense product of the masked weight: forward,
// grad-input and grad-weight, through autograd too, on awkward patterns (empty rows and columns, one active
// weight, a fully dense layer) and odd batch sizes; then a model whose Linear layers run sparse.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "tensor_checks.h"

#include "nn/model.h"
#include "nn/sparse_linear.h"

namespace {

using nn_test::expect_close;
using nn_test::expect_weight_gradient;

struct Case {
    const char* name;
    int64_t out, in, batch;
    double density;
};

torch::Tensor make_mask(const Case& c) {
    torch::manual_seed(7);
    torch::Tensor m = (torch::rand({c.out, c.in}) < c.density).to(torch::kFloat32);
    if (std::string(c.name) == "empty rows and columns") {
        m.index_put_({torch::indexing::Slice(0, c.out / 3)}, 0.0);                    // rows without an active weight
        m.index_put_({torch::indexing::Slice(), torch::indexing::Slice(2, 9)}, 0.0);  // columns without one
    } else if (std::string(c.name) == "one active weight") {
        m.zero_();
        m[c.out - 1][c.in / 2] = 1.0;
    } else if (std::string(c.name) == "fully dense") {
        m.fill_(1.0);
    }
    return m;
}

class SparseLinearOps : public ::testing::TestWithParam<Case> {};

TEST_P(SparseLinearOps, MatchTheDenseProductOfTheMaskedWeight) {
    const Case c = GetParam();
    const torch::Tensor mask = make_mask(c);
    torch::manual_seed(11);
    const torch::Tensor w = torch::randn({c.out, c.in}) * mask;
    const torch::Tensor x = torch::randn({c.batch, c.in});
    const torch::Tensor gy = torch::randn({c.batch, c.out});
    const auto p = ft::build_sparse_linear_pattern(mask);
    EXPECT_EQ(p->nnz(), mask.sum().item<int64_t>());

    const torch::Tensor xt = x.t().contiguous(), gyt = gy.t().contiguous();
    expect_close(ft::sparse_linear_forward_t(xt, w, *p), torch::mm(w, xt), "forward");
    expect_close(ft::sparse_linear_grad_input_t(gyt, w, *p), torch::mm(w.t(), gyt), "grad-input");
    const torch::Tensor gw = ft::sparse_linear_grad_weight(gyt, xt, *p);
    expect_close(gw, torch::mm(gyt, x) * mask, "grad-weight");
    EXPECT_EQ((gw * (1 - mask)).abs().max().item<double>(), 0.0) << "gradient outside the mask";

    // Through autograd, with a bias, against torch's own linear on the masked weight.
    for (bool dense_grad : {false, true}) {
        auto ws = w.clone().requires_grad_(true), bs = torch::randn({c.out}).requires_grad_(true);
        auto xs = x.clone().requires_grad_(true);
        auto wd = ws.detach().clone().requires_grad_(true), bd = bs.detach().clone().requires_grad_(true);
        auto xd = x.clone().requires_grad_(true);
        auto ys = ft::sparse_linear(xs, ws, bs, p, dense_grad);
        auto yd = torch::nn::functional::linear(xd, wd, bd);
        expect_close(ys, yd, "autograd forward");
        (ys * gy).sum().backward();
        (yd * gy).sum().backward();
        expect_close(xs.grad(), xd.grad(), "autograd grad-input");
        expect_close(bs.grad(), bd.grad(), "autograd grad-bias");
        // Into the pattern's gradient slot, not weight.grad, on the steps that need no dense gradient.
        expect_weight_gradient(ws, wd.grad(), mask, *p, dense_grad);
        if (!dense_grad) {
            // A second backward before the step adds to it, as autograd accumulates into weight.grad.
            ft::sparse_linear(x, ws, bs, p, false).mul(gy).sum().backward();
            expect_close(ft::sparse_linear_grad_as_dense(*p), wd.grad() * mask * 2, "accumulated weight gradient");
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Patterns, SparseLinearOps,
                         ::testing::Values(Case{"random", 37, 53, 19, 0.1}, Case{"random", 300, 784, 128, 0.05},
                                           Case{"empty rows and columns", 40, 30, 17, 0.3},
                                           Case{"one active weight", 12, 9, 5, 0.0},
                                           Case{"fully dense", 23, 31, 1, 1.0}, Case{"random", 64, 64, 33, 0.2},
                                           // Inputs too wide for one pass over the batch (forward; grad-input
                                           // with many outputs): batch tiles of 64, then 32 + 16 + 8 + 3 columns.
                                           Case{"random", 50, 3000, 123, 0.05}, Case{"random", 2100, 40, 150, 0.1}),
                         [](const auto& info) { return nn_test::case_name(info); });

TEST(SparseLinear, PatternListsEachRowAndColumnInOrder) {
    const torch::Tensor m = torch::tensor({{0.f, 1.f, 1.f}, {0.f, 0.f, 0.f}, {1.f, 0.f, 1.f}});
    const auto p = ft::build_sparse_linear_pattern(m);
    EXPECT_EQ(p->row_ptr, (std::vector<int64_t>{0, 2, 2, 4}));
    EXPECT_EQ(p->col, (std::vector<int32_t>{1, 2, 0, 2}));
    EXPECT_EQ(p->flat, (std::vector<int64_t>{1, 2, 6, 8}));
    EXPECT_EQ(p->t_ptr, (std::vector<int64_t>{0, 1, 2, 4}));
    EXPECT_EQ(p->t_row, (std::vector<int32_t>{2, 0, 0, 2}));
    EXPECT_EQ(p->t_pos, (std::vector<int64_t>{2, 0, 1, 3}));
}

TEST(SparseLinear, WrongInputsAreRefusedWithTheShapeExpected) {
    const auto p = ft::build_sparse_linear_pattern(torch::ones({4, 3}));
    EXPECT_THROW(ft::sparse_linear_forward_t(torch::ones({5, 2}), torch::ones({4, 3}), *p), std::invalid_argument);
    EXPECT_THROW(ft::sparse_linear_forward_t(torch::ones({3, 2}), torch::ones({4, 4}), *p), std::invalid_argument);
    EXPECT_THROW(ft::build_sparse_linear_pattern(torch::ones({2, 2, 2})), std::invalid_argument);
}

TEST(SparseLinear, AModelsLinearLayersRunSparseAndGiveTheMaskedResult) {
    ft::ModelConfig mc;
    mc.name = "lenet5";
    torch::manual_seed(3);
    auto model = ft::make_model(mc, {1, 28, 28}, 10);
    const torch::Tensor x = torch::randn({9, 1, 28, 28});
    // Mask fc3 and fc4 at about 10%.
    for (const auto& l : model->maskable_layers()) {
        if (l.kind != ft::LayerKind::Linear) continue;
        torch::NoGradGuard no_grad;
        const torch::Tensor mask = (torch::rand(l.weight.sizes()) < 0.1).to(torch::kFloat32);
        l.weight.mul_(mask);
    }
    model->eval();
    const torch::Tensor masked = model->forward(x).detach();
    for (const auto& l : model->maskable_layers())
        if (l.kind == ft::LayerKind::Linear)
            model->set_sparse_pattern(l.name, ft::build_sparse_linear_pattern(l.weight));
    EXPECT_EQ(model->sparse_layer_count(), 2);
    expect_close(model->forward(x).detach(), masked, "lenet5 with sparse fc3 and fc4");
    EXPECT_THROW(model->set_sparse_pattern("fc3", ft::build_sparse_linear_pattern(torch::ones({20, 25}))),
                 std::invalid_argument);
    EXPECT_THROW(model->set_sparse_pattern("pool", ft::build_sparse_linear_pattern(torch::ones({2, 2}))),
                 std::invalid_argument);
    model->set_sparse_pattern("fc3", nullptr);
    EXPECT_EQ(model->sparse_layer_count(), 1);
}

TEST(SparseLinear, WithoutAGraphTheOutputStaysFeatureMajorAndEqual) {
    torch::manual_seed(5);
    const torch::Tensor mask = (torch::rand({70, 90}) < 0.2).to(torch::kFloat32);
    const torch::Tensor w = (torch::randn({70, 90}) * mask).requires_grad_(true);
    const torch::Tensor b = torch::randn({70}).requires_grad_(true);
    const torch::Tensor x = torch::randn({37, 90});
    const auto p = ft::build_sparse_linear_pattern(mask);
    const torch::Tensor with_graph = ft::sparse_linear(x, w, b, p, false);
    ASSERT_TRUE(with_graph.requires_grad());
    torch::NoGradGuard no_grad;
    const torch::Tensor y = ft::sparse_linear(x, w, b, p, false);
    EXPECT_FALSE(y.requires_grad());
    // The transposed view of the [out, batch] product: the next sparse layer reads it without a copy.
    EXPECT_TRUE(y.t().is_contiguous());
    EXPECT_EQ(y.sizes(), with_graph.sizes());
    EXPECT_TRUE(torch::equal(y, with_graph.detach())) << "the inference path gave other numbers";
}

TEST(SparseLinear, AnMlpPredictsTheMaskedResultThroughFeatureMajorLayers) {
    ft::ModelConfig mc;
    mc.name = "mlp";
    mc.hidden = {120, 80};
    torch::manual_seed(4);
    auto model = ft::make_model(mc, {1, 28, 28}, 10);
    const torch::Tensor x = torch::randn({45, 1, 28, 28});
    torch::NoGradGuard no_grad;
    for (const auto& l : model->maskable_layers())
        l.weight.mul_((torch::rand(l.weight.sizes()) < 0.15).to(torch::kFloat32));
    model->eval();
    const torch::Tensor masked = model->forward(x);
    for (const auto& l : model->maskable_layers())
        model->set_sparse_pattern(l.name, ft::build_sparse_linear_pattern(l.weight));
    EXPECT_EQ(model->sparse_layer_count(), 3);
    const torch::Tensor sparse = model->forward(x);
    expect_close(sparse, masked, "mlp with every layer sparse, no graph");
    EXPECT_EQ(sparse.argmax(1).ne(masked.argmax(1)).sum().item<int64_t>(), 0);
}

}  // namespace
