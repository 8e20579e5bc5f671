// SPDX-License-Identifier: GPL-3.0-or-later
// Device and thread resolution.
#include "train/device.h"

#include <stdexcept>
#include <thread>

#include <torch/cuda.h>

namespace ft {

torch::Device resolve_device(const std::string& name) {
    if (name == "cpu") return torch::kCPU;
    const bool cuda = torch::cuda::is_available();
    if (name == "auto") return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (!cuda)
        throw std::runtime_error("device = \"" + name +
                                 "\": this build or machine has no CUDA; use \"cpu\" or \"auto\"");
    torch::Device device(name);
    if (device.has_index() && device.index() >= static_cast<int64_t>(torch::cuda::device_count()))
        throw std::runtime_error("device = \"" + name + "\": only " + std::to_string(torch::cuda::device_count()) +
                                 " CUDA device(s) present");
    return device;
}

int64_t resolve_threads(int64_t requested) {
    if (requested > 0) return requested;
    const unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? n : 1;
}

}  // namespace ft
