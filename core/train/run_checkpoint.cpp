// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint JSON files (see run_checkpoint.h).
#include "train/run_checkpoint.h"

namespace ft {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& file, const std::string& field, const json* value,
                       const std::string& expected) {
    throw CheckpointFormatError(file + ": " + field + (value ? " = " + value->dump() : std::string(" is missing")) +
                                (value ? ": expected " : " (expected ") + expected + (value ? "" : ")"));
}

// Reads j[field] as T; a missing field is an error when `required`, else keeps `out`.
template <typename T>
void read(const json& j, const char* field, T& out, const std::string& file, const char* expected, bool required) {
    const auto it = j.find(field);
    if (it == j.end()) {
        if (required) fail(file, field, nullptr, expected);
        return;
    }
    try {
        out = it->template get<T>();
    } catch (const json::exception&) {
        fail(file, field, &*it, expected);
    }
}

void check_object(const json& j, const std::string& file) {
    if (!j.is_object())
        throw CheckpointFormatError(file + ": expected a JSON object, got " + std::string(j.type_name()));
}

void check_version(const json& j, const std::string& file, int64_t expected, const char* what) {
    int64_t version = 0;
    read(j, "format", version, file, "an integer", true);
    if (version != expected)
        fail(file, "format", &j.at("format"),
             std::to_string(expected) + " (the " + what + " format this program reads)");
}

}  // namespace

json mask_updates_to_json(const std::vector<std::vector<MaskUpdateDistance>>& runs) {
    json out = json::array();
    for (const auto& run : runs) {
        json r = json::array();
        for (const auto& d : run) r.push_back({d.step, d.hamming, d.jaccard});
        out.push_back(r);
    }
    return out;
}

std::vector<std::vector<MaskUpdateDistance>> mask_updates_from_json(const json& j, const std::string& file) {
    std::vector<std::vector<MaskUpdateDistance>> out;
    if (j.is_null()) return out;
    try {
        for (const auto& run : j) {
            out.emplace_back();
            for (const auto& d : run)
                out.back().push_back({d.at(0).get<int64_t>(), d.at(1).get<double>(), d.at(2).get<double>()});
        }
    } catch (const json::exception&) {
        fail(file, "mask_updates", &j, "per training run, a list of [step, hamming, jaccard]");
    }
    return out;
}

json RunCheckpoint::to_json() const {
    return {{"format", version},
            {"config", config},
            {"run_member", run},
            {"stage", stage},
            {"trainer", trainer},
            {"seconds", seconds},
            {"tickets_done", tickets_done},
            {"ever_active", ever_active},
            {"mask_updates", mask_updates_to_json(mask_updates)}};
}

RunCheckpoint RunCheckpoint::from_json(const json& j, const std::string& file) {
    check_object(j, file);
    RunCheckpoint c;
    check_version(j, file, kVersion, "checkpoint");
    c.version = kVersion;
    read(j, "config", c.config, file, "the run's config", true);
    if (!c.config.is_object()) fail(file, "config", &j.at("config"), "a config object");
    read(j, "run_member", c.run, file, "an integer >= 0", true);
    if (c.run < 0) fail(file, "run_member", &j.at("run_member"), "an integer >= 0");
    read(j, "stage", c.stage, file, "an integer >= 0", true);
    if (c.stage < 0) fail(file, "stage", &j.at("stage"), "an integer >= 0");
    read(j, "trainer", c.trainer, file, "the trainer's state", true);
    if (!c.trainer.is_object()) fail(file, "trainer", &j.at("trainer"), "an object (the trainer's state)");
    read(j, "seconds", c.seconds, file, "a number of seconds", false);
    read(j, "tickets_done", c.tickets_done, file, "a list of ticket indices", true);
    read(j, "ever_active", c.ever_active, file, "a list of fractions", false);
    if (j.contains("mask_updates")) c.mask_updates = mask_updates_from_json(j.at("mask_updates"), file);
    return c;
}

json TrainingRecord::to_json() const {
    return {{"format", version},
            {"seconds", seconds},
            {"step", step},
            {"ever_active", ever_active},
            {"mask_updates", mask_updates_to_json(mask_updates)}};
}

TrainingRecord TrainingRecord::from_json(const json& j, const std::string& file) {
    check_object(j, file);
    TrainingRecord r;
    if (j.contains("format")) check_version(j, file, kVersion, "training record");
    read(j, "seconds", r.seconds, file, "a number of seconds", false);
    read(j, "step", r.step, file, "an integer", false);
    read(j, "ever_active", r.ever_active, file, "a list of fractions", false);
    if (j.contains("mask_updates")) r.mask_updates = mask_updates_from_json(j.at("mask_updates"), file);
    return r;
}

json TicketMeta::to_json() const {
    return {{"ticket", ticket}, {"epoch", epoch}, {"step", step}, {"val_accuracy", val_accuracy},
            {"reason", reason}, {"seed", seed}};
}

TicketMeta TicketMeta::from_json(const json& j, const std::string& file) {
    check_object(j, file);
    TicketMeta t;
    read(j, "ticket", t.ticket, file, "an integer", false);
    read(j, "epoch", t.epoch, file, "an integer", false);
    read(j, "step", t.step, file, "an integer", false);
    read(j, "val_accuracy", t.val_accuracy, file, "a number", false);
    read(j, "reason", t.reason, file, "a text", false);
    read(j, "seed", t.seed, file, "an integer", false);
    return t;
}

}  // namespace ft
