// SPDX-License-Identifier: GPL-3.0-or-later
// Byte-level access to the zip files torch writes, for the tests that damage an archive on purpose.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

namespace zip_test {

inline std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

inline uint16_t le16(const std::string& b, size_t at) { return uint16_t(uint8_t(b[at]) | uint8_t(b[at + 1]) << 8); }
inline uint32_t le32(const std::string& b, size_t at) {
    return uint32_t(le16(b, at)) | uint32_t(le16(b, at + 2)) << 16;
}
inline void put32(std::string& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + size_t(i)] = char(v >> (8 * i) & 0xff);
}

// Where the central directory header of the record whose name ends in `suffix` starts (npos: none).
inline size_t central_header(const std::string& zip, const std::string& suffix) {
    for (size_t at = zip.find("PK\x01\x02"); at != std::string::npos; at = zip.find("PK\x01\x02", at + 4)) {
        const std::string name = zip.substr(at + 46, le16(zip, at + 28));
        if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
            return at;
    }
    return std::string::npos;
}

// Where the data of that record lies: [begin, begin + size). The sizes are in the central directory (torch's
// writer leaves them out of the local headers).
inline std::pair<size_t, size_t> record_data(const std::string& zip, const std::string& suffix) {
    const size_t at = central_header(zip, suffix);
    if (at == std::string::npos) return {std::string::npos, 0};
    const size_t local = le32(zip, at + 42);
    return {local + 30 + le16(zip, local + 26) + le16(zip, local + 28), le32(zip, at + 20)};
}

}  // namespace zip_test
