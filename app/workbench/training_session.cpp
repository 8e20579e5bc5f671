// SPDX-License-Identifier: GPL-3.0-or-later
// TrainingSession. See training_session.h.
#include "training_session.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <chrono>

#include "ft/config/config_json.h"
#include "ft/store/recording_sink.h"
#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "ft/train/experiment.h"
#include "gui_bridge.h"

namespace ftw {

TrainingSession::TrainingSession(QObject* parent) : QObject(parent) {}

TrainingSession::~TrainingSession() {
    if (thread_.joinable()) {
        if (control_) control_->cancel();
        thread_.join();
    }
    if (writer_) writer_->close();
}

bool TrainingSession::start(const Request& request, QString* error) {
    auto fail = [&](const QString& message) {
        if (error) *error = message;
        return false;
    };
    if (running_ || thread_.joinable()) return fail(tr("A run is already in progress."));
    request_ = request;
    const std::string storePath = request.storePath.toStdString();
    const std::string checkpointDir = request.checkpointDir.toStdString();
    if (request.resumeRunId > 0 &&
        !QFileInfo::exists(QDir(request.checkpointDir).filePath(QStringLiteral("state.json"))))
        return fail(tr("%1: no checkpoint to resume from (state.json is missing).").arg(request.checkpointDir));
    if (!request.storePath.isEmpty()) QDir().mkpath(QFileInfo(request.storePath).absolutePath());
    if (!request.checkpointDir.isEmpty() && !QDir().mkpath(request.checkpointDir))
        return fail(tr("%1: cannot create the checkpoint folder.").arg(request.checkpointDir));

    auto control = std::make_unique<ft::RunControl>();
    control->set_max_steps_per_second(maxStepsPerSecond_);
    auto bridge = std::make_unique<GuiBridge>(control.get());
    std::unique_ptr<ft::StoreWriter> writer;
    try {
        if (request.resumeRunId > 0) {
            writer = std::make_unique<ft::StoreWriter>(storePath, int64_t(request.resumeRunId), request.writer);
        } else {
            const std::string name = request.runName.isEmpty() ? request.config.name : request.runName.toStdString();
            writer = std::make_unique<ft::StoreWriter>(storePath, ft::new_run_for(request.config, name, checkpointDir),
                                                       request.writer);
        }
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    control_ = std::move(control);
    bridge_ = std::move(bridge);
    connect(bridge_.get(), &GuiBridge::pausedAtMaskUpdate, this, [this](qint64, qint64) {
        if (running_) emit pausedChanged(true);
    });
    writer_ = std::move(writer);
    runId_ = writer_->run_id();
    recording_ = std::make_unique<ft::RecordingSink>(*writer_, !checkpointDir.empty());
    // On the training thread: stop the run there (it checkpoints), and tell the GUI now, not when it ended.
    recording_->on_stop([this, control = control_.get()](const std::string& why) {
        control->cancel();
        QMetaObject::invokeMethod(
            this, [this, text = QString::fromStdString(why)] { emit storeFailed(text); }, Qt::QueuedConnection);
    });
    running_ = true;

    ft::RunOptions options;
    options.checkpoint_dir = checkpointDir;
    options.resume = request.resumeRunId > 0;
    done_ = std::make_shared<std::atomic<bool>>(false);
    thread_ = std::thread([this, config = request.config, options, done = done_] {
        ft::EventFanout fanout;
        fanout.add(recording_.get());
        fanout.add(bridge_.get());
        ft::RunStatus status = ft::RunStatus::Finished;
        QString message, summary;
        try {
            const auto result = ft::run_experiment(config, fanout, *control_, options);
            if (result.at("run").contains("status")) result.at("run").at("status").get_to(status);
            summary = QString::fromStdString(result.dump());
        } catch (const std::exception& e) {
            // run_experiment published RunFinished{Failed} before throwing, so the store has the status.
            status = ft::RunStatus::Failed;
            message = QString::fromUtf8(e.what());
        }
        writer_->close();  // everything committed before the GUI hears that the run ended
        if (writer_->failed() && message.isEmpty()) message = QString::fromStdString(writer_->error());
        done->store(true);
        QMetaObject::invokeMethod(
            this, [this, status, message, summary] { onThreadDone(status, message, summary); }, Qt::QueuedConnection);
    });
    emit started(runId_);
    return true;
}

void TrainingSession::onThreadDone(ft::RunStatus status, const QString& message, const QString& summary) {
    if (thread_.joinable()) thread_.join();
    if (bridge_) bridge_->flush();  // the last events before `finished`
    running_ = false;
    const bool wasPaused = control_ && control_->paused();
    if (wasPaused) emit pausedChanged(false);
    emit finished(status, message, summary);
}

void TrainingSession::pause() {
    if (!running_ || control_->paused()) return;
    control_->pause();
    annotate(QStringLiteral("pause"));
    emit pausedChanged(true);
}

void TrainingSession::resume() {
    if (!running_) return;
    if (bridge_) bridge_->cancelPauseAtMaskUpdate();
    if (!control_->paused()) return;
    annotate(QStringLiteral("resume"));
    control_->resume();
    emit pausedChanged(false);
}

void TrainingSession::cancel() {
    if (!running_) return;
    control_->cancel();
}

void TrainingSession::stepToNextMaskUpdate() {
    if (!running_) return;
    bridge_->requestPauseAtMaskUpdate();
    if (control_->paused()) {
        annotate(QStringLiteral("step_to_mask_update"));
        control_->resume();
        emit pausedChanged(false);
    }
}

void TrainingSession::setMaxStepsPerSecond(double rate) {
    maxStepsPerSecond_ = rate < 0 ? 0 : rate;
    if (control_) control_->set_max_steps_per_second(maxStepsPerSecond_);
}

void TrainingSession::annotate(const QString& kind, const QString& text) {
    if (!running_ || !writer_) return;
    nlohmann::json payload = nlohmann::json::object();
    if (!text.isEmpty()) payload["text"] = text.toStdString();
    writer_->annotate(ft::event_kind_from_string(kind.toStdString()), payload);
}

bool TrainingSession::wait(int ms) {
    if (!thread_.joinable()) return true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!done_->load()) {
        if (ms >= 0 && std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    thread_.join();
    return true;
}

}  // namespace ftw
