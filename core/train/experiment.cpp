// SPDX-License-Identifier: GPL-3.0-or-later
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
#include "train/run_loop.h"
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

ResumePoint read_resume_point(const RunConfig& config, const std::string& dir) {
    if (dir.empty()) throw std::runtime_error("resume needs a checkpoint folder");
    const std::string file = dir + "/state.json";
    nlohmann::json meta;
    ResumePoint point;
    if (!load_checkpoint(dir, "state", meta, point.tensors))
        throw std::runtime_error(file + ": no checkpoint to resume");
    point.checkpoint = RunCheckpoint::from_json(meta, file);
    if (saved_config(point.checkpoint.config, file) != config_to_json(config))
        throw std::runtime_error(file + ": saved for a different config");
    return point;
}

}  // namespace

RunConfig checkpoint_config(const std::string& dir) {
    const fs::path json_path = fs::path(dir) / "state.json";
    if (!fs::exists(json_path))
        throw std::runtime_error(json_path.string() + ": no checkpoint here (state.json missing)");
    const auto state = RunCheckpoint::from_json(read_json(json_path, "damaged checkpoint"), json_path.string());
    return config_from_json(state.config, json_path.string());
}

nlohmann::json evaluate_checkpoint(const RunConfig& config, const std::string& dir, EventSink& sink,
                                   RunControl& control) {
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
    if (has_2d_features(data) && data.train.size() > 0)
        grid = boundary_grid(data.train.x, config.eval.boundary_resolution);
    input.grid = grid ? &*grid : nullptr;
    return evaluate_tickets(ctx, tickets, input);
}

nlohmann::json run_experiment(const RunConfig& config, EventSink& sink, RunControl& control,
                              const RunOptions& options) {
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
            write_training_record(options.checkpoint_dir, {TrainingRecord::kVersion, seconds, loop.last_step(),
                                                           loop.ever_active(), loop.mask_updates()});

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
