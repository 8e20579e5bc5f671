// SPDX-License-Identifier: GPL-3.0-or-later
// The set bits of a bitset as Rice-coded gaps, the parameter chosen per block of 64 gaps: the mask codec's form for
// sparse masks and for the deltas between updates (mask_codec.h). Gaps between active positions (and between the
// positions an update changes) are roughly geometric within a stretch of a layer but not across it (an input layer
// keeps the image's centre and drops its border; growth regrows whole neighbourhoods), so one parameter per block
// follows them where one for the whole mask was 12% larger than deflated varint gaps. On every mask update of an
// EDST run of a 784-3000-3000-10 MLP this came to 1.6% more bytes than those, written 2.9x faster (HACKING.md,
// "Mask updates at scale").
//
// A block is its parameter k in 5 bits, then each gap g (the number of unset bits before the next set bit) as
// q = g >> k in unary (q zeros, then a one) and the low k bits of g. A gap with q >= 32 is 32 zeros and then g in
// 40 bits, which bounds a code at 72 bits whatever the gaps. Bits fill little-endian bytes from their least
// significant bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ft::store_detail {

// Appends the code of every set bit's gap (the first gap counts from bit 0) to out. Bits past the last valid bit
// of the mask must be clear.
void append_rice_gaps(const std::vector<uint64_t>& words, std::vector<uint8_t>& out);

// Reads the positions back from the code of the gaps of a mask of n bits, throwing std::runtime_error (never reading
// outside [data, data + size)) when the code runs out or a position lands outside the mask.
class RiceGapReader {
public:
    RiceGapReader(const uint8_t* data, size_t size, int64_t n) : data_(data), size_(size), n_(n) {}
    // The next set bit's position.
    int64_t next();
    // Whether the code was read to its end: nothing but the last byte's padding is left.
    bool at_end() const { return (bit_ + 7) / 8 == size_; }

private:
    uint64_t peek() const;  // the next 57 or more bits (zeros past the end)
    void skip(uint64_t bits);

    const uint8_t* data_;
    size_t size_;
    int64_t n_;
    uint64_t bit_ = 0;
    int64_t previous_ = -1;
    int k_ = 0;
    int left_in_block_ = 0;
};

}  // namespace ft::store_detail
