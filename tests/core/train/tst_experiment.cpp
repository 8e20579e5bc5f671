// SPDX-License-Identifier: GPL-3.0-or-later
// Every method end to end on a tiny 2-D problem: tickets, phases, mask events, the summary's fields, the
// inactive-weights-are-zero invariant, and resume == uninterrupted.
#include <gtest/gtest.h>

#include <filesystem>

#include "ft/config/validation.h"
#include "ft/train/experiment.h"
#include "ft/train/run_plan.h"
#include "tiny_config.h"
#include "train/member_trainer.h"

using namespace ft;
namespace fs = std::filesystem;

namespace {

RunConfig tiny(Method method) { return train_test::tiny_config(method); }

fs::path fresh_dir(const std::string& name) {
    auto d = fs::temp_directory_path() / ("ft_experiment_" + name);
    fs::remove_all(d);
    return d;
}

// Cancels the run after `at` StepMetrics events.
struct CancelAt : EventSink {
    RunControl& control;
    int64_t at, seen = 0;
    CancelAt(RunControl& c, int64_t a) : control(c), at(a) {}
    void on_event(const Event& e) override {
        if (std::holds_alternative<StepMetrics>(e) && ++seen == at) control.cancel();
    }
};

}  // namespace

TEST(Experiment, EveryMethodRunsAndReportsItsMembers) {
    for (Method m : {Method::Dense, Method::DeepEnsemble, Method::Static, Method::StaticEnsemble, Method::Dst,
                     Method::DstEnsemble, Method::Edst, Method::PfEnsemble}) {
        RunConfig c = tiny(m);
        EventRecorder events;
        RunControl control;
        const auto s = run_experiment(c, events, control, {});
        const RunPlan plan = plan_run(c);
        const auto M = plan.members;
        EXPECT_EQ(s["run"]["method"], to_string(m));
        EXPECT_EQ(s["run"]["status"], "finished");
        ASSERT_EQ(s["members"].size(), size_t(M)) << to_string(m);
        EXPECT_EQ(events.of_type<TicketCaptured>().size(), size_t(M)) << to_string(m);
        const auto& t = s["ensemble"]["test"];
        EXPECT_GT(t["accuracy"].get<double>(), 0.7) << to_string(m);  // moons are easy: well above chance
        EXPECT_GE(t["ece"].get<double>(), 0.0);
        EXPECT_EQ(t["reliability"].size(), 14u);  // reference binning: 15 edges
        EXPECT_EQ(s["model"]["layers"].size(), 3u);
        const auto updates = events.of_type<MaskUpdate>();
        // RunStarted carries the plan the loop followed, with the step counts filled in.
        const auto started = events.of_type<RunStarted>();
        ASSERT_EQ(started.size(), 1u);
        EXPECT_EQ(started[0].plan.members, M);
        EXPECT_EQ(started[0].plan.total_steps, int64_t(events.of_type<StepMetrics>().size())) << to_string(m);
        if (!plan.sparse) {
            EXPECT_TRUE(updates.empty()) << to_string(m);
            EXPECT_DOUBLE_EQ(s["flops"]["train_vs_dense"].get<double>(), double(M));
        } else {
            EXPECT_FALSE(updates.empty()) << to_string(m);
        }
        if (m == Method::Static || m == Method::StaticEnsemble || m == Method::PfEnsemble) {
            for (const auto& u : updates) EXPECT_TRUE(u.initial) << "fixed masks never change: " << to_string(m);
        }
        if (m == Method::PfEnsemble) {
            int restored = 0;
            for (const auto& l : events.of_type<LogLine>())
                restored += l.text.find("continues from its best epoch") != std::string::npos;
            EXPECT_EQ(restored, 2) << "each member's fine-tuning starts from its best pretraining epoch";
        }
        if (m == Method::Edst) {
            int explorations = 0;
            for (const auto& u : updates) explorations += u.exploration;
            EXPECT_EQ(explorations, 1);  // M - 1
            EXPECT_LT(s["flops"]["train_vs_dense"].get<double>(), 1.0);
            // Tickets differ in their masks (the exploration jump moved 80% of the weights), and the share of
            // weights ever active grows with every update.
            const auto& d = s["ensemble"]["diversity"];
            EXPECT_DOUBLE_EQ(d["mask_hamming"][0][0].get<double>(), 0.0);
            EXPECT_GT(d["mask_hamming"][0][1].get<double>(), 0.0);
            EXPECT_LT(d["mask_jaccard"][0][1].get<double>(), 1.0);
            EXPECT_EQ(d["layers"].size(), 3u);
            double previous = 0;
            for (const auto& u : updates) {
                EXPECT_GE(u.ever_active, previous);
                previous = u.ever_active;
            }
            EXPECT_GT(s["ensemble"]["ever_active"][0].get<double>(), updates.front().ever_active);
            EXPECT_LE(s["ensemble"]["ever_active"][0].get<double>(), 1.0);
        }
    }
}

