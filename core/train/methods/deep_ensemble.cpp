// SPDX-License-Identifier: GPL-3.0-or-later
// Deep ensemble (spec §5): M dense networks trained independently, one per seed, each through train.epochs with
// MultiStepLR; member k's best-validation epoch is ticket k. Cost: M dense runs.
#include "train/methods/training_method.h"

namespace ft::methods {
namespace {

class DeepEnsemble final : public TrainingMethod {
public:
    MethodTraits traits() const override {
        MethodTraits t;
        t.ensemble = true;
        return t;
    }
    std::vector<StagePlan> stages(const RunConfig& c, int64_t run) const override {
        return {multistep_stage(c, Phase::Training, run, false)};
    }
    double training_cost(const RunPlan& plan, const StepCosts& costs) const override {
        return run_count(plan) * first_stage_epochs(plan) * costs.dense;
    }
};

}  // namespace

const TrainingMethod& deep_ensemble_method() {
    static const DeepEnsemble method;
    return method;
}

}  // namespace ft::methods
