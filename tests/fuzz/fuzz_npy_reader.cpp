// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the .npy reader (core/data/npy_reader.cpp): the header parser on the bytes, then the file as
// an array, as images and as labels. A bad file must end in DataError.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "data/dataset.h"
#include "data/npy_reader.h"
#include "fuzz_files.h"

namespace ft {
// read_corruption_npy (not fuzzed here) normalises with this; its file, corruptions.cpp, needs C++20, which the
// torch headers do not allow this build (tests/fuzz/CMakeLists.txt). Never called.
torch::Tensor normalised_from_pixels(const torch::Tensor&, const std::vector<float>&, const std::vector<float>&) {
    std::abort();
}
}  // namespace ft

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch().write("input.npy", data, size);
    try {
        const auto header = ft::parse_npy_header(path, std::string(reinterpret_cast<const char*>(data), size));
        if (header.data_offset < 0 || header.data_offset > int64_t(size) + 0) {
            // The parser may only report an offset inside the bytes it was given.
            std::abort();
        }
    } catch (const ft::DataError&) {}
    try {
        ft::read_npy(path);
    } catch (const ft::DataError&) {}
    try {
        ft::read_npy_images(path, 0, -1);
    } catch (const ft::DataError&) {}
    try {
        ft::read_npy_labels(path, 1, 2);
    } catch (const ft::DataError&) {}
    return 0;
}
