// SPDX-License-Identifier: GPL-3.0-or-later
// export_tickets (see ft/train/ticket_export.h): the tickets' checkpoints rewritten as torch.save-compatible
// pickles with the torch.nn names, which are the names our modules register (core/nn mirrors the reference).
#include "ft/train/ticket_export.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <ATen/core/Dict.h>
#include <torch/serialize.h>
#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "ft/nn/model_specs.h"
#include "ft/train/run_plan.h"
#include "train/member_trainer.h"
#include "train/ticket_evaluation.h"

namespace ft {
namespace detail {
const std::string& python_models_text();  // generated from resources/python/freetickets_models.py
}

namespace {

namespace fs = std::filesystem;

constexpr int kManifestVersion = 1;

void write_file(const fs::path& path, const char* data, size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data, std::streamsize(size));
    out.close();
    if (!out) throw std::runtime_error(path.string() + ": cannot write the file (disk full or no permission?)");
}

void write_pickle(const fs::path& path, const c10::Dict<std::string, at::Tensor>& dict) {
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    write_file(path, bytes.data(), bytes.size());
}

const char* family_name(ModelFamily family) {
    switch (family) {
        case ModelFamily::Mlp: return "mlp";
        case ModelFamily::LeNet5: return "lenet5";
        case ModelFamily::Vgg: return "vgg";
        case ModelFamily::WideResNet: return "wide-resnet";
    }
    return "unknown";
}

// What freetickets_models.build_model needs: the registry row with the widths this run was built with.
nlohmann::json model_json(const RunConfig& config, const DatasetBundle& data) {
    const ModelSpec* spec = find_model_spec(config.model.name);
    if (!spec) throw std::runtime_error("model \"" + config.model.name + "\": not in the model registry");
    nlohmann::json m = {{"name", spec->name},
                        {"family", family_name(spec->family)},
                        {"classes", data.classes},
                        {"input", data.input_shape}};
    switch (spec->family) {
        case ModelFamily::Mlp: {
            int64_t in = 1;
            for (int64_t d : data.input_shape) in *= d;
            m["in_features"] = in;
            m["hidden"] = model_widths(*spec, config.model);
            break;
        }
        case ModelFamily::Vgg: m["widths"] = spec->widths; break;
        case ModelFamily::WideResNet:
            m["depth"] = spec->depth;
            m["widen"] = spec->widen;
            break;
        case ModelFamily::LeNet5: break;
    }
    return m;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

const std::string& python_models_source() { return detail::python_models_text(); }

TicketExport export_tickets(const RunConfig& config, const std::string& checkpoint_dir, const std::string& out_dir) {
    const RunPlan plan = plan_run(config);
    std::vector<Ticket> tickets(size_t(plan.members));
    load_ticket_states(checkpoint_dir, tickets);
    const DatasetBundle data = load_dataset(config.data, uint64_t(plan.first_seed()));

    std::error_code ec;
    fs::create_directories(out_dir, ec);
    if (ec) throw std::runtime_error(out_dir + ": cannot create the folder: " + ec.message());

    TicketExport result;
    result.folder = fs::absolute(out_dir).lexically_normal().string();
    nlohmann::json listed = nlohmann::json::array();
    for (const Ticket& t : tickets) {
        c10::Dict<std::string, at::Tensor> weights, masks;
        int64_t active = 0, masked = 0;
        for (const auto& [key, tensor] : t.state) {
            if (!starts_with(key, "mask.")) continue;
            const std::string layer = key.substr(5);
            masks.insert(layer + ".weight", tensor.to(torch::kCPU).to(torch::kBool).contiguous());
            active += tensor.count_nonzero().item<int64_t>();
            masked += tensor.numel();
        }
        for (const auto& [key, tensor] : t.state) {
            const bool param = starts_with(key, "param."), buffer = starts_with(key, "buffer.");
            if (!param && !buffer) continue;
            const std::string name = key.substr(param ? 6 : 7);
            at::Tensor value = tensor.to(torch::kCPU).contiguous();
            // Inactive weights are exact zeros in the file, whatever the run's quirk switches left there.
            if (masks.contains(name)) value = value.masked_fill(masks.at(name).logical_not(), 0);
            weights.insert(name, value);
        }
        ExportedTicket e;
        e.index = t.index;
        e.weights = "ticket-" + std::to_string(t.index) + ".pt";
        e.masks = masks.empty() ? std::string() : "ticket-" + std::to_string(t.index) + ".masks.pt";
        e.density = masked > 0 ? double(active) / double(masked) : 1.0;
        e.val_accuracy = t.val_accuracy;
        e.epoch = t.epoch;
        e.step = t.step;
        write_pickle(fs::path(out_dir) / e.weights, weights);
        if (!e.masks.empty()) write_pickle(fs::path(out_dir) / e.masks, masks);
        listed.push_back({{"index", e.index},
                          {"weights", e.weights},
                          {"masks", e.masks.empty() ? nlohmann::json() : nlohmann::json(e.masks)},
                          {"density", e.density},
                          {"val_accuracy", e.val_accuracy},
                          {"epoch", e.epoch},
                          {"step", e.step},
                          {"seed", plan.ticket_seed(e.index)}});
        result.tickets.push_back(e);
    }

    nlohmann::json data_json = {{"name", config.data.name}};
    if (!data.mean.empty()) {
        data_json["mean"] = data.mean;
        data_json["std"] = data.stdev;
        data_json["inputs"] = "uint8 pixels [N, C, H, W] / 255, then (x - mean[c]) / std[c]";
    } else {
        data_json["inputs"] = "the features as the run generated them (float32 [N, F])";
    }
    const nlohmann::json manifest = {{"format", "freetickets-tickets"},
                                     {"version", kManifestVersion},
                                     {"run", {{"name", config.name}, {"method", to_string(config.method)}}},
                                     {"model", model_json(config, data)},
                                     {"data", data_json},
                                     {"output", "log-probabilities (log_softmax over the classes)"},
                                     {"tickets", listed}};
    const std::string text = manifest.dump(2) + "\n";
    write_file(fs::path(out_dir) / "tickets.json", text.data(), text.size());
    const std::string& python = python_models_source();
    write_file(fs::path(out_dir) / "freetickets_models.py", python.data(), python.size());
    return result;
}

}  // namespace ft
