// SPDX-License-Identifier: GPL-3.0-or-later
// RunLoop: one session of a run. It trains the plan's training runs (run_plan.h) from the start or from a resume
// point, stage by stage, keeps the tickets (on disk when there is a checkpoint folder) and writes a RunCheckpoint
// every checkpoint_every_epochs epochs and at most every checkpoint_every_seconds, at every phase end, on cancel
// and on request. What the stages are is the methods' business
// (core/train/methods/); this loop has no method in it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ft/train/experiment.h"
#include "ft/train/run_plan.h"
#include "train/checkpoint.h"
#include "train/live_eval.h"
#include "train/member_trainer.h"
#include "train/run_checkpoint.h"
#include "train/summary.h"

namespace ft {

// Where a resumed session starts: the saved position and the tensors it needs.
struct ResumePoint {
    RunCheckpoint checkpoint;
    TensorMap tensors;
};

// One session of a run: trains the plan's runs from the start or from a resume point, checkpointing as it goes.
class RunLoop {
public:
    RunLoop(const RunPlan& plan, RunContext& ctx, LiveEvaluation& live, const RunOptions& options,
            double seconds_before, std::chrono::steady_clock::time_point started)
        : plan_(plan),
          ctx_(ctx),
          live_(live),
          options_(options),
          seconds_before_(seconds_before),
          started_(started),
          last_checkpoint_(started),
          tickets_(size_t(plan.members)),
          have_ticket_(size_t(plan.members), false) {}

    // False when the run was cancelled (after writing a checkpoint).
    bool train(const std::optional<ResumePoint>& resume, const std::string& device, int64_t threads);

    std::vector<Ticket>& tickets() { return tickets_; }
    const std::vector<LayerInfo>& layers() const { return layers_; }
    const std::vector<double>& ever_active() const { return ever_active_; }
    const std::vector<std::vector<MaskUpdateDistance>>& mask_updates() const { return mask_updates_; }
    int64_t last_step() const { return last_step_; }
    double seconds() const;  // training time of every session so far

private:
    bool train_run(const TrainingRunPlan& run, const ResumePoint* resume, const std::string& device, int64_t threads);
    void announce(MemberTrainer& trainer, const std::string& device, int64_t threads);
    void checkpoint(MemberTrainer& trainer, int64_t run, int64_t stage);
    void keep_ticket(Ticket&& ticket, MemberTrainer& trainer, const TrainingRunPlan& run);

    const RunPlan& plan_;
    RunContext& ctx_;
    LiveEvaluation& live_;
    const RunOptions& options_;
    double seconds_before_;  // training time of earlier sessions of a resumed run
    std::chrono::steady_clock::time_point started_, last_checkpoint_;
    std::vector<Ticket> tickets_;  // a ticket's state is dropped once written to disk; kept in memory otherwise
    std::vector<bool> have_ticket_;
    std::vector<LayerInfo> layers_;
    std::vector<double> ever_active_;  // per finished training run: share of weights ever active (ITOP rate)
    std::vector<std::vector<MaskUpdateDistance>> mask_updates_;  // per finished training run
    int64_t last_step_ = 0;
    bool announced_ = false;
};

}  // namespace ft
