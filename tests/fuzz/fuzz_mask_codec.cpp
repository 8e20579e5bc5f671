// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the mask codec's decoder (core/store/mask_codec.cpp) on foreign blobs (a store file from
// elsewhere can hold anything). The first input byte picks: even, the rest is a blob, decoded as a keyframe, as
// a delta on an empty mask and bit by bit, where damage must end in std::runtime_error; odd, the rest is a mask
// (and a previous one), which must decode back exactly from its own encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "store/mask_codec.h"

namespace sd = ft::store_detail;

namespace {

void decode_foreign(const uint8_t* blob, size_t size) {
    sd::MaskBlobInfo info;
    try {
        info = sd::mask_blob_info(blob, size);
    } catch (const std::runtime_error&) {
        return;
    }
    if (info.n < 0) std::abort();
    std::vector<uint64_t> bits;
    int64_t n = 0;
    // An empty mask of any size is a few bytes in Rice form, and decoding it allocates its n bits: keep that small.
    if (info.encoding >= sd::kMaskRiceKey && info.n > (int64_t(1) << 24)) return;
    try {
        if (info.delta()) {
            if (info.n > (int64_t(1) << 24)) return;  // a delta needs the previous mask in memory: keep that small
            n = info.n;
            bits.assign(size_t(sd::mask_words(n)), 0);
        }
        sd::apply_mask_blob(blob, size, bits, n);
        if (n != info.n || bits.size() != size_t(sd::mask_words(n))) std::abort();
    } catch (const std::runtime_error&) {}
    for (int64_t index : {int64_t(0), info.n / 2, info.n - 1}) {
        try {
            sd::mask_blob_bit(blob, size, index);
        } catch (const std::runtime_error&) {}
    }
}

void round_trip(const uint8_t* data, size_t size) {
    // n bits from the first two bytes, then the words of the mask and of the previous one from the rest.
    if (size < 2) return;
    const int64_t n = int64_t(data[0]) | int64_t(data[1]) << 8;
    data += 2;
    size -= 2;
    if (n == 0) return;
    const size_t words = size_t(sd::mask_words(n));
    std::vector<uint64_t> bits(words, 0), previous(words, 0);
    const size_t half = size / 2;
    std::memcpy(bits.data(), data, std::min(half, words * 8));
    std::memcpy(previous.data(), data + half, std::min(size - half, words * 8));
    if (n % 64) {
        const uint64_t keep = (uint64_t(1) << (n % 64)) - 1;  // bits past n are not part of the mask
        bits.back() &= keep;
        previous.back() &= keep;
    }
    const auto key = sd::encode_mask(bits, n, nullptr);
    std::vector<uint64_t> decoded;
    int64_t m = 0;
    sd::apply_mask_blob(key.data(), key.size(), decoded, m);
    if (m != n || decoded != bits) std::abort();
    const auto delta = sd::encode_mask(bits, n, &previous);
    decoded = previous;
    sd::apply_mask_blob(delta.data(), delta.size(), decoded, m);
    if (m != n || decoded != bits) std::abort();
    for (int64_t i = 0; i < n; i += 1 + n / 7)
        if (sd::mask_blob_bit(key.data(), key.size(), i) != bool(bits[size_t(i / 64)] >> (i % 64) & 1)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    if (data[0] % 2)
        round_trip(data + 1, size - 1);
    else
        decode_foreign(data + 1, size - 1);
    return 0;
}
