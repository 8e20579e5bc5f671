// SPDX-License-Identifier: GPL-3.0-or-later
// Validation of a RunConfig against the ranges of freetickets-spec.md §11. Each error names the field, the value
// and the valid range; warnings flag values that are valid but probably not meant.
#pragma once

#include <string>
#include <vector>

#include "ft/config/config_json.h"
#include "ft/config/run_config.h"
#include "ft/nn/model_specs.h"  // the model registry validation checks model.name against

namespace ft {

std::vector<ConfigError> validate(const RunConfig& config, std::vector<std::string>* warnings = nullptr);

struct DatasetSpec {
    std::string name;
    std::string input;  // "1x28x28", "3x32x32", "2"
    int classes;
    std::string description;
};
const std::vector<DatasetSpec>& dataset_specs();

}  // namespace ft
