// SPDX-License-Identifier: GPL-3.0-or-later
// Masking: the masks of one model and the DST step on them (spec §1, §2). Private to core (includes torch).
// Every masked layer sits behind the same interface (weight, mask, counts), so a real sparse execution path can
// replace the masked dense product later without touching the methods.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "ft/config/run_config.h"
#include "ft/sparse/density_allocation.h"
#include "nn/model.h"

namespace ft {

struct MaskedLayer {
    std::string name;
    torch::Tensor weight;       // the model's parameter
    torch::Tensor mask;         // float 0/1, same shape and device as weight
    torch::Tensor ever_active;  // bool: positions active at any time so far (in-time over-parameterisation)
    double target_density;      // d_l of the allocation
    bool allocated_dense;       // the allocation made this layer dense (d_l == 1)
    int64_t macs_per_weight = 1;
};

struct LayerMaskChange {
    std::string name;
    int64_t pruned = 0;   // active before, inactive after pruning
    int64_t regrown = 0;  // activated by growth (including positions pruned in the same update)
    int64_t active = 0;   // active after the update
    int64_t total = 0;
};

class Masking {
public:
    Masking(const std::vector<MaskableLayer>& layers, const SparseConfig& config);

    // Samples the initial masks with the allocation of config.init (global torch generator) and zeroes the masked
    // weights. Surviving weights keep their values (no rescaling, spec §1.2).
    void init_random();
    // PF (spec §1.3 "pruning"): global magnitude pruning to `density`; keeps |w| >= the k-th largest (ties keep).
    void init_global_magnitude(double density);
    // Restores masks saved earlier (checkpoint), in layer order.
    void set_masks(const std::vector<torch::Tensor>& masks);
    // Restores the ever-active record (checkpoint); set_masks resets it to the given masks.
    void set_ever_active(const std::vector<torch::Tensor>& ever);

    // w <- w * m; also the momentum buffers when config.mask_momentum (undefined buffers are skipped).
    void apply(const std::vector<torch::Tensor>& momentum_buffers = {});

    // One prune-and-grow update at `rate` (spec §2.2): per layer, magnitude prune then grow by the config's rule.
    // gradients / momentum: per layer, the scores for gradient / momentum growth.
    std::vector<LayerMaskChange> update(double rate, const std::vector<torch::Tensor>& momentum_buffers);

    const std::vector<MaskedLayer>& layers() const { return layers_; }
    std::vector<torch::Tensor> masks() const;
    // The current mask of each of `params` (an optimizer's parameter list), undefined where a parameter is not
    // a masked weight (biases, BN): what MomentumSgd::step applies after its update.
    std::vector<torch::Tensor> masks_of(const std::vector<torch::Tensor>& params) const;
    int64_t active_count() const;
    // Changes whenever the masks change (init, set_masks, update): what a compressed copy of them is checked
    // against.
    int64_t generation() const { return generation_; }
    int64_t total_count() const;
    // Share of maskable weights that have been active at some point since the masks were set (ITOP rate).
    double ever_active_fraction() const;

private:
    void note_active();
    std::vector<MaskedLayer> layers_;
    SparseConfig config_;
    int64_t generation_ = 0;
};

}  // namespace ft
