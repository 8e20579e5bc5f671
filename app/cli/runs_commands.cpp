// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs_commands.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "ft/config/config_json.h"
#include "ft/store/run_store.h"
#include "runs_text.h"
#include "store_paths.h"

namespace fs = std::filesystem;

namespace ft::cli {
namespace {

// JSON for people and scripts: strings exactly as stored (invalid UTF-8, which a command line can carry, is
// replaced rather than aborting the output).
std::string json_dump(const nlohmann::json& j) {
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::vector<int64_t> run_ids(const std::vector<std::string>& args) {
    std::vector<int64_t> out;
    out.reserve(args.size());
    for (const auto& a : args) out.push_back(require_run_id(a));
    return out;
}

// Writes `text` to `target`: "-" = stdout, else the file (an error names it).
void write_output(const std::string& target, const std::string& text) {
    if (target == "-") {
        std::cout << text << std::flush;
        return;
    }
    std::ofstream out(target, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw std::runtime_error(target + ": cannot write (missing folder, read-only or full disk?)");
}

std::string read_input(const std::string& source) {
    if (source == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
    std::ifstream in(source, std::ios::binary);
    if (!in) throw std::runtime_error(source + ": cannot read the note file");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void add_db_option(CLI::App* sub, std::string& db) {
    sub->add_option("--db", db, "Run store file (default: $XDG_DATA_HOME/freetickets/runs.sqlite)");
}

}  // namespace

std::unique_ptr<RunsCommands> add_runs_commands(CLI::App& app) {
    auto c = std::make_unique<RunsCommands>();
    c->runs = app.add_subcommand("runs", "List, show, compare, export, tag and tidy the runs in the run store");
    c->runs->require_subcommand(1);

    c->list = c->runs->add_subcommand("list", "A table of the runs (newest last)");
    c->list->add_option("--status", c->status,
                        "Only runs with this status (running, finished, cancelled, failed, interrupted)");
    c->list->add_option("--method", c->method, "Only runs of this method (edst, dst, ...)");
    c->list->add_option("--tag", c->tag_filter, "Only runs with this tag");
    c->list->add_option("--text", c->text, "Only runs whose name, method, tags or note contain this text");
    c->list->add_flag("--trash", c->trash, "The runs in the trash instead");
    c->list->add_flag("--json", c->json, "JSON array (id, name, method, status, ...)");

    c->show =
        c->runs->add_subcommand("show", "Config, status, seeds, tickets, latest evaluations, tags and note of a run");
    c->show->add_option("run", c->run_arg, "Run id")->required();
    c->show->add_flag("--json", c->json, "Everything the store holds about the run, as JSON (as `export --json`)");

    c->diff = c->runs->add_subcommand("diff", "The config settings in which two runs differ");
    c->diff->add_option("runs", c->ids, "Two run ids")->required()->expected(2);

    c->export_ = c->runs->add_subcommand("export", "Write a run as CSV (long format) and/or JSON");
    c->export_->add_option("run", c->run_arg, "Run id")->required();
    c->export_->add_option("--csv", c->csv_out, "CSV file, - for stdout (the default when neither is given)");
    c->export_->add_option("--json", c->json_out, "JSON file, - for stdout");

    c->remove = c->runs->add_subcommand("delete", "Move runs to the trash (`runs restore` undoes it)");
    c->remove->add_option("runs", c->ids, "Run ids")->required();

    c->restore = c->runs->add_subcommand("restore", "Take runs back out of the trash");
    c->restore->add_option("runs", c->ids, "Run ids")->required();

    c->purge = c->runs->add_subcommand("purge", "Delete the runs in the trash for good");
    c->purge->add_flag("--yes", c->yes, "Really delete them (without it, purge only says what it would delete)");

    c->tag = c->runs->add_subcommand("tag", "Add tags to a run (or remove them with --remove)");
    c->tag->add_option("run", c->run_arg, "Run id")->required();
    c->tag->add_option("tags", c->tags, "Tags")->required();
    c->tag->add_flag("--remove", c->remove_tags, "Remove these tags instead");

    c->note =
        c->runs->add_subcommand("note", "Print a run's note, or set it (TEXT, or --file F; an empty TEXT clears it)");
    c->note->add_option("run", c->run_arg, "Run id")->required();
    c->note->add_option("text", c->note_text, "The new note");
    c->note->add_option("--file", c->note_file, "Read the new note from this file (- for stdin)");

    c->import = c->runs->add_subcommand("import", "Copy the runs of another store file into this one (new ids)");
    c->import->add_option("other", c->other, "The other store file (opened read-only)")->required();
    c->import->add_flag("--include-trashed", c->include_trashed, "Copy its trashed runs too");

    for (auto* sub :
         {c->list, c->show, c->diff, c->export_, c->remove, c->restore, c->purge, c->tag, c->note, c->import})
        add_db_option(sub, c->db);
    return c;
}

int RunsCommands::run() {
    std::vector<int64_t> runs_given;
    try {
        runs_given = run_ids(ids);
        if (!run_arg.empty()) runs_given = {require_run_id(run_arg)};
        if (note->parsed() && note->count("text") && note->count("--file"))
            throw std::invalid_argument("note: give the text or --file, not both");
        if (export_->parsed() && csv_out == "-" && json_out == "-")
            throw std::invalid_argument("export: only one of --csv and --json can go to stdout (-)");
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    const bool reading = list->parsed() || show->parsed() || diff->parsed() || export_->parsed() ||
                         (note->parsed() && !note->count("text") && !note->count("--file"));
    const std::string path = store_path_or_default(db, !reading);

    if (list->parsed() && db.empty() && !fs::exists(path)) {
        // A new user's first `runs list`: not an error.
        if (json)
            std::cout << "[]\n";
        else
            std::fprintf(stderr, "no runs yet (no run store at %s)\n", path.c_str());
        return 0;
    }
    RunStore store = RunStore::open(path, reading ? StoreMode::ReadOnly : StoreMode::ReadWrite);

    if (list->parsed()) {
        RunFilter filter;
        if (!status.empty()) filter.status = run_status_from_string(status);
        if (!method.empty()) filter.method = method_from_string(method);
        filter.tag = tag_filter;
        filter.text = text;
        filter.trashed_only = trash;
        const auto found = store.list_runs(filter);
        if (json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& r : found) out.push_back(run_list_json(r));
            std::cout << json_dump(out);
        } else if (found.empty()) {
            const bool filtered = !status.empty() || !method.empty() || !tag_filter.empty() || !text.empty();
            std::fprintf(stderr, "no runs%s in %s%s\n", trash ? " in the trash" : "", path.c_str(),
                         filtered ? " match" : "");
        } else {
            std::cout << runs_table(found);
        }
        return 0;
    }
    if (show->parsed()) {
        const RunRecord r = store.get_run(runs_given[0]);
        if (json) {
            nlohmann::json j = store.export_json(r.id);
            j["id"] = r.id;
            j["status"] = r.status;
            std::cout << json_dump(j);
        } else {
            std::cout << run_details(store, r);
        }
        return 0;
    }
    if (diff->parsed()) {
        std::cout << config_diff_text(store.config_diff(runs_given[0], runs_given[1]), runs_given[0], runs_given[1]);
        return 0;
    }
    if (export_->parsed()) {
        const int64_t id = runs_given[0];
        store.get_run(id);  // an unknown id fails before a file is written
        if (!json_out.empty()) write_output(json_out, json_dump(store.export_json(id)));
        if (!csv_out.empty() || json_out.empty()) {
            std::ostringstream csv;
            store.export_csv(id, csv);
            write_output(csv_out.empty() ? "-" : csv_out, csv.str());
        }
        return 0;
    }
    if (remove->parsed() || restore->parsed()) {
        for (int64_t id : runs_given) store.get_run(id);  // all known, or nothing changes
        for (int64_t id : runs_given) {
            if (remove->parsed()) {
                store.trash(id);
                std::printf("run %lld moved to the trash (undo: freetickets runs restore %lld)\n", (long long)id,
                            (long long)id);
            } else {
                store.restore(id);
                std::printf("run %lld restored\n", (long long)id);
            }
        }
        return 0;
    }
    if (purge->parsed()) {
        RunFilter in_trash;
        in_trash.trashed_only = true;
        const auto trashed = store.list_runs(in_trash);
        if (!yes) {
            std::fprintf(stderr,
                         "purge deletes the %zu run(s) in the trash of %s for good (their checkpoint folders are "
                         "kept); add --yes to do it\n",
                         trashed.size(), path.c_str());
            return trashed.empty() ? 0 : 2;
        }
        std::printf("purged %lld run(s)\n", (long long)store.purge_trash());
        return 0;
    }
    if (tag->parsed()) {
        const int64_t id = runs_given[0];
        store.get_run(id);
        for (const auto& t : tags) remove_tags ? store.remove_tag(id, t) : store.add_tag(id, t);
        return 0;
    }
    if (note->parsed()) {
        const int64_t id = runs_given[0];
        if (note->count("text") || note->count("--file")) {
            store.get_run(id);
            store.set_note(id, note->count("--file") ? read_input(note_file) : note_text);
        } else {
            store.get_run(id);
            const std::string current = store.get_note(id);
            std::cout << current << (current.empty() ? "" : "\n");
        }
        return 0;
    }
    if (import->parsed()) {
        const auto added = store.import_from(other, include_trashed);
        std::string list;
        for (size_t i = 0; i < added.size(); ++i) list += (i ? ", " : "") + std::to_string(added[i]);
        std::printf("imported %zu run(s) from %s into %s%s%s\n", added.size(), other.c_str(), path.c_str(),
                    added.empty() ? "" : ": ", list.c_str());
        return 0;
    }
    return 0;
}

}  // namespace ft::cli
