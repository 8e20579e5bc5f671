// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint tensor packing (see tensor_packing.h).
#include "train/tensor_packing.h"

#include <functional>
#include <limits>
#include <stdexcept>

#include <ATen/Parallel.h>
#include <torch/torch.h>

namespace ft {
namespace {

// A tensor this small is not worth a bitmap: the sizes and names around it cost more.
constexpr int64_t kSmallest = 64;

constexpr int64_t kGrain = int64_t{1} << 16;  // a multiple of 8: each task fills whole bytes

// Entry i (where set(i)) becomes bit i % 8 of byte i / 8.
template <class Set>
torch::Tensor bitmap_of(int64_t n, Set set) {
    auto bytes = torch::empty({(n + 7) / 8}, torch::kUInt8);
    uint8_t* out = bytes.data_ptr<uint8_t>();
    at::parallel_for(0, (n + 7) / 8, kGrain / 8, [&](int64_t first, int64_t last) {
        for (int64_t byte = first; byte < last; ++byte) {
            uint8_t bits = 0;
            for (int64_t b = 0, i = byte * 8; b < 8 && i < n; ++b, ++i) bits |= uint8_t(set(i) ? 1u << b : 0u);
            out[byte] = bits;
        }
    });
    return bytes;
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
    const int64_t n = flat.numel();
    if (is_bool) {
        p.encoding = "bits";
        p.data = bitmap_of(n, [b = flat.data_ptr<bool>()](int64_t i) { return b[i]; });
        return p;
    }
    // One pass decides (a checkpoint of a 36M-weight layer packs its weight, mask and momentum at every epoch end:
    // tensor operations made that a dozen passes and 0.7 s for the weight alone). NaN is neither 0 nor 1, and
    // nonzero; -0.0 is zero.
    const float* x = flat.data_ptr<float>();
    const auto [zeros, ones] = at::parallel_reduce(
        int64_t{0}, n, kGrain, std::pair<int64_t, int64_t>{0, 0},
        [x](int64_t begin, int64_t end, std::pair<int64_t, int64_t> c) {
            for (int64_t i = begin; i < end; ++i) {
                c.first += x[i] == 0.0f;
                c.second += x[i] == 1.0f;
            }
            return c;
        },
        [](std::pair<int64_t, int64_t> a, std::pair<int64_t, int64_t> b) {
            return std::pair<int64_t, int64_t>{a.first + b.first, a.second + b.second};
        });
    const auto nonzero_at = [x](int64_t i) { return x[i] != 0.0f; };
    if (zeros + ones == n) {
        p.encoding = "bits";
        p.data = bitmap_of(n, nonzero_at);
        return p;
    }
    const int64_t set = n - zeros;
    // Only when the bitmap and the values take at most three quarters of the dense bytes: packing costs time.
    if (4 * set + (n + 7) / 8 > 3 * n) {
        p.data = t;
        p.dtype.clear();
        return p;
    }
    p.encoding = "sparse";
    p.data = bitmap_of(n, nonzero_at);
    p.values = torch::empty({set}, torch::kFloat);
    float* out = p.values.data_ptr<float>();
    for (int64_t i = 0, k = 0; i < n; ++i)
        if (x[i] != 0.0f) out[k++] = x[i];
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
    const torch::Tensor b = bytes.contiguous();
    const uint8_t* in = b.data_ptr<uint8_t>();
    const auto bit = [in](int64_t i) { return (in[i >> 3] >> (i & 7)) & 1; };
    if (packed.encoding == "bits") {
        torch::Tensor out = torch::empty({n}, packed.dtype == "bool" ? torch::kBool : torch::kFloat);
        if (packed.dtype == "bool") {
            bool* o = out.data_ptr<bool>();
            at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) o[i] = bit(i);
            });
        } else {
            float* o = out.data_ptr<float>();
            at::parallel_for(0, n, kGrain, [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) o[i] = float(bit(i));
            });
        }
        return out.view(packed.shape);
    }
    // The set bits of the first n (any past n in the last byte are not entries).
    int64_t count = at::parallel_reduce(
        int64_t{0}, n / 8, kGrain / 8, int64_t{0},
        [in](int64_t begin, int64_t end, int64_t c) {
            for (int64_t i = begin; i < end; ++i) c += __builtin_popcount(in[i]);
            return c;
        },
        std::plus<int64_t>());
    for (int64_t i = n / 8 * 8; i < n; ++i) count += bit(i);
    const auto& values = packed.values;
    if (!values.defined() || values.scalar_type() != torch::kFloat || values.dim() != 1 || values.numel() != count)
        throw std::runtime_error("its values are not " + std::to_string(count) +
                                 " float32 entries, one per set bit of its bitmap");
    const torch::Tensor v = values.contiguous();
    const float* next = v.data_ptr<float>();
    torch::Tensor out = torch::empty({n}, torch::kFloat);
    float* o = out.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) o[i] = bit(i) ? *next++ : 0.0f;
    return out.view(packed.shape);
}

}  // namespace ft
