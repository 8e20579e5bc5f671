// SPDX-License-Identifier: GPL-3.0-or-later
// Mask blob encoding and decoding (see mask_codec.h).
#include "store/mask_codec.h"

#include "store/rice_gaps.h"

#include <zlib.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace ft::store_detail {
namespace {

void put_varint(std::vector<uint8_t>& out, uint64_t v) {
    while (v >= 0x80) {
        out.push_back(uint8_t(v | 0x80));
        v >>= 7;
    }
    out.push_back(uint8_t(v));
}

uint64_t get_varint(const uint8_t* data, size_t size, size_t& pos) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= size) throw std::runtime_error("mask blob: truncated");
        const uint8_t b = data[pos++];
        v |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    throw std::runtime_error("mask blob: bad varint");
}

// Huffman coding alone (zlib's Z_HUFFMAN_ONLY, still a plain deflate stream that any inflate reads). A mask's
// bitset is close to random bits, where LZ77's matching finds next to nothing: against level 1's default strategy, on
// 36M-weight masks it compressed 2-3x faster and 4-20% smaller (a random 25% of positions: 3.7 MB in 76 ms against 4.6
// MB in 119 ms). This is work the store's writer thread takes from training's cores at every mask update; level 6 would
// save another 1-2% for 5-7x the time.
std::vector<uint8_t> deflate_payload(const std::vector<uint8_t>& raw) {
    if (raw.size() > std::numeric_limits<uInt>::max())
        throw std::invalid_argument("mask blob: a payload of " + std::to_string(raw.size()) +
                                    " bytes is more than zlib takes in one call");
    z_stream z{};
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15, 8, Z_HUFFMAN_ONLY) != Z_OK)
        throw std::runtime_error("mask blob: zlib failed to start");
    std::vector<uint8_t> out(deflateBound(&z, uLong(raw.size())));
    z.next_in = const_cast<Bytef*>(raw.data());  // zlib's API is not const-correct; it only reads the input
    z.avail_in = uInt(raw.size());
    z.next_out = out.data();
    z.avail_out = uInt(out.size());
    const int rc = deflate(&z, Z_FINISH);
    const size_t written = out.size() - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) throw std::runtime_error("mask blob: zlib compression failed");
    out.resize(written);
    return out;
}

std::vector<uint8_t> blob(uint8_t encoding, int64_t n, const std::vector<uint8_t>& raw) {
    std::vector<uint8_t> out{kMaskFormatVersion, encoding};
    put_varint(out, uint64_t(n));
    put_varint(out, raw.size());
    const auto z = deflate_payload(raw);
    out.insert(out.end(), z.begin(), z.end());
    return out;
}

std::vector<uint8_t> bitset_payload(const std::vector<uint64_t>& words) {
    std::vector<uint8_t> raw(words.size() * 8);
    for (size_t w = 0; w < words.size(); ++w)
        for (int b = 0; b < 8; ++b) raw[w * 8 + size_t(b)] = uint8_t(words[w] >> (8 * b));  // little endian on disk
    return raw;
}

bool rice(const MaskBlobInfo& info) { return info.encoding >= kMaskRiceKey; }

// A Rice blob's count of set bits, after n (pos moves past it), and a reader of its code.
RiceGapReader rice_reader(const uint8_t* data, size_t size, const MaskBlobInfo& info, size_t& pos, uint64_t& count) {
    count = get_varint(data, size, pos);
    if (count > uint64_t(info.n)) throw std::runtime_error("mask blob: more set bits than the mask has");
    return RiceGapReader(data + pos, size - pos, info.n);
}

}  // namespace

