// SPDX-License-Identifier: GPL-3.0-or-later
// Study files: parsing, grid expansion and the config of each point and seed.
#include "ft/study/study_spec.h"

#include <filesystem>
#include <map>
#include <set>

#include "ft/config/config_json.h"
#include "ft/config/presets.h"

namespace ft {
namespace {

using json = nlohmann::json;

struct Errors {
    std::string source;
    std::vector<ConfigError> list;
    void add(const std::string& field, const json& value, const std::string& expected) {
        std::string text = value.is_null() ? std::string("(missing)") : value.dump();
        if (text.size() > 80) text = text.substr(0, 77) + "...";
        list.push_back({field, text, expected});
    }
    void throw_if_any() const {
        if (!list.empty()) throw ConfigException(source, list);
    }
};

bool valid_name(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.')) return false;
    return true;
}

// A value as it reads in a label: strings without quotes, numbers as written.
std::string value_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// "key=value" for apply_override, whose value is parsed as JSON (so strings keep their quotes here).
std::string assignment(const std::string& key, const json& value) { return key + "=" + value.dump(); }

void check_settings(const json& set, const std::string& field, Errors& errors) {
    if (!set.is_object()) {
        errors.add(field, set, "an object of settings, e.g. {\"sparse.density\": 0.1}");
        return;
    }
    json probe = json::object();
    for (const auto& [key, value] : set.items()) {
        try {
            apply_override(probe, assignment(key, value));
        } catch (const ConfigException&) {
            errors.add(field + "." + key, value, "a known setting (see `freetickets settings --keys`)");
        }
    }
}

struct RawPoint {
    std::string label, base;
    json set = json::object();
};

}  // namespace

std::vector<int64_t> study_member_seeds(int64_t seed, int64_t members) {
    std::vector<int64_t> seeds;
    for (int64_t m = 0; m < std::max<int64_t>(members, 1); ++m) seeds.push_back(seed + 1000 * m);
    return seeds;
}

json study_run_config_json(const StudySpec& spec, size_t point, int64_t seed) {
    const StudyPoint& p = spec.points.at(point);
    std::string label;
    json j = config_source_json(p.base, label, spec.base_dir);
    for (const auto& [key, value] : p.set.items()) apply_override(j, assignment(key, value));
    j["name"] = spec.name + "/" + p.label + "/seed " + std::to_string(seed);
    const RunConfig probe = config_from_json(j, spec.source + " (" + p.label + ")");
    j["ensemble"]["seeds"] = study_member_seeds(seed, probe.ensemble.members);
    return j;
}

RunConfig study_run_config(const StudySpec& spec, size_t point, int64_t seed) {
    return config_from_json(study_run_config_json(spec, point, seed),
                            spec.source + " (" + spec.points.at(point).label + ", seed " + std::to_string(seed) + ")");
}

StudySpec parse_study(const json& j, const std::string& source, const std::string& base_dir,
                      std::vector<std::string>* warnings) {
    Errors errors{source.empty() ? "study" : source, {}};
    if (!j.is_object()) {
        errors.add("(top level)", j, "a JSON object with name, base, grid or points, and seeds");
        errors.throw_if_any();
    }
    static const std::set<std::string> known = {"name", "description", "base", "set", "grid", "points", "seeds"};
    for (const auto& [key, value] : j.items())
        if (!known.count(key)) errors.add(key, value, "one of name, description, base, set, grid, points, seeds");

    StudySpec spec;
    spec.source = source;
    spec.base_dir = base_dir;
    spec.json = j;
    const json name = j.value("name", json());
    if (!name.is_string() || !valid_name(name.get<std::string>()))
        errors.add("name", name, "1-64 letters, digits, '-', '_' or '.'");
    else
        spec.name = name.get<std::string>();
    if (j.contains("description")) {
        if (j["description"].is_string())
            spec.description = j["description"].get<std::string>();
        else
            errors.add("description", j["description"], "a string");
    }
    std::string base;
    if (j.contains("base")) {
        if (j["base"].is_string() && !j["base"].get<std::string>().empty())
            base = j["base"].get<std::string>();
        else
            errors.add("base", j["base"], "a preset name or a config file");
    }
    const json common = j.value("set", json::object());
    check_settings(common, "set", errors);

    // Seeds: the repeats every point is trained with.
    const json seeds = j.value("seeds", json());
    if (!seeds.is_array() || seeds.empty()) {
        errors.add("seeds", seeds, "a non-empty list of integer seeds, e.g. [1, 2, 3]");
    } else {
        std::set<int64_t> seen;
        for (size_t i = 0; i < seeds.size(); ++i) {
            const json& s = seeds[i];
            if (!s.is_number_integer() || s.get<int64_t>() < 0 || s.get<int64_t>() >= 1000)
                errors.add("seeds[" + std::to_string(i) + "]", s, "an integer in [0, 999]");
            else if (!seen.insert(s.get<int64_t>()).second)
                errors.add("seeds[" + std::to_string(i) + "]", s, "a seed not already listed");
            else
                spec.seeds.push_back(s.get<int64_t>());
        }
    }

    // Explicit points (each may name its own base), or one point: the base itself.
    std::vector<RawPoint> raw;
    if (j.contains("points")) {
        const json& points = j["points"];
        if (!points.is_array() || points.empty()) errors.add("points", points, "a non-empty list of points");
        for (size_t i = 0; points.is_array() && i < points.size(); ++i) {
            const std::string field = "points[" + std::to_string(i) + "]";
            const json& p = points[i];
            if (!p.is_object()) {
                errors.add(field, p, "an object with label, base and/or set");
                continue;
            }
            RawPoint r;
            r.base = base;
            for (const auto& [key, value] : p.items()) {
                if (key == "label" && value.is_string()) {
                    r.label = value.get<std::string>();
                } else if (key == "base" && value.is_string() && !value.get<std::string>().empty()) {
                    r.base = value.get<std::string>();
                } else if (key == "set") {
                    check_settings(value, field + ".set", errors);
                    if (value.is_object()) r.set = value;
                } else {
                    errors.add(field + "." + key, value,
                               key == "label" || key == "base" ? "a string" : "one of label, base, set");
                }
            }
            if (r.base.empty()) errors.add(field + ".base", json(), "a base (here or at the top of the study)");
            raw.push_back(std::move(r));
        }
    } else {
        if (base.empty()) errors.add("base", json(), "a preset name or a config file (or a base in every point)");
        raw.push_back({"", base, json::object()});
    }

    // The grid: every combination of its values, crossed with the points.
    std::vector<std::pair<std::string, json>> axes;
    if (j.contains("grid")) {
        const json& grid = j["grid"];
        if (!grid.is_object() || grid.empty()) errors.add("grid", grid, "an object of setting: [values]");
        const json axes_json = grid.is_object() ? grid : json::object();
        for (const auto& [key, values] : axes_json.items()) {
            if (!values.is_array() || values.empty()) {
                errors.add("grid." + key, values, "a non-empty list of values");
                continue;
            }
            json first = json::object();
            first[key] = values[0];
            check_settings(first, "grid", errors);
            std::set<std::string> distinct;
            for (size_t i = 0; i < values.size(); ++i)
                if (!distinct.insert(values[i].dump()).second)
                    errors.add("grid." + key + "[" + std::to_string(i) + "]", values[i], "a value not already listed");
            axes.emplace_back(key, values);
        }
    }
    errors.throw_if_any();

    size_t combinations = 1;
    for (const auto& [key, values] : axes) combinations *= values.size();
    if (combinations * raw.size() * spec.seeds.size() > kMaxStudyRuns) {
        errors.add("grid", j.value("grid", json()),
                   "at most " + std::to_string(kMaxStudyRuns) + " runs in all (this is " +
                       std::to_string(combinations * raw.size() * spec.seeds.size()) + ")");
        errors.throw_if_any();
    }

    // Which keys vary between points: those name the point and are what a study view plots against.
    std::map<std::string, std::set<std::string>> seen_values;
    std::set<std::string> bases;
    for (const auto& r : raw) {
        bases.insert(r.base);
        for (const auto& [key, value] : r.set.items()) seen_values[key].insert(value.dump());
    }
    for (const auto& [key, values] : axes) seen_values[key].insert("grid");  // a grid axis always varies
    for (const auto& r : raw)
        for (const auto& [key, values] : seen_values)
            if (!r.set.contains(key) && !common.contains(key) &&
                !std::any_of(axes.begin(), axes.end(), [&](auto& a) { return a.first == key; }))
                seen_values[key].insert("(base)");  // set in one point, left at the base's value in another

    std::set<std::string> labels;
    for (size_t p = 0; p < raw.size(); ++p) {
        for (size_t c = 0; c < combinations; ++c) {
            StudyPoint point;
            point.base = raw[p].base;
            point.set = common;
            point.swept = json::object();
            if (bases.size() > 1) point.swept["base"] = point.base;
            for (const auto& [key, value] : raw[p].set.items()) {
                point.set[key] = value;
                if (seen_values[key].size() > 1) point.swept[key] = value;
            }
            size_t rest = c;
            for (auto a = axes.rbegin(); a != axes.rend(); ++a) {
                const json& value = a->second[rest % a->second.size()];
                rest /= a->second.size();
                point.set[a->first] = value;
                point.swept[a->first] = value;
            }
            std::string label = raw[p].label;
            if (label.empty()) {
                if (point.swept.contains("base")) label = point.base;
                for (const auto& [key, value] : point.swept.items())
                    if (key != "base") label += (label.empty() ? "" : " ") + key + "=" + value_text(value);
                if (label.empty()) label = point.base;
            } else if (!axes.empty()) {
                for (const auto& [key, values] : axes) label += " " + key + "=" + value_text(point.set[key]);
            }
            if (!labels.insert(label).second) {
                errors.add("points[" + std::to_string(p) + "]", json(label),
                           "points that differ (two points would train the same settings under one label)");
                continue;
            }
            point.label = label;
            spec.points.push_back(std::move(point));
        }
    }
    errors.throw_if_any();

    // Every point's config is validated now: a bad grid value is reported before the first run trains.
    std::set<std::string> seen_warnings;
    for (size_t p = 0; p < spec.points.size(); ++p) {
        std::vector<std::string> point_warnings;
        const json config = study_run_config_json(spec, p, spec.seeds.front());
        const RunConfig c =
            config_from_json(config, errors.source + " (point " + spec.points[p].label + ")", &point_warnings);
        spec.points[p].method = c.method;
        for (const auto& w : point_warnings)
            if (seen_warnings.insert(w).second && warnings) warnings->push_back(spec.points[p].label + ": " + w);
    }
    return spec;
}

namespace detail {
const std::vector<std::pair<std::string, std::string>>& embedded_studies();
}

std::vector<std::string> shipped_study_names() {
    std::vector<std::string> names;
    for (const auto& [name, text] : detail::embedded_studies()) names.push_back(name);
    return names;
}

StudySpec load_study(const std::string& file_or_name, std::vector<std::string>* warnings) {
    if (!std::filesystem::exists(file_or_name))
        for (const auto& [name, text] : detail::embedded_studies())
            if (name == file_or_name) return parse_study(json::parse(text), "study " + name, "", warnings);
    return read_study_file(file_or_name, warnings);
}

StudySpec read_study_file(const std::string& path, std::vector<std::string>* warnings) {
    const json j = read_json_file(path);
    const std::string dir = std::filesystem::absolute(path).parent_path().string();
    return parse_study(j, path, dir, warnings);
}

}  // namespace ft
