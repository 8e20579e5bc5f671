// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets eval` (re-evaluate the stored tickets of a run: test metrics, diversity, robustness, OoD),
// `freetickets compare` (the paper-style table of several runs, as text, CSV or Markdown) and `freetickets export`
// (the tickets as PyTorch state dicts, ft/train/ticket_export.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace ft::cli {

struct EvalCommands {
    CLI::App* eval = nullptr;
    CLI::App* compare = nullptr;
    // eval
    std::string target, db, out;
    std::vector<std::string> overrides;
    bool quiet = false;
    // compare
    std::vector<std::string> runs;
    std::string format = "table";
    // export
    CLI::App* exporter = nullptr;
    std::string export_target, tickets_dir;

    // True when one of the two subcommands was given; run() then executes it and returns the exit code (errors
    // throw: ConfigException for bad settings, std::runtime_error otherwise).
    bool selected() const {
        return (eval && eval->parsed()) || (compare && compare->parsed()) || (exporter && exporter->parsed());
    }
    int run();
};

// Adds `eval`, `compare` and `export` to the program; `default_db` is the store used when --db is not given (empty: the
// default store of store_paths.h, as `train`).
std::unique_ptr<EvalCommands> add_eval_commands(CLI::App& app, const std::string& default_db = "");

// One row of `compare` per summary JSON; formats "table", "csv", "markdown". Missing fields (an older summary, no
// robustness) print as "-" (empty in CSV). Throws std::invalid_argument for another format.
std::string comparison_table(const std::vector<nlohmann::json>& summaries, const std::vector<std::string>& labels,
                             const std::string& format);

}  // namespace ft::cli