std::vector<uint8_t> encode_mask(const std::vector<uint64_t>& bits, int64_t n, const std::vector<uint64_t>* previous) {
    if (n < 0 || int64_t(bits.size()) != mask_words(n))
        throw std::invalid_argument("mask of " + std::to_string(n) + " bits needs " + std::to_string(mask_words(n)) +
                                    " words, got " + std::to_string(bits.size()));
    if (previous && previous->size() != bits.size())
        throw std::invalid_argument("mask delta: the previous mask has a different size");
    std::vector<uint64_t> words = bits;
    if (previous)
        for (size_t w = 0; w < words.size(); ++w) words[w] ^= (*previous)[w];
    if (n % 64 && !words.empty()) words.back() &= (uint64_t{1} << (n % 64)) - 1;  // bits past n do not exist
    int64_t count = 0;
    for (uint64_t w : words) count += __builtin_popcountll(w);

    const uint8_t delta = previous ? 1 : 0;
    // Up to a quarter of the bits set (a mask at DST's densities, the delta of an update): Rice-coded gaps, as small
    // as deflated varint gaps and several times faster to write (rice_gaps.h). Denser: the bitset, deflated (a mask
    // that ERK left dense is all ones).
    if (count * 4 <= n) {
        std::vector<uint8_t> out{kMaskFormatVersion, uint8_t(kMaskRiceKey | delta)};
        put_varint(out, uint64_t(n));
        put_varint(out, uint64_t(count));
        append_rice_gaps(words, out);
        return out;
    }
    return blob(uint8_t(kMaskBitsKey | delta), n, bitset_payload(words));
}

MaskBlobInfo mask_blob_info(const uint8_t* data, size_t size) {
    if (size < 4) throw std::runtime_error("mask blob: truncated");
    MaskBlobInfo info;
    info.version = data[0];
    info.encoding = data[1];
    if (info.version == 0 || info.version > kMaskFormatVersion)
        throw std::runtime_error("mask blob: format version " + std::to_string(info.version) +
                                 " is newer than this program (" + std::to_string(kMaskFormatVersion) + ")");
    if (info.encoding > kMaskRiceDelta || (info.version == 1 && info.encoding > kMaskPositionsDelta))
        throw std::runtime_error("mask blob: unknown encoding " + std::to_string(info.encoding));
    size_t pos = 2;
    const uint64_t n = get_varint(data, size, pos);
    // 2^32 weights in one layer (a 512 MiB mask) is far beyond any model here; more is a damaged or foreign blob,
    // and believing it would allocate its size before the payload is looked at.
    if (n > (uint64_t{1} << 32)) throw std::runtime_error("mask blob: implausible size");
    info.n = int64_t(n);
    return info;
}

bool mask_blob_bit(const uint8_t* data, size_t size, int64_t index) {
    const MaskBlobInfo info = mask_blob_info(data, size);
    if (index < 0 || index >= info.n)
        throw std::runtime_error("mask blob: bit " + std::to_string(index) + " outside a mask of " +
                                 std::to_string(info.n));
    size_t pos = 2;
    get_varint(data, size, pos);  // n
    if (rice(info)) {
        uint64_t count = 0;
        RiceGapReader reader = rice_reader(data, size, info, pos, count);
        for (uint64_t k = 0; k < count; ++k) {
            const int64_t i = reader.next();
            if (i >= index) return i == index;
        }
        return false;
    }
    get_varint(data, size, pos);  // raw size
    z_stream z{};
    if (inflateInit(&z) != Z_OK) throw std::runtime_error("mask blob: zlib failed to start");
    z.next_in = const_cast<Bytef*>(data + pos);
    z.avail_in = uInt(size - pos);
    uint8_t buffer[1 << 14];
    uint64_t offset = 0;  // raw bytes decompressed before `buffer`
    const uint64_t want_byte = uint64_t(index) / 8;
    // Positions: varint gaps, after a varint count; decoded as they stream by.
    uint64_t value = 0, count = 0, seen = 0;
    int shift = 0;
    bool have_count = false;
    int64_t previous = -1;
    for (;;) {
        z.next_out = buffer;
        z.avail_out = sizeof(buffer);
        const int rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&z);
            throw std::runtime_error("mask blob: damaged compressed data");
        }
        const size_t got = sizeof(buffer) - z.avail_out;
        if (!(info.encoding & 2)) {
            if (want_byte < offset + got) {
                inflateEnd(&z);
                return (buffer[want_byte - offset] >> (index % 8)) & 1;
            }
        } else {
            for (size_t b = 0; b < got; ++b) {
                value |= uint64_t(buffer[b] & 0x7f) << shift;
                shift += 7;
                if (buffer[b] & 0x80) {
                    if (shift >= 64) {
                        inflateEnd(&z);
                        throw std::runtime_error("mask blob: bad varint");
                    }
                    continue;
                }
                if (!have_count) {
                    count = value;
                    have_count = true;
                } else {
                    // A gap past the mask would also overflow the sum below.
                    if (value >= uint64_t(info.n)) {
                        inflateEnd(&z);
                        throw std::runtime_error("mask blob: position out of range");
                    }
                    const int64_t i = previous + 1 + int64_t(value);
                    previous = i;
                    ++seen;
                    if (i >= index || seen >= count) {
                        inflateEnd(&z);
                        return i == index;
                    }
                }
                value = 0;
                shift = 0;
            }
            if (have_count && count == 0) {
                inflateEnd(&z);
                return false;
            }
        }
        offset += got;
        if (rc == Z_STREAM_END) break;
    }
    inflateEnd(&z);
    if (info.encoding & 2) return false;  // every position is below `index`
    throw std::runtime_error("mask blob: bitset shorter than its mask");
}

