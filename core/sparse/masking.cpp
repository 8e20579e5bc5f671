// SPDX-License-Identifier: GPL-3.0-or-later
// Masking: initial masks and the DST update (spec §1, §2.2).
#include "sparse/masking.h"

#include <stdexcept>

#include <torch/utils.h>

#include "sparse/mask_ops.h"

namespace ft {

Masking::Masking(const std::vector<MaskableLayer>& layers, const SparseConfig& config) : config_(config) {
    std::vector<Shape> shapes;
    for (const auto& l : layers) shapes.push_back(l.weight.sizes().vec());
    const auto allocation = allocate_density(config.init, shapes, config.density, config.erk_power_scale);
    for (size_t i = 0; i < layers.size(); ++i) {
        layers_.push_back({layers[i].name, layers[i].weight, torch::ones_like(layers[i].weight),
                           torch::ones_like(layers[i].weight, torch::kBool), allocation.density[i],
                           allocation.density[i] >= 1.0, layers[i].macs_per_weight});
    }
}

void Masking::init_random() {
    torch::NoGradGuard no_grad;
    for (auto& l : layers_) {
        l.mask = l.allocated_dense
                     ? torch::ones_like(l.weight)
                     : sample_mask(l.weight.sizes().vec(), l.target_density, config_.exact_count, l.weight.options());
        l.ever_active = l.mask != 0;
    }
    ++generation_;
    apply();
}

void Masking::init_global_magnitude(double density) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> all;
    for (const auto& l : layers_) all.push_back(l.weight.detach().abs().flatten());
    const auto pooled = torch::cat(all);
    const auto keep = static_cast<int64_t>(double(pooled.numel()) * density);  // int(N * (1 - PF_rate))
    if (keep <= 0) throw std::invalid_argument("global magnitude pruning would keep no weight");
    const auto threshold = std::get<0>(pooled.topk(keep)).min();
    for (auto& l : layers_) {
        l.mask = (l.weight.detach().abs() >= threshold).to(l.weight.scalar_type());
        l.ever_active = l.mask != 0;
        l.allocated_dense = false;
        l.target_density = l.mask.mean().item<double>();
    }
    ++generation_;
    apply();
}

void Masking::set_masks(const std::vector<torch::Tensor>& masks) {
    if (masks.size() != layers_.size()) throw std::invalid_argument("checkpoint holds a different number of masks");
    for (size_t i = 0; i < masks.size(); ++i) {
        if (masks[i].sizes() != layers_[i].weight.sizes())
            throw std::invalid_argument("checkpoint mask of layer " + layers_[i].name + " has a different shape");
        layers_[i].mask = masks[i].to(layers_[i].weight.device(), layers_[i].weight.scalar_type());
        layers_[i].ever_active = layers_[i].mask != 0;
    }
    ++generation_;
}

void Masking::set_ever_active(const std::vector<torch::Tensor>& ever) {
    if (ever.size() != layers_.size()) throw std::invalid_argument("checkpoint holds a different number of masks");
    for (size_t i = 0; i < ever.size(); ++i) layers_[i].ever_active = ever[i].to(layers_[i].weight.device()) != 0;
}

void Masking::note_active() {
    for (auto& l : layers_) or_active_into(l.ever_active, l.mask);
}

double Masking::ever_active_fraction() const {
    int64_t ever = 0, total = 0;
    for (const auto& l : layers_) {
        ever += count_active(l.ever_active);  // count_nonzero: summing bools converts them to int64 first
        total += l.mask.numel();
    }
    return total > 0 ? double(ever) / double(total) : 0.0;
}

void Masking::apply(const std::vector<torch::Tensor>& momentum_buffers) {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < layers_.size(); ++i) {
        layers_[i].weight.mul_(layers_[i].mask);
        if (config_.mask_momentum && i < momentum_buffers.size() && momentum_buffers[i].defined())
            momentum_buffers[i].mul_(layers_[i].mask);
    }
}

std::vector<LayerMaskChange> Masking::update(double rate, const std::vector<torch::Tensor>& momentum_buffers) {
    torch::NoGradGuard no_grad;
    ++generation_;
    std::vector<LayerMaskChange> changes(layers_.size());
    std::vector<torch::Tensor> before(layers_.size());
    // Phase A: prune every layer.
    for (size_t i = 0; i < layers_.size(); ++i) {
        auto& l = layers_[i];
        changes[i].name = l.name;
        changes[i].total = l.mask.numel();
        before[i] = l.mask;
        if (l.allocated_dense && !config_.update_dense_layers) continue;
        l.mask = prune_magnitude(l.weight, l.mask, rate);
        changes[i].pruned = count_switched_on(l.mask, before[i]);
    }
    // The reference zeroes pruned weights before growing, so a pruned-then-regrown weight restarts at 0
    // (spec §2.2, §10.5). Without it a weight that is pruned and regrown in the same update keeps its value.
    if (config_.reset_regrown) apply();
    // Phase B: grow back as many as each layer lost.
    for (size_t i = 0; i < layers_.size(); ++i) {
        auto& l = layers_[i];
        if (l.allocated_dense && !config_.update_dense_layers) {
            changes[i].active = count_active(l.mask);
            continue;
        }
        const int64_t k = changes[i].pruned;
        const auto pruned_mask = l.mask;
        if (l.allocated_dense && config_.growth != Growth::Random) {
            l.mask = torch::ones_like(l.mask);  // the reference re-activates ERK-dense layers fully
        } else if (config_.growth == Growth::Gradient) {
            if (!l.weight.grad().defined()) throw std::logic_error("gradient growth needs gradients: layer " + l.name);
            l.mask = grow_by_score(l.mask, l.weight.grad(), k);
        } else if (config_.growth == Growth::Momentum) {
            const bool has = i < momentum_buffers.size() && momentum_buffers[i].defined();
            l.mask = grow_by_score(l.mask, has ? momentum_buffers[i] : torch::zeros_like(l.weight), k);
        } else {
            l.mask = grow_random(l.mask, k);
        }
        changes[i].regrown = count_switched_on(pruned_mask, l.mask);
        changes[i].active = count_active(l.mask);
    }
    apply(momentum_buffers);
    note_active();
    return changes;
}

std::vector<torch::Tensor> Masking::masks() const {
    std::vector<torch::Tensor> out;
    for (const auto& l : layers_) out.push_back(l.mask);
    return out;
}

std::vector<torch::Tensor> Masking::masks_of(const std::vector<torch::Tensor>& params) const {
    std::vector<torch::Tensor> out(params.size());
    for (const auto& l : layers_)
        for (size_t i = 0; i < params.size(); ++i)
            if (params[i].is_same(l.weight)) out[i] = l.mask;
    return out;
}

int64_t Masking::active_count() const {
    int64_t n = 0;
    for (const auto& l : layers_) n += count_active(l.mask);
    return n;
}

int64_t Masking::total_count() const {
    int64_t n = 0;
    for (const auto& l : layers_) n += l.mask.numel();
    return n;
}

}  // namespace ft
