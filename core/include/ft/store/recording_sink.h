// SPDX-License-Identifier: GPL-3.0-or-later
// RecordingSink: what sits between a run loop and its StoreWriter wherever a run is recorded (the CLI's train and
// resume, the workbench). It passes every event on, and keeps the store in step with the run's checkpoints:
// - between an epoch's end and its checkpoint, the epoch's events are committed before the loop goes on, so a
//   process killed after the checkpoint has every step it covers in the store (resuming replays the rest);
// - once the store cannot record the run any more (StoreWriter::failed(): a write failed, or the file was deleted
//   or replaced), it calls `stop` once, on the training thread, with the writer's error: the caller cancels the
//   run, which then ends at its next step with a checkpoint, to be resumed once the store is fixed.
#pragma once

#include <functional>
#include <string>

#include "ft/store/store_writer.h"
#include "ft/train/events.h"

namespace ft {

class RecordingSink : public EventSink {
public:
    // checkpoints: the run writes checkpoints (without them there is nothing to keep in step with).
    RecordingSink(StoreWriter& writer, bool checkpoints) : writer_(writer), checkpoints_(checkpoints) {}
    void on_stop(std::function<void(const std::string& why)> stop) { stop_ = std::move(stop); }

    void on_event(const Event& event) override;
    bool wants_masks() const override { return true; }
    bool stopped() const { return stopped_; }  // stop was called

private:
    StoreWriter& writer_;
    bool checkpoints_;
    std::function<void(const std::string&)> stop_;
    bool stopped_ = false;
    bool at_epoch_end_ = false;  // between an EpochEnd and the checkpoint that follows it
};

}  // namespace ft
