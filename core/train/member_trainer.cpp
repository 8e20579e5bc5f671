// SPDX-License-Identifier: GPL-3.0-or-later
// MemberTrainer: the per-iteration order of spec §2.1 and the end-of-epoch bookkeeping of spec §3 and §4.1.
#include "train/member_trainer.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include "ft/train/schedules.h"
#include "sparse/mask_ops.h"
#include "train/evaluator.h"
#include "train/sparse_execution.h"

namespace ft {

namespace {

Augmentation validation_augmentation(const RunContext& ctx) {
    // The reference validates with the training transform (spec §10.12); the switch turns that off.
    Augmentation a = ctx.data.augmentation;
    if (!ctx.config.data.validation_augmentation) a.enabled = false;
    return a;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

MemberTrainer::MemberTrainer(RunContext& ctx, int64_t member, int64_t seed, bool sparse, Seeding seeding)
    : ctx_(ctx),
      member_(member),
      seed_(seed),
      train_loader_(ctx.data.train, ctx.config.train.batch_size, true, ctx.data.augmentation, uint64_t(seed)) {
    if (sparse && seeding == Seeding::KeepGenerators)
        throw std::logic_error("MemberTrainer: a sparse network samples its masks and cannot keep the generators");
    // The seed drives weight init, mask sampling and (through the loaders) the data order (spec §3). Without
    // reseeding, manual_seed's reseeding of every CUDA generator is avoided too: the network is built on the CPU,
    // which draws only from the CPU generator, and that is put back.
    torch::Tensor cpu_generator;
    if (seeding == Seeding::Reseed)
        torch::manual_seed(uint64_t(seed));
    else
        cpu_generator = cpu_rng_state();
    model_ = make_model(ctx.config.model, ctx.data.input_shape, ctx.data.classes);
    if (cpu_generator.defined()) set_cpu_rng_state(cpu_generator);
    model_->to(ctx.device);
    model_->train();
    if (ctx.data.validation.size() > 0)
        val_loader_.emplace(ctx.data.validation, ctx.config.train.test_batch_size, false, validation_augmentation(ctx),
                            uint64_t(seed) ^ 0x5eedULL);
    std::vector<torch::Tensor> params;
    for (const auto& p : model_->named_parameters()) {
        param_names_.push_back(p.key());
        params.push_back(p.value());
    }
    sgd_ = std::make_unique<MomentumSgd>(params, ctx.config.train.lr, ctx.config.train.momentum,
                                         ctx.config.train.weight_decay);
    if (sparse) {
        masking_ = std::make_unique<Masking>(model_->maskable_layers(), ctx.config.sparse);
        masking_->init_random();
        publish_initial_mask();
    }
}

std::vector<LayerInfo> MemberTrainer::layer_info() const {
    std::vector<LayerInfo> out;
    const auto& layers = model_->maskable_layers();
    for (size_t i = 0; i < layers.size(); ++i) {
        LayerInfo info{layers[i].name, layers[i].weight.sizes().vec(), 1.0, layers[i].macs_per_weight};
        if (masking_) info.target_density = masking_->layers()[i].target_density;
        // The path the layer runs now (auto decides in prepare_execution, before the run is announced).
        if (masking_ && can_run_sparse(*model_, *masking_, i)) {
            const auto mode = ctx_.config.sparse.execution;
            const bool sparse =
                mode == SparseExecution::Sparse ||
                (mode == SparseExecution::Auto && i < chooser_.layers().size() && chooser_.layers()[i].sparse);
            info.execution = sparse ? SparseExecution::Sparse : SparseExecution::Masked;
        }
        out.push_back(info);
    }
    return out;
}

std::vector<torch::Tensor> MemberTrainer::layer_momentum() {
    // Buffers of the maskable weights, in layer order (for momentum growth and momentum masking).
    std::vector<torch::Tensor> out;
    if (!masking_) return out;
    const auto& params = sgd_->params();
    for (const auto& l : masking_->layers()) {
        torch::Tensor buf;
        for (size_t i = 0; i < params.size(); ++i)
            if (params[i].is_same(l.weight)) buf = sgd_->buffers()[i];
        out.push_back(buf);
    }
    return out;
}

void MemberTrainer::sync_sparse_execution() {
    const SparseExecution mode = ctx_.config.sparse.execution;
    if (!masking_ || mode == SparseExecution::Masked) return;
    if (masking_->generation() == sparse_generation_) return;
    if (mode == SparseExecution::Sparse) {
        if (ctx_.device.type() != torch::kCPU)
            throw std::runtime_error("sparse.execution = \"sparse\" runs on the CPU; this run is on " +
                                     ctx_.device.str() + " (set sparse.execution = \"masked\")");
        use_sparse_execution(*model_, *masking_, sgd_.get());
        sparse_generation_ = masking_->generation();
        return;
    }
    sparse_generation_ = masking_->generation();
    // auto: the sparse path needs the CPU and masked momentum (validation explains why for "sparse"; the run loop
    // says it once when the run is announced).
    if (ctx_.device.type() != torch::kCPU || !ctx_.config.sparse.mask_momentum) return;
    const auto& layers = model_->maskable_layers();
    for (size_t i : chooser_.decide(*model_, *masking_, ctx_.config.train.batch_size)) {
        if (!tell_execution_) continue;
        const auto& l = chooser_.layers()[i];
        char text[200];
        std::snprintf(text, sizeof text, "%s at density %.3f: %.3f ms sparse, %.3f ms masked per step: runs %s",
                      layers[i].name.c_str(), l.density, l.sparse_seconds * 1e3, l.masked_seconds * 1e3,
                      l.sparse ? "sparse" : "masked");
        ctx_.sink.on_event(LogLine{LogLine::Info, "member " + std::to_string(member_) + ": " + text});
    }
    use_sparse_execution(*model_, *masking_, sgd_.get(), chooser_.sparse_layers());
}

void MemberTrainer::remember_masks() {
    previous_bits_.clear();
    for (const auto& l : masking_->layers()) previous_bits_.push_back(pack_mask(l.mask));
}

void MemberTrainer::publish_initial_mask() {
    remember_masks();
    MaskUpdate update{member_, step_, 0, 0.0, false, true, masking_->ever_active_fraction(), {}};
    const auto& layers = masking_->layers();
    for (size_t i = 0; i < layers.size(); ++i) {
        LayerUpdate lu{layers[i].name, 0, 0, count_active(layers[i].mask), layers[i].mask.numel(), {}};
        if (ctx_.capture_masks) lu.bits = previous_bits_[i];
        update.layers.push_back(std::move(lu));
    }
    ctx_.sink.on_event(update);
}

void MemberTrainer::publish_mask_update(const std::vector<LayerMaskChange>& changes, int64_t epoch, double rate,
                                        bool exploration) {
    MaskUpdate update{member_, step_, epoch, rate, exploration, false, masking_->ever_active_fraction(), {}};
    // Each mask is packed once, and the packed bits serve the distance to the last update, the next update's
    // distance and the store's capture: on the 784-6000-6000-10 MLP a float mask is 144 MB, which was read once for
    // the distance, once to remember it (as a 36 MB bool copy) and once to pack it.
    const auto& layers = masking_->layers();
    std::vector<std::vector<uint64_t>> bits;
    for (const auto& l : layers) bits.push_back(pack_mask(l.mask));
    if (previous_bits_.size() == bits.size()) {
        int64_t both = 0, either = 0, total = 0;
        for (size_t i = 0; i < layers.size(); ++i) {
            const MaskOverlap o = bits_overlap(bits[i], previous_bits_[i]);
            both += o.both;
            either += o.either;
            total += layers[i].mask.numel();
        }
        // Hamming: the positions in one of the two masks and not both.
        mask_distances_.push_back({step_, total > 0 ? double(either - both) / double(total) : 0.0,
                                   either > 0 ? double(both) / double(either) : 1.0});
    }
    for (size_t i = 0; i < changes.size(); ++i) {
        LayerUpdate lu{changes[i].name, changes[i].pruned, changes[i].regrown, changes[i].active, changes[i].total, {}};
        if (ctx_.capture_masks) lu.bits = bits[i];
        update.layers.push_back(std::move(lu));
    }
    previous_bits_ = std::move(bits);
    ctx_.sink.on_event(update);
}

void MemberTrainer::begin_stage() {
    epoch_ = 0;
    stage_step_ = 0;
    batch_in_epoch_ = 0;
    epoch_loss_sum_ = epoch_correct_ = 0;
    epoch_seen_ = 0;
    best_val_ = 0;
    have_best_ = false;
    best_state_.clear();
    best_meta_ = nlohmann::json();
}

bool MemberTrainer::run(const StagePlan& stage, const std::function<void(Ticket&&)>& on_ticket,
                        const std::function<void(bool must)>& on_checkpoint) {
    const auto& cfg = ctx_.config;
    const auto epochs = int64_t(stage.epochs.size());
    const int64_t total_stage_steps = epochs * train_loader_.batches_per_epoch();
    const auto stop_step = static_cast<int64_t>(std::floor(cfg.sparse.stop_fraction * double(total_stage_steps)));
    if (epochs == 0) return true;
    if (epoch_ == 0 && batch_in_epoch_ == 0)
        ctx_.sink.on_event(PhaseChange{member_, step_, 1, stage.epochs[0].phase, stage.epochs[0].ticket});

    while (epoch_ < epochs) {
        const int64_t e = epoch_ + 1;
        const EpochPlan& plan = stage.epochs[size_t(e - 1)];
        const auto t0 = std::chrono::steady_clock::now();
        const double lr = plan.lr;
        if (lr != sgd_->lr() || (epoch_ == 0 && batch_in_epoch_ == 0))
            ctx_.sink.on_event(LrChange{member_, step_, e, lr});
        sgd_->set_lr(lr);
        model_->train();
        train_loader_.start_epoch(epochs_in_loader_);
        torch::Tensor x, y;
        for (int64_t skip = 0; skip < batch_in_epoch_; ++skip) train_loader_.next(x, y);  // resumed mid-epoch

        while (train_loader_.next(x, y)) {
            if (ctx_.control.cancelled() || !ctx_.control.wait_while_paused()) return false;
            const auto step_start = std::chrono::steady_clock::now();
            x = x.to(ctx_.device);
            y = y.to(ctx_.device);
            sync_sparse_execution();
            // Gradient growth scores inactive weights by their gradient: the steps after which masks are updated
            // (every ΔT, and EDST's exploration at an epoch's end) compute the dense gradient (RigL's accounting).
            if (model_->sparse_layer_count() > 0) {
                const int64_t next = step_ + 1;
                const bool updates =
                    stage.dynamic_masks && next % cfg.sparse.update_frequency == 0 && stage_step_ + 1 <= stop_step;
                const bool explores = plan.explore_after && batch_in_epoch_ + 1 == train_loader_.batches_per_epoch();
                model_->set_dense_weight_grads(cfg.sparse.growth == Growth::Gradient && (updates || explores));
            }
            sgd_->zero_grad();
            auto logp = model_->forward(x);
            auto loss = torch::nll_loss(logp, y);  // models return log-softmax: this is cross-entropy (spec §2.1)
            loss.backward();
            // Masking.step of spec §2.1: optimizer step, then w <- w * m.
            sgd_->step(masking_ ? masking_->masks_of(sgd_->params()) : std::vector<torch::Tensor>{},
                       ctx_.config.sparse.mask_momentum);
            ++step_;
            ++stage_step_;
            ++batch_in_epoch_;
            const double batch_loss = loss.item<double>();
            const double batch_correct = double((logp.argmax(1) == y).sum().item<int64_t>());
            epoch_loss_sum_ += batch_loss * double(y.size(0));
            epoch_correct_ += batch_correct;
            epoch_seen_ += y.size(0);
            const double rate = prune_rate_at(cfg.sparse, stage_step_, total_stage_steps);
            if (masking_ && stage.dynamic_masks && step_ % cfg.sparse.update_frequency == 0 &&
                stage_step_ <= stop_step) {
                publish_mask_update(masking_->update(rate, layer_momentum()), e, rate, false);
            }
            ctx_.sink.on_event(StepMetrics{member_, step_, e, batch_loss, batch_correct / double(y.size(0)), lr,
                                           masking_ && stage.dynamic_masks ? rate : 0.0});
            if (ctx_.control.take_checkpoint_request()) on_checkpoint(true);
            const double max_rate = ctx_.control.max_steps_per_second();
            if (max_rate > 0) {
                const auto wanted = std::chrono::duration<double>(1.0 / max_rate);
                const auto spent = std::chrono::steady_clock::now() - step_start;
                if (spent < wanted) std::this_thread::sleep_for(wanted - spent);
            }
        }

        // End of epoch: validate, keep the best ticket candidate, then the schedule's action (spec §4.1 order).
        EpochEnd end{member_,
                     e,
                     step_,
                     epoch_seen_ ? epoch_loss_sum_ / double(epoch_seen_) : 0.0,
                     epoch_seen_ ? epoch_correct_ / double(epoch_seen_) : 0.0,
                     0,
                     0,
                     lr,
                     0};
        const bool has_val = val_loader_.has_value();
        if (has_val) {
            const auto v = evaluate_loader(model(), *val_loader_, epochs_in_loader_, ctx_.device);
            end.val_loss = v.loss;
            end.val_accuracy = v.accuracy;
        }
        last_val_accuracy_ = end.val_accuracy;
        const int64_t ticket = plan.ticket;
        const bool improved = !has_val || end.val_accuracy > best_val_ || !have_best_;
        if ((ticket >= 0 || stage.keep_best) && (!has_val || end.val_accuracy > best_val_)) {
            best_state_ = network_state();
            best_meta_ = {{"ticket", ticket},
                          {"epoch", e},
                          {"step", step_},
                          {"val_accuracy", end.val_accuracy},
                          {"reason", has_val ? "best validation accuracy" : "last epoch (no validation split)"}};
        }
        if (improved && has_val) best_val_ = std::max(best_val_, end.val_accuracy);
        have_best_ = true;
        ++epoch_;
        ++epochs_in_loader_;
        batch_in_epoch_ = 0;
        epoch_loss_sum_ = epoch_correct_ = 0;
        epoch_seen_ = 0;
        end.seconds = seconds_since(t0);
        ctx_.sink.on_event(end);
        if (epoch_hook_) epoch_hook_(epochs_in_loader_);

        const EpochPlan* next = epoch_ < epochs ? &stage.epochs[size_t(e)] : nullptr;
        const int64_t next_ticket = next ? next->ticket : -2;
        if (ticket >= 0 && next_ticket != ticket) finish_ticket(ticket, plan.phase, on_ticket);
        if (plan.explore_after) {
            best_val_ = 0;
            if (masking_ && stage.dynamic_masks) {
                // Global exploration: the same layer-wise prune-and-regrow with the large rate q (spec §4.2); the
                // gradients are those of the epoch's last mini-batch.
                publish_mask_update(masking_->update(cfg.edst.exploration_rate, layer_momentum()), e,
                                    cfg.edst.exploration_rate, true);
            }
        }
        if (plan.reset_best_after) best_val_ = 0;
        // A new phase (EDST: the next refinement phase) is announced where its first epoch starts.
        if (next && next_ticket >= 0 && (next_ticket != ticket || next->phase != plan.phase))
            ctx_.sink.on_event(PhaseChange{member_, step_, e + 1, next->phase, next_ticket});
        const bool phase_end = !next || next_ticket != ticket || next->phase != plan.phase || plan.explore_after;
        on_checkpoint(phase_end);
    }
    return true;
}

void MemberTrainer::finish_ticket(int64_t ticket, Phase phase, const std::function<void(Ticket&&)>& on_ticket) {
    Ticket t;
    t.index = ticket;
    if (!best_state_.empty()) {
        t.state = std::move(best_state_);
        t.epoch = best_meta_.value("epoch", int64_t{0});
        t.step = best_meta_.value("step", int64_t{0});
        t.val_accuracy = best_meta_.value("val_accuracy", 0.0);
        t.reason = best_meta_.value("reason", std::string());
    } else {
        // The reference writes no file when no epoch of the phase beats best_val (spec §10.11); a workbench
        // ensemble needs every ticket, so the phase's last epoch stands in, and the log says so.
        t.state = network_state();
        t.epoch = epoch_;
        t.step = step_;
        t.val_accuracy = last_val_accuracy_;
        t.reason = "last epoch of the phase: no epoch beat the best validation accuracy so far";
        ctx_.sink.on_event(LogLine{LogLine::Warning, "ticket " + std::to_string(ticket) + " of phase \"" +
                                                         to_string(phase) + "\": " + t.reason});
    }
    best_state_.clear();
    best_meta_ = nlohmann::json();
    ctx_.sink.on_event(TicketCaptured{member_, ticket, t.step, t.epoch, t.val_accuracy, t.reason});
    on_ticket(std::move(t));
}

void MemberTrainer::prune_globally(double density) {
    if (!masking_) masking_ = std::make_unique<Masking>(model_->maskable_layers(), ctx_.config.sparse);
    masking_->init_global_magnitude(density);
    publish_initial_mask();
}

void MemberTrainer::restore_best() {
    if (best_state_.empty()) return;
    load_network_state(best_state_);
    ctx_.sink.on_event(LogLine{LogLine::Info, "member " + std::to_string(member_) + " continues from its best epoch " +
                                                  std::to_string(best_meta_.value("epoch", int64_t{0})) +
                                                  " (validation accuracy " +
                                                  std::to_string(best_meta_.value("val_accuracy", 0.0)) + ")"});
}

TensorMap MemberTrainer::network_state() const {
    TensorMap out;
    for (const auto& p : model_->named_parameters()) out["param." + p.key()] = p.value().detach().clone();
    for (const auto& b : model_->named_buffers()) out["buffer." + b.key()] = b.value().detach().clone();
    if (masking_)
        for (const auto& l : masking_->layers()) out["mask." + l.name] = l.mask.clone();
    return out;
}

void MemberTrainer::load_network_state(const TensorMap& state) {
    torch::NoGradGuard no_grad;
    auto take = [&](const std::string& key, torch::Tensor& target) {
        auto it = state.find(key);
        if (it == state.end()) throw std::runtime_error("saved state lacks " + key);
        target.copy_(it->second.to(target.device()));
    };
    for (auto& p : model_->named_parameters()) take("param." + p.key(), p.value());
    for (auto& b : model_->named_buffers()) take("buffer." + b.key(), b.value());
    bool has_masks = false;
    for (const auto& [k, v] : state) has_masks = has_masks || k.rfind("mask.", 0) == 0;
    if (has_masks) {
        if (!masking_) masking_ = std::make_unique<Masking>(model_->maskable_layers(), ctx_.config.sparse);
        std::vector<torch::Tensor> masks;
        for (const auto& l : masking_->layers()) {
            auto it = state.find("mask." + l.name);
            if (it == state.end()) throw std::runtime_error("saved state lacks mask." + l.name);
            masks.push_back(it->second);
        }
        masking_->set_masks(masks);
    }
}

nlohmann::json MemberTrainer::state_meta() const {
    return {{"member", member_},
            {"seed", seed_},
            {"step", step_},
            {"stage_step", stage_step_},
            {"epoch", epoch_},
            {"batch_in_epoch", batch_in_epoch_},
            {"epoch_loss_sum", epoch_loss_sum_},
            {"epoch_correct", epoch_correct_},
            {"epoch_seen", epoch_seen_},
            {"best_val", best_val_},
            {"have_best", have_best_},
            {"best_meta", best_meta_},
            {"epochs_in_loader", epochs_in_loader_},
            {"lr", sgd_->lr()},
            {"sparse", masking_ != nullptr},
            {"execution", chooser_.to_json()},
            {"mask_distances", mask_distances_json()}};
}

nlohmann::json MemberTrainer::mask_distances_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : mask_distances_) out.push_back({d.step, d.hamming, d.jaccard});
    return out;
}

TensorMap MemberTrainer::state_tensors() const {
    TensorMap out = network_state();
    for (size_t i = 0; i < param_names_.size(); ++i)
        if (sgd_->buffers()[i].defined()) out["momentum." + param_names_[i]] = sgd_->buffers()[i];
    for (const auto& [k, v] : best_state_) out["best." + k] = v;
    if (masking_)
        for (const auto& l : masking_->layers()) out["ever." + l.name] = l.ever_active;
    return out;
}

void MemberTrainer::restore(const nlohmann::json& meta, const TensorMap& tensors) {
    TensorMap network, best;
    for (const auto& [k, v] : tensors) {
        if (k.rfind("best.", 0) == 0)
            best[k.substr(5)] = v;
        else if (k.rfind("momentum.", 0) != 0 && k.rfind("ever.", 0) != 0)
            network[k] = v;
    }
    if (meta.at("sparse").get<bool>() && !masking_)
        masking_ = std::make_unique<Masking>(model_->maskable_layers(), ctx_.config.sparse);
    load_network_state(network);
    if (masking_) {
        std::vector<torch::Tensor> ever;
        for (const auto& l : masking_->layers()) {
            auto it = tensors.find("ever." + l.name);
            ever.push_back(it != tensors.end() ? it->second : l.mask);
        }
        masking_->set_ever_active(ever);
    }
    for (size_t i = 0; i < param_names_.size(); ++i) {
        auto it = tensors.find("momentum." + param_names_[i]);
        if (it != tensors.end()) sgd_->buffers()[i] = it->second.to(ctx_.device).clone();
    }
    best_state_.clear();
    for (auto& [k, v] : best) best_state_[k] = v.to(ctx_.device);
    step_ = meta.at("step");
    stage_step_ = meta.at("stage_step");
    epoch_ = meta.at("epoch");
    batch_in_epoch_ = meta.at("batch_in_epoch");
    epoch_loss_sum_ = meta.at("epoch_loss_sum");
    epoch_correct_ = meta.at("epoch_correct");
    epoch_seen_ = meta.at("epoch_seen");
    best_val_ = meta.at("best_val");
    have_best_ = meta.at("have_best");
    best_meta_ = meta.at("best_meta");
    epochs_in_loader_ = meta.at("epochs_in_loader");
    sgd_->set_lr(meta.at("lr"));
    mask_distances_.clear();
    for (const auto& d : meta.value("mask_distances", nlohmann::json::array()))
        mask_distances_.push_back({d.at(0).get<int64_t>(), d.at(1).get<double>(), d.at(2).get<double>()});
    if (masking_) remember_masks();
    // The decisions of auto as they were: timing again could choose otherwise and reassociate differently.
    if (meta.contains("execution")) chooser_.from_json(meta["execution"]);
    sparse_generation_ = -1;
}

}  // namespace ft
