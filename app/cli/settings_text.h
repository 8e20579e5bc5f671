// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets settings`: every key that --set takes, with its type, default and valid values, from the core's
// config schema (ft/config/config_schema.h), so the list cannot fall behind the config. The one-per-line forms
// feed the shell completion (packaging/completion/).
#pragma once

#include <string>

namespace ft::cli {

// key, type, default and "range or choices", one row per field, aligned.
std::string settings_table();
// Every key, one per line.
std::string settings_keys();
// The values a key accepts, one per line: its choices (closed or suggested), true/false for a bool, nothing for
// free values. Throws std::invalid_argument naming the key and pointing at `freetickets settings` when unknown.
std::string setting_choices(const std::string& key);

}  // namespace ft::cli
