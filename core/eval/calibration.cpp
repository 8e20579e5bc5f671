// SPDX-License-Identifier: GPL-3.0-or-later
// Classification metrics on predicted probabilities (spec §6.1, §6.2). Plain C++, no torch.
//
// Numerical conventions (documented deviations from the float32 reference are only in precision):
//  * Every quantity is accumulated in double. The reference works on float32 numpy arrays; the difference is in the
//    last float32 digits, never in a bin assignment (see below).
//  * ECE bin edges are computed exactly as numpy.linspace(0, 1, num) does: step = 1.0 / (num - 1),
//    edge[j] = 0.0 + j * step, and the last edge is set to exactly 1.0. (j * step is not always j / (num - 1):
//    for num = 15 they differ by one ulp at j = 5, 9, 10 and 13.)
//  * A confidence is the float32 max-probability converted to double and compared against these double edges,
//    which is what numpy.digitize(prob_y, bins, right=True) does (float32 is promoted to float64). So bin j holds
//    edge[j-1] < c <= edge[j]. Note that float32(1/14) = 0.0714285746... is ABOVE the double edge 1/14 =
//    0.0714285714..., so it lands in the second interval, as it does in numpy; a confidence exactly on an edge
//    (e.g. 0.5) lands in the lower interval.
//  * Reference binning (true_bins = false): ECE sums over the numpy.digitize bins 0..bins-1, where bin 0 is the
//    degenerate {c <= 0} bin (kept separate, as in the reference). The reliability diagram reports the bins - 1 real
//    intervals (e_{j-1}, e_j]; samples with c <= 0 are merged into the first reported interval.
//    MCE is taken over the same partition as ECE (non-empty bins only).
//  * true_bins: edges linspace(0, 1, bins + 1), `bins` intervals; c <= 0 goes to the first one (ECE and diagram).
//  * Out-of-range confidences, which valid probabilities never produce: c < 0 goes to the first bin like c == 0;
//    c > 1 and NaN go to the last bin (numpy would drop them from the ECE sum but still count them in N). A NaN
//    confidence therefore makes ECE NaN instead of being silently ignored.
//  * Reference binning with bins == 1: numpy.linspace(0, 1, 1) = {0} has no usable interval (the reference would
//    ignore every sample with c > 0 and report ECE = 0). We treat it as one interval (0, 1], i.e. edges {0, 1},
//    the same as bins == 2. This is a documented deviation.
#include "ft/eval/calibration.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ft {
namespace {

std::vector<double> numpy_linspace01(int64_t num) {
    std::vector<double> edges(static_cast<size_t>(num));
    if (num == 1) {
        edges[0] = 0.0;
        return edges;
    }
    const double step = 1.0 / static_cast<double>(num - 1);
    for (int64_t j = 0; j < num; ++j) edges[static_cast<size_t>(j)] = 0.0 + static_cast<double>(j) * step;
    edges.back() = 1.0;
    return edges;
}

// numpy.digitize(c, edges, right=True): the number of edges strictly below c, i.e. j with e[j-1] < c <= e[j].
// Clamped into [0, edges.size() - 1]; NaN goes to the last index.
size_t digitize_right(double c, const std::vector<double>& edges) {
    if (std::isnan(c)) return edges.size() - 1;
    const auto it = std::lower_bound(edges.begin(), edges.end(), c);
    const size_t idx = static_cast<size_t>(it - edges.begin());
    return std::min(idx, edges.size() - 1);
}

}  // namespace

std::vector<double> ece_bin_edges(const BinningOptions& options) {
    if (options.bins < 1) throw std::invalid_argument("ECE bins must be >= 1, got " + std::to_string(options.bins));
    if (options.true_bins) return numpy_linspace01(options.bins + 1);
    if (options.bins == 1) return {0.0, 1.0};  // see the header comment of this file
    return numpy_linspace01(options.bins);
}

CalibrationMeter::CalibrationMeter(int64_t classes, const BinningOptions& options)
    : classes_(classes), options_(options), edges_(ece_bin_edges(options)) {  // ece_bin_edges validates bins
    if (classes < 1)
        throw std::invalid_argument("classification_metrics: classes must be >= 1, got " + std::to_string(classes));
    bins_.resize(edges_.size());
}

void CalibrationMeter::reset() {
    bins_.assign(edges_.size(), Bin{});
    n_ = correct_ = 0;
    sum_log_ = sum_brier_ = 0;
}

