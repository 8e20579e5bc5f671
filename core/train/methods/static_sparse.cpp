// SPDX-License-Identifier: GPL-3.0-or-later
// Static sparse training (spec §2.1 with --fix): one network on a fixed sparse.init mask through train.epochs
// with MultiStepLR; its best-validation epoch is the ticket. Cost: 3 f_S per example and iteration.
#include "train/methods/training_method.h"

namespace ft::methods {
namespace {

class StaticSparse final : public TrainingMethod {
public:
    MethodTraits traits() const override {
        MethodTraits t;
        t.sparse = true;
        t.sparse_from_start = true;
        return t;
    }
    std::vector<StagePlan> stages(const RunConfig& c, int64_t run) const override {
        return {multistep_stage(c, Phase::Training, run, false)};
    }
    double training_cost(const RunPlan& plan, const StepCosts& costs) const override {
        return first_stage_epochs(plan) * costs.sparse;
    }
};

}  // namespace

const TrainingMethod& static_sparse_method() {
    static const StaticSparse method;
    return method;
}

}  // namespace ft::methods