TEST(Experiment, InactiveWeightsAreZeroAfterEveryStep) {
    RunConfig c = tiny(Method::Dst);
    c.sparse.update_frequency = 3;
    fs::path dir = fresh_dir("zero");
    // The sink sees each StepMetrics on the training thread right after the optimizer step and mask updates.
    struct Checker : EventSink {
        MemberTrainer* trainer = nullptr;
        int64_t checked = 0, violations = 0;
        void on_event(const Event& e) override {
            if (!std::holds_alternative<StepMetrics>(e) || !trainer) return;
            for (const auto& l : trainer->masking()->layers())
                violations += ((l.mask == 0) & (l.weight != 0)).sum().item<int64_t>();
            ++checked;
        }
    } checker;
    RunControl control;
    const DatasetBundle data = load_dataset(c.data, 1);
    const RunPlan plan = plan_run(c, data.train.size());
    RunContext ctx{c, plan, data, torch::kCPU, checker, control, false};
    MemberTrainer trainer(ctx, 0, 1, true);
    checker.trainer = &trainer;
    const StagePlan& stage = plan.runs[0].stages[0];
    ASSERT_TRUE(stage.dynamic_masks);
    ASSERT_TRUE(trainer.run(
        stage, [](Ticket&&) {}, [](bool) {}));
    EXPECT_EQ(checker.checked, c.train.epochs * trainer.steps_per_epoch());
    EXPECT_EQ(checker.violations, 0);
}

TEST(Experiment, EdstPublishesPhasesAndExplorationWithRateQ) {
    RunConfig c = tiny(Method::Edst);
    c.ensemble.members = 2;
    EventRecorder events;
    RunControl control;
    run_experiment(c, events, control, {});
    std::vector<std::string> phases;
    for (const auto& p : events.of_type<PhaseChange>()) phases.push_back(to_string(p.phase) + std::to_string(p.index));
    EXPECT_EQ(phases, (std::vector<std::string>{"exploration-1", "refinement0", "refinement1"}));
    for (const auto& u : events.of_type<MaskUpdate>())
        if (u.exploration) {
            EXPECT_DOUBLE_EQ(u.rate, 0.8);
            EXPECT_EQ(u.epoch, 4);  // t_ex 2 + t_re 2
        }
    std::vector<double> lrs;
    for (const auto& l : events.of_type<LrChange>()) lrs.push_back(l.lr);
    // exploration 0.1; phase 0: 0.01 then 0.001; phase 1: 0.01 then 0.001.
    EXPECT_EQ(lrs, (std::vector<double>{0.1, 0.01, 0.001, 0.01, 0.001}));
}