void CalibrationMeter::add(const float* probs, const int64_t* labels, int64_t n) {
    if (n < 0) throw std::invalid_argument("classification_metrics: n must be >= 0, got " + std::to_string(n));
    if (n > 0 && (probs == nullptr || labels == nullptr))
        throw std::invalid_argument("classification_metrics: null probabilities or labels with n = " +
                                    std::to_string(n));
    for (int64_t i = 0; i < n; ++i) {
        if (labels[i] < 0 || labels[i] >= classes_)
            throw std::invalid_argument("classification_metrics: label at index " + std::to_string(i) + " is " +
                                        std::to_string(labels[i]) + ", outside [0, " + std::to_string(classes_) + ")");
    }
    // Digitize indices 0..edges-1. Reference: ECE over all of them (0 = degenerate {c <= 0}); true_bins: index 0
    // is merged into 1. The diagram always merges 0 into 1.
    const bool separate_zero_bin = !options_.true_bins;
    for (int64_t i = 0; i < n; ++i) {
        const float* p = probs + i * classes_;
        const int64_t y = labels[i];
        int64_t pred = 0;
        for (int64_t c = 1; c < classes_; ++c)
            if (p[c] > p[pred]) pred = c;  // strict: ties keep the lowest index
        const bool correct = pred == y;
        correct_ += correct ? 1 : 0;
        sum_log_ += std::log(static_cast<double>(p[y]));
        for (int64_t c = 0; c < classes_; ++c) {
            const double d = static_cast<double>(p[c]) - (c == y ? 1.0 : 0.0);
            sum_brier_ += d * d;
        }
        const double conf = static_cast<double>(p[pred]);
        size_t b = digitize_right(conf, edges_);
        if (!separate_zero_bin && b == 0) b = 1;
        Bin& a = bins_[b];
        ++a.count;
        a.sum_conf += conf;
        a.sum_correct += correct ? 1.0 : 0.0;
    }
    n_ += n;
}

ClassificationMetrics CalibrationMeter::value() const {
    const size_t num_edges = edges_.size();  // >= 2
    ClassificationMetrics m;
    m.n = n_;
    // ECE and MCE over the ECE partition.
    double ece_sum = 0;
    double mce = 0;
    for (size_t b = 0; b < num_edges; ++b) {
        const Bin& a = bins_[b];
        if (a.count == 0) continue;
        ece_sum += std::abs(a.sum_correct - a.sum_conf);
        const double cnt = static_cast<double>(a.count);
        const double gap = std::abs(a.sum_correct / cnt - a.sum_conf / cnt);
        if (std::isnan(gap) || gap > mce) mce = gap;
        if (std::isnan(mce)) break;
    }
    if (n_ > 0) {
        const double dn = static_cast<double>(n_);
        m.accuracy = static_cast<double>(correct_) / dn;
        m.nll = -sum_log_ / dn;
        m.brier = sum_brier_ / dn;
        m.ece = ece_sum / dn;
        m.mce = mce;
    }

    // Reliability diagram: the num_edges - 1 real intervals, the {c <= 0} samples merged into the first.
    m.reliability.resize(num_edges - 1);
    for (size_t j = 1; j < num_edges; ++j) {
        ReliabilityBin& r = m.reliability[j - 1];
        r.lo = edges_[j - 1];
        r.hi = edges_[j];
        Bin a = bins_[j];
        if (j == 1) {
            a.count += bins_[0].count;
            a.sum_conf += bins_[0].sum_conf;
            a.sum_correct += bins_[0].sum_correct;
        }
        r.count = a.count;
        if (a.count > 0) {
            r.confidence = a.sum_conf / static_cast<double>(a.count);
            r.accuracy = a.sum_correct / static_cast<double>(a.count);
        }
    }
    return m;
}

ClassificationMetrics classification_metrics(const float* probs, const int64_t* labels, int64_t n, int64_t classes,
                                             const BinningOptions& options) {
    if (n < 0) throw std::invalid_argument("classification_metrics: n must be >= 0, got " + std::to_string(n));
    if (classes < 1)
        throw std::invalid_argument("classification_metrics: classes must be >= 1, got " + std::to_string(classes));
    CalibrationMeter meter(classes, options);
    meter.add(probs, labels, n);
    return meter.value();
}

std::vector<float> mean_probabilities(const std::vector<std::vector<float>>& members) {
    if (members.empty()) throw std::invalid_argument("mean_probabilities: no members");
    const size_t size = members.front().size();
    for (size_t m = 1; m < members.size(); ++m) {
        if (members[m].size() != size)
            throw std::invalid_argument("mean_probabilities: member " + std::to_string(m) + " has " +
                                        std::to_string(members[m].size()) + " values, member 0 has " +
                                        std::to_string(size));
    }
    // Accumulated in double and rounded once to float (the reference sums float32 tensors).
    const double count = static_cast<double>(members.size());
    std::vector<float> out(size);
    for (size_t i = 0; i < size; ++i) {
        double s = 0;
        for (const auto& member : members) s += static_cast<double>(member[i]);
        out[i] = static_cast<float>(s / count);
    }
    return out;
}

}  // namespace ft
