// SPDX-License-Identifier: GPL-3.0-or-later
// What the sparse kernel tests share: closeness to a dense reference, and test names from a case's name.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>

#include <torch/types.h>

namespace nn_test {

// got equals want up to `relative` of want's largest magnitude (at least 1): float reassociation, not a bug.
inline void expect_close(const torch::Tensor& got, const torch::Tensor& want, const std::string& what,
                         double relative = 1e-5) {
    ASSERT_EQ(got.sizes(), want.sizes()) << what;
    const double scale = std::max(1.0, want.abs().max().item<double>());
    EXPECT_LT((got - want).abs().max().item<double>(), relative * scale) << what;
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
