// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the CIFAR binary batch reader (core/data/cifar_reader.cpp) as CIFAR-10 (1 label byte, 10
// classes) and CIFAR-100 (2 label bytes, 100 classes). A bad file must end in DataError, and what it returns must
// be whole records with labels in range.
#include <cstddef>
#include <cstdint>

#include "data/dataset.h"
#include "fuzz_files.h"

namespace {

void read_as(const std::string& path, int label_bytes, int64_t classes) {
    std::vector<uint8_t> images;
    std::vector<int64_t> labels;
    try {
        ft::read_cifar_batch(path, label_bytes, classes, images, labels);
    } catch (const ft::DataError&) {
        return;
    }
    if (images.size() != labels.size() * 3072) std::abort();
    for (int64_t l : labels)
        if (l < 0 || l >= classes) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::scratch().write("data_batch_1.bin", data, size);
    read_as(path, 1, 10);
    read_as(path, 2, 100);
    return 0;
}
