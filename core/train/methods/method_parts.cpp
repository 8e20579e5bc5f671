// SPDX-License-Identifier: GPL-3.0-or-later
// Pieces the methods share (see training_method.h).
#include "train/methods/training_method.h"

#include "ft/train/schedules.h"

namespace ft::methods {

StagePlan multistep_stage(const RunConfig& c, Phase phase, int64_t ticket, bool dynamic_masks) {
    StagePlan stage;
    stage.dynamic_masks = dynamic_masks;
    for (int64_t e = 1; e <= c.train.epochs; ++e) {
        EpochPlan epoch;
        epoch.phase = phase;
        epoch.lr = multistep_lr(c.train.lr, c.train.gamma, c.train.milestones, c.train.epochs, e);
        epoch.ticket = ticket;
        stage.epochs.push_back(epoch);
    }
    return stage;
}

double run_count(const RunPlan& plan) { return double(plan.runs.size()); }

double first_stage_epochs(const RunPlan& plan) {
    return plan.runs.empty() || plan.runs[0].stages.empty() ? 0.0 : double(plan.runs[0].stages[0].epochs.size());
}

}  // namespace ft::methods
