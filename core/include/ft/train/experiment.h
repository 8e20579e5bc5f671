// SPDX-License-Identifier: GPL-3.0-or-later
// Running one experiment (any method of spec §3-§5) from a validated RunConfig: the entry point of the CLI, the
// GUI's training thread and the tests. Call it on the thread that should train: it sets that thread's torch
// thread count itself (toolchain.md §7).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ft/config/run_config.h"
#include "ft/train/events.h"
#include "ft/train/run_control.h"

namespace ft {

struct RunOptions {
    // Folder for checkpoints (state-*.pt + state.json) and tickets (ticket-<k>.pt). Empty: no checkpoints, and a
    // cancelled run cannot be resumed.
    std::string checkpoint_dir;
    // Continue the run saved in checkpoint_dir (its state.json holds the config, which must equal `config`).
    bool resume = false;
    // Write a checkpoint every this many epochs, and then only when at least checkpoint_every_seconds of this
    // session passed since the last one (a kill loses at most that much training). A phase end (ticket, EDST
    // exploration, stage end), a cancel and a request always write one.
    int64_t checkpoint_every_epochs = 1;
    double checkpoint_every_seconds = 0;
};

// Trains, evaluates and returns the summary JSON (see summary.h for its fields). A cancelled run returns the
// summary so far with run.status = "cancelled". Errors (bad data files, device, ...) throw; a RunFinished event
// with status "failed" is published first.
nlohmann::json run_experiment(const RunConfig& config, EventSink& sink, RunControl& control, const RunOptions& options);

// Re-evaluates the tickets of a run that finished training in `checkpoint_dir` (ticket-<k>.json) with the eval.*
// settings of `config` (every other setting must equal the saved config's) and returns the summary, robustness and
// OoD included. Publishes the EvalReports (and on 2-D data the ensemble's decision boundary) to `sink`, nothing
// else: no RunStarted, no RunFinished. Errors (missing tickets, data files) throw, naming the file.
nlohmann::json evaluate_checkpoint(const RunConfig& config, const std::string& checkpoint_dir, EventSink& sink,
                                   RunControl& control);

// Reads the config saved with a checkpoint (for `freetickets resume DIR`).
RunConfig checkpoint_config(const std::string& checkpoint_dir);

}  // namespace ft
