// SPDX-License-Identifier: GPL-3.0-or-later
// The phase a training run is in (PhaseChange events, the run plan's epochs). The text form exists only where
// JSON and SQLite are written and read (to_string, phase_from_string).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace ft {

enum class Phase {
    Training,     // one whole run with MultiStepLR (dense, deep ensemble, static, DST; spec §3)
    Exploration,  // EDST epochs 1..t_ex at the exploration LR (spec §4.1)
    Refinement,   // EDST refinement phase k, which yields ticket k (spec §4.1)
    Pretraining,  // PF: the dense network before pruning (spec §5)
    Finetuning,   // PF: the globally pruned network with a fixed mask (spec §5)
};

std::string to_string(Phase phase);  // "training", "exploration", "refinement", "pretraining", "finetuning"
// Throws std::invalid_argument naming the text and the valid names.
Phase phase_from_string(const std::string& text);

// JSON holds the text form, never the enum's number (these are found by nlohmann::json through ADL).
void to_json(nlohmann::json& json, Phase value);
void from_json(const nlohmann::json& json, Phase& value);  // a non-string or unknown name throws

}  // namespace ft
