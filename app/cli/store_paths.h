// SPDX-License-Identifier: GPL-3.0-or-later
// Where the CLI keeps its run store and the checkpoints of stored runs (XDG base directory convention), and how
// a RUN argument is read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ft::cli {

// $XDG_DATA_HOME/freetickets, or ~/.local/share/freetickets when XDG_DATA_HOME is unset or empty.
std::string data_dir();

// data_dir()/runs.sqlite. create_folder: make data_dir() first (a new user has none yet).
std::string default_store_path(bool create_folder);

// `--db FILE` when given, else the default store.
std::string store_path_or_default(const std::string& db_option, bool create_folder);

// The checkpoint folder of run `run` of the store at store_path: <store folder>/checkpoints/run-<id> for the
// default store name (runs.sqlite), <store folder>/checkpoints/<store stem>-run-<id> for any other, so that two
// stores side by side never share a folder. A folder that already holds files (an id reused after a purge) gets
// a ".2", ".3", ... suffix instead of being written into.
std::string run_checkpoint_dir(const std::string& store_path, int64_t run);

// A run id: digits only, > 0. Anything else: nullopt.
std::optional<int64_t> parse_run_id(const std::string& text);

// parse_run_id, or throws std::invalid_argument "RUN: expected a run id (a positive integer), got "<text>"".
int64_t require_run_id(const std::string& text);

}  // namespace ft::cli
