// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the IDX reader on gzip files. The first input byte picks what the rest is: even, a .gz file
// as it is (damaged and truncated streams); odd, an IDX body that is gzip-compressed first (well-formed streams of
// odd contents, which random bytes would almost never reach through the CRC).
#include <zlib.h>

#include <cstddef>
#include <cstdint>

#include "data/dataset.h"
#include "fuzz_files.h"

namespace {

std::string gzip_file(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch().path("input-idx1-ubyte.gz");
    gzFile f = gzopen(path.c_str(), "wb1");
    if (!f) std::abort();
    if (size && gzwrite(f, data, unsigned(size)) != int(size)) std::abort();
    gzclose(f);
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string path =
        data[0] % 2 ? gzip_file(data + 1, size - 1) : fuzz::scratch().write("input-idx1-ubyte.gz", data + 1, size - 1);
    try {
        ft::read_idx_labels(path);
    } catch (const ft::DataError&) {}
    try {
        ft::read_idx_images(path);
    } catch (const ft::DataError&) {}
    return 0;
}
