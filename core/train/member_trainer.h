// SPDX-License-Identifier: GPL-3.0-or-later
// MemberTrainer: trains one network through the epochs of a stage of the run plan (run_plan.h), with masks or
// without, publishing events, capturing best-validation tickets and saving / restoring its full state. What the
// stages are is the method's business (core/train/methods/); the trainer only follows them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>
#include <nlohmann/json.hpp>

#include "data/batch_loader.h"
#include "data/dataset.h"
#include "ft/config/run_config.h"
#include "ft/train/events.h"
#include "ft/train/run_control.h"
#include "ft/train/run_plan.h"
#include "nn/model.h"
#include "sparse/masking.h"
#include "train/checkpoint.h"
#include "train/sgd.h"
#include "train/sparse_execution.h"
#include "train/summary.h"

namespace ft {

// What the whole run shares: config, plan, data, device, sinks.
struct RunContext {
    const RunConfig& config;
    const RunPlan& plan;
    const DatasetBundle& data;
    torch::Device device;
    EventSink& sink;
    RunControl& control;
    bool capture_masks = false;
};

// A captured ticket: the network state of its best epoch.
struct Ticket {
    int64_t index = -1;
    int64_t epoch = 0, step = 0;
    double val_accuracy = 0;
    std::string reason;
    TensorMap state;  // params, buffers, masks
};

// Whether building a trainer seeds the random generators with its seed (a network that trains: weight init, mask
// sampling), or leaves every generator, the CPU's and the device's, where it was (a network that only evaluates
// tickets while another one trains, whose random stream must not change).
enum class Seeding { Reseed, KeepGenerators };

class MemberTrainer {
public:
    // KeepGenerators builds the network on the CPU and puts the CPU generator back, and touches no device
    // generator; it needs sparse = false (mask sampling would draw on the device).
    MemberTrainer(RunContext& ctx, int64_t member, int64_t seed, bool sparse, Seeding seeding = Seeding::Reseed);

    // Runs `stage` from where it stands (epoch 0 or a resumed position). Returns false when cancelled (the
    // caller then checkpoints). Finished tickets are handed to on_ticket. on_checkpoint is called where a
    // checkpoint may be written: at every epoch end with false, and with true where one must be: a requested
    // checkpoint, and the end of a phase (a ticket done, an EDST exploration, the stage's last epoch).
    bool run(const StagePlan& stage, const std::function<void(Ticket&&)>& on_ticket,
             const std::function<void(bool must)>& on_checkpoint);

    // Makes the network sparse by global magnitude (PF) and freezes the mask.
    void prune_globally(double density);
    // Restores the best-validation state of the finished stage (PF pretraining).
    void restore_best();
    // Starts a new stage: resets epoch position and best-validation bookkeeping.
    void begin_stage();
    // Empties the optimizer's momentum buffers, as a newly built optimizer would have them.
    void reset_optimizer() { sgd_->reset_momentum(); }

    // Called at the end of every epoch, after its EpochEnd event, with the number of epochs this member has
    // trained over all stages (live evaluation cadence).
    void set_epoch_hook(std::function<void(int64_t epochs_done)> hook) { epoch_hook_ = std::move(hook); }
    // Consecutive mask-update distances of this member so far (checkpointed).
    const std::vector<MaskUpdateDistance>& mask_update_distances() const { return mask_distances_; }

    // The network, its sparse layers in step with the masks (sparse.execution = sparse).
    Model& model() {
        sync_sparse_execution();
        return *model_;
    }
    // Builds the sparse patterns now (sparse.execution = auto: decides, or keeps the decisions restore() brought
    // back), so that layer_info() tells the path each layer takes before the first step. A network prepared so is
    // one that trains: it logs auto's decisions (the ones that only evaluate tickets decide quietly).
    void prepare_execution() {
        tell_execution_ = true;
        sync_sparse_execution();
    }
    int64_t step() const { return step_; }  // iterations over all stages so far
    Masking* masking() { return masking_.get(); }
    std::vector<LayerInfo> layer_info() const;
    int64_t steps_per_epoch() const { return train_loader_.batches_per_epoch(); }

    // Full state for checkpoints, and its restoration.
    nlohmann::json state_meta() const;
    nlohmann::json mask_distances_json() const;  // [[step, hamming, jaccard], ...]
    TensorMap state_tensors() const;
    void restore(const nlohmann::json& meta, const TensorMap& tensors);

    // The network's tensors (params, buffers, masks) under stable names.
    TensorMap network_state() const;
    void load_network_state(const TensorMap& state);

private:
    void publish_initial_mask();
    void publish_mask_update(const std::vector<LayerMaskChange>& changes, int64_t epoch, double rate, bool exploration);
    void finish_ticket(int64_t ticket, Phase phase, const std::function<void(Ticket&&)>& on_ticket);
    std::vector<torch::Tensor> layer_momentum();
    void remember_masks();
    // sparse.execution = sparse or auto: rebuilds the compressed pattern of each masked Linear layer that runs
    // sparse when the masks changed since the last call (auto: after deciding for the layers whose density is new).
    void sync_sparse_execution();

    RunContext& ctx_;
    int64_t member_, seed_;
    std::shared_ptr<Model> model_;
    std::unique_ptr<Masking> masking_;
    std::unique_ptr<MomentumSgd> sgd_;
    std::vector<std::string> param_names_;
    int64_t sparse_generation_ = -1;  // the masks' generation the model's sparse patterns were built from
    ExecutionChooser chooser_;        // sparse.execution = auto: the path of each layer (checkpointed)
    bool tell_execution_ = false;     // log auto's decisions (prepare_execution)
    BatchLoader train_loader_;
    std::optional<BatchLoader> val_loader_;

    // Position (checkpointed).
    int64_t step_ = 0;        // iterations over all stages of this member (drives ΔT, as the reference's global t)
    int64_t stage_step_ = 0;  // iterations within the stage (drives the cosine prune rate and the stop fraction)
    int64_t epoch_ = 0;       // epochs completed in the current stage
    int64_t batch_in_epoch_ = 0;
    double epoch_loss_sum_ = 0, epoch_correct_ = 0;
    int64_t epoch_seen_ = 0;
    double best_val_ = 0;
    double last_val_accuracy_ = 0;  // of the last finished epoch (not checkpointed: set again by every epoch)
    bool have_best_ = false;
    TensorMap best_state_;  // best-validation state of the open ticket window
    nlohmann::json best_meta_;
    int64_t epochs_in_loader_ = 0;  // loader epochs consumed over all stages (distinct data order per epoch)
    std::function<void(int64_t)> epoch_hook_;
    std::vector<std::vector<uint64_t>> previous_bits_;  // the masks after the latest update, packed (pack_mask)
    std::vector<MaskUpdateDistance> mask_distances_;
};

}  // namespace ft
