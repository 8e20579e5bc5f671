// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets runs list|show|diff|export|delete|restore|purge|tag|note|import`: the run store from the command
// line. Every subcommand takes --db FILE (default: the store `train` writes, see store_paths.h). Reading
// subcommands open the store read-only and never change the file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace ft::cli {

struct RunsCommands {
    CLI::App* runs = nullptr;
    CLI::App *list = nullptr, *show = nullptr, *diff = nullptr, *export_ = nullptr, *remove = nullptr,
             *restore = nullptr, *purge = nullptr, *tag = nullptr, *note = nullptr, *import = nullptr;

    std::string db;                                // --db; empty: the default store
    std::string run_arg;                           // RUN of show, export, tag, note
    std::vector<std::string> ids;                  // RUN... of diff, delete, restore
    bool json = false;                             // list, show
    std::string status, method, tag_filter, text;  // list filters
    bool trash = false;                            // list: the trash only
    std::string csv_out, json_out;                 // export
    bool yes = false;                              // purge
    std::vector<std::string> tags;                 // tag
    bool remove_tags = false;                      // tag --remove
    std::string note_text, note_file;              // note
    std::string other;                             // import
    bool include_trashed = false;                  // import

    // True when `runs ...` was given; run() then executes it and returns the exit code: 2 for a bad argument
    // (printed), errors of the store throw (StoreError names the file).
    bool selected() const { return runs && runs->parsed(); }
    int run();
};

std::unique_ptr<RunsCommands> add_runs_commands(CLI::App& app);

}  // namespace ft::cli
