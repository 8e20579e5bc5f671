// SPDX-License-Identifier: GPL-3.0-or-later
// Rice-coded gaps between set bits (see rice_gaps.h).
#include "store/rice_gaps.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ft::store_detail {
namespace {

constexpr int kBlockGaps = 64;
constexpr int kParameterBits = 5;
constexpr int kEscapeZeros = 32;  // a unary part this long means the gap follows in kEscapeBits bits
constexpr int kEscapeBits = 40;   // more than any gap of a mask the codec accepts (2^32 bits)
constexpr size_t kBlockMaxBytes = (kParameterBits + kBlockGaps * (kEscapeZeros + kEscapeBits)) / 8 + 1;

uint64_t to_little_endian(uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return __builtin_bswap64(v);
#else
    return v;
#endif
}

// Bits appended to a byte vector in 64-bit words, the first bit in the least significant place.
class BitWriter {
public:
    explicit BitWriter(std::vector<uint8_t>& out) : out_(out), base_(out.size()) {}
    // Room for `bytes` more bytes of code (the vector grows by doubling, so appending stays linear).
    void reserve(size_t bytes) {
        const size_t need = base_ + (words_ + 1) * 8 + bytes + 8;
        if (out_.size() < need) out_.resize(std::max(need, out_.size() * 2));
    }
    // v < 2^bits, 1 <= bits <= 64.
    void put(uint64_t v, int bits) {
        acc_ |= v << used_;
        const int before = used_;
        used_ += bits;
        if (used_ >= 64) {
            flush_word();
            used_ -= 64;
            acc_ = used_ ? v >> (64 - before) : 0;
        }
    }
    // Trims the vector to the code, the last partial byte included.
    void finish() {
        const int tail = used_;
        if (tail) flush_word();
        out_.resize(base_ + words_ * 8 - (tail ? size_t(64 - tail) / 8 : 0));
    }

private:
    void flush_word() {
        const uint64_t word = to_little_endian(acc_);
        std::memcpy(out_.data() + base_ + words_ * 8, &word, 8);
        ++words_;
    }
    std::vector<uint8_t>& out_;
    size_t base_;
    uint64_t acc_ = 0;
    int used_ = 0;
    size_t words_ = 0;
};

uint64_t code_bits(const uint64_t* gaps, int m, int k) {
    uint64_t bits = 0;
    for (int i = 0; i < m; ++i) {
        const uint64_t q = gaps[i] >> k;
        bits += q < kEscapeZeros ? q + 1 + uint64_t(k) : kEscapeZeros + kEscapeBits;
    }
    return bits;
}

// The block's parameter: the shortest code among k = 0 up to one past the log of the mean gap (for geometric gaps
// the best 2^k is near the mean times ln 2, and a larger k only lengthens every code). The low ones are tried too
// because one long gap raises the mean of a block whose other gaps are short.
int block_parameter(const uint64_t* gaps, int m) {
    uint64_t sum = 0;
    for (int i = 0; i < m; ++i) sum += gaps[i];
    const uint64_t mean = sum / uint64_t(m);
    const int top = std::min(31, (mean ? 63 - __builtin_clzll(mean) : 0) + 1);
    int best = 0;
    uint64_t best_bits = code_bits(gaps, m, 0);
    for (int k = 1; k <= top; ++k) {
        const uint64_t bits = code_bits(gaps, m, k);
        if (bits < best_bits) best = k, best_bits = bits;
    }
    return best;
}

void write_block(BitWriter& writer, const uint64_t* gaps, int m) {
    writer.reserve(kBlockMaxBytes);
    const int k = block_parameter(gaps, m);
    writer.put(uint64_t(k), kParameterBits);
    const uint64_t low = (uint64_t{1} << k) - 1;
    for (int i = 0; i < m; ++i) {
        const uint64_t q = gaps[i] >> k;
        if (q < kEscapeZeros) {
            writer.put(uint64_t{1} << q, int(q) + 1);
            if (k) writer.put(gaps[i] & low, k);
        } else {
            writer.put(0, kEscapeZeros);
            writer.put(gaps[i], kEscapeBits);
        }
    }
}

}  // namespace

void append_rice_gaps(const std::vector<uint64_t>& words, std::vector<uint8_t>& out) {
    BitWriter writer(out);
    uint64_t block[kBlockGaps];
    int m = 0;
    int64_t previous = -1;
    for (size_t w = 0; w < words.size(); ++w) {
        uint64_t word = words[w];
        while (word) {
            const int64_t i = int64_t(w) * 64 + __builtin_ctzll(word);
            word &= word - 1;
            block[m++] = uint64_t(i - previous - 1);
            previous = i;
            if (m == kBlockGaps) write_block(writer, block, m), m = 0;
        }
    }
    if (m) write_block(writer, block, m);
    writer.finish();
}

uint64_t RiceGapReader::peek() const {
    const uint64_t byte = bit_ / 8;
    if (byte >= size_) return 0;
    uint64_t word = 0;
    if (byte + 8 <= size_) {
        std::memcpy(&word, data_ + byte, 8);
        word = to_little_endian(word);
    } else {
        for (uint64_t b = byte; b < size_; ++b) word |= uint64_t(data_[b]) << (8 * (b - byte));
    }
    return word >> (bit_ % 8);
}

void RiceGapReader::skip(uint64_t bits) {
    bit_ += bits;
    if (bit_ > uint64_t(size_) * 8) throw std::runtime_error("mask blob: truncated");
}

int64_t RiceGapReader::next() {
    if (left_in_block_ == 0) {
        k_ = int(peek() & ((uint64_t{1} << kParameterBits) - 1));
        skip(kParameterBits);
        left_in_block_ = kBlockGaps;
    }
    --left_in_block_;
    uint64_t window = peek();
    uint64_t gap;
    if ((window & 0xffffffffULL) == 0) {
        skip(kEscapeZeros);
        gap = peek() & ((uint64_t{1} << kEscapeBits) - 1);
        skip(kEscapeBits);
    } else {
        const auto q = uint64_t(__builtin_ctzll(window));
        const uint64_t low = (uint64_t{1} << k_) - 1;
        // The window holds at least 57 bits: the low part is usually in it already.
        if (q + 1 + uint64_t(k_) <= 57) {
            gap = q << k_ | ((window >> (q + 1)) & low);
            skip(q + 1 + uint64_t(k_));
        } else {
            skip(q + 1);
            gap = q << k_ | (peek() & low);
            skip(uint64_t(k_));
        }
    }
    // The gap first: one past the mask would also overflow the sum.
    if (gap >= uint64_t(n_)) throw std::runtime_error("mask blob: position out of range");
    const int64_t i = previous_ + 1 + int64_t(gap);
    if (i >= n_) throw std::runtime_error("mask blob: position out of range");
    previous_ = i;
    return i;
}

}  // namespace ft::store_detail
