// SPDX-License-Identifier: GPL-3.0-or-later
// What a training method is, as parts (spec §3-§5): its traits, the stages of each training run with the
// learning-rate and exploration timeline of every epoch, the ticket each epoch competes for, and its training
// cost (spec §7). plan_run (run_plan.cpp) asks a method for these and the run loop follows the plan, so nothing
// outside this folder branches on the method. Adding a method: see HACKING.md. Plain C++, no torch.
#pragma once

#include <cstdint>
#include <vector>

#include "ft/config/run_config.h"
#include "ft/train/run_plan.h"

namespace ft::methods {

class TrainingMethod {
public:
    virtual ~TrainingMethod() = default;
    virtual MethodTraits traits() const = 0;
    // The stages of training run `run` (0-based) of a validated config.
    virtual std::vector<StagePlan> stages(const RunConfig& config, int64_t run) const = 0;
    // Training FLOPs of the planned run in units of (f_D x training examples).
    virtual double training_cost(const RunPlan& plan, const StepCosts& costs) const = 0;
};

// The method behind each Method value (method_registry.cpp).
const TrainingMethod& training_method(Method method);

// Shared by the methods that train each run once through train.epochs with MultiStepLR (spec §3): one stage in
// which every epoch competes for `ticket`.
StagePlan multistep_stage(const RunConfig& config, Phase phase, int64_t ticket, bool dynamic_masks);
// Epochs of the run's first stage x runs: the unit most cost rules multiply by.
double run_count(const RunPlan& plan);
double first_stage_epochs(const RunPlan& plan);

}  // namespace ft::methods
