// SPDX-License-Identifier: GPL-3.0-or-later
// Out-of-distribution detection metrics (spec §6.5). Plain C++, no torch.
//
// Scores are computed from predicted probabilities [n x classes] (row-major), e.g. the ensemble mean of §6.1.
// The detector's convention: in-distribution (ID) is the POSITIVE class. A score function is "higher_is_in" when a
// larger score means "more in-distribution" (maximum softmax probability); predictive entropy is the opposite
// (LOWER entropy means in-distribution), so it is passed with higher_is_in = false.
#pragma once

#include <cstdint>
#include <vector>

namespace ft {

// Per-row max_c p(c|x). Throws std::invalid_argument when classes < 1 or probs.size() is not a multiple of classes.
std::vector<double> max_softmax_probability(const float* probs, int64_t n, int64_t classes);
std::vector<double> max_softmax_probability(const std::vector<float>& probs, int64_t classes);

// Per-row H(p) = -sum_c p_c ln p_c (natural log); terms with p_c <= 0 contribute 0 (0 * log 0 = 0). NaN propagates.
// The uniform distribution gives ln(classes), a one-hot row gives 0. Same argument checks as above.
std::vector<double> predictive_entropy(const float* probs, int64_t n, int64_t classes);
std::vector<double> predictive_entropy(const std::vector<float>& probs, int64_t classes);

// Area under the ROC curve with in-distribution as the positive class:
//   AUROC = P(s_in > s_out) + 1/2 P(s_in == s_out)
// over all (in, out) pairs, i.e. the Mann-Whitney U statistic divided by n_in * n_out (ties count 1/2). Computed
// exactly (integer pair counts, one sort: O(n log n)). higher_is_in = false compares -s instead of s, so the result
// is 1 - AUROC(higher_is_in = true). 1 = perfect separation, 0.5 = chance (or identical distributions), 0 = reversed.
// Throws std::invalid_argument when either set is empty or a score is NaN.
double auroc(const std::vector<double>& in_scores, const std::vector<double>& out_scores, bool higher_is_in = true);

// FPR at a fixed TPR (default 95%): the share of OoD samples accepted as in-distribution at the STRICTEST threshold
// that still accepts at least a fraction `tpr` of the in-distribution samples.
//   A sample is accepted iff s >= t (higher_is_in; s <= t otherwise). Let k = ceil(tpr * n_in) (tpr * n_in is
//   first rounded to the nearest integer when it lies within 1e-9 of one, so 0.95 * 20 gives k = 19, not 20) and
//   t = the k-th largest in-distribution score. Then TPR(t) >= k / n_in >= tpr, and every stricter threshold
//   t' > t accepts fewer than k in-distribution samples, so t minimises the FPR under the TPR constraint.
//   FPR = #{out : s_out >= t} / n_out.
// Ties are handled conservatively: a threshold cannot split tied scores, so every OoD sample whose score EQUALS
// the threshold counts as accepted (a false positive), and the achieved TPR may exceed `tpr`.
// Throws std::invalid_argument when either set is empty, a score is NaN or tpr is not in (0, 1].
double fpr_at_tpr(const std::vector<double>& in_scores, const std::vector<double>& out_scores, double tpr = 0.95,
                  bool higher_is_in = true);

struct OodResult {
    double auroc_msp = 0;      // maximum softmax probability, higher = in-distribution
    double fpr95_msp = 0;      // FPR at 95% TPR, same score
    double auroc_entropy = 0;  // predictive entropy, LOWER = in-distribution
    double fpr95_entropy = 0;
};

// Both scores on in-distribution and OoD probabilities [n x classes]. Throws std::invalid_argument when either set
// is empty, classes < 1 or a size is not a multiple of classes.
OodResult ood_metrics(const std::vector<float>& in_probs, const std::vector<float>& out_probs, int64_t classes);

}  // namespace ft
