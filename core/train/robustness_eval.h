// SPDX-License-Identifier: GPL-3.0-or-later
// Corruption robustness of the tickets and their ensemble (spec §6.3): accuracy, NLL and ECE on every corrupted
// test set (type x severity) and pooled over all of them. The sets are generated on the fly from the first
// eval.corruption_samples test images (data/corruptions.h, seeded, deterministic), or read from a CIFAR-10-C /
// CIFAR-100-C folder (eval.cifar_c_path). Inputs are normalised exactly like the training data.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "ft/config/run_config.h"
#include "ft/eval/calibration.h"
#include "ft/train/events.h"
#include "ft/train/run_control.h"

namespace ft {

// Each member's probabilities [n x classes] on a split, in member order.
using MemberPredictor = std::function<std::vector<std::vector<float>>(const Split&)>;

struct CorruptedSetResult {
    std::string type;
    int severity = 0;
    ClassificationMetrics ensemble;              // of the mean probabilities
    std::vector<ClassificationMetrics> members;  // reliability bins dropped (kept in the events)
};

struct RobustnessResult {
    std::string source;      // "generated" or the CIFAR-C folder
    std::string skipped;     // why nothing was evaluated (2-D data, no corruption selected); empty otherwise
    bool cancelled = false;  // stopped early (RunControl): the sets so far are reported
    int64_t samples_per_set = 0;
    std::vector<CorruptedSetResult> sets;
    // Pooled over every set: the metrics of all corrupted examples together (ensemble: of its mean probabilities).
    ClassificationMetrics pooled_ensemble;
    std::vector<ClassificationMetrics> pooled_members;
};

// Evaluates every corrupted set with `predict`, publishing an EvalReport per member and for the ensemble (member
// -1) per set ("corrupted/<type>/<severity>") and pooled ("corrupted"). Throws DataError naming the file for a
// CIFAR-C folder without its files.
RobustnessResult evaluate_robustness(const RunConfig& config, const DatasetBundle& data, int64_t members,
                                     const MemberPredictor& predict, EventSink& sink, RunControl* control = nullptr);

nlohmann::json robustness_json(const RobustnessResult& r);

// The corruption .npy files of a CIFAR-C folder, sorted, without labels.npy (the reference's choice). Throws
// DataError naming the folder when it is missing, lacks labels.npy or holds no corruption file.
std::vector<std::string> cifar_c_files(const std::string& folder);

}  // namespace ft
