// SPDX-License-Identifier: GPL-3.0-or-later
// sparse.execution = sparse changes no number but by float reassociation: the same run with masked and with
// sparse execution has the same loss at every step (1e-5 relative), the same masks after every update and the
// same ticket accuracies. DST (updates every ΔT) and EDST (exploration at epoch ends) with gradient growth, whose
// update steps compute the dense gradient, on MLPs and on LeNet-5 (sparse convolutions); and the config errors that
// guard the switch.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <torch/torch.h>

#include "eval_fixtures.h"
#include "ft/config/config_json.h"
#include "ft/config/validation.h"
#include "ft/train/experiment.h"
#include "tiny_config.h"
#include "train/sparse_execution.h"

using namespace ft;

namespace {

struct Trace {
    std::vector<double> loss;
    std::vector<std::vector<std::vector<uint64_t>>> masks;  // [update][layer] packed bits
    nlohmann::json summary;
};

Trace run(RunConfig c, SparseExecution execution) {
    c.sparse.execution = execution;
    c.sparse.mask_momentum = true;
    EventRecorder events(/*masks=*/true);
    RunControl control;
    Trace t;
    t.summary = run_experiment(c, events, control, {});
    for (const auto& s : events.of_type<StepMetrics>()) t.loss.push_back(s.loss);
    for (const auto& u : events.of_type<MaskUpdate>()) {
        t.masks.emplace_back();
        for (const auto& l : u.layers) t.masks.back().push_back(l.bits);
    }
    return t;
}

void expect_same_run(const RunConfig& c, const std::string& what, int min_sparse_layers) {
    const Trace masked = run(c, SparseExecution::Masked);
    const Trace sparse = run(c, SparseExecution::Sparse);
    // The summary says which path each layer ran: the layers the ERK allocation made dense keep the dense
    // product, every other one runs sparse.
    int sparse_layers = 0;
    for (const auto& l : sparse.summary["model"]["layers"]) {
        const bool dense = l["density"].get<double>() >= 1.0;
        EXPECT_EQ(l["execution"], dense ? "masked" : "sparse") << what << ", " << l["name"];
        sparse_layers += dense ? 0 : 1;
    }
    EXPECT_GE(sparse_layers, min_sparse_layers) << what;
    for (const auto& l : masked.summary["model"]["layers"]) EXPECT_EQ(l["execution"], "masked") << what;
    ASSERT_GE(masked.loss.size(), 200u) << what;
    ASSERT_EQ(sparse.loss.size(), masked.loss.size()) << what;
    for (size_t i = 0; i < masked.loss.size(); ++i)
        ASSERT_NEAR(sparse.loss[i], masked.loss[i], 1e-5 * std::abs(masked.loss[i])) << what << ", step " << i + 1;
    ASSERT_GT(masked.masks.size(), 5u) << what;
    ASSERT_EQ(sparse.masks.size(), masked.masks.size()) << what;
    for (size_t u = 0; u < masked.masks.size(); ++u)
        EXPECT_EQ(sparse.masks[u], masked.masks[u]) << what << ": the masks differ after update " << u;
    for (size_t k = 0; k < masked.summary["members"].size(); ++k)
        EXPECT_NEAR(sparse.summary["members"][k]["test"]["accuracy"].get<double>(),
                    masked.summary["members"][k]["test"]["accuracy"].get<double>(), 1e-9)
            << what << ", ticket " << k;
}

TEST(SparseExecution, DstWithGradientGrowthMatchesTheMaskedRun) {
    RunConfig c = train_test::tiny_config(Method::Dst);
    c.train.epochs = 9;  // 23 steps an epoch: 207 steps, an update every 10
    c.model.hidden = {48, 32};
    c.sparse.density = 0.2;
    c.sparse.init = SparseInit::Uniform;  // every layer sparse: the first (no grad-input), a middle and the last
    // Four classes: with two, the last layer's weight gradients come in pairs of opposite sign and nearly equal
    // size, and gradient growth breaks those near-ties by the last bit, which reassociation moves.
    c.data.name = "blobs";
    c.data.synthetic_noise =
        0.6;  // overlapping blobs: the loss stays well above 0, where 1e-5 relative means something
    expect_same_run(c, "dst", 3);
}

TEST(SparseExecution, EdstWithExplorationMatchesTheMaskedRun) {
    RunConfig c = train_test::tiny_config(Method::Edst);
    c.train.epochs = 10;
    c.edst.explore_epochs = 4;
    c.ensemble.members = 3;
    c.sparse.update_frequency = 7;
    expect_same_run(c, "edst", 1);  // ERK makes the narrow first and last layers dense
}

TEST(SparseExecution, LeNet5WithSparseConvolutionsMatchesTheMaskedRun) {
    eval_test::TempFolder dir;
    const std::string mnist = dir.file("mnist");
    eval_test::write_mnist_folder(mnist, 320, 60, 4, 3);
    RunConfig c = train_test::tiny_config(Method::Dst);
    c.model.name = "lenet5";
    c.model.hidden = {};
    c.data.name = "mnist";
    c.data.path = mnist;
    c.data.validation_split = 0;
    c.train.epochs = 11;  // 20 steps an epoch: 220 steps, an update every 10
    c.train.lr = 0.005;   // slowly: the loss stays well above 0, where 1e-5 relative means something
    c.sparse.density = 0.2;
    c.sparse.init = SparseInit::Uniform;  // both convolutions sparse too, the first without grad-input
    expect_same_run(c, "lenet5", 4);
}

TEST(SparseExecution, NeedsMaskedMomentumAndTheCpu) {
    RunConfig c = train_test::tiny_config(Method::Dst);
    c.sparse.execution = SparseExecution::Sparse;
    c.sparse.mask_momentum = false;
    auto errors = validate(c);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].field, "sparse.execution");
    EXPECT_NE(errors[0].message().find("sparse.mask_momentum = true"), std::string::npos) << errors[0].message();
    c.sparse.mask_momentum = true;
    EXPECT_TRUE(validate(c).empty());
    c.device = "cuda";
    errors = validate(c);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].message().find("CPU"), std::string::npos) << errors[0].message();
    // The name in JSON, and an unknown one.
    EXPECT_EQ(config_to_json(c)["sparse"]["execution"], "sparse");
    nlohmann::json j = {{"sparse", {{"execution", "csr"}}}};
    try {
        config_from_json(j, "test.json");
        FAIL() << "sparse.execution = csr was accepted";
    } catch (const ConfigException& e) {
        EXPECT_NE(std::string(e.what()).find("one of {masked, sparse, auto}"), std::string::npos) << e.what();
    }
}

}  // namespace

