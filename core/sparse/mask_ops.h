// SPDX-License-Identifier: GPL-3.0-or-later
// The prune and grow rules of one layer (spec §2.2), as pure tensor functions so each can be tested alone.
// Masks are float tensors of 0/1 with the weight's shape.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace ft {

// Magnitude pruning, the reference's rule: with a = nnz(mask), z = N - a, r = ceil(rate * a), the threshold is
// the (z + r)-th smallest |w| over all N entries; the new mask keeps |w| > threshold (strict, so ties at the
// threshold go too). r == 0 returns (w != 0). Selects, never sorts: on contiguous CPU float tensors by counting
// (radix_select.h), elsewhere with kthvalue; the same mask either way.
torch::Tensor prune_magnitude(const torch::Tensor& weight, const torch::Tensor& mask, double rate);

// Activates the k inactive positions with the largest score (|gradient| or |momentum|). Active positions are
// never candidates, so exactly min(k, #inactive) positions are added even where scores tie at zero. On contiguous
// CPU float tensors the ties at the k-th score go to the lowest indices (as the first k of a stable descending
// sort); elsewhere topk chooses among them.
torch::Tensor grow_by_score(const torch::Tensor& mask, const torch::Tensor& score, int64_t k);

// SET-style random growth as the reference: every inactive position is activated with probability
// k / #inactive (Bernoulli, so the count is k only in expectation). Draws from the global torch generator.
torch::Tensor grow_random(const torch::Tensor& mask, int64_t k);

// Bernoulli(density) mask, or with exact = true exactly round(density * N) positions chosen uniformly.
torch::Tensor sample_mask(const std::vector<int64_t>& shape, double density, bool exact,
                          const torch::TensorOptions& options);

// Active positions of a mask (its nonzero entries).
int64_t count_active(const torch::Tensor& mask);
// Positions inactive in `before` and active in `after` (swap the arguments for those switched off).
int64_t count_switched_on(const torch::Tensor& before, const torch::Tensor& after);

// ever |= (mask != 0), for a bool `ever` of the mask's size.
void or_active_into(torch::Tensor& ever, const torch::Tensor& mask);

// Packs a mask's active positions into 64-bit words, bit i of word i/64 (LSB first), in row-major order.
std::vector<uint64_t> pack_mask(const torch::Tensor& mask);

// Positions set in both packed masks (pack_mask's words), and in either: a mask update reports how far the masks
// moved from these counts (member_trainer.cpp).
struct MaskOverlap {
    int64_t both = 0, either = 0;
};
MaskOverlap bits_overlap(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

}  // namespace ft
