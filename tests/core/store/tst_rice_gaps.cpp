// SPDX-License-Identifier: GPL-3.0-or-later
// Rice-coded gaps: every position read back exactly whatever the gaps (uniform, clustered, escapes, partial last
// block), sizes near the entropy of random positions, and a code that runs out refused.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "store/rice_gaps.h"

using namespace ft::store_detail;

namespace {

std::vector<int64_t> read_back(const std::vector<uint8_t>& code, size_t count, int64_t n) {
    RiceGapReader reader(code.data(), code.size(), n);
    std::vector<int64_t> out;
    for (size_t i = 0; i < count; ++i) out.push_back(reader.next());
    EXPECT_TRUE(reader.at_end());
    return out;
}

std::vector<uint64_t> words_with(int64_t n, const std::vector<int64_t>& set) {
    std::vector<uint64_t> words(size_t((n + 63) / 64), 0);
    for (int64_t i : set) words[size_t(i / 64)] |= uint64_t{1} << (i % 64);
    return words;
}

std::vector<int64_t> random_positions(int64_t n, double p, std::mt19937_64& rng) {
    std::vector<int64_t> set;
    std::bernoulli_distribution pick(p);
    for (int64_t i = 0; i < n; ++i)
        if (pick(rng)) set.push_back(i);
    return set;
}

}  // namespace

TEST(RiceGaps, PositionsReadBackAtAnyDensityAndClustering) {
    std::mt19937_64 rng(21);
    const int64_t n = 70001;
    for (double p : {0.0005, 0.01, 0.1, 0.3, 0.9, 1.0}) {
        auto set = random_positions(n, p, rng);
        if (set.empty() || set.front() != 0) set.insert(set.begin(), 0);  // a first gap of 0
        if (set.back() != n - 1) set.push_back(n - 1);                    // the mask's last bit
        std::vector<uint8_t> code;
        append_rice_gaps(words_with(n, set), code);
        EXPECT_EQ(read_back(code, set.size(), n), set) << "p=" << p;
    }
    // Clusters: dense runs between long empty stretches, so that blocks choose very different parameters.
    std::vector<int64_t> set;
    for (int64_t start = 5; start + 300 < n; start += 9000)
        for (int64_t i = start; i < start + 300; i += 1 + (i % 3)) set.push_back(i);
    std::vector<uint8_t> code;
    append_rice_gaps(words_with(n, set), code);
    EXPECT_EQ(read_back(code, set.size(), n), set);
}

TEST(RiceGaps, LongGapsGoThroughTheEscapeAndBack) {
    // 63 gaps of 0 and one of ~10^6 in a block: k = 0 is cheapest, and the long gap becomes an escape (72 bits).
    const int64_t n = int64_t{1} << 26;
    std::vector<int64_t> set;
    for (int64_t i = 0; i < 63; ++i) set.push_back(i);
    set.push_back(1000000);
    set.push_back(n - 1);  // a second block of one gap, longer than 2^25
    std::vector<uint8_t> code;
    append_rice_gaps(words_with(n, set), code);
    EXPECT_EQ(read_back(code, set.size(), n), set);
    // First block: k in 5 bits, 63 one-bit codes, one escape; the second: its own k and a code of at most 72 bits.
    EXPECT_LE(code.size(), size_t((5 + 63 + 72 + 5 + 72 + 7) / 8));
}

TEST(RiceGaps, UniformPositionsComeNearTheirEntropy) {
    std::mt19937_64 rng(4);
    const int64_t n = 1 << 22;
    for (double p : {0.001, 0.01, 0.05, 0.1, 0.25}) {
        const auto set = random_positions(n, p, rng);
        std::vector<uint8_t> code;
        append_rice_gaps(words_with(n, set), code);
        const double entropy_bits = double(n) * -(p * std::log2(p) + (1 - p) * std::log2(1 - p));
        EXPECT_LT(double(code.size()) * 8, entropy_bits * 1.06) << "p=" << p;
    }
}

TEST(RiceGaps, ACodeThatRunsOutIsRefused) {
    const int64_t n = 5000;
    std::vector<uint8_t> code;
    append_rice_gaps(words_with(n, {10, 900, 4000}), code);
    code.pop_back();
    RiceGapReader reader(code.data(), code.size(), n);
    EXPECT_EQ(reader.next(), 10);
    EXPECT_EQ(reader.next(), 900);
    EXPECT_THROW(reader.next(), std::runtime_error);
    // A mask shorter than the positions the code holds.
    std::vector<uint8_t> full;
    append_rice_gaps(words_with(n, {10, 900, 4000}), full);
    RiceGapReader shorter(full.data(), full.size(), 1000);
    EXPECT_EQ(shorter.next(), 10);
    EXPECT_EQ(shorter.next(), 900);
    EXPECT_THROW(shorter.next(), std::runtime_error);
}
