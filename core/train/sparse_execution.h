// SPDX-License-Identifier: GPL-3.0-or-later
// Sparse execution wired into a training loop (sparse.execution = sparse; ARCHITECTURE.md "Sparse execution"):
// the masked Linear layers multiply with the compressed form of their current masks, and the optimizer steps
// only their active weights. Private to core (torch).
#pragma once

#include "nn/model.h"
#include "sparse/masking.h"
#include "train/sgd.h"

namespace ft {

// Call whenever the masks changed (Masking::generation), before the next forward pass: rebuilds each masked
// Linear layer's pattern, points the optimizer at its active positions, and zeroes the momentum of the weights
// the update made inactive (the dense step with mask_momentum would zero it at its next step). Convolutions and the
// layers the allocation made dense stay masked. `sgd` may be null (evaluation only).
void use_sparse_execution(Model& model, const Masking& masking, MomentumSgd* sgd);

}  // namespace ft
