// SPDX-License-Identifier: GPL-3.0-or-later
// RunLoop (see run_loop.h).
#include "train/run_loop.h"

#include <stdexcept>

#include "ft/config/config_json.h"

namespace ft {

double RunLoop::seconds() const {
    return seconds_before_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

bool RunLoop::train(const std::optional<ResumePoint>& resume, const std::string& device, int64_t threads) {
    int64_t first_run = 0;
    if (resume) {
        const RunCheckpoint& c = resume->checkpoint;
        first_run = c.run;
        ever_active_ = c.ever_active;
        mask_updates_ = c.mask_updates;
        for (int64_t k : c.tickets_done) have_ticket_.at(size_t(k)) = true;
    }
    for (int64_t r = first_run; r < int64_t(plan_.runs.size()); ++r)
        if (!train_run(plan_.runs[size_t(r)], resume && r == first_run ? &*resume : nullptr, device, threads))
            return false;
    return true;
}

// RunStarted (with the plan) and the training points, once per session, with the first network built.
void RunLoop::announce(MemberTrainer& trainer, const std::string& device, int64_t threads) {
    if (announced_) return;
    if (trainer.steps_per_epoch() != plan_.steps_per_epoch)
        throw std::logic_error("run plan: " + std::to_string(plan_.steps_per_epoch) +
                               " steps per epoch, the loader has " + std::to_string(trainer.steps_per_epoch()));
    layers_ = trainer.layer_info();
    ctx_.sink.on_event(RunStarted{plan_.method, plan_, layers_, device, threads});
    const auto& sparse = ctx_.config.sparse;
    if (plan_.sparse && sparse.execution == SparseExecution::Auto &&
        (!sparse.mask_momentum || ctx_.device.type() != torch::kCPU))
        ctx_.sink.on_event(LogLine{LogLine::Info,
                                   "sparse.execution = auto: every layer runs masked here (the sparse "
                                   "path needs the CPU and sparse.mask_momentum = true)"});
    live_.publish_points();
    announced_ = true;
}

bool RunLoop::train_run(const TrainingRunPlan& run, const ResumePoint* resume, const std::string& device,
                        int64_t threads) {
    const int64_t r = run.index;
    MemberTrainer trainer(ctx_, r, run.seed, run.sparse_from_start);
    trainer.set_epoch_hook([this, &trainer, r](int64_t epochs_done) { live_.on_epoch(trainer, r, epochs_done); });
    int64_t first_stage = 0;
    if (resume) {
        first_stage = resume->checkpoint.stage;
        trainer.restore(resume->checkpoint.trainer, resume->tensors);
        set_cpu_rng_state(resume->tensors.at("rng.cpu"));
        ctx_.sink.on_event(LogLine{LogLine::Info, "resumed member " + std::to_string(r) + " at step " +
                                                      std::to_string(resume->checkpoint.trainer.value("step", 0))});
    }
    // After the restore: the announcement tells the path each layer takes, restored decisions included.
    trainer.prepare_execution();
    announce(trainer, device, threads);
    for (int64_t s = first_stage; s < int64_t(run.stages.size()); ++s) {
        const StagePlan& stage = run.stages[size_t(s)];
        if (!(resume && s == first_stage)) {
            if (stage.prune_best_to > 0) {
                trainer.restore_best();
                trainer.prune_globally(stage.prune_best_to);
            }
            if (stage.fresh_optimizer) trainer.reset_optimizer();
            trainer.begin_stage();
        }
        int64_t epochs_since_checkpoint = 0;
        const bool finished = trainer.run(
            stage, [&](Ticket&& t) { keep_ticket(std::move(t), trainer, run); },
            [&](bool must) {
                ++epochs_since_checkpoint;
                const double since =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - last_checkpoint_).count();
                if (must || (epochs_since_checkpoint >= options_.checkpoint_every_epochs &&
                             since >= options_.checkpoint_every_seconds)) {
                    checkpoint(trainer, r, s);
                    epochs_since_checkpoint = 0;
                }
            });
        if (!finished) {
            checkpoint(trainer, r, s);
            return false;
        }
    }
    // The summary tells the path each layer ran at the end (sparse.execution = auto may change it on the way).
    const auto now = trainer.layer_info();
    for (size_t i = 0; i < layers_.size() && i < now.size(); ++i) layers_[i].execution = now[i].execution;
    if (trainer.masking()) {
        ever_active_.push_back(trainer.masking()->ever_active_fraction());
        mask_updates_.push_back(trainer.mask_update_distances());
    }
    last_step_ = trainer.step();
    return true;
}

void RunLoop::checkpoint(MemberTrainer& trainer, int64_t run, int64_t stage) {
    if (options_.checkpoint_dir.empty()) return;
    RunCheckpoint c;
    c.config = config_to_json(ctx_.config);
    c.run = run;
    c.stage = stage;
    c.trainer = trainer.state_meta();
    c.seconds = seconds();
    for (int64_t k = 0; k < plan_.members; ++k)
        if (have_ticket_[size_t(k)]) c.tickets_done.push_back(k);
    c.ever_active = ever_active_;
    c.mask_updates = mask_updates_;
    TensorMap tensors = trainer.state_tensors();
    tensors["rng.cpu"] = cpu_rng_state();
    save_checkpoint(options_.checkpoint_dir, "state", c.to_json(), tensors);
    last_checkpoint_ = std::chrono::steady_clock::now();
    ctx_.sink.on_event(Checkpointed{options_.checkpoint_dir, run, c.trainer.value("epoch", int64_t{0}),
                                    c.trainer.value("step", int64_t{0})});
}

void RunLoop::keep_ticket(Ticket&& t, MemberTrainer& trainer, const TrainingRunPlan& run) {
    live_.on_ticket(t, run.index, trainer.step());
    if (!options_.checkpoint_dir.empty()) {
        const TicketMeta meta{t.index, t.epoch, t.step, t.val_accuracy, t.reason, run.seed};
        save_checkpoint(options_.checkpoint_dir, "ticket-" + std::to_string(t.index), meta.to_json(), t.state);
        t.state.clear();
    }
    have_ticket_.at(size_t(t.index)) = true;
    tickets_.at(size_t(t.index)) = std::move(t);
}

}  // namespace ft
