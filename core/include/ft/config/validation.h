// Validation of a RunConfig against the ranges of freetickets-spec.md §11. Each error names the field, the value
// and the valid range; warnings flag values that are valid but probably not meant.
#pragma once

#include <string>
#include <vector>

#include "ft/config/config_json.h"
#include "ft/config/run_config.h"

namespace ft {

std::vector<ConfigError> validate(const RunConfig& config, std::vector<std::string>* warnings = nullptr);

// Names the model registry knows, and the input each expects; kept here (no torch) so validation can check
// model/dataset compatibility before anything is built.
struct ModelSpec {
    std::string name;
    std::string input;  // "1x28x28", "3x32x32" or "any" (flattens its input)
    std::string description;
};
const std::vector<ModelSpec>& model_specs();

struct DatasetSpec {
    std::string name;
    std::string input;  // "1x28x28", "3x32x32", "2"
    int classes;
    std::string description;
};
const std::vector<DatasetSpec>& dataset_specs();

// The seed of member i: ensemble.seeds[i], or, past the end of the list, the last seed + the distance.
int64_t member_seed(const RunConfig& config, int64_t member);

}  // namespace ft
