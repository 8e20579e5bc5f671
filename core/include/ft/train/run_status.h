// SPDX-License-Identifier: GPL-3.0-or-later
// A run's status as the store, the summary JSON and the views know it. Typed everywhere in C++; the text form
// exists only where JSON and SQLite are written and read (to_string, run_status_from_string).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ft {

enum class RunStatus {
    Running,
    Finished,
    Cancelled,  // stopped by the user, checkpointed: resumable
    Failed,     // stopped by an error (the run's message says which)
    // A run still marked running whose writer is gone (crash, kill -9, power cut): resumable from its last
    // checkpoint. The store reports it; no run loop publishes it.
    Interrupted,
};

std::string to_string(RunStatus status);  // "running", "finished", "cancelled", "failed", "interrupted"
// Throws std::invalid_argument naming the text and the valid names.
RunStatus run_status_from_string(const std::string& text);

// JSON holds the text form, never the enum's number (these are found by nlohmann::json through ADL).
void to_json(nlohmann::json& json, RunStatus value);
void from_json(const nlohmann::json& json, RunStatus& value);  // a non-string or unknown name throws

// Finished, cancelled, failed or interrupted: nothing will write to the run unless it is resumed.
bool is_final(RunStatus status);
// Cancelled or interrupted: `freetickets resume` and the workbench can continue it.
bool is_resumable(RunStatus status);

}  // namespace ft
