// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint files: named tensors in a torch archive plus a JSON sidecar, written so that a crash at any instant
// leaves the previous checkpoint readable (write new files, then atomically rename the JSON that names them).
#pragma once

#include <map>
#include <string>

#include <torch/types.h>
#include <nlohmann/json.hpp>

namespace ft {

using TensorMap = std::map<std::string, torch::Tensor>;

// Writes <dir>/<stem>-<generation>.pt and then <dir>/<stem>.json (meta + "tensor_file"), replacing the previous
// pair. Tensors are saved on the CPU.
void save_checkpoint(const std::string& dir, const std::string& stem, const nlohmann::json& meta,
                     const TensorMap& tensors);
// False when <dir>/<stem>.json does not exist; throws std::runtime_error naming the file when it is damaged.
bool load_checkpoint(const std::string& dir, const std::string& stem, nlohmann::json& meta, TensorMap& tensors);

// The global CPU generator's state (model init, Bernoulli masks, random growth all draw from it).
torch::Tensor cpu_rng_state();
void set_cpu_rng_state(const torch::Tensor& state);

}  // namespace ft
