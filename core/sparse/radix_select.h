// SPDX-License-Identifier: GPL-3.0-or-later
// The k-th smallest or largest of a subset of magnitudes |x|, without copying or sorting them.
//
// A mask update selects the weights to prune (the smallest |w|) and to grow (the largest |gradient| among the
// inactive positions). LibTorch's kthvalue and topk copy their input with an int64 index beside every value and
// partially sort that: on a 36M-weight layer (784-6000-6000-10 MLP) 0.5 s to prune and 0.8 s to grow, most of the
// time an EDST run with frequent updates spends. The magnitudes' bit patterns (sign cleared) order as the values do,
// +inf above every finite one and NaN above +inf (where topk puts NaN too), so two counting passes over the upper and
// lower 16 bits find the k-th value exactly: no copy, no sort, no allocation beyond 65,536-entry histograms.
//
// The passes split [0, n) into chunks, each counted into its own histogram by `for_chunks(chunks, fn)`, which calls
// fn(chunk, begin, end) for every chunk (in parallel or not; the sums, so the result, are the same).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

namespace ft::radix {

// The bits of |x|: ordered like |x|, with NaN above +inf.
inline uint32_t magnitude_bits(float x) {
    uint32_t b;
    std::memcpy(&b, &x, sizeof b);
    return b & 0x7fffffffu;
}

using ChunkFn = std::function<void(int64_t chunk, int64_t begin, int64_t end)>;
using ForChunks = std::function<void(int64_t n, int64_t chunks, const ChunkFn& fn)>;

// Runs the chunks one after the other.
inline void serial_chunks(int64_t n, int64_t chunks, const ChunkFn& fn) {
    for (int64_t c = 0; c < chunks; ++c) fn(c, n * c / chunks, n * (c + 1) / chunks);
}

struct Kth {
    uint32_t bits = 0;   // magnitude_bits of the k-th entry
    int64_t beyond = 0;  // entries strictly before it in the order asked for (smaller, or larger with largest)
    int64_t equal = 0;   // entries with exactly these bits (the k-th among them)
};

// Counts magnitude_bits(value(i)) over the i in [0, n) where take(i) holds, then answers for any rank.
template <class Take, class Value>
class MagnitudeSelect {
public:
    MagnitudeSelect(int64_t n, Take take, Value value, int64_t chunks = 1, const ForChunks& for_chunks = serial_chunks)
        : n_(n), chunks_(std::max<int64_t>(1, chunks)), take_(take), value_(value), for_chunks_(for_chunks) {
        high_ = count([](uint32_t) { return true; }, 16);
        for (int64_t c : high_) total_ += c;
    }
    // Entries taken.
    int64_t total() const { return total_; }

    // The rank-th (1-based, 1 <= rank <= total()) smallest, or largest with largest = true. One more pass.
    Kth kth(int64_t rank, bool largest) const {
        int64_t left = rank, beyond = 0;
        const uint32_t high = pick(high_, largest, left, beyond);
        const auto low_counts = count([high](uint32_t b) { return b >> 16 == high; }, 0);
        const uint32_t low = pick(low_counts, largest, left, beyond);
        return {high << 16 | low, beyond, low_counts[low]};
    }

private:
    // A histogram of the 16 bits above `shift` of the taken entries whose bits pass `keep`, chunk by chunk.
    template <class Keep>
    std::vector<int64_t> count(Keep keep, int shift) const {
        std::vector<int64_t> per_chunk(size_t(chunks_) * 65536, 0);
        for_chunks_(n_, chunks_, [&](int64_t chunk, int64_t begin, int64_t end) {
            int64_t* h = per_chunk.data() + chunk * 65536;
            for (int64_t i = begin; i < end; ++i)
                if (take_(i)) {
                    const uint32_t b = magnitude_bits(value_(i));
                    if (keep(b)) ++h[(b >> shift) & 0xffffu];
                }
        });
        std::vector<int64_t> sum(per_chunk.begin(), per_chunk.begin() + 65536);
        for (int64_t c = 1; c < chunks_; ++c)
            for (size_t b = 0; b < 65536; ++b) sum[b] += per_chunk[size_t(c) * 65536 + b];
        return sum;
    }
    // The bucket that holds the left-th entry in the order asked for; left becomes the rank inside it, and beyond
    // grows by the entries of the buckets passed.
    static uint32_t pick(const std::vector<int64_t>& counts, bool largest, int64_t& left, int64_t& beyond) {
        for (int b = 0; b < 65536; ++b) {
            const size_t bucket = size_t(largest ? 65535 - b : b);
            if (left <= counts[bucket]) return uint32_t(bucket);
            left -= counts[bucket];
            beyond += counts[bucket];
        }
        return largest ? 0u : 65535u;  // not reached for a rank within total()
    }

    int64_t n_, chunks_;
    Take take_;
    Value value_;
    ForChunks for_chunks_;
    std::vector<int64_t> high_;
    int64_t total_ = 0;
};

}  // namespace ft::radix
