// SPDX-License-Identifier: GPL-3.0-or-later
// What the run store keeps of a study: the study (its file as written, its state, who executes it), its points
// and, per point and seed, the run that trains it (schema version 4). The runs themselves are ordinary runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ft {

// Of a study as a whole and of each of its (point, seed) runs.
enum class StudyState { Pending, Running, Finished, Failed, Cancelled };
std::string to_string(StudyState s);
StudyState study_state_from_string(const std::string& text);  // throws std::invalid_argument naming the text

struct StudyPointRecord {
    int64_t point = 0;
    std::string label;
    std::string method;                                  // of the point's config ("edst", ...)
    nlohmann::json settings = nlohmann::json::object();  // what varies between points (StudyPoint::swept)
};

struct StudyRunRecord {
    int64_t point = 0;
    int64_t seed = 0;
    std::optional<int64_t> run;  // the run in this store; none before it started (or after it was purged)
    StudyState state = StudyState::Pending;
    int64_t attempts = 0;  // how many times it was started fresh (a failed run is retried once)
    std::string message;   // why it failed
    std::string job;       // who runs it now: "local:HOST:PID" or "slurm:JOBID"; empty when nobody does
};

struct StudyRecord {
    int64_t id = 0;
    std::string name;
    nlohmann::json spec;  // the study file as written
    double created = 0;
    StudyState state = StudyState::Pending;
    std::string message;
    std::string executor;  // "local" or "slurm" of the last `study run`
    std::string host;      // of the process executing it
    int64_t pid = 0;       // 0 when no process executes it
    bool cancel_requested = false;
    std::vector<StudyPointRecord> points;
    std::vector<StudyRunRecord> runs;  // by point, then seed
};

}  // namespace ft
