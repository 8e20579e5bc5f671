// run_experiment: builds each method of spec §3-§5 from MemberTrainer stages, checkpoints, evaluates the tickets
// and the ensemble, and returns the summary.
#include "ft/train/experiment.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "ft/config/config_json.h"
#include "ft/config/validation.h"
#include "ft/train/schedules.h"
#include "train/allocator.h"
#include "train/device.h"
#include "train/live_eval.h"
#include "train/member_trainer.h"
#include "train/ood_eval.h"
#include "train/robustness_eval.h"
#include "train/summary.h"
#include "train/ticket_evaluation.h"

namespace ft {
namespace {

namespace fs = std::filesystem;

constexpr int kCheckpointFormat = 1;

// The stages each training member goes through, by method.
std::vector<Stage> stages_for(const RunConfig& c, int64_t member) {
    const int64_t E = c.train.epochs;
    auto multistep = [c](int64_t e) { return multistep_lr(c.train.lr, c.train.gamma, c.train.milestones, c.train.epochs, e); };
    auto whole_run_ticket = [member](int64_t) { return member; };
    switch (c.method) {
        case Method::Dense:
        case Method::DeepEnsemble:
            return {Stage{"training", E, false, multistep, whole_run_ticket, {}, {}}};
        case Method::Static:
            return {Stage{"training", E, false, multistep, whole_run_ticket, {}, {}}};
        case Method::Dst:
        case Method::DstEnsemble:
            return {Stage{"training", E, true, multistep, whole_run_ticket, {}, {}}};
        case Method::Edst: {
            const auto timeline = EdstSchedule(c).timeline();
            const EdstSchedule schedule(c);
            const bool reset_at_refine = c.edst.reset_best_at_refine;
            const int64_t t_ex = c.edst.explore_epochs;
            return {Stage{"exploration", E, true, [timeline](int64_t e) { return timeline[size_t(e - 1)].lr; },
                          [schedule](int64_t e) { return schedule.ticket_of(e); },
                          [schedule](int64_t e) { return schedule.action_after(e) == EpochAction::Explore; },
                          [reset_at_refine, t_ex](int64_t e) { return reset_at_refine && e == t_ex; }}};
        }
        case Method::PfEnsemble: {
            const double lr_ft = c.pf.finetune_lr;
            Stage pretraining{"pretraining", E, false, multistep, [](int64_t) { return int64_t{-1}; }, {}, {}};
            pretraining.keep_best = true;  // the pruned network starts from the best pretraining epoch
            return {pretraining,
                    Stage{"finetuning", c.pf.finetune_epochs, false, [lr_ft](int64_t) { return lr_ft; },
                          whole_run_ticket, {}, {}}};
        }
    }
    return {};
}

// Members that train separately (EDST: one run that yields all tickets).
int64_t training_runs(const RunConfig& c) { return c.method == Method::Edst ? 1 : member_count(c); }
bool trains_sparse_from_start(Method m) { return m == Method::Static || m == Method::Dst || m == Method::DstEnsemble || m == Method::Edst; }

nlohmann::json mask_updates_json(const std::vector<std::vector<MaskUpdateDistance>>& runs) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& run : runs) {
        nlohmann::json r = nlohmann::json::array();
        for (const auto& d : run) r.push_back({d.step, d.hamming, d.jaccard});
        out.push_back(r);
    }
    return out;
}

std::vector<std::vector<MaskUpdateDistance>> mask_updates_from(const nlohmann::json& j) {
    std::vector<std::vector<MaskUpdateDistance>> out;
    if (!j.is_array()) return out;
    for (const auto& run : j) {
        out.emplace_back();
        for (const auto& d : run) out.back().push_back({d.at(0).get<int64_t>(), d.at(1).get<double>(), d.at(2).get<double>()});
    }
    return out;
}

// What evaluate_checkpoint needs from training and cannot find in the tickets: written once training is over.
constexpr const char* kTrainingRecord = "training.json";

