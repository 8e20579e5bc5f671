// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI's progress (app/cli/progress_printer.cpp): where a run stands in its plan, the ETA of a resumed run
// counting only this session's speed, and the plain per-epoch lines when stderr is not a terminal.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "progress_printer.h"

using namespace ft;

namespace {

RunPlan three_runs_of_100_steps() {
    RunPlan plan;
    plan.members = 3;
    plan.runs.resize(3);
    for (auto& r : plan.runs) r.steps = 100;
    plan.total_steps = 300;
    plan.steps_per_epoch = 10;
    return plan;
}

std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string out;
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    return out;
}

}  // namespace

TEST(ProgressPrinter, StepsDoneFollowThePlan) {
    const RunPlan plan = three_runs_of_100_steps();
    EXPECT_EQ(cli::steps_done(plan, 0, 40), 40);
    EXPECT_EQ(cli::steps_done(plan, 2, 1), 201);  // runs 0 and 1 are done
}

TEST(ProgressPrinter, EtaCountsOnlyThisSessionsSpeed) {
    // 100 steps in 10 s from the start: 200 steps left take 20 s.
    EXPECT_DOUBLE_EQ(cli::eta_seconds(10, 0, 100, 300), 20);
    // Resumed at step 200: 50 steps in 10 s, 50 left.
    EXPECT_DOUBLE_EQ(cli::eta_seconds(10, 200, 250, 300), 10);
    EXPECT_TRUE(std::isnan(cli::eta_seconds(10, 200, 200, 300)));  // no step yet this session
    EXPECT_TRUE(std::isnan(cli::eta_seconds(0, 0, 5, 300)));
    EXPECT_EQ(cli::clock_text(NAN), "--:--");
    EXPECT_EQ(cli::clock_text(75), "01:15");
    EXPECT_EQ(cli::clock_text(3725), "1:02:05");
}

TEST(ProgressPrinter, PlainLinesWithoutATerminal) {
    std::FILE* f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    {
        cli::ProgressPrinter p(f, false, false);
        RunStarted s;
        s.method = Method::DstEnsemble;
        s.plan = three_runs_of_100_steps();
        s.device = "cpu";
        s.threads = 2;
        p.on_event(s);
        p.on_event(StepMetrics{1, 5, 1, 0.5, 0.75, 0.1, 0.5});
        p.on_event(EpochEnd{1, 1, 10, 0.5, 0.75, 0.4, 0.8, 0.1, 1.5});
        p.on_event(TicketCaptured{1, 1, 100, 10, 0.8, "best validation accuracy"});
    }
    const std::string out = read_all(f);
    std::fclose(f);
    EXPECT_NE(out.find("dst-ensemble: 0 layers, 300 steps (10 per epoch), device cpu, 2 threads"), std::string::npos)
        << out;
    EXPECT_NE(out.find("member 1 epoch 1: loss 0.5000 acc 0.7500 | val loss 0.4000 acc 0.8000"), std::string::npos)
        << out;
    EXPECT_NE(out.find("ticket 1 captured: epoch 10, val acc 0.8000 (best validation accuracy)"), std::string::npos)
        << out;
    EXPECT_EQ(out.find("ETA"), std::string::npos) << "no progress bar without a terminal";
}