namespace {

std::vector<uint64_t> rice_payload(const uint8_t* data, size_t size, const MaskBlobInfo& info, size_t pos) {
    uint64_t count = 0;
    RiceGapReader reader = rice_reader(data, size, info, pos, count);
    std::vector<uint64_t> payload(size_t(mask_words(info.n)), 0);
    for (uint64_t k = 0; k < count; ++k) {
        const int64_t i = reader.next();
        payload[size_t(i) / 64] |= uint64_t{1} << (i % 64);
    }
    if (!reader.at_end()) throw std::runtime_error("mask blob: trailing data");
    return payload;
}

// The deflated bitset, or (format 1) the deflated varint gaps.
std::vector<uint64_t> zlib_payload(const uint8_t* data, size_t size, const MaskBlobInfo& info, size_t pos) {
    const uint64_t raw_size = get_varint(data, size, pos);
    const size_t words = size_t(mask_words(info.n));
    if (raw_size > words * 8 + 16 + words * 64 * 10) throw std::runtime_error("mask blob: implausible payload");
    // zlib expands at most ~1032:1, so a raw size beyond that cannot come from this blob's compressed bytes.
    if (raw_size > uint64_t(size - pos) * 1032 + 64) throw std::runtime_error("mask blob: truncated payload");
    std::vector<uint8_t> raw(raw_size);
    uLongf out_size = uLongf(raw_size);
    const int zrc = uncompress(raw.data(), &out_size, data + pos, uLong(size - pos));
    if (zrc != Z_OK || out_size != raw_size) throw std::runtime_error("mask blob: damaged compressed data");

    std::vector<uint64_t> payload(words, 0);
    if (info.encoding & 2) {
        size_t p = 0;
        const uint64_t count = get_varint(raw.data(), raw.size(), p);
        int64_t previous = -1;
        for (uint64_t k = 0; k < count; ++k) {
            const uint64_t gap = get_varint(raw.data(), raw.size(), p);
            // The gap first: one past the mask would also overflow the sum.
            if (gap >= uint64_t(info.n)) throw std::runtime_error("mask blob: position out of range");
            const int64_t i = previous + 1 + int64_t(gap);
            if (i >= info.n) throw std::runtime_error("mask blob: position out of range");
            payload[size_t(i) / 64] |= uint64_t{1} << (i % 64);
            previous = i;
        }
        if (p != raw.size()) throw std::runtime_error("mask blob: trailing data");
    } else {
        if (raw.size() != words * 8) throw std::runtime_error("mask blob: bitset of the wrong size");
        for (size_t w = 0; w < words; ++w) {
            uint64_t v = 0;
            for (int b = 0; b < 8; ++b) v |= uint64_t(raw[w * 8 + size_t(b)]) << (8 * b);
            payload[w] = v;
        }
    }
    return payload;
}

}  // namespace

void apply_mask_blob(const uint8_t* data, size_t size, std::vector<uint64_t>& bits, int64_t& n) {
    const MaskBlobInfo info = mask_blob_info(data, size);
    size_t pos = 2;
    get_varint(data, size, pos);  // n
    const size_t words = size_t(mask_words(info.n));
    std::vector<uint64_t> payload =
        rice(info) ? rice_payload(data, size, info, pos) : zlib_payload(data, size, info, pos);
    if (info.n % 64 && words) payload.back() &= (uint64_t{1} << (info.n % 64)) - 1;

    if (info.delta()) {
        if (n != info.n || bits.size() != words) throw std::runtime_error("mask blob: delta on a mask of another size");
        for (size_t w = 0; w < words; ++w) bits[w] ^= payload[w];
    } else {
        bits = std::move(payload);
        n = info.n;
    }
}

}  // namespace ft::store_detail
