// SPDX-License-Identifier: GPL-3.0-or-later
// Float arrays as SQLite blobs: little-endian IEEE float32 (and int32 for labels), whatever the host's byte order,
// so a store file moves between machines unchanged.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace ft::store_detail {

template <typename T>
std::vector<uint8_t> le_blob(const std::vector<T>& values) {
    static_assert(sizeof(T) == 4, "4-byte values only");
    std::vector<uint8_t> out(values.size() * 4);
    for (size_t i = 0; i < values.size(); ++i) {
        uint32_t u;
        std::memcpy(&u, &values[i], 4);
        for (int b = 0; b < 4; ++b) out[i * 4 + size_t(b)] = uint8_t(u >> (8 * b));
    }
    return out;
}

// `what` names the column in the error of a blob whose size is not a whole number of values.
template <typename T>
std::vector<T> from_le_blob(const uint8_t* data, size_t size, const std::string& what) {
    static_assert(sizeof(T) == 4, "4-byte values only");
    if (size % 4 != 0)
        throw std::runtime_error(what + ": blob of " + std::to_string(size) +
                                 " bytes is not a whole number of 4-byte values");
    std::vector<T> out(size / 4);
    for (size_t i = 0; i < out.size(); ++i) {
        uint32_t u = 0;
        for (int b = 0; b < 4; ++b) u |= uint32_t(data[i * 4 + size_t(b)]) << (8 * b);
        std::memcpy(&out[i], &u, 4);
    }
    return out;
}

}  // namespace ft::store_detail
