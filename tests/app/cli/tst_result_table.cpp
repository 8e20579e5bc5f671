// SPDX-License-Identifier: GPL-3.0-or-later
// The result table `freetickets train` prints (app/cli/result_table.cpp): one row per member and one for the
// ensemble, the diversity, robustness, OoD and FLOPs lines, and "inf" for an infinite (null) NLL.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "result_table.h"

namespace {

nlohmann::json summary() {
    return nlohmann::json::parse(R"({
        "run": {"name": "fashion-edst", "method": "edst", "seconds": 12.34},
        "model": {"name": "lenet5"},
        "members": [{"index": 0, "test": {"accuracy": 0.9, "nll": 0.25, "ece": 0.0125, "brier": 0.15}},
                    {"index": 1, "test": {"accuracy": 0.875, "nll": null, "ece": 0.02, "brier": 0.2}}],
        "ensemble": {"test": {"accuracy": 0.91, "nll": 0.24, "ece": 0.011, "brier": 0.14},
                     "diversity": {"mean_disagreement": 0.05, "mean_kl": 0.125}},
        "robustness": {"sets": [{}, {}], "pooled": {"ensemble": {"accuracy": 0.8, "nll": 0.5, "ece": 0.02}}},
        "ood": {"sets": [{"name": "gaussian", "ensemble": {"auroc_msp": 0.95, "auroc_entropy": 0.96}}]},
        "flops": {"train_vs_dense": 0.527, "reference_epochs": 10, "inference_vs_dense": 0.6,
                  "sparse_forward_ratio": 0.2}
    })");
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(ResultTable, RowsForEveryMemberAndTheEnsemble) {
    const std::string t = ft::cli::result_table(summary());
    EXPECT_TRUE(has(t, "fashion-edst (edst, lenet5), 12.3 s")) << t;
    EXPECT_TRUE(has(t, "member 0        0.9000    0.2500    0.0125    0.1500")) << t;
    EXPECT_TRUE(has(t, "member 1        0.8750       inf    0.0200    0.2000")) << t;
    EXPECT_TRUE(has(t, "ensemble        0.9100    0.2400    0.0110    0.1400")) << t;
    EXPECT_TRUE(has(t, "mean disagreement 0.0500, mean KL 0.1250")) << t;
    EXPECT_TRUE(has(t, "corrupted (2 sets, pooled): accuracy 0.8000, NLL 0.5000, ECE 0.0200")) << t;
    EXPECT_TRUE(has(t, "OoD AUROC (max. softmax prob. / entropy): gaussian 0.9500 / 0.9600")) << t;
    EXPECT_TRUE(has(t, "training FLOPs 0.527x dense (10 epochs), inference 0.600x, sparse forward 0.200")) << t;
}

TEST(ResultTable, IdealisedAndComputedTrainingFlopsAreLabelled) {
    auto s = summary();
    s["flops"]["train_vs_dense_idealised"] = 0.527;
    s["flops"]["train_vs_dense_computed"] = 0.875;
    s["flops"]["train_idealised_rule"] = "gradient growth: sparse steps, a dense gradient every update";
    s["flops"]["train_computed_rule"] = "sparse.mask_momentum = false: a dense gradient every step";
    s["flops"]["reference_schedule"] = "one dense run of 10 epochs (eval.flops_reference_epochs)";
    const std::string t = ft::cli::result_table(s);
    EXPECT_TRUE(has(t, "training FLOPs 0.527x dense idealised, 0.875x computed (10 epochs), inference 0.600x")) << t;
    EXPECT_TRUE(has(t, "training FLOPs are against one dense run of 10 epochs (eval.flops_reference_epochs)")) << t;
    EXPECT_TRUE(has(t, "computed: sparse.mask_momentum = false: a dense gradient every step")) << t;
    // When both rules agree, the second line would only repeat the first.
    s["flops"]["train_computed_rule"] = s["flops"]["train_idealised_rule"];
    EXPECT_FALSE(has(ft::cli::result_table(s), "computed:")) << ft::cli::result_table(s);
}

TEST(ResultTable, OptionalBlocksAreLeftOut) {
    auto s = summary();
    s.erase("robustness");
    s.erase("ood");
    s["ensemble"].erase("diversity");
    const std::string t = ft::cli::result_table(s);
    EXPECT_FALSE(has(t, "corrupted")) << t;
    EXPECT_FALSE(has(t, "OoD")) << t;
    EXPECT_FALSE(has(t, "disagreement")) << t;
    EXPECT_TRUE(has(t, "ensemble")) << t;
}
