// SPDX-License-Identifier: GPL-3.0-or-later
// Diversity between ensemble members (spec §6.4): prediction disagreement, KL divergence over all ordered pairs,
// and mask distances. Plain C++ on probabilities [n x classes] and on bit masks.
#pragma once

#include <cstdint>
#include <vector>

namespace ft {

using Matrix = std::vector<std::vector<double>>;

// d_ij = 1 - (1/n) sum_x [argmax p_i(x) == argmax p_j(x)]; argmax ties go to the lowest class index.
Matrix disagreement_matrix(const std::vector<std::vector<float>>& member_probs, int64_t classes);
// KL_ij = (1/n) sum_x sum_c p_j(c|x) (log p_j(c|x) - log p_i(c|x)) = KL(p_j || p_i), as F.kl_div(log p_i, p_j,
// 'batchmean'); terms with p_j = 0 contribute 0.
Matrix kl_matrix(const std::vector<std::vector<float>>& member_probs, int64_t classes);
// Mean of the off-diagonal entries (the reference's printed average without its +0.001 bias); 0 when M < 2.
double mean_off_diagonal(const Matrix& m);

// Masks as packed bits (bit i of word i/64) over the same N positions.
struct MaskDistance {
    double hamming = 0;  // |a xor b| / N
    double jaccard = 0;  // |a and b| / |a or b|  (1 when both are empty)
};
MaskDistance mask_distance(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b, int64_t n);

}  // namespace ft
