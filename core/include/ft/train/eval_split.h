// SPDX-License-Identifier: GPL-3.0-or-later
// Which data an evaluation report is about (EvalReport, the store's evaluations). Typed in C++; the text form
// ("test", "corrupted/contrast/3", "ood/gaussian", "val/ticket-1", ...) exists only where JSON and SQLite are
// written and read (to_string, eval_split_from_string).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>
#include <utility>

namespace ft {

enum class SplitKind {
    Test,        // "test": the whole test set after training (every ticket and the ensemble)
    Corrupted,   // "corrupted" (pooled over every corrupted set) or "corrupted/<type>/<severity>" (spec §6.3)
    Ood,         // "ood/<set>": out-of-distribution scores (spec §6.5); only n of the metrics is set
    Validation,  // "val", "val/ticket-<k>": live, on the first eval.live_samples validation examples
    TestLive,    // "test-live", "test-live/ticket-<k>": the same on the test split when there is no validation
};

struct EvalSplit {
    SplitKind kind = SplitKind::Test;
    std::string set;       // Corrupted: the corruption type ("" = pooled over all); Ood: the set's name
    int64_t severity = 0;  // Corrupted with a type: 1..5
    int64_t ticket = -1;   // Validation, TestLive: the ticket evaluated when it was captured; -1 = the cadence

    static EvalSplit test() { return {}; }
    static EvalSplit corrupted_pooled() { return {SplitKind::Corrupted, "", 0, -1}; }
    static EvalSplit corrupted(std::string type, int64_t severity) {
        return {SplitKind::Corrupted, std::move(type), severity, -1};
    }
    static EvalSplit ood(std::string set) { return {SplitKind::Ood, std::move(set), 0, -1}; }
    // The live split: validation when the run has a validation split, else the test split.
    static EvalSplit live(bool validation, int64_t ticket = -1) {
        return {validation ? SplitKind::Validation : SplitKind::TestLive, "", 0, ticket};
    }

    bool is_live() const { return kind == SplitKind::Validation || kind == SplitKind::TestLive; }
    friend auto operator<=>(const EvalSplit&, const EvalSplit&) = default;
};

std::string to_string(const EvalSplit& split);
// Throws std::invalid_argument naming the text and the forms a split can take.
EvalSplit eval_split_from_string(const std::string& text);

// JSON holds the text form, never the enum's number (these are found by nlohmann::json through ADL).
void to_json(nlohmann::json& json, const EvalSplit& value);
void from_json(const nlohmann::json& json, EvalSplit& value);  // a non-string or unknown name throws

}  // namespace ft
