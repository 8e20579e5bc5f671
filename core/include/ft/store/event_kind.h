// SPDX-License-Identifier: GPL-3.0-or-later
// The kinds of the store's events table: the run loop's events as the writer records them, and the annotations
// the GUI and the tools add. Typed in C++; the text form exists only where SQLite is written and read
// (to_string, event_kind_from_string), and in exported JSON.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ft {

enum class EventKind {
    // Recorded from the run loop's events (StoreWriter).
    RunStarted,  // "run_started"
    Phase,       // "phase"
    Lr,          // "lr"
    MaskUpdate,  // "mask_update"
    Ticket,      // "ticket"
    Evaluation,  // "evaluation"
    Log,         // "log"
    Checkpoint,  // "checkpoint"
    Finished,    // "finished"
    // Annotations (StoreWriter::annotate, RunStore::add_event).
    Pause,             // "pause"
    Resume,            // "resume"
    StepToMaskUpdate,  // "step_to_mask_update": run until the masks change, then pause
    UserEdit,          // "user_edit"
};

std::string to_string(EventKind kind);
// Throws std::invalid_argument naming the text and the valid names.
EventKind event_kind_from_string(const std::string& text);
// JSON holds the text form, never the enum's number (these are found by nlohmann::json through ADL).
void to_json(nlohmann::json& json, EventKind value);
void from_json(const nlohmann::json& json, EventKind& value);  // a non-string or unknown name throws

// True for the kinds that annotate a run rather than record one of its events.
bool is_annotation(EventKind kind);

}  // namespace ft
