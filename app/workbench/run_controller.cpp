// SPDX-License-Identifier: GPL-3.0-or-later
// RunController (run_controller.h).
#include "run_controller.h"

#include <QDateTime>
#include <QLocale>
#include <QThread>
#include <memory>

#include "ft/config/config_json.h"
#include "ft/store/run_store.h"
#include "gui_bridge.h"
#include "job_tracker.h"
#include "mask_source.h"
#include "run_browser.h"
#include "run_browser_model.h"
#include "run_data.h"
#include "store_follower.h"
#include "training_session.h"
#include "workbench_options.h"

namespace ftw {

namespace {

QString durationText(double seconds) {
    const qint64 s = qint64(seconds + 0.5);
    if (s < 60) return RunController::tr("%1 s").arg(s);
    if (s < 3600) return RunController::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return RunController::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// Steps done over all members: each member (training run) counts its own steps.
double stepsDone(const RunData& data) {
    double done = 0;
    for (int m = 0; m < data.memberCount(); ++m)
        if (const Series* s = data.series(m, QStringLiteral("loss")); s && !s->empty()) done += double(s->steps.back());
    return done;
}

// A stored run read on a worker thread with that thread's own store connection. The RunData is handed to the
// GUI thread; when the result is dropped (stale) the holder deletes it.
struct Loaded {
    std::shared_ptr<std::unique_ptr<RunData>> data;
    QString error;
    qint64 runId = 0;
};

Loaded loadRun(const std::string& path, qint64 id, QThread* gui) {
    Loaded out;
    out.runId = id;
    out.data = std::make_shared<std::unique_ptr<RunData>>(std::make_unique<RunData>());
    try {
        auto store = ft::RunStore::open(path, ft::StoreMode::ReadOnly);
        RunData* d = out.data->get();
        if (!RunData::load(store, id, d, &out.error)) {
            out.data->reset();
            return out;
        }
        const auto record = store.get_run(id);
        d->setIdentity(id, QString::fromStdString(record.name),
                       record.color.empty() ? QColor() : QColor(QString::fromStdString(record.color)));
        d->moveToThread(gui);
    } catch (const std::exception& e) {
        out.error = QString::fromUtf8(e.what());
        out.data->reset();
    }
    return out;
}

}  // namespace

RunController::RunController(RunBrowser* browser, QObject* parent) : QObject(parent), browser_(browser) {
    session_ = new TrainingSession(this);
    follower_ = new StoreFollower(this);
    jobs_ = new JobTracker(this);
    // Done reading (delivered or dropped as stale): the status bar stops saying so once nothing is read any more.
    connect(jobs_, &JobTracker::finished, this, [this] {
        if (!isLoading()) emit loading(QString());
    });
    connect(session_, &TrainingSession::started, this, &RunController::onSessionStarted);
    connect(session_, &TrainingSession::finished, this, &RunController::onSessionFinished);
    connect(session_, &TrainingSession::pausedChanged, this, &RunController::stateChanged);
    connect(session_, &TrainingSession::storeFailed, this, [this](const QString& error) {
        storeFailedForLive_ = true;
        emit storeFailed(tr("Run %1 can no longer be recorded: %2.\n\nTraining stops at its next step and writes a "
                            "checkpoint; nothing the store held is lost.")
                             .arg(liveRunId_)
                             .arg(error));
    });
    connect(follower_, &StoreFollower::loaded, this, &RunController::onFollowerLoaded);
    connect(follower_, &StoreFollower::failed, this, &RunController::failed);
}

RunController::~RunController() {
    // Jobs still running hand their results to this object: stop them first.
    delete jobs_;
    jobs_ = nullptr;
}

QList<RunData*> RunController::overlays() const { return overlays_; }

bool RunController::isRunning() const { return session_->isRunning(); }

bool RunController::isLoading() const {
    for (const char* kind : {"open", "resume", "overlay"})
        if (jobs_->busy(QLatin1String(kind))) return true;
    return false;
}

void RunController::dispose(RunData* data) {
    // A run's data goes once nothing shows, trains or compares it.
    if (data && data != current_ && data != live_ && !overlays_.contains(data)) data->deleteLater();
}

void RunController::setCurrent(RunData* data) {
    RunData* old = current_;
    current_ = data;
    progressSamples_.clear();
    emit currentChanged(data);
    if (old != data) dispose(old);
    emit stateChanged();
}

void RunController::replaceLive(RunData* data) {
    RunData* old = live_;
    live_ = data;
    if (old != data) dispose(old);
}

void RunController::attachMaskSource(RunData* data, qint64 runId) {
    if (!data || runId <= 0 || browser_->storePath().isEmpty()) return;
    data->setMaskSource(new MaskSource(browser_->storePath(), runId));
}

bool RunController::start(const ft::RunConfig& config, QString* error) {
    auto fail = [&](const QString& m) {
        if (error) *error = m;
        return false;
    };
    if (session_->isRunning()) return fail(tr("A run is already in progress."));
    if (!browser_->store()) return fail(tr("No run store is open."));
    TrainingSession::Request r;
    r.config = config;
    r.storePath = browser_->storePath();
    r.runName = QString::fromStdString(config.name.empty() ? "run" : config.name);
    r.checkpointDir = defaultCheckpointDir(r.runName);
    follower_->stop();
    jobs_->cancel(QStringLiteral("open"));  // a stored run still being read would replace the live one
    auto* data = new RunData(this);
    data->setConfigJson(QString::fromStdString(ft::config_to_json(config).dump()));
    replaceLive(data);
    setCurrent(data);
    if (!session_->start(r, error)) {
        replaceLive(nullptr);
        return false;
    }
    return true;
}

bool RunController::resume(qint64 runId, QString* error) {
    auto fail = [&](const QString& m) {
        if (error) *error = m;
        return false;
    };
    if (session_->isRunning()) return fail(tr("A run is already in progress."));
    auto* store = browser_->store();
    if (!store) return fail(tr("No run store is open."));
    ft::RunRecord record;
    ft::RunConfig config;
    try {
        record = store->get_run(runId);
        config = ft::config_from_json(nlohmann::json::parse(record.config_json), "run " + std::to_string(runId));
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    if (!ft::is_resumable(record.status))
        return fail(tr("Run %1 is %2: only cancelled or interrupted runs can be resumed.")
                        .arg(runId)
                        .arg(RunBrowserModel::statusText(record.status)));
    if (record.checkpoint_dir.empty()) return fail(tr("Run %1 has no checkpoint to resume from.").arg(runId));
    TrainingSession::Request r;
    r.config = config;
    r.storePath = browser_->storePath();
    r.checkpointDir = QString::fromStdString(record.checkpoint_dir);
    r.runName = QString::fromStdString(record.name);
    r.resumeRunId = runId;
    follower_->stop();
    jobs_->cancel(QStringLiteral("open"));
    // What the run has so far is read first; the resumed run's events then continue it.
    readRun(QStringLiteral("resume"), runId, tr("Reading run %1 before resuming it…").arg(runId),
            [this, r](RunData* data) {
                replaceLive(data);
                setCurrent(data);
                QString error;
                if (!session_->start(r, &error)) {
                    replaceLive(nullptr);
                    emit failed(error);
                    emit stateChanged();
                    return;
                }
                emit message(tr("Resuming run %1 from %2").arg(r.resumeRunId).arg(r.checkpointDir));
            });
    return true;
}

void RunController::readRun(const QString& kind, qint64 runId, const QString& what,
                            std::function<void(RunData*)> shown) {
    emit loading(what);
    emit stateChanged();
    const std::string path = browser_->storePath().toStdString();
    QThread* gui = thread();
    jobs_->start<Loaded>(
        kind, [path, runId, gui] { return loadRun(path, runId, gui); },
        [this, shown](Loaded loaded) {
            if (!loaded.data || !*loaded.data) {
                emit failed(loaded.error);
                emit stateChanged();
                return;
            }
            RunData* data = loaded.data->release();
            data->setParent(this);
            shown(data);
        });
}

bool RunController::open(qint64 runId, QString* error) {
    if (runId == liveRunId_ && live_) {
        jobs_->cancel(QStringLiteral("open"));
        follower_->stop();
        setCurrent(live_);
        emit runShown(runId);
        return true;
    }
    auto* store = browser_->store();
    if (!store) {
        if (error) *error = tr("No run store is open.");
        return false;
    }
    try {
        if (!store->find_run(runId)) {
            if (error) *error = tr("%1: there is no run %2").arg(browser_->storePath()).arg(runId);
            return false;
        }
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    follower_->stop();
    const QString storePath = browser_->storePath();
    readRun(QStringLiteral("open"), runId, tr("Opening run %1…").arg(runId), [this, storePath, runId](RunData* data) {
        attachMaskSource(data, runId);
        setCurrent(data);
        // A run another process is still writing: follow it.
        if (data->status() == ft::RunStatus::Running) follower_->follow(storePath, runId);
        if (!data->evaluations().empty()) emit evaluationShown();
        emit runShown(runId);
    });
    return true;
}

void RunController::onFollowerLoaded(RunData* data, bool ended) {
    if (!current_ || current_->runId() != follower_->runId()) {
        delete data;  // the user moved on to another run meanwhile
        return;
    }
    data->setParent(this);
    data->setIdentity(current_->runId(), current_->name(), current_->color());
    attachMaskSource(data, current_->runId());
    setCurrent(data);
    if (!data->evaluations().empty()) emit evaluationShown();
    if (ended && data->status())
        emit message(tr("Run %1 ended: %2").arg(data->runId()).arg(RunBrowserModel::statusText(*data->status())));
}

bool RunController::addOverlays(const QList<qint64>& ids, QString* error) {
    if (!browser_->store()) {
        if (error) *error = tr("No run store is open.");
        return false;
    }
    QList<qint64> wanted;
    for (auto id : ids) {
        if (current_ && current_->runId() == id) continue;
        bool present = false;
        for (auto* o : std::as_const(overlays_)) present = present || o->runId() == id;
        if (!present && !wanted.contains(id)) wanted << id;
    }
    if (wanted.isEmpty()) return true;
    const std::string path = browser_->storePath().toStdString();
    QThread* gui = thread();
    emit loading(tr("Reading %n run(s) to compare…", nullptr, int(wanted.size())));
    jobs_->start<std::vector<Loaded>>(
        QStringLiteral("overlay"),
        [path, wanted, gui] {
            std::vector<Loaded> out;
            for (qint64 id : wanted) out.push_back(loadRun(path, id, gui));
            return out;
        },
        [this](std::vector<Loaded> loaded) {
            for (Loaded& l : loaded) {
                if (!l.data || !*l.data) {
                    emit failed(l.error);
                    continue;
                }
                RunData* data = l.data->release();
                data->setParent(this);
                overlays_ << data;
            }
            emit message(tr("Comparing with %n run(s)", nullptr, int(overlays_.size())));
            emit overlaysChanged();
            emit stateChanged();
        });
    return true;
}

void RunController::clearOverlays() {
    jobs_->cancel(QStringLiteral("overlay"));
    const QList<RunData*> old = overlays_;
    overlays_.clear();
    emit overlaysChanged();
    for (RunData* o : old) dispose(o);
    emit stateChanged();
}

void RunController::onSessionStarted(qint64 runId) {
    liveRunId_ = runId;
    if (live_) {
        live_->setIdentity(runId, session_->request().runName);
        // Masks the cache lets go of are read back from the store the run writes.
        attachMaskSource(live_, runId);
    }
    connect(session_->bridge(), &GuiBridge::eventsReady, this, &RunController::onEvents);
    runClock_.start();
    progressSamples_.clear();
    browser_->refresh();
    browser_->selectRun(runId);
    emit message(tr("Run %1 started: %2 (checkpoints in %3)")
                     .arg(runId)
                     .arg(session_->request().runName, session_->request().checkpointDir));
    emit stateChanged();
    emit runStarted(runId);
}

void RunController::onEvents(std::vector<ft::Event>& batch) {
    bool evaluation = false, started = false;
    for (const auto& e : batch) {
        evaluation = evaluation || std::holds_alternative<ft::EvalReport>(e);
        started = started || std::holds_alternative<ft::RunStarted>(e);
    }
    if (!live_) return;
    live_->apply(std::move(batch));
    if (current_ == live_) emit liveEventsApplied();
    if (started) emit stateChanged();  // step-to-mask-update depends on the method
    if (evaluation && current_ == live_) emit evaluationShown();
}

void RunController::onSessionFinished(ft::RunStatus status, const QString& message, const QString& summary) {
    if (status == ft::RunStatus::Finished) {
        const double seconds = live_ && live_->seconds() > 0 ? live_->seconds() : runClock_.elapsed() / 1000.0;
        emit this->message(tr("Run %1 finished in %2.").arg(liveRunId_).arg(durationText(seconds)));
    } else if (status == ft::RunStatus::Cancelled) {
        emit this->message(tr("Run %1 cancelled and checkpointed; resume it from the run browser.").arg(liveRunId_));
    } else {
        emit failed(tr("Run %1 failed: %2").arg(liveRunId_).arg(message));
    }
    if (storeFailedForLive_) {
        storeFailedForLive_ = false;
        const QString where = status == ft::RunStatus::Cancelled && !session_->request().checkpointDir.isEmpty()
                                  ? tr("Its checkpoint is in %1: once the store is fixed, resume run %2 from the run "
                                       "browser.")
                                        .arg(session_->request().checkpointDir)
                                        .arg(liveRunId_)
                                  : QString();
        emit storeFailed(tr("Run %1 stopped: %2.").arg(liveRunId_).arg(message) +
                         (where.isEmpty() ? QString() : QStringLiteral("\n\n") + where));
    } else if (status != ft::RunStatus::Failed && !message.isEmpty()) {
        emit failed(message);
    }
    emit this->message(tr("Run %1 ended: %2").arg(liveRunId_).arg(RunBrowserModel::statusText(status)));
    browser_->refresh();
    emit stateChanged();
    emit runFinished(status, message, summary);
}

QString RunController::shownConfigJson() const { return current_ ? current_->configJson() : QString(); }

QString RunController::phaseOf(const RunData* data) const {
    if (!data) return {};
    if (data->finished()) return RunBrowserModel::statusText(*data->status());
    const auto& markers = data->markers();
    for (auto it = markers.rbegin(); it != markers.rend(); ++it)
        if (it->kind == MarkerKind::Phase) {
            // One training run per member: say whose phase it is (EDST's members share one run).
            if (data->info().members > 1 && !ft::method_traits(data->info().method).one_run_many_tickets)
                return tr("member %1: %2").arg(it->member + 1).arg(it->label);
            return it->label;
        }
    return data->started() ? tr("starting") : QString();
}

RunController::Status RunController::status() {
    Status out;
    RunData* data = current_;
    const bool live = data && data == live_ && session_->isRunning();
    if (!data || !data->started()) {
        if (live) out.phase = tr("loading data…");
        return out;
    }
    const double total = double(data->info().totalSteps);
    const double done = stepsDone(*data);
    out.fraction = total > 0 ? std::min(1.0, done / total) : 0.0;
    if (data->status() == ft::RunStatus::Finished) out.fraction = 1.0;
    out.phase = phaseOf(data);
    if (live && session_->isPaused()) out.phase = tr("paused (%1)").arg(out.phase);

    // ETA from the progress of the last 20 s (the rate changes with phases and evaluations).
    if (!data->finished() && (live || follower_->isFollowing())) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        progressSamples_.emplace_back(now, done);
        while (progressSamples_.size() > 2 && now - progressSamples_.front().first > 20000)
            progressSamples_.pop_front();
        const auto& first = progressSamples_.front();
        const double dt = double(now - first.first) / 1000.0;
        const double rate = dt > 0.5 ? (done - first.second) / dt : 0.0;
        if (live && session_->isPaused())
            out.eta = tr("paused");
        else if (rate > 0 && total > done)
            out.eta =
                tr("%1 steps/s, ETA %2").arg(QLocale().toString(rate, 'f', 0), durationText((total - done) / rate));
        else
            out.eta = tr("ETA …");
    } else {
        out.eta = data->seconds() > 0 ? tr("took %1").arg(durationText(data->seconds())) : QString();
    }
    return out;
}

}  // namespace ftw
