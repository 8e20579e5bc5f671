// SPDX-License-Identifier: GPL-3.0-or-later
// What the sparse kernel tests share: closeness to a dense reference, and test names from a case's name.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include <torch/types.h>

#include "nn/sparse_linear.h"

namespace nn_test {

// got equals want up to `relative` of want's largest magnitude (at least 1): float reassociation, not a bug.
inline void expect_close(const torch::Tensor& got, const torch::Tensor& want, const std::string& what,
                         double relative = 1e-5) {
    ASSERT_EQ(got.sizes(), want.sizes()) << what;
    const double scale = std::max(1.0, want.abs().max().item<double>());
    EXPECT_LT((got - want).abs().max().item<double>(), relative * scale) << what;
}

// After a backward through a sparse layer with weight `ws`: on a step that asked for the dense weight gradient it
// is in ws.grad() and equals `want`; on any other, ws.grad() stays undefined and the pattern's own slot holds `want`
// at the active positions (`mask`, of want's shape).
inline void expect_weight_gradient(const torch::Tensor& ws, const torch::Tensor& want, const torch::Tensor& mask,
                                   const ft::SparseLinearPattern& p, bool dense_grad, double relative = 1e-5) {
    if (dense_grad) {
        expect_close(ws.grad(), want, "dense weight gradient", relative);
        return;
    }
    EXPECT_FALSE(ws.grad().defined()) << "a dense weight gradient on a step that needs none";
    ASSERT_TRUE(p.state->grad_written);
    expect_close(ft::sparse_linear_grad_as_dense(p).view(want.sizes()), want * mask,
                 "weight gradient at active positions", relative);
}

// "<name>_<index>" with every character gtest does not allow in a name as '_'.
template <typename Info>
std::string case_name(const Info& info) {
    std::string n = std::string(info.param.name) + "_" + std::to_string(info.index);
    for (char& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    return n;
}

}  // namespace nn_test
