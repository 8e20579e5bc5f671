// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the checkpoint loader (core/train/checkpoint.cpp), which `resume` points at files that a crash,
// a full disk or a user may have damaged. Input: the JSON sidecar, a NUL byte, then the tensor archive it names
// (written as ckpt-0.pt), its tensors dense or packed (tensor_packing.h). A damaged pair must end in
// std::runtime_error naming the JSON file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_files.h"
#include "train/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t split = std::min(input.find('\0'), input.size());
    const auto& files = fuzz::scratch();
    files.write("ckpt.json", data, split);
    const size_t tensors = split < size ? split + 1 : size;
    files.write("ckpt-0.pt", data + tensors, size - tensors);
    nlohmann::json meta;
    ft::TensorMap map;
    try {
        if (!ft::load_checkpoint(files.path(""), "ckpt", meta, map)) std::abort();  // the JSON file is there
    } catch (const std::runtime_error& e) {
        if (std::string(e.what()).find("ckpt.json") == std::string::npos) std::abort();
    }
    return 0;
}
