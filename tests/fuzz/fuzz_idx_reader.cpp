// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the IDX reader (core/data/idx_reader.cpp) on any file, as images and as labels. A bad file
// must end in DataError; anything else (a crash, another exception, a huge allocation) is a finding.
#include <cstddef>
#include <cstdint>

#include "data/dataset.h"
#include "fuzz_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch().write("input-idx3-ubyte", data, size);
    try {
        const auto images = ft::read_idx_images(path);
        if (images.dim() != 3) std::abort();
    } catch (const ft::DataError&) {}
    try {
        const auto labels = ft::read_idx_labels(path);
        if (labels.dim() != 1) std::abort();
    } catch (const ft::DataError&) {}
    return 0;
}
