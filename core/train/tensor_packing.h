// SPDX-License-Identifier: GPL-3.0-or-later
// How a checkpoint stores one tensor. Masks are 0/1 and the weights and momentum of a sparse layer are zero
// outside the mask, so storing them dense as float32 made a 41M-weight EDST checkpoint 530 MB and each ticket
// 326 MB. Here a 0/1 tensor becomes a bitmap (1 bit per entry) and a mostly-zero one a bitmap of its nonzero
// entries plus their values; everything else stays as it is. Decoding gives the same values bit for bit, but that
// a stored -0.0 comes back as +0.0 (no sum, product or comparison that training does tells them apart).
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>
#include <nlohmann/json.hpp>

namespace ft {

struct PackedTensor {
    // "dense": `data` is the tensor itself. "bits": `data` holds the bitmap (uint8, entry i in bit i % 8 of byte
    // i / 8) and every set entry is 1. "sparse": the bitmap of the nonzero entries, whose values, in order, are
    // `values`.
    std::string encoding = "dense";
    std::vector<int64_t> shape;
    std::string dtype;  // "float32" or "bool" for bits and sparse
    torch::Tensor data, values;
};

// Chooses the smallest of the three for a float32 or bool tensor (others stay dense); works on a CPU copy.
PackedTensor pack_tensor(const torch::Tensor& tensor);

// The JSON that describes a packed tensor next to the archive (encoding, shape, dtype), and back. from_json
// throws std::runtime_error for an unknown encoding or dtype and a shape that is not a list of sizes >= 0.
nlohmann::json packing_to_json(const PackedTensor& packed);
PackedTensor packing_from_json(const nlohmann::json& json);

// Rebuilds the tensor. Throws std::runtime_error when the pieces do not fit together: a bitmap of the wrong type
// or length for the shape, values of the wrong type or a count other than the bitmap's set entries.
torch::Tensor unpack_tensor(const PackedTensor& packed);

}  // namespace ft
