// SPDX-License-Identifier: GPL-3.0-or-later
// Sparse execution wired into a training loop (sparse.execution = sparse or auto; ARCHITECTURE.md "Sparse
// execution"): the masked Linear and Conv2d layers chosen multiply with the compressed form of their current masks,
// and the optimizer steps only their active weights. Private to core (torch).
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "nn/model.h"
#include "sparse/masking.h"
#include "train/sgd.h"

namespace ft {

// Whether maskable layer i can run sparse at all: a Linear or plain Conv2d layer (MaskableLayer::sparse_capable)
// that the allocation left sparse. The layers the allocation made dense stay masked.
bool can_run_sparse(Model& model, const Masking& masking, size_t i);

// Call whenever the masks changed (Masking::generation), before the next forward pass: rebuilds the pattern of each
// layer i with sparse[i] (empty: every layer that can_run_sparse), points the optimizer at its active positions
// and zeroes the momentum of the weights the update made inactive (the dense step with mask_momentum would zero it
// at its next step); the other layers go back to the dense product. `sgd` may be null (evaluation only).
void use_sparse_execution(Model& model, const Masking& masking, MomentumSgd* sgd, const std::vector<bool>& sparse = {});

// What sparse.execution = auto measured for one layer: the fastest of a few forward and backward passes of each
// path, at `batch` rows and the calling thread's torch thread count, with constant inputs (no random draw, so the
// run's random stream is untouched). The backward pass computes grad-input only when `input_grad` (every layer
// but the first). Chooses sparse only when it is at least 5% faster: within that, timing noise could pick either.
struct ExecutionTiming {
    double masked_seconds = 0, sparse_seconds = 0;
    bool sparse = false;
};
ExecutionTiming time_layer_execution(const MaskableLayer& layer, const torch::Tensor& mask, int64_t batch,
                                     bool input_grad);
// The same for a Linear layer with a bias, known by its weight alone.
ExecutionTiming time_linear_execution(const torch::Tensor& weight, const torch::Tensor& mask, int64_t batch,
                                      bool input_grad);

// sparse.execution = auto: which layers run sparse. Each layer that can is timed (time_linear_execution) when its
// density is first met and again when it moved by more than a tenth (PF's pruning; DST keeps each layer's count).
// The decisions are checkpointed, so a resumed run multiplies as the uninterrupted one did.
class ExecutionChooser {
public:
    struct Layer {
        bool sparse = false;
        double density = -1;  // the density it was decided at; -1: not decided (or cannot run sparse)
        double masked_seconds = 0, sparse_seconds = 0;
    };
    // Decides for the layers whose density is new at `batch` rows; returns the indices decided now.
    std::vector<size_t> decide(Model& model, const Masking& masking, int64_t batch);
    // Per maskable layer: runs sparse.
    std::vector<bool> sparse_layers() const;
    const std::vector<Layer>& layers() const { return layers_; }
    // [[sparse, density, masked_seconds, sparse_seconds], ...]; from_json throws std::runtime_error on another
    // shape.
    nlohmann::json to_json() const;
    void from_json(const nlohmann::json& json);

private:
    std::vector<Layer> layers_;
};

}  // namespace ft
