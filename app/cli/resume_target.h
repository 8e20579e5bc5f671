// SPDX-License-Identifier: GPL-3.0-or-later
// What `freetickets resume RUN` continues: a run of the store (by id) or a checkpoint folder (the older form),
// and whether the store goes on recording it.
#pragma once

#include <cstdint>
#include <string>

#include "ft/config/run_config.h"

namespace ft::cli {

struct ResumeTarget {
    RunConfig config;
    std::string checkpoint_dir;
    // false: the run was stopped before its first checkpoint, so it starts over (same run id, same folder).
    bool from_checkpoint = true;
    std::string store_path;  // empty: the resumed run is not recorded
    int64_t run_id = 0;      // 0: not recorded
    std::string note;        // said before training (why it is not recorded, that it starts over, ...)
};

// target: a run id in the store at store_path, or a checkpoint folder. store_path empty (--no-db): a folder only.
// store_given: --db was given, so a missing store file is an error rather than "no store yet".
// Throws (naming the store and the run) for an unknown run, a finished run, a run another process is still
// writing, a trashed run and a run that was started without checkpoints.
ResumeTarget resolve_resume_target(const std::string& target, const std::string& store_path, bool store_given);

}  // namespace ft::cli