// sparse.execution = auto times each layer's two paths: one active weight in a hundred is many times cheaper
// sparse, a full mask many times cheaper as one sgemm. (The 5% margin is far inside both gaps.)
TEST(SparseExecutionAuto, TimingPicksTheClearlyFasterPath) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "under ASan our kernels are instrumented and OpenBLAS is not: the timing compares unlike things";
#endif
    torch::manual_seed(1);
    const auto weight = torch::randn({1000, 1000});
    const auto sparse = time_linear_execution(weight, torch::rand({1000, 1000}).lt(0.01).to(torch::kFloat), 128, true);
    EXPECT_TRUE(sparse.sparse) << sparse.sparse_seconds << " s sparse, " << sparse.masked_seconds << " s masked";
    EXPECT_GT(sparse.masked_seconds, 0);
    const auto dense = time_linear_execution(weight, torch::ones({1000, 1000}), 128, true);
    EXPECT_FALSE(dense.sparse) << dense.sparse_seconds << " s sparse, " << dense.masked_seconds << " s masked";
    // An evaluating caller may have turned gradients off; the timing needs its backward passes all the same.
    torch::NoGradGuard no_grad;
    EXPECT_NO_THROW(time_linear_execution(weight, torch::ones({1000, 1000}), 16, false));
}

namespace {

// The decisions auto logged ("member 0: fc1 at density ...: runs sparse"), by layer name.
std::map<std::string, std::string> auto_decisions(const EventRecorder& events) {
    std::map<std::string, std::string> out;
    for (const auto& l : events.of_type<LogLine>()) {
        const auto at = l.text.find(": runs ");
        const auto name_at = l.text.find(": ");
        if (at == std::string::npos || l.text.rfind("member ", 0) != 0) continue;
        const std::string name = l.text.substr(name_at + 2, l.text.find(" at density") - name_at - 2);
        out[name] = l.text.substr(at + 7);
    }
    return out;
}

RunConfig auto_config() {
    RunConfig c = train_test::tiny_config(Method::Dst);
    c.model.hidden = {48, 32};
    c.sparse.density = 0.2;
    c.sparse.init = SparseInit::Uniform;
    c.data.name = "blobs";
    c.data.synthetic_noise = 0.6;
    c.sparse.execution = SparseExecution::Auto;
    c.sparse.mask_momentum = true;
    return c;
}

}  // namespace

