// SPDX-License-Identifier: GPL-3.0-or-later
// RunStatus names (see run_status.h).
#include "ft/train/run_status.h"

#include <nlohmann/json.hpp>

#include "train/name_table.h"

namespace ft {
namespace {

const detail::NameTable<RunStatus>& table() {
    static const detail::NameTable<RunStatus> t = {{RunStatus::Running, "running"},
                                                   {RunStatus::Finished, "finished"},
                                                   {RunStatus::Cancelled, "cancelled"},
                                                   {RunStatus::Failed, "failed"},
                                                   {RunStatus::Interrupted, "interrupted"}};
    return t;
}

}  // namespace

std::string to_string(RunStatus status) { return detail::name_of(table(), status); }

RunStatus run_status_from_string(const std::string& text) { return detail::value_of(table(), text, "run status"); }

bool is_final(RunStatus status) { return status != RunStatus::Running; }

bool is_resumable(RunStatus status) { return status == RunStatus::Cancelled || status == RunStatus::Interrupted; }

void to_json(nlohmann::json& json, RunStatus value) { json = to_string(value); }
void from_json(const nlohmann::json& json, RunStatus& value) {
    value = run_status_from_string(json.get<std::string>());
}

}  // namespace ft