TEST(Experiment, MasksAreCapturedWhenASinkWantsThem) {
    RunConfig c = tiny(Method::Dst);
    EventRecorder events(true);
    RunControl control;
    run_experiment(c, events, control, {});
    const auto updates = events.of_type<MaskUpdate>();
    ASSERT_FALSE(updates.empty());
    for (const auto& l : updates.back().layers) {
        int64_t ones = 0;
        for (auto w : l.bits) ones += __builtin_popcountll(w);
        EXPECT_EQ(ones, l.active) << l.name;
        EXPECT_EQ(int64_t(l.bits.size()), (l.total + 63) / 64);
    }
}

TEST(Experiment, ResumeEqualsUninterrupted) {
    for (Method m : {Method::Edst, Method::DstEnsemble, Method::PfEnsemble}) {
        RunConfig c = tiny(m);
        EventRecorder plain_events;
        RunControl plain_control;
        const auto plain = run_experiment(c, plain_events, plain_control, {});
        const auto total_steps = plain_events.of_type<StepMetrics>().size();
        // Cancel mid-epoch, at an epoch end, and deep into a later member or phase.
        for (int64_t at : {int64_t(5), int64_t(7), int64_t(total_steps * 2 / 3)}) {
            const auto dir = fresh_dir("resume");
            RunOptions options;
            options.checkpoint_dir = dir.string();
            RunControl control;
            CancelAt cancel(control, at);
            const auto first = run_experiment(c, cancel, control, options);
            ASSERT_EQ(first["run"]["status"], "cancelled") << to_string(m) << " at " << at;
            options.resume = true;
            RunControl control2;
            EventRecorder resumed_events;
            const auto resumed = run_experiment(checkpoint_config(dir.string()), resumed_events, control2, options);
            ASSERT_EQ(resumed["run"]["status"], "finished");
            for (size_t k = 0; k < plain["members"].size(); ++k) {
                EXPECT_EQ(resumed["members"][k]["test"], plain["members"][k]["test"])
                    << to_string(m) << " member " << k << " cancelled at step " << at;
                EXPECT_EQ(resumed["members"][k]["epoch"], plain["members"][k]["epoch"]);
            }
            EXPECT_EQ(resumed["ensemble"]["test"], plain["ensemble"]["test"]) << to_string(m) << " at " << at;
        }
    }
}

// With checkpoint_every_seconds far above the run's length, only phase ends write checkpoints (tiny EDST: the
// exploration ends at epoch 2, ticket 0 at 4, ticket 1 and the run at 6). A run resumed from the folder as a kill
// after epoch 3 leaves it (its last checkpoint at epoch 2) ends as the uninterrupted run.
TEST(Experiment, TimedCheckpointsKeepPhaseEndsAndResumeExactly) {
    const RunConfig c = tiny(Method::Edst);
    const auto epochs_of = [](const EventRecorder& events) {
        std::vector<int64_t> out;
        for (const auto& k : events.of_type<Checkpointed>()) out.push_back(k.epoch);
        return out;
    };
    RunOptions every;
    every.checkpoint_dir = fresh_dir("every").string();
    EventRecorder plain_events;
    RunControl plain_control;
    const auto plain = run_experiment(c, plain_events, plain_control, every);
    EXPECT_EQ(epochs_of(plain_events), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));

    // Copies the checkpoint folder as it stands when epoch 3 ends.
    struct CopyAfterEpoch3 : EventRecorder {
        fs::path from, to;
        void on_event(const Event& e) override {
            EventRecorder::on_event(e);
            if (const auto* end = std::get_if<EpochEnd>(&e); end && end->epoch == 3)
                fs::copy(from, to, fs::copy_options::recursive);
        }
    } timed_events;
    RunOptions timed;
    timed.checkpoint_dir = fresh_dir("timed").string();
    timed.checkpoint_every_seconds = 1e9;
    timed_events.from = timed.checkpoint_dir;
    timed_events.to = fresh_dir("killed");
    RunControl timed_control;
    const auto timed_summary = run_experiment(c, timed_events, timed_control, timed);
    EXPECT_EQ(epochs_of(timed_events), (std::vector<int64_t>{2, 4, 6}));
    EXPECT_EQ(timed_summary["ensemble"]["test"], plain["ensemble"]["test"]);

    RunOptions resume;
    resume.checkpoint_dir = timed_events.to.string();
    resume.resume = true;
    EventRecorder resumed_events;
    RunControl resumed_control;
    const auto resumed = run_experiment(c, resumed_events, resumed_control, resume);
    ASSERT_EQ(resumed["run"]["status"], "finished");
    ASSERT_FALSE(resumed_events.of_type<StepMetrics>().empty());
    EXPECT_EQ(resumed_events.of_type<StepMetrics>().front().step, plain_events.of_type<EpochEnd>()[1].step + 1);
    for (size_t k = 0; k < plain["members"].size(); ++k)
        EXPECT_EQ(resumed["members"][k]["test"], plain["members"][k]["test"]) << "member " << k;
    EXPECT_EQ(resumed["ensemble"]["test"], plain["ensemble"]["test"]);
}

