// SPDX-License-Identifier: GPL-3.0-or-later
// The evaluation inside run_experiment and evaluate_checkpoint, end to end on tiny data: a single member gives a
// 1 x 1 zero disagreement, identical members give zero disagreement, KL and mask distance, live evaluation
// publishes its reports and decision boundaries without changing what is trained, consecutive mask-update
// distances match the published masks, an image run reports robustness and OoD, and re-evaluating a checkpoint
// gives the same summary; a ticket's live evaluation leaves the random generators where they were.
#include <gtest/gtest.h>

#include <filesystem>

#include "eval_fixtures.h"
#include "ft/config/validation.h"
#include "ft/train/experiment.h"
#include "tiny_config.h"
#include "train/live_eval.h"

#include <torch/cuda.h>

using namespace ft;
namespace fs = std::filesystem;

namespace {

RunConfig tiny(Method method) {
    RunConfig c = train_test::tiny_config(method);
    c.eval.boundary_resolution = 8;
    return c;
}

std::vector<std::vector<uint64_t>> masks_of(const MaskUpdate& u) {
    std::vector<std::vector<uint64_t>> out;
    for (const auto& l : u.layers) out.push_back(l.bits);
    return out;
}

}  // namespace

TEST(EvaluationRun, SingleMemberHasAZeroOneByOneDiversity) {
    RunConfig c = tiny(Method::Dst);
    EventRecorder events;
    RunControl control;
    const auto s = run_experiment(c, events, control, {});
    const auto& d = s["diversity"];
    EXPECT_EQ(d["disagreement"], nlohmann::json::parse("[[0.0]]"));
    EXPECT_EQ(d["kl"], nlohmann::json::parse("[[0.0]]"));
    EXPECT_EQ(d["mask_hamming"], nlohmann::json::parse("[[0.0]]"));
    EXPECT_EQ(d["mask_jaccard"], nlohmann::json::parse("[[1.0]]"));
    EXPECT_EQ(d["ever_active"].size(), 1u);
    EXPECT_EQ(s["flops"]["layers"].size(), 3u);
}

TEST(EvaluationRun, IdenticalMembersHaveNoDiversity) {
    RunConfig c = tiny(Method::DstEnsemble);
    c.ensemble.seeds = {4, 4};  // the same seed twice: the same network twice
    EventRecorder events;
    RunControl control;
    const auto s = run_experiment(c, events, control, {});
    const auto& d = s["diversity"];
    EXPECT_EQ(d["disagreement"][0][1], 0.0);
    EXPECT_EQ(d["kl"][0][1], 0.0);
    EXPECT_EQ(d["kl"][1][0], 0.0);
    EXPECT_EQ(d["mask_hamming"][0][1], 0.0);
    EXPECT_EQ(d["mask_jaccard"][0][1], 1.0);
    EXPECT_EQ(s["members"][0]["test"], s["members"][1]["test"]);
    // The compatibility block under ensemble carries the same matrices.
    EXPECT_EQ(s["ensemble"]["diversity"]["disagreement"], d["disagreement"]);
}

