// SPDX-License-Identifier: GPL-3.0-or-later
// The text of the `study` commands: the progress line while a study executes, the list of studies, and a study's
// results as a table (plain, markdown) or CSV. Pure functions of the results, so tests read them directly.
#pragma once

#include <string>
#include <vector>

#include "ft/study/study_results.h"

namespace ft::cli {

struct StudyProgress {
    double fraction = 0;  // of the work this execution set out to do (in epochs), 0..1
    int finished = 0, failed = 0, running = 0, total = 0;
    double elapsed_seconds = 0;
};
// "[#######.............]  35%  5/15 runs finished, 2 running, 0 failed  elapsed 12:03  ETA 22:10"
std::string study_progress_line(const StudyProgress& p);

// One line per study: id, name, state, runs finished of total, failed, executor.
std::string study_list_table(const std::vector<StudyResults>& studies);

// The metrics `study show` prints when none are asked for.
std::vector<std::string> default_study_columns();
// Per point: label, method, runs finished of planned, then "mean ± std" of each metric (n in the runs column).
// format: "table" or "markdown". Throws std::invalid_argument naming an unknown metric or format.
std::string study_table(const StudyResults& results, const std::vector<std::string>& metrics,
                        const std::string& format);
// One row per point: point, label, method, each swept setting, then <metric>_mean, <metric>_std, <metric>_n of
// every metric.
std::string study_csv(const StudyResults& results);

}  // namespace ft::cli
