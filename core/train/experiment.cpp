// run_experiment and evaluate_checkpoint. The run loop follows the run plan (run_plan.h: the methods of spec
// §3-§5 as data), keeps its checkpoint in a RunCheckpoint (run_checkpoint.h), evaluates the tickets and the
// ensemble (ticket_evaluation.h) and returns the summary.
#include "ft/train/experiment.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "ft/config/config_json.h"
#include "ft/config/validation.h"
#include "ft/train/run_plan.h"
#include "train/allocator.h"
#include "train/device.h"
#include "train/live_eval.h"
#include "train/member_trainer.h"
#include "train/ood_eval.h"
#include "train/robustness_eval.h"
#include "train/run_checkpoint.h"
#include "train/summary.h"
#include "train/ticket_evaluation.h"

namespace ft {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What evaluate_checkpoint needs from training and cannot find in the tickets: written once training is over.
constexpr const char* kTrainingRecord = "training.json";

void require_valid(const RunConfig& config) {
    const auto errors = validate(config);
    if (!errors.empty()) throw ConfigException("run config", errors);
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

nlohmann::json read_json(const fs::path& path, const char* damaged) {
    std::ifstream in(path);
    try {
        return nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        throw std::runtime_error(path.string() + ": " + damaged + ": " + e.what());
    }
}

// The config a checkpoint was saved with, with today's defaults for settings added since.
nlohmann::json saved_config(const nlohmann::json& config, const std::string& source) {
    return config_to_json(config_from_json(config, source));
}

void write_training_record(const std::string& dir, const TrainingRecord& record) {
    const fs::path tmp = fs::path(dir) / (std::string(kTrainingRecord) + ".tmp");
    {
        std::ofstream out(tmp);
        out << record.to_json().dump(1) << "\n";
        if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
    }
    fs::rename(tmp, fs::path(dir) / kTrainingRecord);
}

// Training's own record; for runs trained before it existed, what the last state.json says (which lacks the
// last training run's share of ever-active weights).
TrainingRecord read_training_record(const std::string& dir) {
    const fs::path record_path = fs::path(dir) / kTrainingRecord;
    if (fs::exists(record_path))
        return TrainingRecord::from_json(read_json(record_path, "damaged"), record_path.string());
    const fs::path state_path = fs::path(dir) / "state.json";
    std::ifstream in(state_path);
    const auto state = nlohmann::json::parse(in, nullptr, false);
    if (state.is_discarded() || !state.is_object()) return {};
    return TrainingRecord::from_json(state, state_path.string());
}

// Where a resumed session starts: the saved position and the tensors it needs.
struct ResumePoint {
    RunCheckpoint checkpoint;
    TensorMap tensors;
};

ResumePoint read_resume_point(const RunConfig& config, const std::string& dir) {
    if (dir.empty()) throw std::runtime_error("resume needs a checkpoint folder");
    const std::string file = dir + "/state.json";
    nlohmann::json meta;
    ResumePoint point;
    if (!load_checkpoint(dir, "state", meta, point.tensors)) throw std::runtime_error(file + ": no checkpoint to resume");
    point.checkpoint = RunCheckpoint::from_json(meta, file);
    if (saved_config(point.checkpoint.config, file) != config_to_json(config))
        throw std::runtime_error(file + ": saved for a different config");
    return point;
}

// One session of a run: trains the plan's runs from the start or from a resume point, checkpointing as it goes.
class RunLoop {
public:
    RunLoop(const RunPlan& plan, RunContext& ctx, LiveEvaluation& live, const RunOptions& options,
            double seconds_before, Clock::time_point started)
        : plan_(plan), ctx_(ctx), live_(live), options_(options), seconds_before_(seconds_before), started_(started),
          tickets_(size_t(plan.members)), have_ticket_(size_t(plan.members), false) {}

    // False when the run was cancelled (after writing a checkpoint).
    bool train(const std::optional<ResumePoint>& resume, const std::string& device, int64_t threads);

    std::vector<Ticket>& tickets() { return tickets_; }
    const std::vector<LayerInfo>& layers() const { return layers_; }
    const std::vector<double>& ever_active() const { return ever_active_; }
    const std::vector<std::vector<MaskUpdateDistance>>& mask_updates() const { return mask_updates_; }
    int64_t last_step() const { return last_step_; }
    double seconds() const { return seconds_before_ + seconds_since(started_); }

private:
    bool train_run(const TrainingRunPlan& run, const ResumePoint* resume, const std::string& device,
                   int64_t threads);
    void announce(MemberTrainer& trainer, const std::string& device, int64_t threads);
    void checkpoint(MemberTrainer& trainer, int64_t run, int64_t stage);
    void keep_ticket(Ticket&& ticket, MemberTrainer& trainer, const TrainingRunPlan& run);

    const RunPlan& plan_;
    RunContext& ctx_;
    LiveEvaluation& live_;
    const RunOptions& options_;
    double seconds_before_;  // training time of earlier sessions of a resumed run
    Clock::time_point started_;
    std::vector<Ticket> tickets_;  // a ticket's state is dropped once written to disk; kept in memory otherwise
    std::vector<bool> have_ticket_;
    std::vector<LayerInfo> layers_;
    std::vector<double> ever_active_;  // per finished training run: share of weights ever active (ITOP rate)
    std::vector<std::vector<MaskUpdateDistance>> mask_updates_;  // per finished training run
    int64_t last_step_ = 0;
    bool announced_ = false;
};

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
        throw std::logic_error("run plan: " + std::to_string(plan_.steps_per_epoch) + " steps per epoch, the loader has " +
                               std::to_string(trainer.steps_per_epoch()));
    layers_ = trainer.layer_info();
    ctx_.sink.on_event(RunStarted{plan_.method, plan_, layers_, device, threads});
    live_.publish_points();
    announced_ = true;
}

bool RunLoop::train_run(const TrainingRunPlan& run, const ResumePoint* resume, const std::string& device,
                        int64_t threads) {
    const int64_t r = run.index;
    MemberTrainer trainer(ctx_, r, run.seed, run.sparse_from_start);
    announce(trainer, device, threads);
    trainer.set_epoch_hook([this, &trainer, r](int64_t epochs_done) { live_.on_epoch(trainer, r, epochs_done); });
    int64_t first_stage = 0;
    if (resume) {
        first_stage = resume->checkpoint.stage;
        trainer.restore(resume->checkpoint.trainer, resume->tensors);
        set_cpu_rng_state(resume->tensors.at("rng.cpu"));
        ctx_.sink.on_event(LogLine{LogLine::Info, "resumed member " + std::to_string(r) + " at step " +
                                                      std::to_string(resume->checkpoint.trainer.value("step", 0))});
    }
    for (int64_t s = first_stage; s < int64_t(run.stages.size()); ++s) {
        const StagePlan& stage = run.stages[size_t(s)];
        if (!(resume && s == first_stage)) {
            if (stage.prune_best_to > 0) {
                trainer.restore_best();
                trainer.prune_globally(stage.prune_best_to);
            }
            trainer.begin_stage();
        }
        int64_t epochs_since_checkpoint = 0;
        const bool finished = trainer.run(
            stage, [&](Ticket&& t) { keep_ticket(std::move(t), trainer, run); },
            [&]() {
                if (++epochs_since_checkpoint >= options_.checkpoint_every_epochs) {
                    checkpoint(trainer, r, s);
                    epochs_since_checkpoint = 0;
                }
            });
        if (!finished) {
            checkpoint(trainer, r, s);
            return false;
        }
    }
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

}  // namespace

RunConfig checkpoint_config(const std::string& dir) {
    const fs::path json_path = fs::path(dir) / "state.json";
    if (!fs::exists(json_path)) throw std::runtime_error(json_path.string() + ": no checkpoint here (state.json missing)");
    const auto state = RunCheckpoint::from_json(read_json(json_path, "damaged checkpoint"), json_path.string());
    return config_from_json(state.config, json_path.string());
}

nlohmann::json evaluate_checkpoint(const RunConfig& config, const std::string& dir, EventSink& sink, RunControl& control) {
    require_valid(config);
    // Only the evaluation settings may differ from the ones the tickets were trained with.
    auto wanted = config_to_json(config), saved = config_to_json(checkpoint_config(dir));
    wanted.erase("eval");
    saved.erase("eval");
    if (wanted != saved)
        throw std::runtime_error(dir + "/state.json: saved for a different config (only eval.* settings may change)");
    const int64_t threads = resolve_threads(config.threads);
    at::set_num_threads(int(threads));
    tune_allocator_for_training();
    const torch::Device device = resolve_device(config.device);
    RunPlan plan = plan_run(config);
    const DatasetBundle data = load_dataset(config.data, uint64_t(plan.first_seed()));
    plan.set_train_examples(data.train.size());
    TicketEvaluationInput input;
    input.ood_sets = load_ood_sets(config, data);
    if (!config.eval.cifar_c_path.empty()) cifar_c_files(config.eval.cifar_c_path);
    RunContext ctx{config, plan, data, device, sink, control, false};
    std::vector<Ticket> tickets(static_cast<size_t>(plan.members));
    load_ticket_states(dir, tickets);

    const TrainingRecord record = read_training_record(dir);
    input.seconds = record.seconds;
    input.ever_active = record.ever_active;
    input.mask_updates = record.mask_updates;
    for (const auto& t : tickets) input.step = std::max(input.step, t.step);
    if (record.step >= 0) input.step = record.step;
    input.threads = threads;
    std::optional<BoundaryGrid> grid;
    if (has_2d_features(data) && data.train.size() > 0) grid = boundary_grid(data.train.x, config.eval.boundary_resolution);
    input.grid = grid ? &*grid : nullptr;
    return evaluate_tickets(ctx, tickets, input);
}

nlohmann::json run_experiment(const RunConfig& config, EventSink& sink, RunControl& control, const RunOptions& options) {
    const auto started = Clock::now();
    double seconds_before = 0;
    try {
        require_valid(config);
        const int64_t threads = resolve_threads(config.threads);
        at::set_num_threads(int(threads));  // on the training thread itself (toolchain.md §7)
        tune_allocator_for_training();
        const torch::Device device = resolve_device(config.device);

        // Resume: the saved state names the training run and stage in progress and the tickets already written.
        std::optional<ResumePoint> resume;
        if (options.resume) {
            resume = read_resume_point(config, options.checkpoint_dir);
            seconds_before = resume->checkpoint.seconds;
        }

        RunPlan plan = plan_run(config);
        const DatasetBundle data = load_dataset(config.data, uint64_t(plan.first_seed()));
        plan.set_train_examples(data.train.size());
        // The evaluation sets are read now, so a missing file stops the run before any training.
        TicketEvaluationInput evaluation;
        evaluation.ood_sets = load_ood_sets(config, data);
        if (!config.eval.cifar_c_path.empty()) cifar_c_files(config.eval.cifar_c_path);
        RunContext ctx{config, plan, data, device, sink, control, sink.wants_masks()};
        LiveEvaluation live(ctx);

        RunLoop loop(plan, ctx, live, options, seconds_before, started);
        const bool finished = loop.train(resume, device.str(), threads);
        const double seconds = loop.seconds();
        if (!finished) {
            const auto summary =
                summary_json(config, plan, loop.layers(), {}, {}, RunStatus::Cancelled, seconds, threads, device.str());
            sink.on_event(RunFinished{RunStatus::Cancelled, "", seconds, summary.dump()});
            return summary;
        }
        if (!options.checkpoint_dir.empty())
            write_training_record(options.checkpoint_dir,
                                  {TrainingRecord::kVersion, seconds, loop.last_step(), loop.ever_active(),
                                   loop.mask_updates()});

        // Every ticket and the probability-mean ensemble (spec §6.1), robustness and OoD (ticket_evaluation.h).
        load_ticket_states(options.checkpoint_dir, loop.tickets());
        evaluation.layers = loop.layers();
        evaluation.ever_active = loop.ever_active();
        evaluation.mask_updates = loop.mask_updates();
        evaluation.grid = live.grid() ? &*live.grid() : nullptr;
        evaluation.step = loop.last_step();
        evaluation.seconds = seconds;
        evaluation.threads = threads;
        auto summary = evaluate_tickets(ctx, loop.tickets(), evaluation);
        summary["run"]["live_eval_seconds"] = live.seconds();  // this session's; part of run.seconds
        sink.on_event(RunFinished{RunStatus::Finished, "", seconds, summary.dump()});
        return summary;
    } catch (const std::exception& e) {
        sink.on_event(RunFinished{RunStatus::Failed, e.what(), seconds_before + seconds_since(started)});
        throw;
    }
}

}  // namespace ft
