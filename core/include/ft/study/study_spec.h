// SPDX-License-Identifier: GPL-3.0-or-later
// A study: one base experiment, the points to train (explicit points and/or a grid over settings) and the seeds
// each point is trained with. Every point and seed becomes an ordinary run; the study file only says which.
// Plain C++, no torch: the CLI, the executors and the workbench's study view all read it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ft/config/run_config.h"

namespace ft {

struct StudyPoint {
    std::string label;     // "method=edst sparse.density=0.1", or the label the file gives
    std::string base;      // preset name or config file (resolved against the study file's folder)
    nlohmann::json set;    // the point's own settings (the study's "set", the point's "set" and its grid values)
    nlohmann::json swept;  // only the values that differ between points (grid keys, the point's "set", its base)
    Method method = Method::Edst;  // of the point's resolved config
};

struct StudySpec {
    std::string name, description;
    std::string source;    // the file it was read from ("" when parsed from memory), for errors
    std::string base_dir;  // where relative base files are looked up
    nlohmann::json json;   // the study as written (parsed), stored with the study
    std::vector<StudyPoint> points;
    std::vector<int64_t> seeds;
    size_t run_count() const { return points.size() * seeds.size(); }
};

// Above this many runs a study file is refused (a typo in a grid should not queue a million runs).
inline constexpr size_t kMaxStudyRuns = 10000;

// Parses a study, expands its grid and validates the config of every point, so a bad setting is reported before
// anything trains. Throws ConfigException naming the source, the field (e.g. "grid.sparse.density[2]" or
// "points[1].set") the value and what was expected; a point whose config is invalid is named by its label.
// Config warnings (deduplicated, each prefixed by the point) go to *warnings.
StudySpec parse_study(const nlohmann::json& json, const std::string& source, const std::string& base_dir,
                      std::vector<std::string>* warnings = nullptr);
StudySpec read_study_file(const std::string& path, std::vector<std::string>* warnings = nullptr);
// The studies shipped with the program (resources/studies), by name.
std::vector<std::string> shipped_study_names();
// A study file's path, or the name of a shipped study (when no such file exists).
StudySpec load_study(const std::string& file_or_name, std::vector<std::string>* warnings = nullptr);

// The full config JSON of `point` trained with study seed `seed`: base, then the point's settings, then
// run.name "<study>/<label>/seed <seed>" and ensemble.seeds = {seed, seed + 1000, seed + 2000, ...} (one per
// member, so members of different study seeds never share a seed).
nlohmann::json study_run_config_json(const StudySpec& spec, size_t point, int64_t seed);
RunConfig study_run_config(const StudySpec& spec, size_t point, int64_t seed);

// The member seeds a study seed expands to.
std::vector<int64_t> study_member_seeds(int64_t seed, int64_t members);

}  // namespace ft
