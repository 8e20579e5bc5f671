// SPDX-License-Identifier: GPL-3.0-or-later
// IDX reader (the MNIST / Fashion-MNIST file format), through zlib so that .gz and plain files both work.
// Layout: a big-endian uint32 magic (0x00000803 for uint8 images with 3 dimensions, 0x00000801 for uint8 labels
// with 1 dimension), one big-endian uint32 per dimension, then the bytes. Bytes after the declared body are
// rejected: a file with more data than its header declares is not the file we think it is.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace ft {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;
constexpr uint32_t kLabelsMagic = 0x00000801;
// No real IDX file comes near this; it keeps a corrupt header from asking for an absurd allocation.
constexpr uint64_t kMaxBodyBytes = uint64_t{1} << 36;

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};

class GzReader {
public:
    explicit GzReader(const std::string& path) : path_(path) {
        errno = 0;
        file_.reset(gzopen(path.c_str(), "rb"));
        if (!file_) {
            const std::string why = errno ? std::strerror(errno) : "cannot open";
            throw DataError(path + ": cannot open: " + why);
        }
        gzbuffer(file_.get(), 1 << 20);
    }

    // Reads up to n bytes; returns how many were read (fewer only at the end of the data). Throws on a zlib error
    // (a corrupt or truncated compressed stream).
    uint64_t read(void* dst, uint64_t n) {
        auto* out = static_cast<unsigned char*>(dst);
        uint64_t total = 0;
        while (total < n) {
            const uint64_t chunk = std::min<uint64_t>(n - total, 1u << 30);
            const int got = gzread(file_.get(), out + total, static_cast<unsigned>(chunk));
            if (got < 0) {
                int code = 0;
                const char* msg = gzerror(file_.get(), &code);
                throw DataError(path_ + ": read error: " + (msg ? msg : "zlib error") +
                                " (a corrupt or truncated gzip file?)");
            }
            if (got == 0) break;
            total += static_cast<uint64_t>(got);
        }
        return total;
    }

    bool at_end() {
        unsigned char b;
        return read(&b, 1) == 0;
    }

private:
    std::string path_;
    std::unique_ptr<gzFile_s, GzCloser> file_;
};

uint32_t read_be32(GzReader& in, const std::string& path, const char* what) {
    unsigned char b[4];
    if (in.read(b, 4) != 4)
        throw DataError(path + ": truncated header: the file ends before the " + std::string(what) +
                        " (an IDX header is a 4-byte magic number and one 4-byte size per dimension)");
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

void check_magic(uint32_t magic, uint32_t expected, const std::string& path, const char* kind) {
    if (magic == expected) return;
    std::string msg =
        path + ": wrong magic number " + hex32(magic) + ", expected " + hex32(expected) + " (" + kind + ")";
    if (magic == kImagesMagic)
        msg += "; this looks like an IDX image file";
    else if (magic == kLabelsMagic)
        msg += "; this looks like an IDX label file";
    else if ((magic >> 16) == 0x1F8B)
        msg += "; this looks like gzip data inside gzip (compressed twice?)";
    throw DataError(msg);
}

// The body, read in pieces as it arrives: a header may declare gigabytes that the file does not hold, and a
// gzip file's length says nothing about its contents, so memory follows the data, not the header.
std::vector<uint8_t> read_body(GzReader& in, uint64_t bytes) {
    constexpr uint64_t kPiece = uint64_t{64} << 20;
    std::vector<uint8_t> body;
    while (body.size() < bytes) {
        const uint64_t have = body.size();
        body.resize(have + std::min(kPiece, bytes - have));
        const uint64_t got = in.read(body.data() + have, body.size() - have);
        body.resize(have + got);
        if (got == 0) break;
    }
    return body;
}

void check_trailing(GzReader& in, const std::string& path, const std::string& declared) {
    if (!in.at_end())
        throw DataError(path + ": unexpected data after the " + declared +
                        " the header declares (not an IDX file of this size, or two files concatenated)");
}

}  // namespace

torch::Tensor read_idx_images(const std::string& path) {
    GzReader in(path);
    check_magic(read_be32(in, path, "magic number"), kImagesMagic, path, "IDX uint8 images with 3 dimensions");
    const uint32_t n = read_be32(in, path, "image count");
    const uint32_t rows = read_be32(in, path, "row count");
    const uint32_t cols = read_be32(in, path, "column count");
    if (rows == 0 || cols == 0)
        throw DataError(path + ": invalid image size " + std::to_string(rows) + "x" + std::to_string(cols) +
                        ", expected positive rows and columns");
    // One image's size on its own too: with 0 images any rows x cols passes the total below, and torch refuses to
    // shape a tensor whose dimensions multiply past 2^63 even when one of them is 0 (found by fuzz_idx_gz_reader).
    if (uint64_t{rows} * cols > kMaxBodyBytes)
        throw DataError(path + ": invalid image size " + std::to_string(rows) + "x" + std::to_string(cols) +
                        ", more than any IDX dataset holds; the header is corrupt");
    const uint64_t bytes = uint64_t{n} * rows * cols;
    const std::string declared = std::to_string(n) + " images of " + std::to_string(rows) + "x" + std::to_string(cols);
    if (bytes > kMaxBodyBytes)
        throw DataError(path + ": header declares " + declared + " (" + std::to_string(bytes) +
                        " bytes), more than any IDX dataset holds; the header is corrupt");

    const std::vector<uint8_t> body = read_body(in, bytes);
    const uint64_t got = body.size();
    if (got != bytes)
        throw DataError(path + ": truncated: header declares " + declared + " (" + std::to_string(bytes) +
                        " bytes), file holds " + std::to_string(got) + " bytes after the header");
    check_trailing(in, path, declared);
    auto images =
        torch::empty({static_cast<int64_t>(n), static_cast<int64_t>(rows), static_cast<int64_t>(cols)}, torch::kUInt8);
    if (bytes) std::memcpy(images.data_ptr<uint8_t>(), body.data(), bytes);
    return images;
}

torch::Tensor read_idx_labels(const std::string& path) {
    GzReader in(path);
    check_magic(read_be32(in, path, "magic number"), kLabelsMagic, path, "IDX uint8 labels with 1 dimension");
    const uint32_t n = read_be32(in, path, "label count");
    const std::string declared = std::to_string(n) + " labels";

    const std::vector<uint8_t> body = read_body(in, n);
    const uint64_t got = body.size();
    if (got != n)
        throw DataError(path + ": truncated: header declares " + declared + " (" + std::to_string(n) +
                        " bytes), file holds " + std::to_string(got) + " bytes after the header");
    check_trailing(in, path, declared);
    auto raw = torch::empty({static_cast<int64_t>(n)}, torch::kUInt8);
    if (n) std::memcpy(raw.data_ptr<uint8_t>(), body.data(), n);
    return raw.to(torch::kInt64);
}

}  // namespace ft
