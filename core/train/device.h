// SPDX-License-Identifier: GPL-3.0-or-later
// Device and thread-count resolution for a run (config fields `device` and `threads`).
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

namespace ft {

// "auto" = CUDA when this LibTorch has it and a GPU is present, else CPU. "cuda[:N]" without CUDA throws
// std::runtime_error saying so.
torch::Device resolve_device(const std::string& name);
// 0 = every core of the machine.
int64_t resolve_threads(int64_t requested);

}  // namespace ft
