// SPDX-License-Identifier: GPL-3.0-or-later
// PF ensemble, pruning and fine-tuning (spec §5, main_PF.py): M dense networks, one per seed, pretrained through
// train.epochs with MultiStepLR; each then continues from its best pretraining epoch, pruned by global magnitude
// to sparse.density (spec §1.3 "pruning") with a fixed mask, and is fine-tuned for pf.finetune_epochs at the
// constant pf.finetune_lr, with a fresh optimizer unless pf.fresh_optimizer = false. Member k's best fine-tuning epoch
// is ticket k. Cost: M dense pretrainings plus M static sparse fine-tunings (spec §7).
#include "train/methods/training_method.h"

namespace ft::methods {
namespace {

class PfEnsemble final : public TrainingMethod {
public:
    MethodTraits traits() const override {
        MethodTraits t;
        t.ensemble = true;
        t.sparse = true;
        return t;
    }
    std::vector<StagePlan> stages(const RunConfig& c, int64_t run) const override {
        StagePlan pretraining = multistep_stage(c, Phase::Pretraining, -1, false);
        pretraining.keep_best = true;  // the pruned network starts from the best pretraining epoch
        StagePlan finetuning;
        finetuning.prune_best_to = c.sparse.density;  // density = 1 - PF_rate
        finetuning.fresh_optimizer = c.pf.fresh_optimizer;
        for (int64_t e = 1; e <= c.pf.finetune_epochs; ++e) {
            EpochPlan epoch;
            epoch.phase = Phase::Finetuning;
            epoch.lr = c.pf.finetune_lr;
            epoch.ticket = run;
            finetuning.epochs.push_back(epoch);
        }
        return {pretraining, finetuning};
    }
    double training_cost(const RunPlan& plan, const StepCosts& costs) const override {
        const double finetune_epochs =
            plan.runs.empty() || plan.runs[0].stages.size() < 2 ? 0.0 : double(plan.runs[0].stages[1].epochs.size());
        return run_count(plan) * (first_stage_epochs(plan) * costs.dense + finetune_epochs * costs.sparse);
    }
};

}  // namespace

const TrainingMethod& pf_ensemble_method() {
    static const PfEnsemble method;
    return method;
}

}  // namespace ft::methods
