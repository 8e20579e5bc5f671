// SPDX-License-Identifier: GPL-3.0-or-later
// Out-of-distribution detection metrics (spec §6.5). Plain C++, no torch. See ft/eval/ood.h for the definitions.
//
// AUROC is computed exactly from integer counts: after sorting all scores, each group of tied values contributes
// in_group * (2 * out_below + out_group) to 2U (a pair with s_in > s_out counts 2, a tie counts 1), and
// AUROC = 2U / (2 n_in n_out). Only the final division rounds.
#include "ft/eval/ood.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

namespace ft {
namespace {

void check_probs(const char* fn, int64_t n, int64_t classes) {
    if (classes < 1)
        throw std::invalid_argument(std::string(fn) + ": classes must be >= 1, got " + std::to_string(classes));
    if (n < 0) throw std::invalid_argument(std::string(fn) + ": n must be >= 0, got " + std::to_string(n));
}

int64_t rows_of(const char* fn, const std::vector<float>& probs, int64_t classes) {
    if (classes < 1)
        throw std::invalid_argument(std::string(fn) + ": classes must be >= 1, got " + std::to_string(classes));
    const auto size = static_cast<int64_t>(probs.size());
    if (size % classes != 0)
        throw std::invalid_argument(std::string(fn) + ": " + std::to_string(size) +
                                    " probabilities are not a whole number of rows of " + std::to_string(classes) +
                                    " classes");
    return size / classes;
}

void check_scores(const char* fn, const std::vector<double>& in_scores, const std::vector<double>& out_scores) {
    if (in_scores.empty() || out_scores.empty())
        throw std::invalid_argument(std::string(fn) + ": needs at least one in-distribution and one OoD score (got " +
                                    std::to_string(in_scores.size()) + " and " + std::to_string(out_scores.size()) +
                                    ")");
    for (const auto* v : {&in_scores, &out_scores})
        for (double s : *v)
            if (std::isnan(s))
                throw std::invalid_argument(std::string(fn) + ": a " + (v == &in_scores ? "in-distribution" : "OoD") +
                                            " score is NaN");
}

}  // namespace

std::vector<double> max_softmax_probability(const float* probs, int64_t n, int64_t classes) {
    check_probs("max_softmax_probability", n, classes);
    std::vector<double> out(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const float* row = probs + i * classes;
        double best = row[0];
        for (int64_t c = 1; c < classes; ++c) best = std::max(best, static_cast<double>(row[c]));
        out[static_cast<size_t>(i)] = best;
    }
    return out;
}

std::vector<double> max_softmax_probability(const std::vector<float>& probs, int64_t classes) {
    const int64_t n = rows_of("max_softmax_probability", probs, classes);
    return max_softmax_probability(probs.data(), n, classes);
}

std::vector<double> predictive_entropy(const float* probs, int64_t n, int64_t classes) {
    check_probs("predictive_entropy", n, classes);
    std::vector<double> out(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const float* row = probs + i * classes;
        double h = 0;
        for (int64_t c = 0; c < classes; ++c) {
            const double p = row[c];
            if (std::isnan(p)) {
                h = p;
                break;
            }
            if (p > 0) h -= p * std::log(p);
        }
        out[static_cast<size_t>(i)] = h;
    }
    return out;
}

std::vector<double> predictive_entropy(const std::vector<float>& probs, int64_t classes) {
    const int64_t n = rows_of("predictive_entropy", probs, classes);
    return predictive_entropy(probs.data(), n, classes);
}

double auroc(const std::vector<double>& in_scores, const std::vector<double>& out_scores, bool higher_is_in) {
    check_scores("auroc", in_scores, out_scores);
    const double sign = higher_is_in ? 1.0 : -1.0;
    // (score, is_in), ascending by score.
    std::vector<std::pair<double, bool>> all;
    all.reserve(in_scores.size() + out_scores.size());
    for (double s : in_scores) all.emplace_back(sign * s, true);
    for (double s : out_scores) all.emplace_back(sign * s, false);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    // 2U <= 2 n_in n_out fits in 64 bits for any realistic size (n_in, n_out < 2^31).
    uint64_t two_u = 0;
    uint64_t out_below = 0;
    for (size_t i = 0; i < all.size();) {
        size_t j = i;
        uint64_t in_g = 0, out_g = 0;
        while (j < all.size() && all[j].first == all[i].first) {
            (all[j].second ? in_g : out_g) += 1;
            ++j;
        }
        two_u += in_g * (2 * out_below + out_g);
        out_below += out_g;
        i = j;
    }
    const long double pairs2 =
        2.0L * static_cast<long double>(in_scores.size()) * static_cast<long double>(out_scores.size());
    return static_cast<double>(static_cast<long double>(two_u) / pairs2);
}

double fpr_at_tpr(const std::vector<double>& in_scores, const std::vector<double>& out_scores, double tpr,
                  bool higher_is_in) {
    check_scores("fpr_at_tpr", in_scores, out_scores);
    if (!(tpr > 0.0 && tpr <= 1.0))
        throw std::invalid_argument("fpr_at_tpr: tpr must be in (0, 1], got " + std::to_string(tpr));
    const double sign = higher_is_in ? 1.0 : -1.0;
    std::vector<double> in(in_scores.size());
    for (size_t i = 0; i < in.size(); ++i) in[i] = sign * in_scores[i];

    const double want = tpr * static_cast<double>(in.size());
    const double nearest = std::round(want);
    auto k = static_cast<size_t>(std::abs(want - nearest) <= 1e-9 ? nearest : std::ceil(want));
    k = std::clamp<size_t>(k, 1, in.size());
    // The k-th largest in-distribution score.
    std::nth_element(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(k - 1), in.end(), std::greater<double>());
    const double threshold = in[k - 1];

    size_t accepted = 0;
    for (double s : out_scores)
        if (sign * s >= threshold) ++accepted;
    return static_cast<double>(accepted) / static_cast<double>(out_scores.size());
}

OodResult ood_metrics(const std::vector<float>& in_probs, const std::vector<float>& out_probs, int64_t classes) {
    const int64_t n_in = rows_of("ood_metrics", in_probs, classes);
    const int64_t n_out = rows_of("ood_metrics", out_probs, classes);
    if (n_in == 0 || n_out == 0)
        throw std::invalid_argument("ood_metrics: needs at least one in-distribution and one OoD row (got " +
                                    std::to_string(n_in) + " and " + std::to_string(n_out) + ")");
    OodResult r;
    const auto msp_in = max_softmax_probability(in_probs.data(), n_in, classes);
    const auto msp_out = max_softmax_probability(out_probs.data(), n_out, classes);
    r.auroc_msp = auroc(msp_in, msp_out, true);
    r.fpr95_msp = fpr_at_tpr(msp_in, msp_out, 0.95, true);
    const auto ent_in = predictive_entropy(in_probs.data(), n_in, classes);
    const auto ent_out = predictive_entropy(out_probs.data(), n_out, classes);
    r.auroc_entropy = auroc(ent_in, ent_out, false);
    r.fpr95_entropy = fpr_at_tpr(ent_in, ent_out, 0.95, false);
    return r;
}

}  // namespace ft