void write_training_record(const std::string& dir, const nlohmann::json& record) {
    const fs::path tmp = fs::path(dir) / (std::string(kTrainingRecord) + ".tmp");
    {
        std::ofstream out(tmp);
        out << record.dump(1) << "\n";
        if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
    }
    fs::rename(tmp, fs::path(dir) / kTrainingRecord);
}

// The config a checkpoint was saved with, with today's defaults for settings added since.
nlohmann::json saved_config(const nlohmann::json& meta, const std::string& source) {
    return config_to_json(config_from_json(meta.at("config"), source));
}


}  // namespace

RunConfig checkpoint_config(const std::string& dir) {
    nlohmann::json meta;
    TensorMap tensors;
    const fs::path json_path = fs::path(dir) / "state.json";
    if (!fs::exists(json_path)) throw std::runtime_error(json_path.string() + ": no checkpoint here (state.json missing)");
    std::ifstream in(json_path);
    try {
        meta = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        throw std::runtime_error(json_path.string() + ": damaged checkpoint: " + e.what());
    }
    return config_from_json(meta.at("config"), json_path.string());
}

nlohmann::json evaluate_checkpoint(const RunConfig& config, const std::string& dir, EventSink& sink, RunControl& control) {
    {
        const auto errors = validate(config);
        if (!errors.empty()) throw ConfigException("run config", errors);
    }
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
    const DatasetBundle data = load_dataset(config.data, uint64_t(member_seed(config, 0)));
    TicketEvaluationInput input;
    input.ood_sets = load_ood_sets(config, data);
    if (!config.eval.cifar_c_path.empty()) cifar_c_files(config.eval.cifar_c_path);
    RunContext ctx{config, data, device, sink, control, false};
    std::vector<Ticket> tickets(static_cast<size_t>(member_count(config)));
    load_ticket_states(dir, tickets);

    // Training's own record (missing for runs trained before it existed: then the state's, which lacks the last
    // training run's share of ever-active weights).
    nlohmann::json record;
    const fs::path record_path = fs::path(dir) / kTrainingRecord;
    if (fs::exists(record_path)) {
        std::ifstream in(record_path);
        try {
            record = nlohmann::json::parse(in);
        } catch (const std::exception& e) {
            throw std::runtime_error(record_path.string() + ": damaged: " + e.what());
        }
    } else {
        std::ifstream in(fs::path(dir) / "state.json");
        record = nlohmann::json::parse(in, nullptr, false);
        if (record.is_discarded()) record = nlohmann::json::object();
    }
    input.seconds = record.value("seconds", 0.0);
    input.ever_active = record.value("ever_active", std::vector<double>{});
    input.mask_updates = mask_updates_from(record.value("mask_updates", nlohmann::json::array()));
    for (const auto& t : tickets) input.step = std::max(input.step, t.step);
    input.step = record.value("step", input.step);
    input.threads = threads;
    std::optional<BoundaryGrid> grid;
    if (has_2d_features(data) && data.train.size() > 0) grid = boundary_grid(data.train.x, config.eval.boundary_resolution);
    input.grid = grid ? &*grid : nullptr;
    return evaluate_tickets(ctx, tickets, input);
}

