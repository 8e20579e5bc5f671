// SPDX-License-Identifier: GPL-3.0-or-later
// Mask snapshots of the run store: a layer's packed mask (bit i of word i/64, LSB first) as a small versioned blob.
//
// Blob: [format version u8][encoding u8][varint n bits], then by encoding:
//   bitset, positions: [varint raw payload bytes][zlib(raw payload)]; the payload is the bitset (little endian), or
//     a varint count and the varint gap before each set bit;
//   rice (format 2): [varint count][the gaps, Rice-coded (rice_gaps.h)].
// Bit 0 of the encoding = delta (the payload is the XOR with the previous update's mask of the layer). The encoder
// writes format 2: Rice-coded gaps for sets of up to a quarter of the bits (masks at the densities DST trains, and
// the deltas between updates), the deflated bitset above that. Format 1 (bitsets and deflated varint gaps) is still
// read. Keyframes (non-delta) every few updates bound the work of reconstructing any update.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ft::store_detail {

inline constexpr uint8_t kMaskFormatVersion = 2;

enum MaskEncoding : uint8_t {
    kMaskBitsKey = 0,
    kMaskBitsDelta = 1,
    kMaskPositionsKey = 2,
    kMaskPositionsDelta = 3,  // format 1 only: no longer written
    kMaskRiceKey = 4,         // format 2
    kMaskRiceDelta = 5,
};

inline int64_t mask_words(int64_t n) { return (n + 63) / 64; }

// Encodes `bits` (n bits, mask_words(n) words) as a keyframe when previous is null, else as the XOR with
// *previous (same n). Bits past n are ignored. Throws std::invalid_argument on a size mismatch.
std::vector<uint8_t> encode_mask(const std::vector<uint64_t>& bits, int64_t n, const std::vector<uint64_t>* previous);

struct MaskBlobInfo {
    uint8_t version = 0;
    uint8_t encoding = 0;
    int64_t n = 0;
    bool delta() const { return encoding & 1; }
};
// Reads the header; throws std::runtime_error for an unknown version or encoding or a truncated blob.
MaskBlobInfo mask_blob_info(const uint8_t* data, size_t size);

// Whether bit `index` is set in the blob's payload (for a delta: whether that weight changed), decompressing only
// as far as that bit. Throws std::runtime_error for a damaged blob or an index outside [0, n).
bool mask_blob_bit(const uint8_t* data, size_t size, int64_t index);

// A keyframe replaces (bits, n); a delta XORs into bits, which must hold the previous mask of the same n.
// Throws std::runtime_error for a damaged blob.
void apply_mask_blob(const uint8_t* data, size_t size, std::vector<uint64_t>& bits, int64_t& n);

}  // namespace ft::store_detail
