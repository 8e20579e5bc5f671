// SPDX-License-Identifier: GPL-3.0-or-later
// use_sparse_execution (see sparse_execution.h).
#include "train/sparse_execution.h"

#include "nn/sparse_linear.h"

namespace ft {

void use_sparse_execution(Model& model, const Masking& masking, MomentumSgd* sgd) {
    const auto& layers = model.maskable_layers();
    for (size_t i = 0; i < layers.size(); ++i) {
        if (layers[i].kind != LayerKind::Linear) continue;
        // A layer the allocation made dense has nothing to skip: it keeps the dense product.
        if (masking.layers()[i].allocated_dense) continue;
        const torch::Tensor& mask = masking.layers()[i].mask;
        auto pattern = build_sparse_linear_pattern(mask);
        if (sgd) {
            const auto& params = sgd->params();
            for (size_t p = 0; p < params.size(); ++p) {
                if (!params[p].is_same(layers[i].weight)) continue;
                sgd->mask_buffer(p, mask);
                // The optimizer shares the pattern's position list (and keeps the pattern alive with it).
                sgd->set_active_positions(p, std::shared_ptr<const std::vector<int64_t>>(pattern, &pattern->flat));
            }
        }
        model.set_sparse_pattern(layers[i].name, std::move(pattern));
    }
}

}  // namespace ft
