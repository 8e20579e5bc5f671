// SPDX-License-Identifier: GPL-3.0-or-later
// What an EvalConfig's list settings name: the corruption types of eval.corruptions and the out-of-distribution
// sets of eval.ood_sets, parsed from their comma-separated text. Plain C++ (no torch): validation, the CLI and the
// GUI form use it; core/train evaluates what it returns.
#pragma once

#include <string>
#include <vector>

#include "ft/config/config_json.h"
#include "ft/config/run_config.h"

namespace ft {

// The corruption types the evaluation can generate, in their fixed order (the same list as data/corruptions.h's
// corruption_names(); a test keeps them equal).
const std::vector<std::string>& corruption_types();

// eval.corruptions as a list: "all" = corruption_types(), "none" (or empty) = no corruption. Unknown or repeated
// types are appended to *errors (field eval.corruptions) and left out.
std::vector<std::string> corruption_list(const EvalConfig& eval, std::vector<ConfigError>* errors = nullptr);

struct OodSetSpec {
    enum Kind { Gaussian, Uniform, Dataset, Npy } kind = Gaussian;
    std::string text;     // the entry as written
    std::string dataset;  // Dataset: a name of dataset_specs()
    std::string path;     // Dataset: its folder (may be empty for fashion-mnist); Npy: the .npy file
    std::string name;     // short name used in split names and the summary: gaussian, uniform, the dataset, the
                          // .npy file's stem
};

// eval.ood_sets as a list ("none" or empty = no set). Entries: gaussian | uniform | DATASET[:FOLDER] | npy:FILE.
// Syntax errors, unknown datasets, missing paths and repeated names go to *errors (field eval.ood_sets); whether
// a set fits the training data's input is checked by validate().
std::vector<OodSetSpec> ood_set_list(const EvalConfig& eval, std::vector<ConfigError>* errors = nullptr);

}  // namespace ft
