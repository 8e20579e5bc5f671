// SPDX-License-Identifier: GPL-3.0-or-later
// Zip directory checks (see zip_check.h), after the PKWARE APPNOTE's layout: the end-of-central-directory record
// (and its zip64 form) at the end of the file, then one central header per record.
#include "train/zip_check.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace ft {
namespace {

uint64_t le(const unsigned char* p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i) v = v << 8 | p[i];
    return v;
}

class ZipFile {
public:
    explicit ZipFile(const std::string& path) : path_(path), in_(path, std::ios::binary) {
        if (!in_) fail("cannot open it");
        in_.seekg(0, std::ios::end);
        size_ = uint64_t(in_.tellg());
    }
    uint64_t size() const { return size_; }
    std::vector<unsigned char> read(uint64_t at, uint64_t n) {
        if (at > size_ || n > size_ - at) fail("its directory points past the end of the file");
        std::vector<unsigned char> bytes(n);
        in_.seekg(std::streamoff(at));
        in_.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(n));
        if (!in_) fail("cannot read it");
        return bytes;
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error(path_ + ": not a readable tensor archive: " + why);
    }

private:
    std::string path_;
    std::ifstream in_;
    uint64_t size_ = 0;
};

struct Directory {
    uint64_t entries = 0, offset = 0, size = 0;
};

Directory find_directory(ZipFile& zip) {
    constexpr uint64_t kEnd = 22, kMaxComment = 65535;
    if (zip.size() < kEnd) zip.fail("too short for a zip file");
    const uint64_t tail = std::min(zip.size(), kEnd + kMaxComment);
    const auto bytes = zip.read(zip.size() - tail, tail);
    for (uint64_t i = tail - kEnd + 1; i-- > 0;) {
        const unsigned char* p = bytes.data() + i;
        if (le(p, 4) != 0x06054b50) continue;
        Directory d{le(p + 10, 2), le(p + 16, 4), le(p + 12, 4)};
        if (d.entries != 0xffff && d.offset != 0xffffffff && d.size != 0xffffffff) return d;
        // zip64: a locator just before this record points at the zip64 end record.
        const uint64_t at = zip.size() - tail + i;
        if (at < 20) zip.fail("a zip64 directory without its locator");
        const auto locator = zip.read(at - 20, 20);
        if (le(locator.data(), 4) != 0x07064b50) zip.fail("a zip64 directory without its locator");
        const auto end64 = zip.read(le(locator.data() + 8, 8), 56);
        if (le(end64.data(), 4) != 0x06064b50) zip.fail("a damaged zip64 directory record");
        return {le(end64.data() + 32, 8), le(end64.data() + 48, 8), le(end64.data() + 40, 8)};
    }
    zip.fail("no zip directory at its end");
}

}  // namespace

void check_zip_records(const std::string& path) {
    ZipFile zip(path);
    const Directory d = find_directory(zip);
    const auto dir = zip.read(d.offset, d.size);
    size_t pos = 0;
    for (uint64_t e = 0; e < d.entries; ++e) {
        constexpr size_t kHeader = 46;
        if (dir.size() - pos < kHeader || le(dir.data() + pos, 4) != 0x02014b50)
            zip.fail("its directory ends before its " + std::to_string(d.entries) + " records");
        const unsigned char* h = dir.data() + pos;
        const uint64_t method = le(h + 10, 2), name_len = le(h + 28, 2), extra_len = le(h + 30, 2),
                       comment_len = le(h + 32, 2);
        uint64_t compressed = le(h + 20, 4), declared = le(h + 24, 4);
        if (dir.size() - pos - kHeader < name_len + extra_len + comment_len)
            zip.fail("its directory ends inside a record's header");
        const std::string name(reinterpret_cast<const char*>(h + kHeader), name_len);
        // zip64 sizes: in the extra field 0x0001, the uncompressed size first, each only where the header has
        // 0xffffffff.
        for (const unsigned char *x = h + kHeader + name_len, *end = x + extra_len; end - x >= 4;) {
            const uint64_t id = le(x, 2), len = le(x + 2, 2);
            if (uint64_t(end - x - 4) < len) break;
            if (id == 0x0001) {
                const unsigned char* v = x + 4;
                uint64_t left = len;
                if (declared == 0xffffffff && left >= 8) declared = le(v, 8), v += 8, left -= 8;
                if (compressed == 0xffffffff && left >= 8) compressed = le(v, 8);
            }
            x += 4 + len;
        }
        if (method != 0 && method != 8)
            zip.fail("record " + name + " uses compression method " + std::to_string(method) +
                     " (expected stored or deflated)");
        if (compressed > zip.size())
            zip.fail("record " + name + " claims " + std::to_string(compressed) + " compressed bytes in a file of " +
                     std::to_string(zip.size()));
        const uint64_t most = method == 0 ? compressed : compressed * 1032 + 1024;
        if (declared > most)
            zip.fail("record " + name + " declares " + std::to_string(declared) + " bytes from " +
                     std::to_string(compressed) + (method == 0 ? " stored" : " deflated") + " ones");
        pos += kHeader + name_len + extra_len + comment_len;
    }
}

}  // namespace ft
