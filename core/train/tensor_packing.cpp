// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint tensor packing (see tensor_packing.h).
#include "train/tensor_packing.h"

#include <limits>
#include <stdexcept>

#include <torch/torch.h>

namespace ft {
namespace {

// A tensor this small is not worth a bitmap: the sizes and names around it cost more.
constexpr int64_t kSmallest = 64;

torch::Tensor bit_weights() { return torch::tensor({1, 2, 4, 8, 16, 32, 64, 128}, torch::kInt32).to(torch::kUInt8); }

// Entry i of the flat bool tensor `set` becomes bit i % 8 of byte i / 8.
torch::Tensor bitmap(const torch::Tensor& set) {
    const int64_t n = set.numel();
    auto bytes = torch::zeros({(n + 7) / 8 * 8}, torch::kUInt8);
    bytes.narrow(0, 0, n).copy_(set);
    return bytes.view({-1, 8}).mul_(bit_weights()).sum(1, false, torch::kUInt8);
}

torch::Tensor expand_bitmap(const torch::Tensor& bytes, int64_t n) {
    return bytes.unsqueeze(1).bitwise_and(bit_weights()).ne(0).reshape({-1}).narrow(0, 0, n);
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// The entry count of `shape`, refusing one that cannot be real (negative, or overflowing).
int64_t entries(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0 || (d > 0 && n > std::numeric_limits<int64_t>::max() / d))
            throw std::runtime_error("shape " + shape_text(shape) + " is not a tensor's shape");
        n *= d;
    }
    return n;
}

}  // namespace

PackedTensor pack_tensor(const torch::Tensor& tensor) {
    PackedTensor p;
    const torch::Tensor t = tensor.detach().to(torch::kCPU);
    p.shape = t.sizes().vec();
    const bool is_bool = t.scalar_type() == torch::kBool;
    if ((!is_bool && t.scalar_type() != torch::kFloat) || t.numel() < kSmallest) {
        p.data = t;
        return p;
    }
    p.dtype = is_bool ? "bool" : "float32";
    const torch::Tensor flat = t.contiguous().view({-1});
    const torch::Tensor nonzero = is_bool ? flat : flat.ne(0);
    if (is_bool || flat.eq(0).logical_or_(flat.eq(1)).all().item<bool>()) {
        p.encoding = "bits";
        p.data = bitmap(nonzero);
        return p;
    }
    const int64_t n = flat.numel(), set = nonzero.sum().item<int64_t>();
    // Only when the bitmap and the values take at most three quarters of the dense bytes: packing costs time.
    if (4 * set + (n + 7) / 8 > 3 * n) {
        p.data = t;
        p.dtype.clear();
        return p;
    }
    p.encoding = "sparse";
    p.data = bitmap(nonzero);
    p.values = flat.masked_select(nonzero);
    return p;
}

nlohmann::json packing_to_json(const PackedTensor& packed) {
    if (packed.encoding == "dense") return {{"encoding", "dense"}};
    return {{"encoding", packed.encoding}, {"shape", packed.shape}, {"dtype", packed.dtype}};
}

PackedTensor packing_from_json(const nlohmann::json& json) {
    PackedTensor p;
    if (!json.is_object() || !json.contains("encoding") || !json["encoding"].is_string())
        throw std::runtime_error("tensor encoding " + json.dump() + ": expected {\"encoding\": ...}");
    p.encoding = json["encoding"].get<std::string>();
    if (p.encoding == "dense") return p;
    if (p.encoding != "bits" && p.encoding != "sparse")
        throw std::runtime_error("encoding = \"" + p.encoding + "\": expected \"dense\", \"bits\" or \"sparse\"");
    const auto& shape = json.value("shape", nlohmann::json());
    if (!shape.is_array()) throw std::runtime_error("shape = " + shape.dump() + ": expected a list of sizes");
    for (const auto& d : shape) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0)
            throw std::runtime_error("shape = " + shape.dump() + ": expected a list of sizes >= 0");
        p.shape.push_back(d.get<int64_t>());
    }
    p.dtype = json.value("dtype", std::string());
    if (p.dtype != "float32" && !(p.dtype == "bool" && p.encoding == "bits"))
        throw std::runtime_error("dtype = \"" + p.dtype + "\": expected \"float32\"" +
                                 (p.encoding == "bits" ? " or \"bool\"" : ""));
    return p;
}

torch::Tensor unpack_tensor(const PackedTensor& packed) {
    if (packed.encoding == "dense") {
        if (!packed.data.defined()) throw std::runtime_error("the tensor is missing");
        return packed.data;
    }
    const int64_t n = entries(packed.shape);
    const auto& bytes = packed.data;
    if (!bytes.defined() || bytes.scalar_type() != torch::kUInt8 || bytes.dim() != 1 || bytes.numel() != (n + 7) / 8)
        throw std::runtime_error("its bitmap is not " + std::to_string((n + 7) / 8) + " bytes (uint8) for shape " +
                                 shape_text(packed.shape));
    const torch::Tensor set = expand_bitmap(bytes.contiguous(), n);
    if (packed.encoding == "bits")
        return (packed.dtype == "bool" ? set.clone() : set.to(torch::kFloat)).view(packed.shape);
    const auto& values = packed.values;
    const int64_t count = set.sum().item<int64_t>();
    if (!values.defined() || values.scalar_type() != torch::kFloat || values.dim() != 1 || values.numel() != count)
        throw std::runtime_error("its values are not " + std::to_string(count) +
                                 " float32 entries, one per set bit of its bitmap");
    return torch::zeros({n}, torch::kFloat).masked_scatter_(set, values.contiguous()).view(packed.shape);
}

}  // namespace ft
