// SPDX-License-Identifier: GPL-3.0-or-later
// plan_run and the method queries behind it (see run_plan.h); the methods themselves are in methods/.
#include "ft/train/run_plan.h"

#include <stdexcept>
#include <string>

#include "train/methods/training_method.h"

namespace ft {

MethodTraits method_traits(Method method) { return methods::training_method(method).traits(); }

int64_t planned_members(const RunConfig& config) {
    return method_traits(config.method).ensemble ? config.ensemble.members : 1;
}

int64_t planned_training_runs(const RunConfig& config) {
    return method_traits(config.method).one_run_many_tickets ? 1 : planned_members(config);
}

int64_t run_seed(const RunConfig& c, int64_t run) {
    const auto& s = c.ensemble.seeds;
    if (run < static_cast<int64_t>(s.size())) return s[static_cast<size_t>(run)];
    return s.back() + (run - static_cast<int64_t>(s.size()) + 1);
}

RunPlan plan_run(const RunConfig& config, int64_t train_examples) {
    const auto& method = methods::training_method(config.method);
    const MethodTraits traits = method.traits();
    RunPlan plan;
    plan.method = config.method;
    plan.members = planned_members(config);
    plan.sparse = traits.sparse;
    plan.dynamic = traits.dynamic;
    plan.batch_size = config.train.batch_size;
    const int64_t runs = planned_training_runs(config);
    for (int64_t r = 0; r < runs; ++r) {
        TrainingRunPlan run;
        run.index = r;
        run.seed = run_seed(config, r);
        run.sparse_from_start = traits.sparse_from_start;
        run.stages = method.stages(config, r);
        for (const auto& s : run.stages) run.epochs += int64_t(s.epochs.size());
        plan.total_epochs += run.epochs;
        plan.runs.push_back(std::move(run));
    }
    for (int64_t k = 0; k < plan.members; ++k) plan.ticket_runs.push_back(traits.one_run_many_tickets ? 0 : k);
    if (train_examples > 0) plan.set_train_examples(train_examples);
    return plan;
}

void RunPlan::set_train_examples(int64_t examples) {
    if (batch_size < 1) throw std::logic_error("RunPlan::set_train_examples: the plan has no batch size");
    steps_per_epoch = (examples + batch_size - 1) / batch_size;
    total_steps = 0;
    for (auto& r : runs) {
        r.steps = r.epochs * steps_per_epoch;
        total_steps += r.steps;
    }
}

int64_t RunPlan::ticket_seed(int64_t ticket) const {
    if (ticket < 0 || ticket >= int64_t(ticket_runs.size()))
        throw std::out_of_range("RunPlan::ticket_seed: no ticket " + std::to_string(ticket) + " in a plan of " +
                                std::to_string(ticket_runs.size()));
    return runs.at(size_t(ticket_runs[size_t(ticket)])).seed;
}

int64_t RunPlan::steps_before(int64_t run) const {
    int64_t steps = 0;
    for (int64_t r = 0; r < run && r < int64_t(runs.size()); ++r) steps += runs[size_t(r)].steps;
    return steps;
}

double training_cost(const RunPlan& plan, const StepCosts& costs) {
    return methods::training_method(plan.method).training_cost(plan, costs);
}

}  // namespace ft
