// SPDX-License-Identifier: GPL-3.0-or-later
// Phase names (see phase.h).
#include "ft/train/phase.h"

#include <nlohmann/json.hpp>

#include "train/name_table.h"

namespace ft {
namespace {

const detail::NameTable<Phase>& table() {
    static const detail::NameTable<Phase> t = {{Phase::Training, "training"},
                                               {Phase::Exploration, "exploration"},
                                               {Phase::Refinement, "refinement"},
                                               {Phase::Pretraining, "pretraining"},
                                               {Phase::Finetuning, "finetuning"}};
    return t;
}

}  // namespace

std::string to_string(Phase phase) { return detail::name_of(table(), phase); }

Phase phase_from_string(const std::string& text) { return detail::value_of(table(), text, "phase"); }

void to_json(nlohmann::json& json, Phase value) { json = to_string(value); }
void from_json(const nlohmann::json& json, Phase& value) { value = phase_from_string(json.get<std::string>()); }

}  // namespace ft
