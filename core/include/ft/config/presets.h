// SPDX-License-Identifier: GPL-3.0-or-later
// Presets: named configs shipped in resources/presets/*.json and compiled into the program.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ft {

std::vector<std::string> preset_names();
bool has_preset(const std::string& name);
// The preset's JSON as shipped (only the fields it sets). Throws ConfigException for an unknown name, listing
// the known ones.
nlohmann::json preset_json(const std::string& name);
// The preset the workbench and `freetickets train` start from when none is named.
inline const char* default_preset() { return "fashion-edst"; }

// A config source as the CLI and study files name one: a preset name, or a JSON file (a path, or a name ending in
// .json; relative paths are looked up in `base_dir` when given). `label` becomes "preset NAME" or the file's path,
// for errors. Throws ConfigException for an unknown preset (listing them) or an unreadable file.
nlohmann::json config_source_json(const std::string& source, std::string& label, const std::string& base_dir = "");

}  // namespace ft
