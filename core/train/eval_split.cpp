// SPDX-License-Identifier: GPL-3.0-or-later
// EvalSplit text forms (see eval_split.h).
#include "ft/train/eval_split.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace ft {
namespace {

constexpr const char* kForms =
    "test, corrupted, corrupted/<type>/<severity>, ood/<set>, val, val/ticket-<k>, test-live or test-live/ticket-<k>";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// A non-negative decimal integer, or -1 when `s` is not one.
int64_t natural(const std::string& s) {
    if (s.empty() || s.size() > 18) return -1;
    int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

std::string live_name(const char* base, int64_t ticket) {
    return ticket >= 0 ? std::string(base) + "/ticket-" + std::to_string(ticket) : std::string(base);
}

}  // namespace

std::string to_string(const EvalSplit& s) {
    switch (s.kind) {
        case SplitKind::Test: return "test";
        case SplitKind::Corrupted:
            return s.set.empty() ? "corrupted" : "corrupted/" + s.set + "/" + std::to_string(s.severity);
        case SplitKind::Ood: return "ood/" + s.set;
        case SplitKind::Validation: return live_name("val", s.ticket);
        case SplitKind::TestLive: return live_name("test-live", s.ticket);
    }
    throw std::logic_error("EvalSplit with an unknown kind");
}

EvalSplit eval_split_from_string(const std::string& text) {
    if (text == "test") return EvalSplit::test();
    if (text == "corrupted") return EvalSplit::corrupted_pooled();
    if (starts_with(text, "corrupted/")) {
        // The type may not hold a '/', the severity is the last part.
        const std::string rest = text.substr(10);
        const auto slash = rest.find('/');
        if (slash != std::string::npos && slash > 0 && rest.find('/', slash + 1) == std::string::npos) {
            const int64_t severity = natural(rest.substr(slash + 1));
            if (severity >= 1) return EvalSplit::corrupted(rest.substr(0, slash), severity);
        }
    } else if (starts_with(text, "ood/") && text.size() > 4) {
        return EvalSplit::ood(text.substr(4));
    } else {
        for (const auto& [base, validation] : {std::pair<std::string, bool>{"val", true}, {"test-live", false}}) {
            if (text == base) return EvalSplit::live(validation);
            const std::string prefix = base + "/ticket-";
            if (starts_with(text, prefix)) {
                const int64_t ticket = natural(text.substr(prefix.size()));
                if (ticket >= 0) return EvalSplit::live(validation, ticket);
            }
        }
    }
    throw std::invalid_argument("unknown evaluation split \"" + text + "\"; expected " + kForms);
}

void to_json(nlohmann::json& json, const EvalSplit& value) { json = to_string(value); }
void from_json(const nlohmann::json& json, EvalSplit& value) {
    value = eval_split_from_string(json.get<std::string>());
}

}  // namespace ft
