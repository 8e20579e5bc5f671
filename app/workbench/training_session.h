// SPDX-License-Identifier: GPL-3.0-or-later
// TrainingSession: one run of ft::run_experiment on its own training thread (ARCHITECTURE.md rule 4: the GUI
// never trains). The run loop's events fan out to a StoreWriter (every event, into the run store) and to a
// GuiBridge (batched to the GUI thread). Pause, resume, cancel, the speed limit and step-to-next-mask-update
// act on the run's RunControl from the GUI thread. A cancelled run is checkpointed by the core and can be
// resumed later with Request::resumeRunId. A store that stops recording (disk full, file deleted or replaced:
// ft::RecordingSink) cancels the run the same way, and storeFailed() says why at once.
#pragma once

#include <QObject>
#include <QString>
#include <memory>
#include <thread>

#include "ft/config/run_config.h"
#include "ft/store/store_writer.h"
#include "ft/train/run_control.h"
#include "ft/train/run_status.h"

namespace ft {
class RecordingSink;
}

namespace ftw {

class GuiBridge;

class TrainingSession : public QObject {
    Q_OBJECT
public:
    struct Request {
        ft::RunConfig config;
        QString storePath;              // the run store the run is recorded into
        QString checkpointDir;          // empty: no checkpoints (then a cancelled run cannot be resumed)
        QString runName;                // empty: the config's name
        qint64 resumeRunId = 0;         // > 0: continue this stored run from the checkpoint in checkpointDir
        ft::StoreWriterOptions writer;  // tests: max_page_count makes the disk "full"
    };

    explicit TrainingSession(QObject* parent = nullptr);
    // Cancels a run still going and waits for its thread (the core checkpoints on the way out).
    ~TrainingSession() override;

    // Creates the run in the store and starts the training thread. False (with a message naming the store or the
    // checkpoint) when the run could not start; nothing is left running then.
    bool start(const Request& request, QString* error);
    bool isRunning() const { return running_; }
    bool isPaused() const { return control_ && control_->paused(); }
    qint64 runId() const { return runId_; }
    const Request& request() const { return request_; }
    GuiBridge* bridge() const { return bridge_.get(); }

    void pause();
    void resume();
    void cancel();
    // Runs until the next mask update (resuming when paused), then pauses.
    void stepToNextMaskUpdate();
    // At most this many steps per second (teaching); 0 = unlimited. Kept across runs of this session.
    void setMaxStepsPerSecond(double rate);
    double maxStepsPerSecond() const { return maxStepsPerSecond_; }
    // Records an event that did not come from the run loop (pause, resume, ...) in the store.
    void annotate(const QString& kind, const QString& text = {});

    // Blocks the calling thread until the training thread ended, at most `ms` (< 0: forever). For shutdown.
    bool wait(int ms);

signals:
    void started(qint64 runId);
    void pausedChanged(bool paused);
    // GUI thread, after the training thread ended and the store writer closed. status: finished | cancelled |
    // failed; summary: the summary JSON text (empty when the run failed).
    void finished(ft::RunStatus status, const QString& message, const QString& summary);
    // GUI thread, as soon as the store stopped recording the run (the writer's error, naming the file); the run
    // stops at its next step with a checkpoint, and finished() follows.
    void storeFailed(const QString& error);

private:
    void onThreadDone(ft::RunStatus status, const QString& message, const QString& summary);

    Request request_;
    std::unique_ptr<ft::RunControl> control_;
    std::unique_ptr<GuiBridge> bridge_;
    std::unique_ptr<ft::StoreWriter> writer_;
    std::unique_ptr<ft::RecordingSink> recording_;  // in front of writer_
    std::thread thread_;
    std::shared_ptr<std::atomic<bool>> done_;
    bool running_ = false;
    qint64 runId_ = 0;
    double maxStepsPerSecond_ = 0;
};

}  // namespace ftw
