// SPDX-License-Identifier: GPL-3.0-or-later
// Executing a study: every (point, seed) that is not finished becomes a job on a backend (local processes or
// Slurm), and the store's study rows follow what happens to it. Resumable by running it again: finished runs are
// skipped, cancelled or interrupted ones resumed from their checkpoint. A run that fails is started once more
// (from its checkpoint when it has one) and then reported without stopping the rest; running the study again
// tries its failed runs again.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>

#include "ft/store/run_store.h"
#include "ft/study/study_spec.h"
#include "study/job_backend.h"

namespace ft::cli {

struct StudyRunOptions {
    std::string store_path;
    std::string program;   // the freetickets executable the jobs run
    std::string work_dir;  // configs, logs and run-id files of the jobs ("<store>.studies/<name>")
    int threads = 1;       // per run (set in each run's config)
    int retries = 1;       // a failed run is started again this many times
    bool quiet = false;
    double poll_seconds = 0.25;
    FILE* progress = stderr;   // the progress bar and the run-by-run lines
    bool interactive = false;  // a terminal: redraw one progress line; otherwise a plain line every 30 s
};

// Exit status of `study run`: 0 when every run finished, 1 when some failed, 3 when `study cancel` stopped it,
// 128 + N when signal N (SIGINT, SIGTERM) did. `stop_signal` is set by the caller's signal handler.
int execute_study(const StudySpec& spec, RunStore& store, JobBackend& backend, const StudyRunOptions& options,
                  const std::atomic<int>& stop_signal);

// The study's id in `store`: created from `spec` when the store has none of that name; resumed when it has one
// from the same file. A study of that name from a different file, or one another process is executing now, is a
// std::runtime_error saying so.
int64_t open_study(const StudySpec& spec, RunStore& store);

}  // namespace ft::cli
