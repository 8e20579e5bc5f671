// SPDX-License-Identifier: GPL-3.0-or-later
// CIFAR binary batches: records of <label bytes><3072 pixel bytes> (1024 red, 1024 green, 1024 blue, each 32x32
// row-major). CIFAR-10 has one label byte; CIFAR-100 has two (coarse, fine) and the fine label is used.
// Read through zlib, so a gzip-compressed batch works too. The records are appended to `images` and `labels`
// (so several batch files can be read into one set); nothing is appended when the file is rejected.
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace ft {
namespace {

constexpr int64_t kPixelBytes = 3 * 32 * 32;

struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose(f); }
};

std::vector<uint8_t> read_all(const std::string& path) {
    errno = 0;
    std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
    if (!file) {
        const std::string why = errno ? std::strerror(errno) : "cannot open";
        throw DataError(path + ": cannot open: " + why);
    }
    gzbuffer(file.get(), 1 << 20);
    std::vector<uint8_t> data;
    constexpr size_t kChunk = size_t{1} << 22;
    for (;;) {
        const size_t old = data.size();
        data.resize(old + kChunk);
        const int got = gzread(file.get(), data.data() + old, static_cast<unsigned>(kChunk));
        if (got < 0) {
            int code = 0;
            const char* msg = gzerror(file.get(), &code);
            throw DataError(path + ": read error: " + (msg ? msg : "zlib error") +
                            " (a corrupt or truncated gzip file?)");
        }
        data.resize(old + static_cast<size_t>(got));
        if (got == 0) break;
    }
    return data;
}

}  // namespace

void read_cifar_batch(const std::string& path, int label_bytes, int64_t classes, std::vector<uint8_t>& images,
                      std::vector<int64_t>& labels) {
    if (label_bytes != 1 && label_bytes != 2)
        throw std::invalid_argument("read_cifar_batch: label_bytes must be 1 (CIFAR-10) or 2 (CIFAR-100), got " +
                                    std::to_string(label_bytes));
    if (classes < 1 || classes > 256)
        throw std::invalid_argument("read_cifar_batch: classes must be in [1, 256], got " + std::to_string(classes));

    const std::vector<uint8_t> data = read_all(path);
    const int64_t record = label_bytes + kPixelBytes;
    const int64_t size = static_cast<int64_t>(data.size());
    const char* format = label_bytes == 1 ? "CIFAR-10 records of 1 label byte + 3072 pixel bytes"
                                          : "CIFAR-100 records of 2 label bytes + 3072 pixel bytes";
    if (size == 0) throw DataError(path + ": empty file, expected " + std::string(format));
    if (size % record != 0)
        throw DataError(path + ": size " + std::to_string(size) + " bytes is not a whole number of " +
                        std::to_string(record) + "-byte records (" + format + "); " + std::to_string(size / record) +
                        " records and " + std::to_string(size % record) + " bytes left over");

    const int64_t n = size / record;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t label = data[static_cast<size_t>(i * record + label_bytes - 1)];
        if (label >= classes)
            throw DataError(path + ": record " + std::to_string(i) + " has label " + std::to_string(label) +
                            ", expected a label in [0, " + std::to_string(classes) + ") (" + format + ")");
    }

    images.reserve(images.size() + static_cast<size_t>(n * kPixelBytes));
    labels.reserve(labels.size() + static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const uint8_t* rec = data.data() + i * record;
        labels.push_back(rec[label_bytes - 1]);
        images.insert(images.end(), rec + label_bytes, rec + record);
    }
}

}  // namespace ft
