// SPDX-License-Identifier: GPL-3.0-or-later
// Classification metrics on predicted probabilities (plain C++, no torch): accuracy, NLL, Brier, ECE, MCE and
// reliability bins (spec §6.1, §6.2). Inputs are row-major probabilities [n x classes] and integer labels.
#pragma once

#include <cstdint>
#include <vector>

namespace ft {

struct BinningOptions {
    int64_t bins = 15;       // reference: the number of edges of linspace(0, 1, bins) -> bins - 1 usable bins
    bool true_bins = false;  // true: `bins` equal-width bins over [0, 1]
};

struct ReliabilityBin {
    double lo = 0, hi = 0;  // confidence interval (lo, hi] of the bin
    int64_t count = 0;
    double confidence = 0;  // mean max-probability of the samples in the bin (0 when empty)
    double accuracy = 0;    // share of correct predictions in the bin (0 when empty)
};

struct ClassificationMetrics {
    int64_t n = 0;
    double accuracy = 0;
    double nll = 0;    // -mean log p(y|x), natural log, no clamp (reference); +inf if some p(y|x) == 0
    double brier = 0;  // mean over samples of sum over classes (p_c - 1[c = y])^2
    double ece = 0;    // sum over bins |sum_i (a_i - conf_i)| / n
    double mce = 0;    // max over non-empty bins |accuracy - confidence|
    std::vector<ReliabilityBin> reliability;
};

// Bin edges as used for ECE: reference = linspace(0, 1, bins) (bins - 1 intervals plus the degenerate bin {0});
// true_bins = linspace(0, 1, bins + 1). A confidence c goes to the bin with lo < c <= hi (right-closed, as
// numpy.digitize(right=True)); c == 0 goes to the first bin.
std::vector<double> ece_bin_edges(const BinningOptions& options);

ClassificationMetrics classification_metrics(const float* probs, const int64_t* labels, int64_t n, int64_t classes,
                                             const BinningOptions& options);
inline ClassificationMetrics classification_metrics(const std::vector<float>& probs, const std::vector<int64_t>& labels,
                                                    int64_t classes, const BinningOptions& options) {
    return classification_metrics(probs.data(), labels.data(), static_cast<int64_t>(labels.size()), classes, options);
}

// The same metrics accumulated batch by batch in O(bins) memory (an "ECE meter"), for pooled sets such as every
// corrupted test set of a member: adding batches A then B gives exactly classification_metrics() of A and B
// concatenated (the sums run in the same order). Labels are checked as in classification_metrics().
class CalibrationMeter {
public:
    CalibrationMeter(int64_t classes, const BinningOptions& options);
    void add(const float* probs, const int64_t* labels, int64_t n);
    void add(const std::vector<float>& probs, const std::vector<int64_t>& labels) {
        add(probs.data(), labels.data(), static_cast<int64_t>(labels.size()));
    }
    ClassificationMetrics value() const;
    void reset();
    int64_t count() const { return n_; }

private:
    struct Bin {
        int64_t count = 0;
        double sum_conf = 0, sum_correct = 0;
    };
    int64_t classes_;
    BinningOptions options_;
    std::vector<double> edges_;
    std::vector<Bin> bins_;
    int64_t n_ = 0, correct_ = 0;
    double sum_log_ = 0, sum_brier_ = 0;
};

// Mean of the members' probabilities (spec §6.1): out[i] = (1/M) sum_m members[m][i]. All members must have the
// same size; throws std::invalid_argument otherwise or when there are none.
std::vector<float> mean_probabilities(const std::vector<std::vector<float>>& members);

}  // namespace ft
