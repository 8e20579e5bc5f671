// SPDX-License-Identifier: GPL-3.0-or-later
// Dynamic sparse training (spec §2): one network from a sparse.init mask, pruned and regrown every ΔT iterations,
// through train.epochs with MultiStepLR; its best-validation epoch is the ticket. Cost: the DST step of spec §7
// (gradient growth adds a dense gradient at each update).
#include "train/methods/training_method.h"

namespace ft::methods {
namespace {

class Dst final : public TrainingMethod {
public:
    MethodTraits traits() const override {
        MethodTraits t;
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

const TrainingMethod& dst_method() {
    static const Dst method;
    return method;
}

}  // namespace ft::methods
