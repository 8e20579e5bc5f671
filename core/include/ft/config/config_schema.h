// SPDX-License-Identifier: GPL-3.0-or-later
// A public, torch-free description of every RunConfig field (dotted key, type, default, allowed values, valid
// range), built from the same field list that reads and writes configs (config/config_fields.h). Forms (the
// workbench's experiment setup) and docs are generated from it, so a new knob appears everywhere at once.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ft/config/run_config.h"

namespace ft {

enum class FieldType {
    String,  // free text, or one of `choices` when the list is closed
    Bool,
    Integer,
    Number,
    IntegerList,
    NumberList,
    Choice,  // an enum: exactly one of `choices`
};

struct FieldSchema {
    std::string key;      // dotted JSON path, e.g. "sparse.density"
    std::string section;  // the part before the first dot ("sparse"); "" for top-level fields
    FieldType type = FieldType::String;
    nlohmann::json default_value;      // as config_to_json writes it
    std::vector<std::string> choices;  // allowed values (Choice, model.name, data.name) or suggestions (device)
    bool closed_choices = false;       // true: only `choices` are valid; false: `choices` are suggestions
    // The valid range in the core's own words, as validate() states it ("a number in (0, 1]"); empty for fields
    // that accept any value of their type.
    std::string range;
};

// Every field, in the order of config/config_fields.h (the order of config_to_json's sections).
const std::vector<FieldSchema>& config_schema();
// nullptr for an unknown key.
const FieldSchema* find_field_schema(const std::string& key);
// The valid range of a field given the rest of a config (some ranges depend on other fields, e.g.
// edst.explore_epochs < train.epochs); config_schema() holds the ranges for the default config.
std::string field_range(const std::string& key, const RunConfig& context);

std::string to_string(FieldType type);

// The value at a dotted key of a config JSON (nullptr when absent).
const nlohmann::json* json_at(const nlohmann::json& config, const std::string& key);
// Sets the value at a dotted key, creating the sections on the way.
void set_json_at(nlohmann::json& config, const std::string& key, const nlohmann::json& value);

}  // namespace ft
