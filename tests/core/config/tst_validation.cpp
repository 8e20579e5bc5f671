// SPDX-License-Identifier: GPL-3.0-or-later
// Every invalid knob of spec §11 is rejected with an error naming the field, the value and the valid range.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ft/config/validation.h"
#include "ft/train/run_plan.h"

using namespace ft;

namespace {

struct Case {
    const char* label;
    void (*mutate)(RunConfig&);
    const char* field;
    const char* value;  // as printed in the message
};

const double kNaN = std::numeric_limits<double>::quiet_NaN();

const Case kCases[] = {
    {"density 0", [](RunConfig& c) { c.sparse.density = 0; }, "sparse.density", "0"},
    {"density negative", [](RunConfig& c) { c.sparse.density = -0.1; }, "sparse.density", "-0.1"},
    {"density above 1", [](RunConfig& c) { c.sparse.density = 1.5; }, "sparse.density", "1.5"},
    {"density NaN", [](RunConfig& c) { c.sparse.density = kNaN; }, "sparse.density", "NaN"},
    {"erk power negative", [](RunConfig& c) { c.sparse.erk_power_scale = -1; }, "sparse.erk_power_scale", "-1"},
    {"update frequency 0", [](RunConfig& c) { c.sparse.update_frequency = 0; }, "sparse.update_frequency", "0"},
    {"update frequency negative", [](RunConfig& c) { c.sparse.update_frequency = -5; }, "sparse.update_frequency",
     "-5"},
    {"prune rate above 1", [](RunConfig& c) { c.sparse.prune_rate = 1.01; }, "sparse.prune_rate", "1.01"},
    {"prune rate negative", [](RunConfig& c) { c.sparse.prune_rate = -0.1; }, "sparse.prune_rate", "-0.1"},
    {"stop fraction 0", [](RunConfig& c) { c.sparse.stop_fraction = 0; }, "sparse.stop_fraction", "0"},
    {"stop fraction above 1", [](RunConfig& c) { c.sparse.stop_fraction = 1.2; }, "sparse.stop_fraction", "1.2"},
    {"prune criterion", [](RunConfig& c) { c.sparse.prune = "SET"; }, "sparse.prune", "\"SET\""},
    {"exploration rate 0", [](RunConfig& c) { c.edst.exploration_rate = 0; }, "edst.exploration_rate", "0"},
    {"exploration rate above 1", [](RunConfig& c) { c.edst.exploration_rate = 1.5; }, "edst.exploration_rate", "1.5"},
    {"members 0", [](RunConfig& c) { c.ensemble.members = 0; }, "ensemble.members", "0"},
    {"explore epochs 0", [](RunConfig& c) { c.edst.explore_epochs = 0; }, "edst.explore_epochs", "0"},
    {"explore epochs >= E", [](RunConfig& c) { c.edst.explore_epochs = 450; }, "edst.explore_epochs", "450"},
    {"t_re below 2", [](RunConfig& c) { c.train.epochs = 155; }, "train.epochs", "155"},
    {"epochs 0",
     [](RunConfig& c) {
         c.method = Method::Dense;
         c.train.epochs = 0;
     },
     "train.epochs", "0"},
    {"lr 0", [](RunConfig& c) { c.train.lr = 0; }, "train.lr", "0"},
    {"refine high lr negative", [](RunConfig& c) { c.edst.lr_refine_high = -0.01; }, "edst.lr_refine_high", "-0.01"},
    {"refine low lr 0", [](RunConfig& c) { c.edst.lr_refine_low = 0; }, "edst.lr_refine_low", "0"},
    {"milestones not increasing",
     [](RunConfig& c) {
         c.train.milestones = {0.75, 0.5};
     },
     "train.milestones", "[0.75, 0.5]"},
    {"milestone at 1",
     [](RunConfig& c) {
         c.train.milestones = {0.5, 1.0};
     },
     "train.milestones", "[0.5, 1]"},
    {"gamma 0", [](RunConfig& c) { c.train.gamma = 0; }, "train.gamma", "0"},
    {"gamma above 1", [](RunConfig& c) { c.train.gamma = 2; }, "train.gamma", "2"},
    {"momentum 1", [](RunConfig& c) { c.train.momentum = 1.0; }, "train.momentum", "1"},
    {"momentum negative", [](RunConfig& c) { c.train.momentum = -0.5; }, "train.momentum", "-0.5"},
    {"weight decay negative", [](RunConfig& c) { c.train.weight_decay = -1e-4; }, "train.weight_decay", "-0.0001"},
    {"batch 0", [](RunConfig& c) { c.train.batch_size = 0; }, "train.batch_size", "0"},
    {"validation split 1", [](RunConfig& c) { c.data.validation_split = 1.0; }, "data.validation_split", "1"},
    {"validation split negative", [](RunConfig& c) { c.data.validation_split = -0.1; }, "data.validation_split",
     "-0.1"},
    {"ece bins 0", [](RunConfig& c) { c.eval.ece_bins = 0; }, "eval.ece_bins", "0"},
    {"device", [](RunConfig& c) { c.device = "tpu"; }, "device", "\"tpu\""},
    {"threads negative", [](RunConfig& c) { c.threads = -2; }, "threads", "-2"},
    {"model unknown", [](RunConfig& c) { c.model.name = "resnet9000"; }, "model.name", "\"resnet9000\""},
    {"dataset unknown", [](RunConfig& c) { c.data.name = "imagenet"; }, "data.name", "\"imagenet\""},
    {"model does not fit data", [](RunConfig& c) { c.model.name = "wrn-28-2"; }, "model.name", "\"wrn-28-2\""},
    {"hidden on fixed model", [](RunConfig& c) { c.model.hidden = {10}; }, "model.hidden", "[10]"},
    {"seeds empty", [](RunConfig& c) { c.ensemble.seeds = {}; }, "ensemble.seeds", "[]"},
    {"pf lr 0", [](RunConfig& c) { c.pf.finetune_lr = 0; }, "pf.finetune_lr", "0"},
};

}  // namespace

