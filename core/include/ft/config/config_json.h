// SPDX-License-Identifier: GPL-3.0-or-later
// Reading and writing RunConfig as JSON, with field-level errors (ARCHITECTURE.md rule 5).
// Unknown keys, wrong types and invalid values are all reported, each naming the field, the value and what
// was expected; nothing is clamped or ignored silently.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ft/config/run_config.h"

namespace ft {

struct ConfigError {
    std::string field;            // dotted path, e.g. "sparse.density"
    std::string value;            // the offending value as written (JSON text)
    std::string expected;         // what would have been valid
    std::string message() const;  // "sparse.density = 1.5: expected a number in (0, 1]"
};

// Thrown when a config cannot be used. what() lists every error, prefixed by the source (file or preset name).
class ConfigException : public std::runtime_error {
public:
    ConfigException(std::string source, std::vector<ConfigError> errors);
    const std::string& source() const { return source_; }
    const std::vector<ConfigError>& errors() const { return errors_; }

private:
    std::string source_;
    std::vector<ConfigError> errors_;
};

// Parses and validates. Missing keys keep their defaults; unknown keys and wrong types are errors.
// Warnings (valid but suspicious values) are appended to *warnings when given.
RunConfig config_from_json(const nlohmann::json& json, const std::string& source,
                           std::vector<std::string>* warnings = nullptr);
// Reads a JSON file; a missing file or bad JSON syntax is a ConfigException naming the file.
nlohmann::json read_json_file(const std::string& path);
// The full config with every field written (defaults included), so a stored config is self-contained.
nlohmann::json config_to_json(const RunConfig& config);

// Applies "a.b.c=value" to a config JSON. The value is parsed as JSON when it is valid JSON (numbers, true,
// [1,2]) and taken as a string otherwise. The key must name an existing field.
void apply_override(nlohmann::json& json, const std::string& assignment);

// The Method named `text` ("dense", "edst", ...); throws std::invalid_argument naming the text and the choices.
Method method_from_string(const std::string& text);

// Stable short hash of the canonical config JSON (hex), for finding identical configs.
std::string config_hash(const RunConfig& config);

}  // namespace ft
