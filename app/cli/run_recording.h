// SPDX-License-Identifier: GPL-3.0-or-later
// Recording a `train` or `resume` run into the run store. The store is opened (and a file that is not a store, a
// newer store or a read-only file refused, untouched) before training starts. While the run trains, a StoreWriter
// records every event off the training thread; a writer that fails cancels the run, which then writes its
// checkpoint, so the run can be resumed once the store is fixed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ft/config/run_config.h"
#include "ft/store/recording_sink.h"
#include "ft/store/store_writer.h"
#include "ft/train/events.h"
#include "ft/train/run_control.h"

namespace ft::cli {

class RunRecording : public EventSink {
public:
    // A new run of `config` in the store at `path` (created when missing). Its checkpoint folder is
    // `checkpoint_dir` when given, else derived from the new run id (run_checkpoint_dir) when
    // derive_checkpoint_dir, else none (--no-checkpoint).
    static std::unique_ptr<RunRecording> create(const std::string& path, const RunConfig& config,
                                                const std::string& checkpoint_dir, bool derive_checkpoint_dir);
    // An existing run (resume) that this process now writes.
    static std::unique_ptr<RunRecording> resume(const std::string& path, int64_t run);
    ~RunRecording() override;

    int64_t run_id() const { return run_; }
    const std::string& path() const { return path_; }
    const std::string& checkpoint_dir() const { return checkpoint_dir_; }

    // "freetickets resume <id>", with --db when the store is not the default one.
    std::string resume_command() const;

    // From now on a store that stops recording (RecordingSink) cancels `control` (once).
    void watch(RunControl& control);

    void on_event(const Event& event) override;
    bool wants_masks() const override { return true; }

    // Writes what is queued and closes the file; check failed() afterwards.
    void close();
    bool failed() const;
    std::string error() const;  // names the file

private:
    RunRecording(std::string path, int64_t run, std::string checkpoint_dir);

    std::string path_;
    int64_t run_ = 0;
    std::string checkpoint_dir_;
    std::unique_ptr<StoreWriter> writer_;
    std::unique_ptr<RecordingSink> sink_;  // in front of writer_
};

// The writer options of the CLI. Test hook: FT_STORE_MAX_PAGES=N caps the store file at N pages (SQLite
// max_page_count), which makes a "full disk" happen on demand. Throws for a value that is not a positive integer.
StoreWriterOptions writer_options_from_environment();

}  // namespace ft::cli