TEST(Validation, DefaultsAreValid) {
    RunConfig c;
    EXPECT_TRUE(validate(c).empty());
}

TEST(Validation, EachInvalidKnobGivesItsError) {
    for (const auto& k : kCases) {
        RunConfig c;
        k.mutate(c);
        const auto errors = validate(c);
        ASSERT_EQ(errors.size(), 1u) << k.label;
        EXPECT_EQ(errors[0].field, k.field) << k.label;
        EXPECT_EQ(errors[0].value, k.value) << k.label;
        EXPECT_FALSE(errors[0].expected.empty()) << k.label;
        const std::string msg = errors[0].message();
        EXPECT_NE(msg.find(k.field), std::string::npos) << msg;
        EXPECT_NE(msg.find("expected"), std::string::npos) << msg;
    }
}

TEST(Validation, RangeMessagesStateTheRange) {
    RunConfig c;
    c.sparse.density = 1.5;
    EXPECT_EQ(validate(c)[0].message(), "sparse.density = 1.5: expected a number in (0, 1]");
    RunConfig t;
    t.train.epochs = 155;  // t_ex 150, M 3 -> t_re 1.67
    EXPECT_NE(validate(t)[0].expected.find("156"), std::string::npos) << validate(t)[0].expected;
}

TEST(Validation, DuplicateSeedsWarnOnly) {
    RunConfig c;
    c.method = Method::DstEnsemble;
    c.ensemble.seeds = {5, 5, 6};
    std::vector<std::string> warnings;
    EXPECT_TRUE(validate(c, &warnings).empty());
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings[0].find("duplicate"), std::string::npos);
}

TEST(Validation, FewerSeedsThanMembersContinueFromTheLast) {
    RunConfig c;
    c.method = Method::DstEnsemble;
    c.ensemble.members = 5;
    c.ensemble.seeds = {18, 19};
    std::vector<std::string> warnings;
    EXPECT_TRUE(validate(c, &warnings).empty());
    ASSERT_FALSE(warnings.empty());
    EXPECT_NE(warnings[0].find("2 seeds for 5 members"), std::string::npos) << warnings[0];
    EXPECT_EQ(run_seed(c, 0), 18);
    EXPECT_EQ(run_seed(c, 1), 19);
    EXPECT_EQ(run_seed(c, 2), 20);
    EXPECT_EQ(run_seed(c, 4), 22);
}

TEST(Validation, EdstNeedsOneSeedForItsOneRun) {
    RunConfig c;  // EDST, M = 3, one seed: one training run yields all three tickets
    c.ensemble.seeds = {18};
    std::vector<std::string> warnings;
    EXPECT_TRUE(validate(c, &warnings).empty());
    for (const auto& w : warnings) EXPECT_EQ(w.find("seeds"), std::string::npos) << w;
}

TEST(Validation, StaticEnsembleIsAMethod) {
    RunConfig c;
    c.method = Method::StaticEnsemble;
    c.train.epochs = 10;
    std::vector<std::string> warnings;
    EXPECT_TRUE(validate(c, &warnings).empty());
    EXPECT_TRUE(warnings.empty());
    c.ensemble.members = 1;
    EXPECT_TRUE(validate(c, &warnings).empty());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("ensemble.members = 1"), std::string::npos);
}

