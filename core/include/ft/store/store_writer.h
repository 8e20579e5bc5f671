// SPDX-License-Identifier: GPL-3.0-or-later
// StoreWriter: the event sink that records one run into the run store (ARCHITECTURE.md rule 3).
//
// on_event copies the event into a bounded queue and returns; a background thread writes the queue in one
// transaction per batch (every flush_interval or batch_events events). When the queue is full the producer waits
// until the batch being written commits, never longer. Every event is stored (no coalescing, no dropping) until
// the writer fails: then it keeps the error (failed(), error()), stops accepting events and leaves the file
// with everything committed before the failure. A store file deleted or replaced meanwhile is saved instead
// (lost_file()).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "ft/store/run_store.h"
#include "ft/train/events.h"

namespace ft {

struct StoreWriterOptions {
    size_t queue_capacity = 4096;                        // events waiting to be written
    size_t queue_mask_bytes = size_t{256} << 20;         // and at most this much packed mask data among them
    size_t batch_events = 2000;                          // at most this many events per transaction
    std::chrono::milliseconds flush_interval{250};       // a batch is written at least this often
    std::chrono::milliseconds heartbeat_interval{5000};  // run row heartbeat, while the writer lives
    int64_t keyframe_interval = 16;                      // full mask every N updates, XOR deltas in between
    int64_t max_page_count = 0;                          // test hook: > 0 caps the file (PRAGMA max_page_count)
};

class StoreWriter : public EventSink {
public:
    // Records into an existing run (resume): marks it running with this process's pid.
    StoreWriter(const std::string& path, int64_t run_id, StoreWriterOptions options = {});
    // Creates the run first.
    StoreWriter(const std::string& path, const NewRun& run, StoreWriterOptions options = {});
    ~StoreWriter() override;  // close()

    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    int64_t run_id() const;
    const std::string& path() const;

    void on_event(const Event& event) override;
    bool wants_masks() const override { return true; }

    // Queues an event that is not part of the run loop's stream (pause, resume, user_edit, ...). step < 0: the
    // last step seen.
    void annotate(EventKind kind, const nlohmann::json& payload = nlohmann::json::object(), int64_t member = -1,
                  int64_t step = -1);

    // Waits until everything queued so far is committed (or the writer failed).
    void flush();
    // Flushes, stops the thread and closes the file. Idempotent; never throws (check failed()).
    void close();

    // True once the store can no longer record the run: a write failed (disk full, I/O error), or the file was
    // lost (below). The run should stop (RecordingSink does that).
    bool failed() const;
    // The file at path() was deleted or replaced while the run was recorded (checked once a second). Unlike a
    // failed write, recording goes on into the open file, and close() copies it to "<path>.recovered" (or
    // ".recovered-N"), so the store and this run, to its end, survive; error() then says where it went.
    bool lost_file() const;
    std::string recovered_path() const;  // after close(); empty when nothing was saved
    std::string error() const;           // names the file; empty while all is well
    int64_t events_written() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ft
