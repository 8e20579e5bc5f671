// SPDX-License-Identifier: GPL-3.0-or-later
// How `freetickets runs` shows runs: the list table, the details of one run, a config diff, and the JSON of a
// listed run. Text for people (names, tags and notes with control characters are escaped so that a table row
// stays one line); the --json forms carry every string unchanged.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ft/store/run_store.h"

namespace ft::cli {

// One row per run: id, name, method, status, created, seconds, progress, tags.
std::string runs_table(const std::vector<RunRecord>& runs);

// A listed run as JSON: id, name, method, status, message, created, finished, seconds, progress, tags, trashed, ...
nlohmann::json run_list_json(const RunRecord& run);

// `runs show`: config summary, status and message, seeds, checkpoints, tickets, latest evaluations, tags, note.
std::string run_details(const RunStore& store, const RunRecord& run);

// `runs diff`: the differing keys, aligned in three columns.
std::string config_diff_text(const std::vector<ConfigDifference>& diff, int64_t run_a, int64_t run_b);

// Local time "YYYY-MM-DD HH:MM:SS"; "-" for 0.
std::string local_time(double unix_seconds);

// Control characters written as \n, \t, \r, \xNN; everything else (UTF-8 included) unchanged.
std::string printable(const std::string& text);

}  // namespace ft::cli
