// SPDX-License-Identifier: GPL-3.0-or-later
// The run plan of every method (spec §3-§5): training runs and their seeds, stages, the per-epoch learning rate,
// ticket and exploration, step counts, where each ticket comes from, and the training cost rule (spec §7).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "ft/config/validation.h"
#include "ft/train/run_plan.h"
#include "tiny_config.h"

using namespace ft;

namespace {

// M = 3 with seeds {7, 8}: the third run continues from the last seed. 10 epochs, 1000 examples, batch 100.
RunConfig config_for(Method method) {
    RunConfig c = train_test::tiny_config(method);
    c.ensemble.members = 3;
    c.ensemble.seeds = {7, 8};
    c.train.epochs = 10;
    c.train.batch_size = 100;
    c.train.lr = 0.1;
    c.train.milestones = {0.5, 0.75};
    c.train.gamma = 0.1;
    c.edst.explore_epochs = 4;  // t_re = 2
    c.pf.finetune_epochs = 3;
    c.pf.finetune_lr = 0.001;
    return c;
}

std::vector<double> lrs(const StagePlan& s) {
    std::vector<double> out;
    for (const auto& e : s.epochs) out.push_back(e.lr);
    return out;
}
std::vector<int64_t> tickets(const StagePlan& s) {
    std::vector<int64_t> out;
    for (const auto& e : s.epochs) out.push_back(e.ticket);
    return out;
}

// MultiStepLR at floor(0.5 E) = 5 and floor(0.75 E) = 7 (spec §3): 0.1, then times gamma at each milestone
// (computed as the reference does, so 0.1 * 0.1 rather than the literal 0.01).
const double kLr1 = 0.1 * 0.1, kLr2 = 0.1 * 0.1 * 0.1;
const std::vector<double> kMultistep = {0.1, 0.1, 0.1, 0.1, 0.1, kLr1, kLr1, kLr2, kLr2, kLr2};

// What every independent-runs method shares: R runs of one MultiStepLR stage, run r competing for ticket r.
void expect_independent_runs(const RunPlan& plan, int64_t runs, bool dynamic) {
    ASSERT_EQ(int64_t(plan.runs.size()), runs);
    EXPECT_EQ(plan.members, runs);
    for (int64_t r = 0; r < runs; ++r) {
        const auto& run = plan.runs[size_t(r)];
        EXPECT_EQ(run.index, r);
        ASSERT_EQ(run.stages.size(), 1u);
        EXPECT_EQ(run.stages[0].dynamic_masks, dynamic);
        for (double lr : lrs(run.stages[0])) EXPECT_GT(lr, 0.0);
        EXPECT_EQ(lrs(run.stages[0]), kMultistep);
        EXPECT_EQ(tickets(run.stages[0]), std::vector<int64_t>(10, r));
        for (const auto& e : run.stages[0].epochs) {
            EXPECT_EQ(e.phase, Phase::Training);
            EXPECT_FALSE(e.explore_after);
        }
        EXPECT_EQ(plan.ticket_runs[size_t(r)], r);
    }
}

}  // namespace

TEST(RunPlan, Dense) {
    const RunConfig c = config_for(Method::Dense);
    const RunPlan plan = plan_run(c, 1000);
    expect_independent_runs(plan, 1, false);
    EXPECT_FALSE(plan.sparse);
    EXPECT_FALSE(plan.runs[0].sparse_from_start);
    EXPECT_EQ(plan.runs[0].seed, 7);
    EXPECT_EQ(plan.steps_per_epoch, 10);
    EXPECT_EQ(plan.total_steps, 100);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 10 * 3.0);
}

TEST(RunPlan, DeepEnsembleTrainsOneDenseRunPerMemberWithItsSeed) {
    const RunPlan plan = plan_run(config_for(Method::DeepEnsemble), 1000);
    expect_independent_runs(plan, 3, false);
    EXPECT_EQ(plan.runs[0].seed, 7);
    EXPECT_EQ(plan.runs[1].seed, 8);
    EXPECT_EQ(plan.runs[2].seed, 9);  // past the list: the last seed + 1
    EXPECT_EQ(plan.ticket_seed(2), 9);
    EXPECT_EQ(plan.total_steps, 300);
    EXPECT_EQ(plan.steps_before(2), 200);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 3 * 10 * 3.0);
}

