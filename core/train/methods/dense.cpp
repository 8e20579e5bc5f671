// SPDX-License-Identifier: GPL-3.0-or-later
// Dense (spec §5, main_individual.py): one dense network through train.epochs with MultiStepLR; its last
// stage's best-validation epoch is the single ticket. Cost: 3 f_D per example and iteration.
#include "train/methods/training_method.h"

namespace ft::methods {
namespace {

class Dense final : public TrainingMethod {
public:
    MethodTraits traits() const override { return {}; }
    std::vector<StagePlan> stages(const RunConfig& c, int64_t run) const override {
        return {multistep_stage(c, Phase::Training, run, false)};
    }
    double training_cost(const RunPlan& plan, const StepCosts& costs) const override {
        return run_count(plan) * first_stage_epochs(plan) * costs.dense;
    }
};

}  // namespace

const TrainingMethod& dense_method() {
    static const Dense method;
    return method;
}

}  // namespace ft::methods