TEST(EvaluationRun, LiveEvaluationReportsAndDrawsWithoutChangingTraining) {
    RunConfig c = tiny(Method::Edst);
    c.eval.every_epochs = 2;
    EventRecorder events;
    RunControl control;
    const auto with_live = run_experiment(c, events, control, {});

    std::map<std::string, int> splits;
    for (const auto& r : events.of_type<EvalReport>()) {
        ++splits[to_string(r.split)];
        if (r.split.kind == SplitKind::Validation) {
            EXPECT_EQ(r.member, 0) << "member = the training run";
            EXPECT_EQ(r.metrics.n, 40);  // the validation split (10% of 400), all of it (< live_samples)
            EXPECT_EQ(r.metrics.reliability.size(), 14u);
        }
    }
    EXPECT_EQ(splits["val"], 3);  // epochs 2, 4, 6
    EXPECT_EQ(splits["val/ticket-0"], 1);
    EXPECT_EQ(splits["val/ticket-1"], 1);
    EXPECT_EQ(splits["test"], 3);
    EXPECT_EQ(splits["ood/gaussian"], 3);
    EXPECT_EQ(splits["ood/uniform"], 3);
    EXPECT_EQ(splits.count("corrupted"), 0u);  // moons are not images
    EXPECT_NE(with_live["robustness"]["skipped"].get<std::string>().find("feature"), std::string::npos);
    EXPECT_EQ(with_live["ood"]["sets"].size(), 2u);
    const double live_seconds = with_live["run"]["live_eval_seconds"].get<double>();
    EXPECT_GT(live_seconds, 0.0);                                        // five evaluations and boundaries were timed
    EXPECT_LT(live_seconds, with_live["run"]["seconds"].get<double>());  // a part of the training time

    const auto points = events.of_type<DataPoints2D>();
    ASSERT_EQ(points.size(), 1u);
    EXPECT_EQ(points[0].x.size(), 360u);  // the training split
    EXPECT_EQ(points[0].classes, 2);
    std::map<std::string, int> sources;
    for (const auto& b : events.of_type<DecisionBoundary>()) {
        ++sources[b.source];
        EXPECT_EQ(b.resolution, 8);
        ASSERT_EQ(b.probs.size(), 8u * 8u * 2u);
        EXPECT_NEAR(b.probs[0] + b.probs[1], 1.0f, 1e-5f);
        EXPECT_LT(b.x_min, b.x_max);
        if (b.source == "ensemble") {
            EXPECT_EQ(b.member, -1);
        }
    }
    EXPECT_EQ(sources["live"], 3);
    EXPECT_EQ(sources["ticket"], 2);
    EXPECT_EQ(sources["ensemble"], 1);
    // DataPoints2D comes right after RunStarted.
    const auto all = events.events();
    for (size_t i = 0; i < all.size(); ++i)
        if (std::holds_alternative<RunStarted>(all[i])) {
            ASSERT_LT(i + 1, all.size());
            EXPECT_TRUE(std::holds_alternative<DataPoints2D>(all[i + 1]));
        }

    c.eval.every_epochs = 0;
    EventRecorder quiet;
    RunControl control2;
    const auto without = run_experiment(c, quiet, control2, {});
    EXPECT_EQ(with_live["members"], without["members"]) << "live evaluation must not change the training";
    EXPECT_EQ(with_live["ensemble"]["test"], without["ensemble"]["test"]);
    int live = 0;
    for (const auto& r : quiet.of_type<EvalReport>()) live += r.split == EvalSplit::live(true);
    EXPECT_EQ(live, 0);
}

TEST(EvaluationRun, ConsecutiveMaskDistancesMatchThePublishedMasks) {
    RunConfig c = tiny(Method::Edst);
    EventRecorder events(true);
    RunControl control;
    const auto s = run_experiment(c, events, control, {});
    const auto updates = events.of_type<MaskUpdate>();
    ASSERT_GE(updates.size(), 3u);
    const auto& d = s["diversity"]["mask_updates"];
    ASSERT_EQ(d.size(), 1u);                                // EDST: one training run
    ASSERT_EQ(d[0]["hamming"].size(), updates.size() - 1);  // every update after the initial mask
    int64_t total = 0;
    for (const auto& l : updates[0].layers) total += l.total;
    int explorations = 0;
    for (size_t k = 1; k < updates.size(); ++k) {
        int64_t differ = 0, both = 0, either = 0;
        const auto a = masks_of(updates[k - 1]), b = masks_of(updates[k]);
        for (size_t l = 0; l < a.size(); ++l)
            for (size_t w = 0; w < a[l].size(); ++w) {
                differ += __builtin_popcountll(a[l][w] ^ b[l][w]);
                both += __builtin_popcountll(a[l][w] & b[l][w]);
                either += __builtin_popcountll(a[l][w] | b[l][w]);
            }
        EXPECT_DOUBLE_EQ(d[0]["hamming"][k - 1].get<double>(), double(differ) / double(total)) << k;
        EXPECT_DOUBLE_EQ(d[0]["jaccard"][k - 1].get<double>(), double(both) / double(either)) << k;
        EXPECT_EQ(d[0]["steps"][k - 1], updates[k].step);
        if (updates[k].exploration) {
            ++explorations;
            EXPECT_GT(d[0]["hamming"][k - 1].get<double>(), 0.0) << "the exploration jump moves weights";
        }
    }
    EXPECT_EQ(explorations, 1);
}

