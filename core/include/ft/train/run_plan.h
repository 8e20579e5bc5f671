// SPDX-License-Identifier: GPL-3.0-or-later
// The run plan: everything about a run's schedule that follows from its validated config, computed once by
// plan_run (spec §3-§5): the training runs and their seeds, each run's stages with the learning rate, ticket and
// exploration of every epoch, which run yields each ticket, and the step counts. The run loop follows it;
// RunStarted carries it to the progress printer (ETA), the store and the workbench; the FLOPs accounting reads
// it. Plain C++, no torch: the views and the store can plan a run without building a network.
#pragma once

#include <cstdint>
#include <vector>

#include "ft/config/run_config.h"
#include "ft/train/phase.h"

namespace ft {

struct EpochPlan {
    Phase phase = Phase::Training;
    double lr = 0;                  // the learning rate while training this epoch
    int64_t ticket = -1;            // the ticket this epoch competes for (best validation accuracy); -1: none
    bool explore_after = false;     // global exploration with edst.exploration_rate at its end (spec §4.2)
    bool reset_best_after = false;  // the best validation accuracy restarts from 0 at its end
};

// A stage is a run of epochs after which the epoch count and the best-validation bookkeeping start again.
struct StagePlan {
    std::vector<EpochPlan> epochs;  // epoch e of the stage (1-based) is epochs[e - 1]
    bool dynamic_masks = false;     // prune and regrow every sparse.update_frequency iterations (spec §2)
    bool keep_best = false;         // track the best-validation state without a ticket (PF pretraining)
    // > 0: the stage starts from the previous stage's best state, pruned by global magnitude to this density with
    // a fixed mask (PF fine-tuning, spec §5); 0: it continues from where the previous stage ended.
    double prune_best_to = 0;
    // The stage starts with empty momentum buffers, as a new optimizer would (PF fine-tuning, pf.fresh_optimizer).
    bool fresh_optimizer = false;
};

struct TrainingRunPlan {
    int64_t index = 0;
    int64_t seed = 0;                // drives weight init, mask sampling and data order (spec §3)
    bool sparse_from_start = false;  // masks from initialisation (sparse.init, spec §1)
    std::vector<StagePlan> stages;
    int64_t epochs = 0;  // over all stages
    int64_t steps = 0;   // epochs x steps_per_epoch; 0 until the training split's size is known
};

struct RunPlan {
    Method method = Method::Edst;
    int64_t members = 1;   // tickets in the final ensemble (M)
    bool sparse = false;   // the tickets carry masks
    bool dynamic = false;  // masks change during training (mask updates)
    std::vector<TrainingRunPlan> runs;
    std::vector<int64_t> ticket_runs;  // ticket k comes from training run ticket_runs[k]
    int64_t batch_size = 0;
    int64_t total_epochs = 0;     // over all runs
    int64_t steps_per_epoch = 0;  // 0 until set_train_examples
    int64_t total_steps = 0;      // over all runs; 0 until set_train_examples

    // Fills the step counts from the training split's size: ceil(examples / batch_size) steps per epoch.
    void set_train_examples(int64_t examples);
    // The seed of the run that yields ticket k.
    int64_t ticket_seed(int64_t ticket) const;
    // Steps of the runs before `run`: where run `run` starts in the whole plan (progress, ETA).
    int64_t steps_before(int64_t run) const;
    // The first run's seed: the data split, the generated evaluation sets and the networks that only evaluate
    // tickets are seeded with it.
    int64_t first_seed() const { return runs.empty() ? 0 : runs.front().seed; }
};

// The plan of a validated config (validate() first: the plan of an invalid config means nothing). With
// train_examples > 0 the step counts are filled in too.
RunPlan plan_run(const RunConfig& config, int64_t train_examples = 0);

// What validation and the views need to know about a method before anything is planned.
struct MethodTraits {
    bool ensemble = false;              // trains for ensemble.members tickets (else one)
    bool one_run_many_tickets = false;  // a single training run yields every ticket (EDST); else one run each
    bool sparse = false;                // the tickets carry masks
    bool sparse_from_start = false;     // masks from initialisation rather than from pruning a dense network
    bool dynamic = false;               // masks change during training
    bool edst_timeline = false;         // follows the edst.* exploration and refinement timeline (spec §4.1)
};
MethodTraits method_traits(Method method);
// Tickets (M) and training runs of a config (valid or not; validation uses these).
int64_t planned_members(const RunConfig& config);
int64_t planned_training_runs(const RunConfig& config);
// The seed of training run r: ensemble.seeds[r], or, past the end of the list, the last seed + the distance.
int64_t run_seed(const RunConfig& config, int64_t run);

// Training cost per example and iteration, in units of the dense forward cost f_D (spec §7).
struct StepCosts {
    double dense = 3;    // forward + 2x backward
    double sparse = 3;   // the same with fixed masks (3 f_S / f_D)
    double dynamic = 3;  // with mask updates (gradient growth adds a dense gradient every ΔT)
};
// The training FLOPs of the planned run, in units of (f_D x training examples), by the method's rule (spec §7).
double training_cost(const RunPlan& plan, const StepCosts& costs);

}  // namespace ft
