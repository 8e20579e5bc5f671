// SPDX-License-Identifier: GPL-3.0-or-later
// Out-of-distribution detection (spec §6.5): the sets of eval.ood_sets are prepared before training (so a missing
// file fails early), normalised exactly like the training data; after training the tickets and their ensemble
// are scored against the test set with the maximum softmax probability and the predictive entropy (AUROC and FPR
// at 95% TPR, in-distribution positive).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "ft/config/eval_sets.h"
#include "ft/eval/ood.h"
#include "ft/train/events.h"
#include "train/robustness_eval.h"

namespace ft {

struct OodSet {
    std::string name;  // "gaussian", "uniform", a dataset name, a .npy file's stem
    std::string text;  // the entry of eval.ood_sets
    Split split;       // labels are meaningless (0 for the noise sets)
};

// Generates or reads every set of eval.ood_sets: eval.ood_samples examples each (0 = as many as the test set),
// normalised with the training data's mean and stdev. Throws DataError naming the file or folder of a set that
// cannot be read, or a set whose inputs do not have the training data's shape.
std::vector<OodSet> load_ood_sets(const RunConfig& config, const DatasetBundle& data);

struct OodSetResult {
    std::string name;
    int64_t n = 0;
    OodResult ensemble;
    std::vector<OodResult> members;
};

struct OodEvaluation {
    int64_t n_in = 0;
    std::vector<OodSetResult> sets;
};

// Scores each set against the in-distribution probabilities already computed on the test set (one vector per
// member, [n x classes]); publishes an EvalReport "ood/<name>" per member and for the ensemble (member -1).
OodEvaluation evaluate_ood(const std::vector<OodSet>& sets, const std::vector<std::vector<float>>& in_member_probs,
                           int64_t classes, const MemberPredictor& predict, EventSink& sink);

nlohmann::json ood_json(const OodEvaluation& e);

}  // namespace ft