TEST(EvaluationRun, ImageRunReportsRobustnessAndOod) {
    eval_test::TempFolder dir;
    eval_test::write_mnist_folder(dir.file("mnist"), 60, 12, 3, 2);
    RunConfig c = tiny(Method::DstEnsemble);
    c.data.name = "mnist";
    c.data.path = dir.file("mnist");
    c.data.validation_split = 0.2;
    c.model.hidden = {8};
    c.train.epochs = 2;
    c.eval.corruptions = "gaussian_noise,rotation";
    c.eval.severities = {1, 5};
    c.eval.corruption_samples = 10;
    c.eval.ood_sets = "gaussian,mnist:" + dir.file("mnist");
    c.eval.ood_samples = 12;
    EventRecorder events;
    RunControl control;
    const auto s = run_experiment(c, events, control, {});
    const auto& r = s["robustness"];
    EXPECT_EQ(r["source"], "generated");
    EXPECT_EQ(r["samples_per_set"], 10);
    ASSERT_EQ(r["sets"].size(), 4u);
    EXPECT_EQ(r["sets"][3]["type"], "rotation");
    EXPECT_EQ(r["sets"][3]["severity"], 5);
    EXPECT_EQ(r["sets"][0]["members"].size(), 2u);
    EXPECT_EQ(r["pooled"]["ensemble"]["n"], 40);
    const auto& o = s["ood"];
    EXPECT_EQ(o["n_in"], 12);
    ASSERT_EQ(o["sets"].size(), 2u);
    EXPECT_EQ(o["sets"][1]["name"], "mnist");
    // The in-distribution test set against itself (the same files): chance level.
    EXPECT_DOUBLE_EQ(o["sets"][1]["ensemble"]["auroc_msp"].get<double>(), 0.5);
    EXPECT_GE(s["run"]["eval_seconds"].get<double>(), 0.0);
    int corrupted = 0;
    for (const auto& e : events.of_type<EvalReport>()) corrupted += e.split.kind == SplitKind::Corrupted;
    EXPECT_EQ(corrupted, 3 * (4 + 1));
    EXPECT_TRUE(events.of_type<DecisionBoundary>().empty());  // images: no boundary
}

TEST(EvaluationRun, MissingOodFileFailsBeforeTraining) {
    eval_test::TempFolder dir;
    eval_test::write_mnist_folder(dir.file("mnist"), 20, 5, 3, 2);
    RunConfig c = tiny(Method::Dst);
    c.data.name = "mnist";
    c.data.path = dir.file("mnist");
    c.eval.ood_sets = "gaussian,npy:" + dir.file("svhn_test.npy");
    EventRecorder events;
    RunControl control;
    try {
        run_experiment(c, events, control, {});
        FAIL() << "the run must fail";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(dir.file("svhn_test.npy")), std::string::npos) << e.what();
    }
    EXPECT_TRUE(events.of_type<StepMetrics>().empty());
    ASSERT_EQ(events.of_type<RunFinished>().size(), 1u);
    EXPECT_EQ(events.of_type<RunFinished>()[0].status, RunStatus::Failed);
    EXPECT_TRUE(events.of_type<RunFinished>()[0].summary.empty());
}

TEST(EvaluationRun, EvaluateCheckpointReproducesTheSummary) {
    eval_test::TempFolder dir;
    RunConfig c = tiny(Method::Edst);
    RunOptions options;
    options.checkpoint_dir = dir.file("ckpt");
    EventRecorder events;
    RunControl control;
    const auto trained = run_experiment(c, events, control, options);
    EXPECT_TRUE(fs::exists(dir.file("ckpt/training.json")));

    EventRecorder again;
    RunControl control2;
    const auto evaluated = evaluate_checkpoint(c, options.checkpoint_dir, again, control2);
    EXPECT_EQ(evaluated["members"], trained["members"]);
    EXPECT_EQ(evaluated["ensemble"]["test"], trained["ensemble"]["test"]);
    EXPECT_EQ(evaluated["diversity"], trained["diversity"]);
    EXPECT_EQ(evaluated["ood"], trained["ood"]);
    EXPECT_EQ(evaluated["flops"], trained["flops"]);
    EXPECT_EQ(evaluated["run"]["seconds"], trained["run"]["seconds"]);
    EXPECT_TRUE(again.of_type<RunStarted>().empty());
    EXPECT_TRUE(again.of_type<RunFinished>().empty());
    EXPECT_EQ(again.of_type<DecisionBoundary>().size(), 1u);  // the ensemble's

    // Other evaluation settings are fine; other training settings are not.
    RunConfig other_eval = c;
    other_eval.eval.ood_sets = "uniform";
    EXPECT_EQ(evaluate_checkpoint(other_eval, options.checkpoint_dir, again, control2)["ood"]["sets"].size(), 1u);
    RunConfig other_training = c;
    other_training.sparse.density = 0.3;
    EXPECT_THROW(evaluate_checkpoint(other_training, options.checkpoint_dir, again, control2), std::runtime_error);
    try {
        evaluate_checkpoint(c, dir.file("nothing"), again, control2);
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(dir.file("nothing")), std::string::npos) << e.what();
    }
}

