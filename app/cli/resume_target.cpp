// SPDX-License-Identifier: GPL-3.0-or-later
#include "resume_target.h"

#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "ft/config/config_json.h"
#include "ft/store/run_store.h"
#include "ft/train/experiment.h"
#include "store_paths.h"

namespace fs = std::filesystem;

namespace ft::cli {
namespace {

std::string run_label(const std::string& store_path, const RunRecord& run) {
    return store_path + ": run " + std::to_string(run.id) + " (\"" + run.name + "\")";
}

void require_resumable(const std::string& store_path, const RunRecord& run) {
    const std::string id = std::to_string(run.id);
    if (run.status == RunStatus::Finished)
        throw std::runtime_error(run_label(store_path, run) +
                                 " is finished; there is nothing to resume (its results: " + "freetickets runs show " +
                                 id + ")");
    if (run.status == RunStatus::Running)
        throw std::runtime_error(run_label(store_path, run) + " is still being written by process " +
                                 std::to_string(run.pid) + " on " + run.host + "; stop that process first");
    if (run.trashed)
        throw std::runtime_error(run_label(store_path, run) + " is in the trash; restore it first (freetickets runs " +
                                 "restore " + id + ")");
    if (run.checkpoint_dir.empty())
        throw std::runtime_error(run_label(store_path, run) +
                                 " was started without checkpoints (--no-checkpoint), so it cannot be resumed");
}

// The same folder however it was spelled (relative, with "..", through a link).
std::string folder_key(const std::string& dir) {
    std::error_code ec;
    const fs::path p = fs::weakly_canonical(fs::absolute(dir), ec);
    return (ec ? fs::absolute(dir).lexically_normal() : p).string();
}

}  // namespace

ResumeTarget resolve_resume_target(const std::string& target, const std::string& store_path, bool store_given) {
    ResumeTarget t;
    if (const auto id = parse_run_id(target)) {
        if (store_path.empty())
            throw std::invalid_argument("resume " + target +
                                        ": a run id is looked up in the run store, which --no-db turns off; give "
                                        "the run's checkpoint folder instead");
        // Read-write, as the resumed run writes into it: a write-protected store is refused here, before a
        // reader's -wal and -shm files appear next to it.
        const RunStore store = RunStore::open(store_path, StoreMode::ReadWrite);
        const RunRecord run = store.get_run(*id);  // "<store>: no run N"
        require_resumable(store_path, run);
        t.store_path = store_path;
        t.run_id = run.id;
        t.checkpoint_dir = run.checkpoint_dir;
        t.config = config_from_json(nlohmann::json::parse(run.config_json), store_path + ": run " + target);
        t.from_checkpoint = fs::exists(fs::path(run.checkpoint_dir) / "state.json");
        if (!t.from_checkpoint)
            t.note = "run " + target + " stopped before its first checkpoint: it starts over (in " +
                     run.checkpoint_dir + ")";
        return t;
    }

    // A checkpoint folder: its state.json holds the config. The run that wrote it, if the store has it, goes on
    // being recorded.
    t.checkpoint_dir = fs::absolute(target).lexically_normal().string();
    t.config = checkpoint_config(target);
    if (store_path.empty()) return t;
    if (!store_given && !fs::exists(store_path)) {
        t.note = "no run store at " + store_path + ": the resumed run is not recorded";
        return t;
    }
    const RunStore store = RunStore::open(store_path, StoreMode::ReadOnly);
    RunFilter all;
    all.include_trashed = true;
    const std::string key = folder_key(target);
    const RunRecord* match = nullptr;
    const auto runs = store.list_runs(all);
    for (const auto& r : runs)
        if (!r.checkpoint_dir.empty() && folder_key(r.checkpoint_dir) == key && (!match || r.id > match->id))
            match = &r;
    if (!match) {
        t.note = "no run in " + store_path + " uses " + t.checkpoint_dir + ": the resumed run is not recorded";
        return t;
    }
    require_resumable(store_path, *match);
    t.store_path = store_path;
    t.run_id = match->id;
    return t;
}

}  // namespace ft::cli
