// SPDX-License-Identifier: GPL-3.0-or-later
// MagnitudeSelect against a sort: the k-th smallest and largest |x| of a subset, with ties, zeros, -0, infinities
// and NaN, whole or in chunks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "sparse/radix_select.h"

using namespace ft::radix;

namespace {

struct Case {
    std::vector<float> x;
    std::vector<bool> take;
};

// Values drawn from a few magnitudes (many ties), with the special ones sprinkled in.
Case make_case(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> pick(0, 99);
    std::normal_distribution<float> normal;
    Case c{std::vector<float>(n), std::vector<bool>(n)};
    const float special[] = {
        0.0f,          -0.0f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
        std::nanf(""), 1e-40f /* denormal */};
    for (size_t i = 0; i < n; ++i) {
        const int r = pick(rng);
        c.x[i] = r < 6 ? special[r] : r < 40 ? float(r % 7) * 0.25f : normal(rng);
        c.take[i] = pick(rng) < 70;
    }
    return c;
}

std::vector<uint32_t> sorted_bits(const Case& c) {
    std::vector<uint32_t> bits;
    for (size_t i = 0; i < c.x.size(); ++i)
        if (c.take[i]) bits.push_back(magnitude_bits(c.x[i]));
    std::sort(bits.begin(), bits.end());
    return bits;
}

void three_chunks_backwards(int64_t n, int64_t chunks, const ChunkFn& fn) {
    for (int64_t c = chunks - 1; c >= 0; --c) fn(c, n * c / chunks, n * (c + 1) / chunks);
}

}  // namespace

TEST(RadixSelect, MagnitudeBitsOrderLikeMagnitudesWithNanOnTop) {
    EXPECT_EQ(magnitude_bits(-0.0f), magnitude_bits(0.0f));
    EXPECT_EQ(magnitude_bits(-2.5f), magnitude_bits(2.5f));
    EXPECT_LT(magnitude_bits(1e-40f), magnitude_bits(1e-30f));
    EXPECT_LT(magnitude_bits(3.0f), magnitude_bits(3.0000002f));
    EXPECT_LT(magnitude_bits(std::numeric_limits<float>::max()), magnitude_bits(INFINITY));
    EXPECT_LT(magnitude_bits(INFINITY), magnitude_bits(std::nanf("")));
}

TEST(RadixSelect, EveryRankBothWaysMatchesASort) {
    for (size_t n : {1u, 7u, 300u, 5000u}) {
        const Case c = make_case(n, unsigned(n));
        const auto expected = sorted_bits(c);
        const auto take = [&c](int64_t i) { return bool(c.take[size_t(i)]); };
        const auto value = [&c](int64_t i) { return c.x[size_t(i)]; };
        for (int64_t chunks : {int64_t{1}, int64_t{3}}) {
            const MagnitudeSelect select(int64_t(n), take, value, chunks, three_chunks_backwards);
            ASSERT_EQ(select.total(), int64_t(expected.size()));
            for (size_t r = 1; r <= expected.size(); ++r) {
                const Kth small = select.kth(int64_t(r), false);
                ASSERT_EQ(small.bits, expected[r - 1]) << "n " << n << " rank " << r;
                const auto first = std::lower_bound(expected.begin(), expected.end(), small.bits);
                const auto last = std::upper_bound(expected.begin(), expected.end(), small.bits);
                EXPECT_EQ(small.beyond, first - expected.begin());
                EXPECT_EQ(small.equal, last - first);
                const Kth large = select.kth(int64_t(r), true);
                ASSERT_EQ(large.bits, expected[expected.size() - r]) << "n " << n << " rank " << r << " largest";
                EXPECT_EQ(large.beyond,
                          expected.end() - std::upper_bound(expected.begin(), expected.end(), large.bits));
            }
        }
    }
}

TEST(RadixSelect, ValuesThatShareTheirUpperBitsAreToldApart) {
    // 1000 consecutive floats above 1: one bucket of the first pass, told apart by the second.
    std::vector<float> x(1000);
    for (size_t i = 0; i < x.size(); ++i) x[i] = i ? std::nextafter(x[i - 1], 2.0f) : 1.0f;
    std::shuffle(x.begin(), x.end(), std::mt19937(5));
    const MagnitudeSelect select(
        int64_t(x.size()), [](int64_t) { return true; }, [&x](int64_t i) { return x[size_t(i)]; });
    float expected = 1.0f;
    for (int64_t r = 1; r <= 1000; ++r, expected = std::nextafter(expected, 2.0f)) {
        const Kth k = select.kth(r, false);
        ASSERT_EQ(k.bits, magnitude_bits(expected)) << r;
        EXPECT_EQ(k.beyond, r - 1);
        EXPECT_EQ(k.equal, 1);
    }
}