TEST(RunPlan, StaticSparseKeepsItsMask) {
    const RunPlan plan = plan_run(config_for(Method::Static), 1000);
    expect_independent_runs(plan, 1, false);
    EXPECT_TRUE(plan.sparse);
    EXPECT_FALSE(plan.dynamic);
    EXPECT_TRUE(plan.runs[0].sparse_from_start);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 10 * 0.6);
}

// The method this issue adds as a file of its own: the spec's "static-sparse ensemble" (§5, §11).
TEST(RunPlan, StaticEnsembleTrainsMStaticRuns) {
    const RunConfig c = config_for(Method::StaticEnsemble);
    EXPECT_TRUE(validate(c).empty());
    const RunPlan plan = plan_run(c, 1000);
    expect_independent_runs(plan, 3, false);
    EXPECT_TRUE(plan.sparse);
    EXPECT_FALSE(plan.dynamic);
    for (const auto& r : plan.runs) EXPECT_TRUE(r.sparse_from_start);
    EXPECT_EQ(plan.runs[1].seed, 8);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 3 * 10 * 0.6);
    const MethodTraits t = method_traits(Method::StaticEnsemble);
    EXPECT_TRUE(t.ensemble);
    EXPECT_FALSE(t.one_run_many_tickets);
}

TEST(RunPlan, DstUpdatesMasks) {
    const RunPlan plan = plan_run(config_for(Method::Dst), 1000);
    expect_independent_runs(plan, 1, true);
    EXPECT_TRUE(plan.dynamic);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 10 * 0.7);
}

TEST(RunPlan, DstEnsemble) {
    const RunPlan plan = plan_run(config_for(Method::DstEnsemble), 1000);
    expect_independent_runs(plan, 3, true);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 3 * 10 * 0.7);
}

// Spec §4.1 with E = 13, t_ex = 1, M = 3: t_re = 4, lr_low_at = {3, 7, 11}, explore_at = {5, 9}.
TEST(RunPlan, EdstIsOneRunThatYieldsEveryTicket) {
    RunConfig c = config_for(Method::Edst);
    c.train.epochs = 13;
    c.edst.explore_epochs = 1;
    ASSERT_TRUE(validate(c).empty());
    const RunPlan plan = plan_run(c, 1000);
    ASSERT_EQ(plan.runs.size(), 1u);
    EXPECT_EQ(plan.members, 3);
    EXPECT_EQ(plan.ticket_runs, (std::vector<int64_t>{0, 0, 0}));
    EXPECT_EQ(plan.ticket_seed(2), 7);  // every ticket comes from the one run, seeded with seeds[0]
    ASSERT_EQ(plan.runs[0].stages.size(), 1u);
    const StagePlan& s = plan.runs[0].stages[0];
    EXPECT_TRUE(s.dynamic_masks);
    // t_re = 4: phase k covers epochs 2+4k..5+4k, LR 0.01 for its first half and 0.001 for its second.
    EXPECT_EQ(lrs(s),
              (std::vector<double>{0.1, 0.01, 0.01, 0.001, 0.001, 0.01, 0.01, 0.001, 0.001, 0.01, 0.01, 0.001, 0.001}));
    EXPECT_EQ(tickets(s), (std::vector<int64_t>{-1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}));
    std::vector<int64_t> explorations;
    for (size_t e = 0; e < s.epochs.size(); ++e)
        if (s.epochs[e].explore_after) explorations.push_back(int64_t(e) + 1);
    EXPECT_EQ(explorations, (std::vector<int64_t>{5, 9}));  // M - 1 global explorations, at the phase ends
    EXPECT_EQ(s.epochs[0].phase, Phase::Exploration);
    EXPECT_EQ(s.epochs[1].phase, Phase::Refinement);
    EXPECT_EQ(plan.total_steps, 130);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 13 * 0.7);  // one run; explorations cost ~nothing
}