TEST(EvaluationRun, ResumedRunKeepsItsMaskDistances) {
    eval_test::TempFolder dir;
    RunConfig c = tiny(Method::DstEnsemble);
    EventRecorder plain_events;
    RunControl plain_control;
    const auto plain = run_experiment(c, plain_events, plain_control, {});
    // Cancel during the second member, then resume.
    struct CancelAt : EventSink {
        RunControl& control;
        int64_t at, seen = 0;
        CancelAt(RunControl& ctl, int64_t a) : control(ctl), at(a) {}
        void on_event(const Event& e) override {
            if (std::holds_alternative<StepMetrics>(e) && ++seen == at) control.cancel();
        }
    };
    RunOptions options;
    options.checkpoint_dir = dir.file("ckpt");
    RunControl control;
    CancelAt cancel(control, int64_t(plain_events.of_type<StepMetrics>().size() * 3 / 4));
    ASSERT_EQ(run_experiment(c, cancel, control, options)["run"]["status"], "cancelled");
    options.resume = true;
    RunControl control2;
    EventRecorder resumed_events;
    const auto resumed = run_experiment(c, resumed_events, control2, options);
    EXPECT_EQ(resumed["diversity"]["mask_updates"], plain["diversity"]["mask_updates"]);
    EXPECT_EQ(resumed["diversity"]["ever_active"], plain["diversity"]["ever_active"]);
    EXPECT_EQ(resumed["ood"], plain["ood"]);
}

namespace {

// What the generator of `device` draws next after a ticket's live evaluation, against what it draws without one
// from the same position. The evaluation network is built at the first ticket and reused by the next.
void expect_ticket_evaluation_keeps_generator(torch::Device device) {
    RunConfig c = tiny(Method::Edst);
    const RunPlan plan = plan_run(c);
    const DatasetBundle data = load_dataset(c.data, 1);
    EventRecorder events;
    RunControl control;
    RunContext ctx{c, plan, data, device, events, control, false};
    MemberTrainer training(ctx, 0, 5, true);
    Ticket ticket;
    ticket.index = 0;
    ticket.state = training.network_state();
    LiveEvaluation live(ctx);
    const auto options = torch::TensorOptions().device(device);
    for (int64_t k = 0; k < 2; ++k) {
        torch::manual_seed(uint64_t(123 + k));  // a position in the stream (CPU and CUDA alike)
        const auto without = torch::rand({16}, options);
        torch::manual_seed(uint64_t(123 + k));
        live.on_ticket(ticket, 0, 10 * (k + 1));
        const auto with = torch::rand({16}, options);
        EXPECT_TRUE(torch::equal(with, without)) << "ticket " << k << " on " << device.str();
    }
    int ticket_reports = 0;
    for (const auto& r : events.of_type<EvalReport>()) ticket_reports += r.split == EvalSplit::live(true, 0);
    EXPECT_EQ(ticket_reports, 2);  // the evaluation did happen
}

}  // namespace

TEST(EvaluationRun, TicketLiveEvaluationLeavesTheCpuGeneratorAsItWas) {
    expect_ticket_evaluation_keeps_generator(torch::kCPU);
}

// The CUDA generator was reseeded by the evaluation network's construction (and only the CPU's put back), so on
// CUDA random growth changed after the first ticket. Runs where CUDA is.
TEST(EvaluationRun, TicketLiveEvaluationLeavesTheCudaGeneratorAsItWas) {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device";
    expect_ticket_evaluation_keeps_generator(torch::Device(torch::kCUDA, 0));
}
