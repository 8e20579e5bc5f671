// SPDX-License-Identifier: GPL-3.0-or-later
// EventKind names (see event_kind.h).
#include "ft/store/event_kind.h"

#include <nlohmann/json.hpp>

#include "train/name_table.h"

namespace ft {
namespace {

const detail::NameTable<EventKind>& table() {
    static const detail::NameTable<EventKind> t = {{EventKind::RunStarted, "run_started"},
                                                   {EventKind::Phase, "phase"},
                                                   {EventKind::Lr, "lr"},
                                                   {EventKind::MaskUpdate, "mask_update"},
                                                   {EventKind::Ticket, "ticket"},
                                                   {EventKind::Evaluation, "evaluation"},
                                                   {EventKind::Log, "log"},
                                                   {EventKind::Checkpoint, "checkpoint"},
                                                   {EventKind::Finished, "finished"},
                                                   {EventKind::Pause, "pause"},
                                                   {EventKind::Resume, "resume"},
                                                   {EventKind::StepToMaskUpdate, "step_to_mask_update"},
                                                   {EventKind::UserEdit, "user_edit"}};
    return t;
}

}  // namespace

std::string to_string(EventKind kind) { return detail::name_of(table(), kind); }

EventKind event_kind_from_string(const std::string& text) { return detail::value_of(table(), text, "event kind"); }

bool is_annotation(EventKind kind) {
    return kind == EventKind::Pause || kind == EventKind::Resume || kind == EventKind::StepToMaskUpdate ||
           kind == EventKind::UserEdit;
}

void to_json(nlohmann::json& json, EventKind value) { json = to_string(value); }
void from_json(const nlohmann::json& json, EventKind& value) {
    value = event_kind_from_string(json.get<std::string>());
}

}  // namespace ft
