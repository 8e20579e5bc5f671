// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets study run|list|show|export|cancel|delete`: grids over settings and seeds, executed by worker
// processes on this machine or by Slurm, into one run store.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ft::cli {

struct StudyCommands {
    CLI::App* study = nullptr;
    CLI::App *run_ = nullptr, *list = nullptr, *show = nullptr, *export_ = nullptr, *cancel = nullptr,
             *remove = nullptr;

    std::string db;      // --db; empty: the default store
    std::string file;    // run: the study file
    std::string target;  // show, export, cancel, delete: a study id or name
    std::string executor = "local";
    int jobs = 1, threads = 0;
    bool quiet = false, json = false;
    std::string format = "table";
    std::string metrics;  // show: comma-separated metric keys
    std::string csv_out, json_out;
    // Slurm (run --executor slurm)
    std::string partition, time_limit, gres;
    int cpus_per_task = 0;
    std::vector<std::string> sbatch_args;

    bool selected() const { return study && study->parsed(); }
    int run();
};

std::unique_ptr<StudyCommands> add_study_commands(CLI::App& app);

}  // namespace ft::cli