// Whatever auto chose for each layer of a tiny MLP (timing decides, so either may win), it says so in the log,
// the run's announcement and the summary, and changes no number but by float reassociation.
TEST(SparseExecutionAuto, SaysWhichPathEachLayerRanAndMatchesTheMaskedRun) {
    const RunConfig c = auto_config();
    EventRecorder events;
    RunControl control;
    const auto summary = run_experiment(c, events, control, {});
    const auto decisions = auto_decisions(events);
    EXPECT_EQ(decisions.size(), 3u);  // fc1, fc2, fc3: all sparse Linear layers, decided once (DST keeps counts)
    const auto started = events.of_type<RunStarted>();
    ASSERT_EQ(started.size(), 1u);
    for (const auto& l : started[0].layers) {
        ASSERT_TRUE(decisions.count(l.name)) << l.name;
        EXPECT_EQ(to_string(l.execution), decisions.at(l.name)) << l.name;
    }
    for (const auto& l : summary["model"]["layers"])
        EXPECT_EQ(l["execution"], decisions.at(l["name"].get<std::string>())) << l["name"];
    const Trace masked = run(c, SparseExecution::Masked);
    const auto steps = events.of_type<StepMetrics>();
    ASSERT_EQ(steps.size(), masked.loss.size());
    for (size_t i = 0; i < steps.size(); ++i)
        ASSERT_NEAR(steps[i].loss, masked.loss[i], 1e-5 * std::abs(masked.loss[i])) << "step " << i + 1;
}

// Without masked momentum the sparse path cannot be exact: auto runs every layer masked and says why, once.
TEST(SparseExecutionAuto, StaysMaskedWithoutMaskedMomentum) {
    RunConfig c = auto_config();
    c.sparse.mask_momentum = false;
    EXPECT_TRUE(validate(c).empty());
    EventRecorder events;
    RunControl control;
    const auto summary = run_experiment(c, events, control, {});
    EXPECT_TRUE(auto_decisions(events).empty());
    int told = 0;
    for (const auto& l : events.of_type<LogLine>()) told += l.text.find("every layer runs masked") != std::string::npos;
    EXPECT_EQ(told, 1);
    for (const auto& l : summary["model"]["layers"]) EXPECT_EQ(l["execution"], "masked") << l["name"];
}

// A resumed run takes auto's decisions from its checkpoint instead of timing again, which could choose otherwise.
TEST(SparseExecutionAuto, ResumeKeepsTheDecisions) {
    const RunConfig c = auto_config();
    const auto dir = std::filesystem::temp_directory_path() / "ft_sparse_auto_resume";
    std::filesystem::remove_all(dir);
    RunOptions options;
    options.checkpoint_dir = dir.string();
    struct CancelAt : EventRecorder {
        RunControl* control = nullptr;
        int64_t seen = 0;
        void on_event(const Event& e) override {
            EventRecorder::on_event(e);
            if (std::holds_alternative<StepMetrics>(e) && ++seen == 40) control->cancel();
        }
    } first;
    RunControl control;
    first.control = &control;
    ASSERT_EQ(run_experiment(c, first, control, options)["run"]["status"], "cancelled");
    const auto decided = auto_decisions(first);
    ASSERT_EQ(decided.size(), 3u);
    options.resume = true;
    EventRecorder second;
    RunControl control2;
    const auto summary = run_experiment(c, second, control2, options);
    ASSERT_EQ(summary["run"]["status"], "finished");
    EXPECT_TRUE(auto_decisions(second).empty()) << "the resumed run timed its layers again";
    const auto started = second.of_type<RunStarted>();
    ASSERT_EQ(started.size(), 1u);
    for (const auto& l : started[0].layers) EXPECT_EQ(to_string(l.execution), decided.at(l.name)) << l.name;
    for (const auto& l : summary["model"]["layers"])
        EXPECT_EQ(l["execution"], decided.at(l["name"].get<std::string>())) << l["name"];
}
