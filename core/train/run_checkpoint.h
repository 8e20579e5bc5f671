// SPDX-License-Identifier: GPL-3.0-or-later
// The JSON files of a checkpoint folder, as versioned structs: state.json (where a run stands, to resume it),
// training.json (what training left for evaluate_checkpoint) and ticket-<k>.json (where ticket k came from).
// The tensors next to them are written by save_checkpoint (checkpoint.h). Plain C++, no torch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/summary.h"

namespace ft {

// Every error names the file, the field and the value: "<file>: format = 2: expected 1 (...)".
class CheckpointFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// state.json: the training run and stage in progress, the trainer's position, and what finished runs left.
struct RunCheckpoint {
    static constexpr int64_t kVersion = 1;  // the "format" field; other versions are refused
    int64_t version = kVersion;
    nlohmann::json config;   // config_to_json of the run's config
    int64_t run = 0;         // the training run in progress ("run_member")
    int64_t stage = 0;       // its stage in progress
    nlohmann::json trainer;  // MemberTrainer::state_meta(): its position within the stage
    double seconds = 0;      // training time of every session so far
    std::vector<int64_t> tickets_done;
    std::vector<double> ever_active;                            // per finished training run
    std::vector<std::vector<MaskUpdateDistance>> mask_updates;  // per finished training run

    nlohmann::json to_json() const;
    // `file` names the source in errors. Throws CheckpointFormatError for another version, a missing field or a
    // field of the wrong type.
    static RunCheckpoint from_json(const nlohmann::json& json, const std::string& file);
};

// training.json: written once training is over; evaluate_checkpoint needs it and cannot find it in the tickets.
struct TrainingRecord {
    static constexpr int64_t kVersion = 1;
    int64_t version = kVersion;
    double seconds = 0;
    int64_t step = -1;  // the run's last step; -1 when the record does not say (older folders)
    std::vector<double> ever_active;
    std::vector<std::vector<MaskUpdateDistance>> mask_updates;

    nlohmann::json to_json() const;
    // Missing fields keep their defaults (older folders lack some); another version is refused.
    static TrainingRecord from_json(const nlohmann::json& json, const std::string& file);
};

// ticket-<k>.json (besides the tensor file names save_checkpoint adds).
struct TicketMeta {
    int64_t ticket = 0;
    int64_t epoch = 0, step = 0;
    double val_accuracy = 0;
    std::string reason;
    int64_t seed = 0;

    nlohmann::json to_json() const;
    static TicketMeta from_json(const nlohmann::json& json, const std::string& file);
};

// Mask-update distances per training run as JSON: [[[step, hamming, jaccard], ...], ...].
nlohmann::json mask_updates_to_json(const std::vector<std::vector<MaskUpdateDistance>>& runs);
std::vector<std::vector<MaskUpdateDistance>> mask_updates_from_json(const nlohmann::json& json,
                                                                    const std::string& file);

}  // namespace ft
