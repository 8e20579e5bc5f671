// SPDX-License-Identifier: GPL-3.0-or-later
// A study's results as stored: per point, its runs and the mean, standard deviation and count over seeds of every
// study metric (study_metrics.h), from the summaries of its finished runs. What `study show` prints and the
// workbench's study view plots.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ft/store/run_store.h"
#include "ft/study/study_metrics.h"

namespace ft {

struct StudyRunResult {
    StudyRunRecord row;
    std::optional<RunStatus> run_status;  // of the linked run, as the store reports it (interrupted when dead)
    nlohmann::json metrics = nlohmann::json::object();  // study_run_metrics of a finished run's summary
};

struct StudyPointResult {
    StudyPointRecord point;
    std::vector<StudyRunResult> runs;          // by seed
    std::map<std::string, MetricStats> stats;  // over the finished runs
    int finished = 0, failed = 0, running = 0, pending = 0, cancelled = 0;
};

struct StudyResults {
    StudyRecord study;
    std::vector<StudyPointResult> points;
    int finished = 0, failed = 0, running = 0, pending = 0, cancelled = 0;
    int total() const { return finished + failed + running + pending + cancelled; }
};

StudyResults study_results(const RunStore& store, int64_t study);
// {id, name, state, message, executor, runs {total, finished, ...}, points: [{point, label, method, settings,
// runs: [{seed, run, state, attempts, message, metrics}], metrics: {accuracy: {mean, std, n}, ...}}]}
nlohmann::json study_results_json(const StudyResults& results);

}  // namespace ft