TEST(RunPlan, EdstResetsTheBestAtRefinementOnlyWhenAsked) {
    RunConfig c = config_for(Method::Edst);
    for (bool reset : {false, true}) {
        c.edst.reset_best_at_refine = reset;
        const RunPlan plan = plan_run(c);
        const auto& epochs = plan.runs[0].stages[0].epochs;
        for (size_t e = 0; e < epochs.size(); ++e)
            EXPECT_EQ(epochs[e].reset_best_after, reset && int64_t(e) + 1 == c.edst.explore_epochs) << e;
    }
}

TEST(RunPlan, PfEnsemblePretrainsDenseThenFinetunesPruned) {
    const RunConfig c = config_for(Method::PfEnsemble);
    const RunPlan plan = plan_run(c, 1000);
    ASSERT_EQ(plan.runs.size(), 3u);
    EXPECT_TRUE(plan.sparse);
    for (int64_t r = 0; r < 3; ++r) {
        const auto& run = plan.runs[size_t(r)];
        EXPECT_FALSE(run.sparse_from_start);
        ASSERT_EQ(run.stages.size(), 2u);
        const auto& pre = run.stages[0];
        const auto& fine = run.stages[1];
        EXPECT_TRUE(pre.keep_best);
        EXPECT_EQ(pre.prune_best_to, 0.0);
        EXPECT_EQ(lrs(pre), kMultistep);
        EXPECT_EQ(tickets(pre), std::vector<int64_t>(10, -1));  // pretraining yields no ticket
        EXPECT_EQ(pre.epochs[0].phase, Phase::Pretraining);
        EXPECT_EQ(fine.prune_best_to, c.sparse.density);
        EXPECT_FALSE(pre.fresh_optimizer);
        EXPECT_TRUE(fine.fresh_optimizer);  // the reference builds a new SGD for fine-tuning (spec §5)
        EXPECT_EQ(lrs(fine), std::vector<double>(3, 0.001));
        EXPECT_EQ(tickets(fine), std::vector<int64_t>(3, r));
        EXPECT_EQ(fine.epochs[0].phase, Phase::Finetuning);
        EXPECT_EQ(run.epochs, 13);
    }
    EXPECT_EQ(plan.total_epochs, 39);
    EXPECT_EQ(plan.total_steps, 390);
    EXPECT_DOUBLE_EQ(training_cost(plan, {3, 0.6, 0.7}), 3 * (10 * 3.0 + 3 * 0.6));
    RunConfig kept = c;
    kept.pf.fresh_optimizer = false;
    for (const auto& run : plan_run(kept, 1000).runs) EXPECT_FALSE(run.stages.at(1).fresh_optimizer);
}

TEST(RunPlan, EveryMethodHasAPlanAndDistinctTraits) {
    std::set<std::string> seen;
    for (Method m : {Method::Dense, Method::DeepEnsemble, Method::Static, Method::StaticEnsemble, Method::Dst,
                     Method::DstEnsemble, Method::Edst, Method::PfEnsemble}) {
        const RunPlan plan = plan_run(config_for(m), 1000);
        EXPECT_EQ(plan.method, m);
        EXPECT_EQ(int64_t(plan.ticket_runs.size()), plan.members) << to_string(m);
        EXPECT_EQ(plan.members, planned_members(config_for(m)));
        EXPECT_EQ(int64_t(plan.runs.size()), planned_training_runs(config_for(m)));
        const MethodTraits t = method_traits(m);
        seen.insert(std::to_string(t.ensemble) + std::to_string(t.one_run_many_tickets) + std::to_string(t.sparse) +
                    std::to_string(t.sparse_from_start) + std::to_string(t.dynamic) + std::to_string(t.edst_timeline));
    }
    EXPECT_EQ(seen.size(), 8u);  // no two methods are the same method
}

TEST(RunPlan, StepsArriveWithTheTrainingSplitsSize) {
    RunPlan plan = plan_run(config_for(Method::DstEnsemble));
    EXPECT_EQ(plan.steps_per_epoch, 0);
    EXPECT_EQ(plan.total_steps, 0);
    plan.set_train_examples(1001);  // the last batch holds one example
    EXPECT_EQ(plan.steps_per_epoch, 11);
    EXPECT_EQ(plan.runs[1].steps, 110);
    EXPECT_EQ(plan.total_steps, 330);
    EXPECT_THROW(plan.ticket_seed(3), std::out_of_range);
}
