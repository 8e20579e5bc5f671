// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint files (see checkpoint.h).
#include "train/checkpoint.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize.h>

#include "train/tensor_archive.h"
#include "train/tensor_packing.h"

namespace ft {
namespace fs = std::filesystem;

namespace {

const torch::Tensor& archive_tensor(const std::map<std::string, torch::Tensor>& archive, const std::string& key) {
    const auto it = archive.find(key);
    if (it == archive.end()) throw std::runtime_error("the archive has no tensor " + key);
    return it->second;
}

}  // namespace

void save_checkpoint(const std::string& dir, const std::string& stem, const nlohmann::json& meta,
                     const TensorMap& tensors) {
    fs::create_directories(dir);
    const fs::path json_path = fs::path(dir) / (stem + ".json");
    int64_t generation = 0;
    std::string previous;
    if (fs::exists(json_path)) {
        try {
            std::ifstream in(json_path);
            const auto old = nlohmann::json::parse(in);
            generation = old.value("generation", int64_t{0}) + 1;
            previous = old.value("tensor_file", std::string());
        } catch (const std::exception&) {
            generation = 1;
        }
    }
    const std::string tensor_file = stem + "-" + std::to_string(generation) + ".pt";
    // Archive keys cannot hold dots, so tensors are stored as t0, t1, ... (a sparse one's values as t0v, ...) and
    // their names and encodings go to the JSON.
    torch::serialize::OutputArchive archive;
    nlohmann::json names = nlohmann::json::array(), encodings = nlohmann::json::array();
    int64_t i = 0;
    for (const auto& [name, tensor] : tensors) {
        const PackedTensor packed = pack_tensor(tensor);
        // append, not operator+: GCC 12 warns falsely (-Wrestrict) on "t" + std::to_string(i).
        const std::string key = std::string("t").append(std::to_string(i++));
        archive.write(key, packed.data);
        if (packed.values.defined()) archive.write(key + "v", packed.values);
        names.push_back(name);
        encodings.push_back(packing_to_json(packed));
    }
    archive.save_to((fs::path(dir) / tensor_file).string());
    nlohmann::json out = meta;
    out["generation"] = generation;
    out["tensor_file"] = tensor_file;
    out["tensor_names"] = names;
    out["tensor_encodings"] = encodings;
    const fs::path tmp = fs::path(dir) / (stem + ".json.tmp");
    {
        std::ofstream o(tmp);
        o << out.dump(1);
        o.flush();
        if (!o) throw std::runtime_error(tmp.string() + ": cannot write checkpoint (disk full or read-only?)");
    }
    fs::rename(tmp, json_path);
    if (!previous.empty() && previous != tensor_file) fs::remove(fs::path(dir) / previous);
}

bool load_checkpoint(const std::string& dir, const std::string& stem, nlohmann::json& meta, TensorMap& tensors) {
    const fs::path json_path = fs::path(dir) / (stem + ".json");
    if (!fs::exists(json_path)) return false;
    try {
        std::ifstream in(json_path);
        meta = nlohmann::json::parse(in);
        const std::string archive_path = (fs::path(dir) / meta.at("tensor_file").get<std::string>()).string();
        const std::map<std::string, torch::Tensor> archive = read_tensor_archive(archive_path);
        const auto names = meta.at("tensor_names");
        // Checkpoints written before tensors were packed have no encodings: every tensor is dense.
        const auto encodings = meta.value("tensor_encodings", nlohmann::json::array());
        if (!encodings.empty() && (!encodings.is_array() || encodings.size() != names.size()))
            throw std::runtime_error("tensor_encodings: expected one per name in tensor_names (" +
                                     std::to_string(names.size()) + ")");
        tensors.clear();
        for (size_t i = 0; i < names.size(); ++i) {
            const std::string name = names[i].get<std::string>(), key = std::string("t").append(std::to_string(i));
            try {
                PackedTensor packed = encodings.empty() ? PackedTensor{} : packing_from_json(encodings[i]);
                packed.data = archive_tensor(archive, key);
                if (packed.encoding == "sparse") packed.values = archive_tensor(archive, key + "v");
                tensors[name] = unpack_tensor(packed);
            } catch (const std::exception& e) {
                throw std::runtime_error("tensor " + name + ": " + e.what());
            }
        }
    } catch (const std::exception& e) {
        throw std::runtime_error(json_path.string() + ": damaged checkpoint: " + e.what());
    }
    return true;
}

torch::Tensor cpu_rng_state() {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
}

void set_cpu_rng_state(const torch::Tensor& state) {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
}

}  // namespace ft
