// SPDX-License-Identifier: GPL-3.0-or-later
// EDST ensemble (spec §4, main_EDST.py): one DST run yields all M tickets. Epochs 1..t_ex explore at train.lr;
// then M refinement phases of t_re = (E - t_ex) / M epochs, each at lr_refine_high for its first half and
// lr_refine_low for its second; between phases a global exploration prunes and regrows a fraction q of each
// layer (spec §4.2). Ticket k is the best-validation epoch of phase k. Cost: one DST run of E epochs (the M - 1
// explorations cost practically nothing, spec §7).
#include "train/methods/training_method.h"

#include "ft/train/schedules.h"

namespace ft::methods {
namespace {

class Edst final : public TrainingMethod {
public:
    MethodTraits traits() const override {
        MethodTraits t;
        t.ensemble = true;
        t.one_run_many_tickets = true;
        t.sparse = true;
        t.sparse_from_start = true;
        t.dynamic = true;
        t.edst_timeline = true;
        return t;
    }
    std::vector<StagePlan> stages(const RunConfig& c, int64_t) const override {
        const EdstSchedule schedule(c);
        const int64_t t_ex = c.edst.explore_epochs;
        StagePlan stage;
        stage.dynamic_masks = true;
        for (const EdstEpoch& row : schedule.timeline()) {
            EpochPlan epoch;
            epoch.phase = row.epoch <= t_ex ? Phase::Exploration : Phase::Refinement;
            epoch.lr = row.lr;
            epoch.ticket = row.ticket;
            epoch.explore_after = row.action == EpochAction::Explore;
            // The reference keeps best_val at t_ex (spec §10.11); edst.reset_best_at_refine resets it.
            epoch.reset_best_after = c.edst.reset_best_at_refine && row.epoch == t_ex;
            stage.epochs.push_back(epoch);
        }
        return {stage};
    }
    double training_cost(const RunPlan& plan, const StepCosts& costs) const override {
        return first_stage_epochs(plan) * costs.dynamic;
    }
};

}  // namespace

const TrainingMethod& edst_method() {
    static const Edst method;
    return method;
}

}  // namespace ft::methods
