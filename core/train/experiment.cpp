// run_experiment: builds each method of spec §3-§5 from MemberTrainer stages, checkpoints, evaluates the tickets
// and the ensemble, and returns the summary.
#include "ft/train/experiment.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "ft/config/config_json.h"
#include "ft/config/validation.h"
#include "ft/train/schedules.h"
#include "train/device.h"
#include "train/evaluator.h"
#include "train/member_trainer.h"
#include "train/summary.h"

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
            if (resume_meta.at("config") != config_to_json(config))
                throw std::runtime_error(options.checkpoint_dir + "/state.json: saved for a different config");
            seconds_before = resume_meta.value("seconds", 0.0);
        }

        const DatasetBundle data = load_dataset(config.data, uint64_t(member_seed(config, 0)));
        RunContext ctx{config, data, device, sink, control, sink.wants_masks()};

        std::vector<Ticket> tickets(static_cast<size_t>(M));  // state is dropped once written to disk; kept in memory otherwise
        std::vector<bool> have_ticket(static_cast<size_t>(M), false);
        int64_t first_run = 0, first_stage = 0;
        std::vector<double> ever_active;  // per finished training run: share of weights ever active (ITOP rate)
        if (options.resume) {
            first_run = resume_meta.at("run_member");
            first_stage = resume_meta.at("stage");
            ever_active = resume_meta.value("ever_active", std::vector<double>{});
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
                started_event = true;
            }
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
                    TensorMap tensors = trainer.state_tensors();
                    tensors["rng.cpu"] = cpu_rng_state();
                    save_checkpoint(options.checkpoint_dir, "state", meta, tensors);
                    sink.on_event(Checkpointed{options.checkpoint_dir, r, trainer.state_meta().value("epoch", int64_t{0}),
                                               trainer.state_meta().value("step", int64_t{0})});
                };
                auto on_ticket = [&](Ticket&& t) {
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
            if (trainer.masking()) ever_active.push_back(trainer.masking()->ever_active_fraction());
        }

        const double seconds = seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (status == "cancelled") {
            sink.on_event(RunFinished{"cancelled", "", seconds});
            return summary_json(config, layers, {}, {}, "cancelled", seconds, threads, device.str());
        }

        // Evaluate every ticket on the test set, then the probability-mean ensemble (spec §6.1).
        MemberTrainer evaluator(ctx, 0, member_seed(config, 0), false);  // masks come with each ticket's state
        if (layers.empty()) layers = evaluator.layer_info();
        const auto labels = labels_of(data.test);
        const BinningOptions bins{config.eval.ece_bins, config.eval.true_bins};
        std::vector<std::vector<float>> member_probs;
        std::vector<MemberResult> members;
        std::vector<std::vector<std::vector<uint64_t>>> ticket_masks;  // [ticket][layer] packed bits
        for (int64_t k = 0; k < M; ++k) {
            Ticket& t = tickets[size_t(k)];
            if (t.state.empty()) {
                nlohmann::json meta;
                if (!load_checkpoint(options.checkpoint_dir, "ticket-" + std::to_string(k), meta, t.state))
                    throw std::runtime_error("ticket " + std::to_string(k) + " was never written");
                t.index = k;
                t.epoch = meta.value("epoch", int64_t{0});
                t.step = meta.value("step", int64_t{0});
                t.val_accuracy = meta.value("val_accuracy", 0.0);
                t.reason = meta.value("reason", std::string());
            }
            evaluator.load_network_state(t.state);
            member_probs.push_back(predict_probabilities(evaluator.model(), data.test, config.train.test_batch_size, device));
            MemberResult m;
            m.index = k;
            m.seed = config.method == Method::Edst ? member_seed(config, 0) : member_seed(config, k);
            m.epoch = t.epoch;
            m.val_accuracy = t.val_accuracy;
            m.test = classification_metrics(member_probs.back(), labels, data.classes, bins);
            if (evaluator.masking()) {
                ticket_masks.emplace_back();
                for (const auto& l : evaluator.masking()->layers()) {
                    m.layer_density.push_back(l.mask.mean().item<double>());
                    ticket_masks.back().push_back(pack_mask(l.mask));
                }
            }
            sink.on_event(EvalReport{k, "test", m.test, {}, {}});
            members.push_back(std::move(m));
        }
        EnsembleResult ensemble;
        ensemble.test = classification_metrics(mean_probabilities(member_probs), labels, data.classes, bins);
        if (M >= 2) {
            ensemble.disagreement = disagreement_matrix(member_probs, data.classes);
            ensemble.kl = kl_matrix(member_probs, data.classes);
            if (ticket_masks.size() == size_t(M)) ensemble.masks = ticket_mask_distances(ticket_masks, layers);
        }
        ensemble.ever_active = ever_active;
        sink.on_event(EvalReport{-1, "test", ensemble.test, ensemble.disagreement, ensemble.kl});
        sink.on_event(RunFinished{"finished", "", seconds});
        auto summary = summary_json(config, layers, members, ensemble, "finished", seconds, threads, device.str());
        return summary;
    } catch (const std::exception& e) {
        const double seconds = seconds_before + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        sink.on_event(RunFinished{"failed", e.what(), seconds});
        throw;
    }
}

}  // namespace ft