nlohmann::json run_experiment(const RunConfig& config, EventSink& sink, RunControl& control, const RunOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    double seconds_before = 0;  // training time of earlier sessions of a resumed run
    try {
        {
            const auto errors = validate(config);
            if (!errors.empty()) throw ConfigException("run config", errors);
        }
        const int64_t threads = resolve_threads(config.threads);
        at::set_num_threads(int(threads));  // on the training thread itself (toolchain.md §7)
        tune_allocator_for_training();
        const torch::Device device = resolve_device(config.device);
        const int64_t M = member_count(config);
        const bool checkpoints = !options.checkpoint_dir.empty();

        // Resume: the saved state names the member in progress and the tickets already written.
        nlohmann::json resume_meta;
        TensorMap resume_tensors;
        if (options.resume) {
            if (!checkpoints) throw std::runtime_error("resume needs a checkpoint folder");
            if (!load_checkpoint(options.checkpoint_dir, "state", resume_meta, resume_tensors))
                throw std::runtime_error(options.checkpoint_dir + "/state.json: no checkpoint to resume");
            if (resume_meta.value("format", 0) != kCheckpointFormat)
                throw std::runtime_error(options.checkpoint_dir + "/state.json: checkpoint format " +
                                         std::to_string(resume_meta.value("format", 0)) + ", expected " +
                                         std::to_string(kCheckpointFormat));
            if (saved_config(resume_meta, options.checkpoint_dir + "/state.json") != config_to_json(config))
                throw std::runtime_error(options.checkpoint_dir + "/state.json: saved for a different config");
            seconds_before = resume_meta.value("seconds", 0.0);
        }

        const DatasetBundle data = load_dataset(config.data, uint64_t(member_seed(config, 0)));
        // The evaluation sets are read now, so a missing file stops the run before any training.
        TicketEvaluationInput evaluation;
        evaluation.ood_sets = load_ood_sets(config, data);
        if (!config.eval.cifar_c_path.empty()) cifar_c_files(config.eval.cifar_c_path);
        RunContext ctx{config, data, device, sink, control, sink.wants_masks()};
        LiveEvaluation live(ctx);

        std::vector<Ticket> tickets(static_cast<size_t>(M));  // state is dropped once written to disk; kept in memory otherwise
        std::vector<bool> have_ticket(static_cast<size_t>(M), false);
        int64_t first_run = 0, first_stage = 0;
        std::vector<double> ever_active;  // per finished training run: share of weights ever active (ITOP rate)
        std::vector<std::vector<MaskUpdateDistance>> mask_updates;  // per finished training run
        int64_t last_step = 0;
        if (options.resume) {
            first_run = resume_meta.at("run_member");
            first_stage = resume_meta.at("stage");
            ever_active = resume_meta.value("ever_active", std::vector<double>{});
            mask_updates = mask_updates_from(resume_meta.value("mask_updates", nlohmann::json::array()));
            for (const auto& k : resume_meta.at("tickets_done")) have_ticket[size_t(k.get<int64_t>())] = true;
        }

        const int64_t runs = training_runs(config);
        std::vector<LayerInfo> layers;
        bool started_event = false;
        nlohmann::json status = "finished";

        for (int64_t r = first_run; r < runs; ++r) {
            const int64_t seed = member_seed(config, r);
            MemberTrainer trainer(ctx, r, seed, trains_sparse_from_start(config.method));
            const auto stages = stages_for(config, r);
            if (!started_event) {
                layers = trainer.layer_info();
                int64_t total = 0;
                for (const auto& s : stages) total += s.epochs * trainer.steps_per_epoch();
                sink.on_event(RunStarted{to_string(config.method), M, total * runs, trainer.steps_per_epoch(), layers,
                                         device.str(), threads});
                live.publish_points();
                started_event = true;
            }
            trainer.set_epoch_hook([&live, &trainer, r](int64_t epochs_done) { live.on_epoch(trainer, r, epochs_done); });
            int64_t stage_index = 0;
            if (options.resume && r == first_run) {
                stage_index = first_stage;
                trainer.restore(resume_meta.at("trainer"), resume_tensors);
                set_cpu_rng_state(resume_tensors.at("rng.cpu"));
                sink.on_event(LogLine{LogLine::Info, "resumed member " + std::to_string(r) + " at step " +
                                                         std::to_string(resume_meta["trainer"].value("step", 0))});
            }
            for (; stage_index < int64_t(stages.size()); ++stage_index) {
                const Stage& stage = stages[size_t(stage_index)];
                if (!(options.resume && r == first_run && stage_index == first_stage)) {
                    if (config.method == Method::PfEnsemble && stage.phase == "finetuning") {
                        trainer.restore_best();
                        trainer.prune_globally(config.sparse.density);
                    }
                    trainer.begin_stage();
                }
                auto checkpoint = [&]() {
                    if (!checkpoints) return;
                    nlohmann::json meta = {{"format", kCheckpointFormat},
                                           {"config", config_to_json(config)},
                                           {"run_member", r},
                                           {"stage", stage_index},
                                           {"trainer", trainer.state_meta()},
                                           {"seconds", seconds_before + std::chrono::duration<double>(
                                                                            std::chrono::steady_clock::now() - started).count()}};
                    nlohmann::json done = nlohmann::json::array();
                    for (int64_t k = 0; k < M; ++k)
                        if (have_ticket[size_t(k)]) done.push_back(k);
                    meta["tickets_done"] = done;
                    meta["ever_active"] = ever_active;
                    meta["mask_updates"] = mask_updates_json(mask_updates);
                    TensorMap tensors = trainer.state_tensors();
                    tensors["rng.cpu"] = cpu_rng_state();
                    save_checkpoint(options.checkpoint_dir, "state", meta, tensors);
                    sink.on_event(Checkpointed{options.checkpoint_dir, r, trainer.state_meta().value("epoch", int64_t{0}),
                                               trainer.state_meta().value("step", int64_t{0})});
                };
                auto on_ticket = [&](Ticket&& t) {
                    live.on_ticket(t, r, trainer.step());
                    if (checkpoints) {
                        nlohmann::json meta = {{"ticket", t.index}, {"epoch", t.epoch}, {"step", t.step},
                                               {"val_accuracy", t.val_accuracy}, {"reason", t.reason}, {"seed", seed}};
                        save_checkpoint(options.checkpoint_dir, "ticket-" + std::to_string(t.index), meta, t.state);
                        t.state.clear();
                    }
                    have_ticket[size_t(t.index)] = true;
                    tickets[size_t(t.index)] = std::move(t);
                };
                int64_t epochs_since_checkpoint = 0;
                auto on_epoch = [&]() {
                    if (++epochs_since_checkpoint >= options.checkpoint_every_epochs) {
                        checkpoint();
                        epochs_since_checkpoint = 0;
                    }
                };
                if (!trainer.run(stage, on_ticket, on_epoch)) {
                    checkpoint();
                    status = "cancelled";
                    break;
                }
            }
            if (status == "cancelled") break;
            if (trainer.masking()) {
                ever_active.push_back(trainer.masking()->ever_active_fraction());
                mask_updates.push_back(trainer.mask_update_distances());
            }
            last_step = trainer.step();
        }

        const double seconds = seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (status == "cancelled") {
            const auto summary = summary_json(config, layers, {}, {}, "cancelled", seconds, threads, device.str());
            sink.on_event(RunFinished{"cancelled", "", seconds, summary.dump()});
            return summary;
        }
        if (checkpoints)
            write_training_record(options.checkpoint_dir, {{"format", kCheckpointFormat},
                                                           {"seconds", seconds},
                                                           {"step", last_step},
                                                           {"ever_active", ever_active},
                                                           {"mask_updates", mask_updates_json(mask_updates)}});

        // Every ticket and the probability-mean ensemble (spec §6.1), robustness and OoD (ticket_evaluation.h).
        load_ticket_states(options.checkpoint_dir, tickets);
        evaluation.layers = layers;
        evaluation.ever_active = ever_active;
        evaluation.mask_updates = mask_updates;
        evaluation.grid = live.grid() ? &*live.grid() : nullptr;
        evaluation.step = last_step;
        evaluation.seconds = seconds;
        evaluation.threads = threads;
        auto summary = evaluate_tickets(ctx, tickets, evaluation);
        summary["run"]["live_eval_seconds"] = live.seconds();  // this session's; part of run.seconds
        sink.on_event(RunFinished{"finished", "", seconds, summary.dump()});
        return summary;
    } catch (const std::exception& e) {
        const double seconds = seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        sink.on_event(RunFinished{"failed", e.what(), seconds});
        throw;
    }
}

}  // namespace ft
