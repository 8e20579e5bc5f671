// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing of eval.corruptions and eval.ood_sets (see ft/config/eval_sets.h).
#include "ft/config/eval_sets.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "ft/config/validation.h"

namespace ft {
namespace {

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t");
    if (a == std::string::npos) return "";
    const auto b = s.find_last_not_of(" \t");
    return s.substr(a, b - a + 1);
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const auto comma = text.find(',', start);
        out.push_back(trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string joined(const std::vector<std::string>& names) {
    std::string s;
    for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
    return s;
}

bool is_none(const std::string& text) { return trim(text).empty() || trim(text) == "none"; }

}  // namespace

const std::vector<std::string>& corruption_types() {
    static const std::vector<std::string> names = {"gaussian_noise", "shot_noise",   "impulse_noise", "speckle_noise",
                                                   "gaussian_blur",  "defocus_blur", "contrast",      "brightness",
                                                   "pixelate",       "rotation"};
    return names;
}

std::vector<std::string> corruption_list(const EvalConfig& eval, std::vector<ConfigError>* errors) {
    if (trim(eval.corruptions) == "all") return corruption_types();
    if (is_none(eval.corruptions)) return {};
    const auto& known = corruption_types();
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const auto& name : split_commas(eval.corruptions)) {
        const bool ok = std::find(known.begin(), known.end(), name) != known.end();
        if (!ok || seen.count(name)) {
            if (errors)
                errors->push_back({"eval.corruptions", quoted(eval.corruptions),
                                   ok ? "each type once (" + name + " is repeated)"
                                      : "\"all\", \"none\" or a comma-separated list of {" + joined(known) + "} (" +
                                            quoted(name) + " is not one)"});
            continue;
        }
        seen.insert(name);
        out.push_back(name);
    }
    return out;
}

std::vector<OodSetSpec> ood_set_list(const EvalConfig& eval, std::vector<ConfigError>* errors) {
    if (is_none(eval.ood_sets)) return {};
    std::vector<OodSetSpec> out;
    std::set<std::string> names;
    auto fail = [&](const std::string& entry, const std::string& why) {
        if (errors)
            errors->push_back({"eval.ood_sets", quoted(eval.ood_sets),
                               "a comma-separated list of gaussian, uniform, DATASET:FOLDER or npy:FILE.npy (" +
                                   quoted(entry) + ": " + why + ")"});
    };
    for (const auto& entry : split_commas(eval.ood_sets)) {
        OodSetSpec s;
        s.text = entry;
        const auto colon = entry.find(':');
        const std::string head = entry.substr(0, colon);
        const std::string path = colon == std::string::npos ? "" : trim(entry.substr(colon + 1));
        if (entry.empty()) {
            fail(entry, "an empty entry");
            continue;
        }
        if (head == "gaussian" || head == "uniform") {
            if (colon != std::string::npos) {
                fail(entry, "noise sets take no path");
                continue;
            }
            s.kind = head == "gaussian" ? OodSetSpec::Gaussian : OodSetSpec::Uniform;
            s.name = head;
        } else if (head == "npy") {
            if (path.empty()) {
                fail(entry, "npy needs a file, e.g. npy:/data/svhn_test.npy");
                continue;
            }
            s.kind = OodSetSpec::Npy;
            s.path = path;
            s.name = std::filesystem::path(path).stem().string();
        } else {
            bool known = false;
            for (const auto& d : dataset_specs()) known = known || d.name == head;
            if (!known) {
                std::string choices;
                for (const auto& d : dataset_specs()) choices += ", " + d.name;
                fail(entry, "unknown set; datasets are" + choices.substr(1));
                continue;
            }
            const bool needs_folder = head == "mnist" || head == "cifar10" || head == "cifar100";
            if (needs_folder && path.empty()) {
                std::string why = head;
                why += " needs its folder, e.g. ";
                why += head;
                why += ":/data/";
                why += head;
                fail(entry, why);
                continue;
            }
            s.kind = OodSetSpec::Dataset;
            s.dataset = head;
            s.path = path;
            s.name = head;
        }
        if (!names.insert(s.name).second) {
            fail(entry, "the name " + s.name + " is used twice");
            continue;
        }
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace ft
