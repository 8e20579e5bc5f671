// SPDX-License-Identifier: GPL-3.0-or-later
// DST ensemble (spec §3, main_DST.py): M independent DST runs that differ only in their seed, each through
// train.epochs with MultiStepLR; member k's best-validation epoch is ticket k. Cost: M DST runs.
#include "train/methods/training_method.h"

namespace ft::methods {
namespace {

class DstEnsemble final : public TrainingMethod {
public:
    MethodTraits traits() const override {
        MethodTraits t;
        t.ensemble = true;
        t.sparse = true;
        t.sparse_from_start = true;
        t.dynamic = true;
        return t;
    }
    std::vector<StagePlan> stages(const RunConfig& c, int64_t run) const override {
        return {multistep_stage(c, Phase::Training, run, true)};
    }
    double training_cost(const RunPlan& plan, const StepCosts& costs) const override {
        return run_count(plan) * first_stage_epochs(plan) * costs.dynamic;
    }
};

}  // namespace

const TrainingMethod& dst_ensemble_method() {
    static const DstEnsemble method;
    return method;
}

}  // namespace ft::methods