TEST(Experiment, ResumeRefusesAnotherConfig) {
    RunConfig c = tiny(Method::Dst);
    const auto dir = fresh_dir("other");
    RunOptions options;
    options.checkpoint_dir = dir.string();
    RunControl control;
    CancelAt cancel(control, 3);
    run_experiment(c, cancel, control, options);
    c.sparse.density = 0.3;
    options.resume = true;
    RunControl control2;
    EventRecorder events;
    EXPECT_THROW(run_experiment(c, events, control2, options), std::runtime_error);
}

TEST(Experiment, InvalidConfigFailsBeforeTraining) {
    RunConfig c = tiny(Method::Dst);
    c.sparse.prune_rate = 2.0;
    EventRecorder events;
    RunControl control;
    EXPECT_THROW(run_experiment(c, events, control, {}), std::exception);
    EXPECT_TRUE(events.of_type<StepMetrics>().empty());
    ASSERT_EQ(events.of_type<RunFinished>().size(), 1u);
    EXPECT_EQ(events.of_type<RunFinished>()[0].status, RunStatus::Failed);
    EXPECT_NE(events.of_type<RunFinished>()[0].message.find("sparse.prune_rate"), std::string::npos);
}

// PF fine-tuning (spec §5): main_PF.py builds a new optimizer for the pruned network, so by default the first
// fine-tuning step starts momentum afresh; pf.fresh_optimizer = false carries the pretraining's buffers over. The
// two runs agree up to the first fine-tuning step's loss (computed before that step) and differ from the next.
TEST(Experiment, PfFineTuningStartsWithAFreshOptimizerUnlessKept) {
    RunConfig fresh = tiny(Method::PfEnsemble);
    fresh.ensemble.members = 1;
    fresh.ensemble.seeds = {1};
    RunConfig kept = fresh;
    kept.pf.fresh_optimizer = false;
    EventRecorder fresh_events, kept_events;
    RunControl fresh_control, kept_control;
    run_experiment(fresh, fresh_events, fresh_control, {});
    run_experiment(kept, kept_events, kept_control, {});
    const auto a = fresh_events.of_type<StepMetrics>(), b = kept_events.of_type<StepMetrics>();
    ASSERT_EQ(a.size(), b.size());
    const auto started = fresh_events.of_type<RunStarted>();
    ASSERT_EQ(started.size(), 1u);
    const size_t pretraining = size_t(fresh.train.epochs * started[0].plan.steps_per_epoch);
    ASSERT_GT(a.size(), pretraining + 1);
    for (size_t i = 0; i <= pretraining; ++i) ASSERT_EQ(a[i].loss, b[i].loss) << "step " << i;
    EXPECT_NE(a[pretraining + 1].loss, b[pretraining + 1].loss) << "the first fine-tuning update differs";
}