TEST(Validation, ModelNamesComeFromTheModelRegistry) {
    RunConfig c;
    c.model.name = "resnet-9000";
    const auto errors = validate(c);
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors[0].field, "model.name");
    EXPECT_EQ(errors[0].expected, model_choices());
    for (const auto& spec : model_specs())
        EXPECT_NE(errors[0].expected.find(spec.name), std::string::npos) << spec.name;
    // The input a row declares is the one validation holds the dataset to.
    c.model.name = "wrn-28-2";  // 3x32x32
    c.data.name = "fashion-mnist";
    const auto mismatch = validate(c);
    ASSERT_FALSE(mismatch.empty());
    EXPECT_EQ(mismatch[0].field, "model.name");
    EXPECT_NE(mismatch[0].expected.find("wrn-28-2 expects " + find_model_spec("wrn-28-2")->input_text()),
              std::string::npos)
        << mismatch[0].expected;
}

TEST(Validation, EdstRulesOnlyApplyToEdst) {
    RunConfig c;
    c.method = Method::Dense;
    c.train.epochs = 10;  // below t_ex = 150, fine for a dense run
    EXPECT_TRUE(validate(c).empty());
}

TEST(Validation, ModelAndDatasetTablesAgree) {
    for (const auto& d : dataset_specs()) EXPECT_GE(d.classes, 2) << d.name;
    RunConfig c;
    c.model.name = "mlp";
    c.data.name = "spirals";
    c.method = Method::Dense;
    c.train.epochs = 5;
    EXPECT_TRUE(validate(c).empty());
}

namespace {

std::vector<std::string> warnings_of(const RunConfig& c) {
    std::vector<std::string> w;
    EXPECT_TRUE(validate(c, &w).empty());
    return w;
}

// The warnings that start with `prefix` (each names its setting first).
std::vector<std::string> starting_with(const std::vector<std::string>& all, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& w : all)
        if (w.rfind(prefix, 0) == 0) out.push_back(w);
    return out;
}

}  // namespace

TEST(Validation, MomentumGrowthWithMaskedMomentumIsRefused) {
    RunConfig c;
    c.method = Method::Dst;
    c.train.epochs = 10;
    c.sparse.growth = Growth::Momentum;
    EXPECT_TRUE(validate(c).empty());  // the reference's unmasked buffers: momentum growth has scores
    c.sparse.mask_momentum = true;
    const auto errors = validate(c);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "sparse.growth");
    EXPECT_EQ(errors[0].value, "\"momentum\"");
    EXPECT_NE(errors[0].expected.find("sparse.mask_momentum = true"), std::string::npos) << errors[0].expected;
    c.sparse.growth = Growth::Random;
    EXPECT_TRUE(validate(c).empty());
    // Fixed masks never grow: nothing to refuse.
    c.method = Method::Static;
    c.sparse.growth = Growth::Momentum;
    EXPECT_TRUE(validate(c).empty());
}

TEST(Validation, DensityOneWarningSaysWhatMaskUpdatesStillDo) {
    RunConfig c;
    c.method = Method::Dst;
    c.train.epochs = 10;
    c.sparse.density = 1.0;
    // Defaults: dense layers are pruned and their pruned weights restart at 0 (spec §10.4).
    auto w = starting_with(warnings_of(c), "sparse.density = 1");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("resets the smallest sparse.prune_rate"), std::string::npos) << w[0];
    EXPECT_EQ(w[0].find("never change"), std::string::npos) << w[0];
    // Random growth regrows a Bernoulli count: the layers do not stay dense.
    c.sparse.growth = Growth::Random;
    w = starting_with(warnings_of(c), "sparse.density = 1");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("do not stay dense"), std::string::npos) << w[0];
    // Only where updates leave dense layers alone, or regrow them with their values, is the old text true.
    c.sparse.growth = Growth::Gradient;
    c.sparse.update_dense_layers = false;
    w = starting_with(warnings_of(c), "sparse.density = 1");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("never change what is trained"), std::string::npos) << w[0];
    c.sparse.update_dense_layers = true;
    c.sparse.reset_regrown = false;
    w = starting_with(warnings_of(c), "sparse.density = 1");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("never change what is trained"), std::string::npos) << w[0];
    RunConfig fixed;
    fixed.method = Method::Static;
    fixed.train.epochs = 10;
    fixed.sparse.density = 1.0;
    w = starting_with(warnings_of(fixed), "sparse.density = 1");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("never change what is trained"), std::string::npos) << w[0];
}

TEST(Validation, EdstWithoutFlopsReferenceEpochsWarns) {
    RunConfig c;  // EDST, 250 epochs
    auto w = starting_with(warnings_of(c), "eval.flops_reference_epochs");
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].find("own 250 epochs"), std::string::npos) << w[0];
    c.eval.flops_reference_epochs = 250;
    EXPECT_TRUE(starting_with(warnings_of(c), "eval.flops_reference_epochs").empty());
    // A DST run is as long as its dense baseline: 0 means just that.
    RunConfig dst;
    dst.method = Method::DstEnsemble;
    EXPECT_TRUE(starting_with(warnings_of(dst), "eval.flops_reference_epochs").empty());
}
