// SPDX-License-Identifier: GPL-3.0-or-later
// Static sparse ensemble (spec §5 "Static sparse ensemble", §11 "static-sparse(-ensemble)"; main_DST.py --fix):
// M networks, one per seed, each on its own fixed sparse.init mask through train.epochs with MultiStepLR;
// member k's best-validation epoch is ticket k. The DST ensemble without mask updates, so the ablation that
// shows what the updates add. Cost: M static sparse runs, 3 f_S per example and iteration each.
#include "train/methods/training_method.h"

namespace ft::methods {
namespace {

class StaticEnsemble final : public TrainingMethod {
public:
    MethodTraits traits() const override {
        MethodTraits t;
        t.ensemble = true;
        t.sparse = true;
        t.sparse_from_start = true;
        return t;
    }
    std::vector<StagePlan> stages(const RunConfig& c, int64_t run) const override {
        return {multistep_stage(c, Phase::Training, run, false)};
    }
    double training_cost(const RunPlan& plan, const StepCosts& costs) const override {
        return run_count(plan) * first_stage_epochs(plan) * costs.sparse;
    }
};

}  // namespace

const TrainingMethod& static_ensemble_method() {
    static const StaticEnsemble method;
    return method;
}

}  // namespace ft::methods
