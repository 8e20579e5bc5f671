// SPDX-License-Identifier: GPL-3.0-or-later
// Diversity between ensemble members (spec §6.4). Plain C++, no torch.
//
// Conventions:
//  * member_probs[m] is row-major [n x classes]; every member must have the same size, a multiple of `classes`
//    (std::invalid_argument otherwise). No members -> an empty 0 x 0 matrix; n == 0 -> an all-zero matrix.
//  * Argmax ties go to the lowest class index (as torch/numpy argmax).
//  * KL is accumulated in double on the float32 probabilities converted to double. A term with p_j == 0 contributes
//    0; p_i == 0 with p_j > 0 makes the entry +inf (log 0 = -inf), with no clamp. The diagonal is exactly 0.
//  * Masks: bit i is bit (i % 64) of word i / 64 (LSB first). Bits at positions >= n in the last used word and words
//    after the last used one are ignored. n == 0 -> Hamming 0, Jaccard 1.
#include "ft/eval/diversity.h"

#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ft {
namespace {

// Validates the member list and returns n (the number of examples).
int64_t check_members(const std::vector<std::vector<float>>& member_probs, int64_t classes, const char* who) {
    if (classes < 1)
        throw std::invalid_argument(std::string(who) + ": classes must be >= 1, got " + std::to_string(classes));
    if (member_probs.empty()) return 0;
    const size_t size = member_probs.front().size();
    for (size_t m = 0; m < member_probs.size(); ++m) {
        if (member_probs[m].size() != size)
            throw std::invalid_argument(std::string(who) + ": member " + std::to_string(m) + " has " +
                                        std::to_string(member_probs[m].size()) + " values, member 0 has " +
                                        std::to_string(size));
    }
    if (size % static_cast<size_t>(classes) != 0)
        throw std::invalid_argument(std::string(who) + ": " + std::to_string(size) +
                                    " values is not a multiple of classes = " + std::to_string(classes));
    return static_cast<int64_t>(size / static_cast<size_t>(classes));
}

std::vector<int64_t> argmax_rows(const std::vector<float>& p, int64_t n, int64_t classes) {
    std::vector<int64_t> out(static_cast<size_t>(n));
    for (int64_t x = 0; x < n; ++x) {
        const float* row = p.data() + x * classes;
        int64_t best = 0;
        for (int64_t c = 1; c < classes; ++c)
            if (row[c] > row[best]) best = c;
        out[static_cast<size_t>(x)] = best;
    }
    return out;
}

}  // namespace

Matrix disagreement_matrix(const std::vector<std::vector<float>>& member_probs, int64_t classes) {
    const int64_t n = check_members(member_probs, classes, "disagreement_matrix");
    const size_t M = member_probs.size();
    Matrix d(M, std::vector<double>(M, 0.0));
    if (n == 0) return d;
    std::vector<std::vector<int64_t>> preds;
    preds.reserve(M);
    for (const auto& p : member_probs) preds.push_back(argmax_rows(p, n, classes));
    for (size_t i = 0; i < M; ++i) {
        for (size_t j = i + 1; j < M; ++j) {
            int64_t agree = 0;
            for (int64_t x = 0; x < n; ++x)
                agree += preds[i][static_cast<size_t>(x)] == preds[j][static_cast<size_t>(x)];
            const double v = 1.0 - static_cast<double>(agree) / static_cast<double>(n);
            d[i][j] = v;
            d[j][i] = v;
        }
    }
    return d;
}

Matrix kl_matrix(const std::vector<std::vector<float>>& member_probs, int64_t classes) {
    const int64_t n = check_members(member_probs, classes, "kl_matrix");
    const size_t M = member_probs.size();
    Matrix kl(M, std::vector<double>(M, 0.0));
    if (n == 0) return kl;
    const size_t total = static_cast<size_t>(n * classes);
    for (size_t i = 0; i < M; ++i) {
        for (size_t j = 0; j < M; ++j) {
            if (i == j) continue;
            const std::vector<float>& pi = member_probs[i];
            const std::vector<float>& pj = member_probs[j];
            double s = 0;
            for (size_t k = 0; k < total; ++k) {
                const double b = static_cast<double>(pj[k]);
                if (b == 0.0) continue;
                s += b * (std::log(b) - std::log(static_cast<double>(pi[k])));
            }
            kl[i][j] = s / static_cast<double>(n);  // KL(p_j || p_i), batchmean
        }
    }
    return kl;
}

double mean_off_diagonal(const Matrix& m) {
    const size_t M = m.size();
    for (size_t i = 0; i < M; ++i) {
        if (m[i].size() != M)
            throw std::invalid_argument("mean_off_diagonal: row " + std::to_string(i) + " has " +
                                        std::to_string(m[i].size()) + " entries, expected " + std::to_string(M));
    }
    if (M < 2) return 0.0;
    double s = 0;
    for (size_t i = 0; i < M; ++i)
        for (size_t j = 0; j < M; ++j)
            if (i != j) s += m[i][j];
    return s / static_cast<double>(M * (M - 1));
}

MaskDistance mask_distance(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b, int64_t n) {
    if (n < 0) throw std::invalid_argument("mask_distance: n must be >= 0, got " + std::to_string(n));
    const size_t words = static_cast<size_t>((n + 63) / 64);
    if (a.size() < words || b.size() < words)
        throw std::invalid_argument("mask_distance: n = " + std::to_string(n) + " needs " + std::to_string(words) +
                                    " words, got " + std::to_string(a.size()) + " and " + std::to_string(b.size()));
    MaskDistance out;
    if (n == 0) {
        out.hamming = 0.0;
        out.jaccard = 1.0;
        return out;
    }
    int64_t x = 0, inter = 0, uni = 0;
    for (size_t w = 0; w < words; ++w) {
        uint64_t keep = ~uint64_t{0};
        const int64_t rem = n - static_cast<int64_t>(w) * 64;
        if (rem < 64) keep = (uint64_t{1} << rem) - 1;  // last word: only the low `rem` bits
        const uint64_t aw = a[w] & keep, bw = b[w] & keep;
        x += std::popcount(aw ^ bw);
        inter += std::popcount(aw & bw);
        uni += std::popcount(aw | bw);
    }
    out.hamming = static_cast<double>(x) / static_cast<double>(n);
    out.jaccard = uni == 0 ? 1.0 : static_cast<double>(inter) / static_cast<double>(uni);
    return out;
}

}  // namespace ft
