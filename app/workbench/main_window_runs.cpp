// MainWindow: runs and their data. Starting, resuming and controlling the live run; showing stored runs (and
// following one that another process writes); overlays; the status bar's progress, phase and ETA; the log.
#include <QDateTime>
#include <QDebug>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QStatusBar>

#include "config_form.h"
#include "experiment_panel.h"
#include "ft/config/config_json.h"
#include "ft/store/run_store.h"
#include "gui_bridge.h"
#include "main_window.h"
#include "run_browser.h"
#include "run_browser_model.h"
#include "run_data.h"
#include "run_view.h"
#include "store_follower.h"
#include "training_session.h"
#include "workbench_options.h"

namespace ftw {

namespace {
QString durationText(double seconds) {
    const qint64 s = qint64(seconds + 0.5);
    if (s < 60) return MainWindow::tr("%1 s").arg(s);
    if (s < 3600) return MainWindow::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return MainWindow::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// Steps done over all members: each member (training run) counts its own steps.
double stepsDone(const RunData& data) {
    double done = 0;
    for (int m = 0; m < data.memberCount(); ++m)
        if (const Series* s = data.series(m, QStringLiteral("loss")); s && !s->empty()) done += double(s->steps.back());
    return done;
}
}  // namespace

bool MainWindow::openStore(const QString& path, QString* error) {
    if (!browser_->openStore(path, error)) return false;
    appendLog(tr("Run store: %1").arg(path));
    return true;
}

bool MainWindow::selectPreset(const QString& name, QString* error) { return experiment_->selectPreset(name, error); }

bool MainWindow::loadConfigFile(const QString& path, QString* error) {
    try {
        experiment_->form()->setConfigJson(ft::read_json_file(path.toStdString()));
    } catch (const ft::ConfigException& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

bool MainWindow::applyOverrides(const QStringList& assignments, QString* error) {
    return experiment_->applyOverrides(assignments, error);
}

bool MainWindow::isRunning() const { return session_->isRunning(); }

void MainWindow::setCurrentRun(RunData* data) {
    RunData* old = current_;
    current_ = data;
    for (auto* v : std::as_const(views_)) v->setRunData(data);
    if (old && old != data && old != liveData_ && !overlays_.contains(old)) old->deleteLater();
    loggedEntries_ = 0;
    if (data && data->runId() > 0) appendLog(tr("Showing run %1 (%2)").arg(data->runId()).arg(data->name()));
    logRunData(data);
    progressSamples_.clear();
    updateStatus();
    updateTitle();
    updateActions();
}

bool MainWindow::startRun(QString* error) {
    auto fail = [&](const QString& m) {
        if (error) *error = m;
        return false;
    };
    if (session_->isRunning()) return fail(tr("A run is already in progress."));
    const auto config = experiment_->form()->config();
    if (!config) {
        QStringList messages;
        for (const auto& e : experiment_->form()->errors()) messages << QString::fromStdString(e.message());
        return fail(tr("The experiment has invalid settings:\n%1").arg(messages.join(QLatin1Char('\n'))));
    }
    if (!browser_->store()) return fail(tr("No run store is open."));
    TrainingSession::Request r;
    r.config = *config;
    r.storePath = browser_->storePath();
    r.runName = QString::fromStdString(config->name.empty() ? "run" : config->name);
    r.checkpointDir = defaultCheckpointDir(r.runName);
    follower_->stop();
    auto* data = new RunData(this);
    replaceLiveData(data);
    setCurrentRun(data);
    if (!session_->start(r, error)) {
        replaceLiveData(nullptr);
        return false;
    }
    return true;
}

void MainWindow::replaceLiveData(RunData* data) {
    RunData* old = liveData_;
    liveData_ = data;
    // The last run's data goes unless it is still shown or compared.
    if (old && old != data && old != current_ && !overlays_.contains(old)) old->deleteLater();
}

bool MainWindow::resumeRun(qint64 runId, QString* error) {
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
    if (ft::to_string(record.status) != "cancelled" && ft::to_string(record.status) != "interrupted")
        return fail(tr("Run %1 is %2: only cancelled or interrupted runs can be resumed.")
                        .arg(runId)
                        .arg(QString::fromStdString(ft::to_string(record.status))));
    if (record.checkpoint_dir.empty()) return fail(tr("Run %1 has no checkpoint to resume from.").arg(runId));
    // Show what the run has so far; the resumed run's events continue it.
    auto* data = new RunData(this);
    QString loadError;
    if (!RunData::load(*store, runId, data, &loadError)) {
        delete data;
        return fail(loadError);
    }
    TrainingSession::Request r;
    r.config = config;
    r.storePath = browser_->storePath();
    r.checkpointDir = QString::fromStdString(record.checkpoint_dir);
    r.runName = QString::fromStdString(record.name);
    r.resumeRunId = runId;
    follower_->stop();
    replaceLiveData(data);
    setCurrentRun(data);
    if (!session_->start(r, error)) {
        replaceLiveData(nullptr);
        return false;
    }
    appendLog(tr("Resuming run %1 from %2").arg(runId).arg(r.checkpointDir));
    return true;
}

void MainWindow::onRunStarted(qint64 runId) {
    liveRunId_ = runId;
    if (liveData_) liveData_->setIdentity(runId, session_->request().runName);
    connect(session_->bridge(), &GuiBridge::eventsReady, this, &MainWindow::onEvents);
    runClock_.start();
    progressSamples_.clear();
    statusTimer_.start();
    browser_->refresh();
    browser_->selectRun(runId);
    appendLog(tr("Run %1 started: %2 (checkpoints in %3)")
                  .arg(runId)
                  .arg(session_->request().runName, session_->request().checkpointDir));
    updateActions();
    updateTitle();
    updateStatus();
    emit runStarted(runId);
}

void MainWindow::onEvents(std::vector<ft::Event>& batch) {
    bool evaluation = false, started = false;
    for (const auto& e : batch) {
        evaluation = evaluation || std::holds_alternative<ft::EvalReport>(e);
        started = started || std::holds_alternative<ft::RunStarted>(e);
    }
    if (!liveData_) return;
    liveData_->apply(std::move(batch));
    if (current_ == liveData_) logRunData(liveData_);
    if (started) updateActions();  // step-to-mask-update depends on the method
    if (evaluation && current_ == liveData_) emit evaluationShown();
}

void MainWindow::onRunFinished(const QString& status, const QString& message, const QString& summary) {
    statusTimer_.stop();
    updateStatus();
    if (status == QLatin1String("finished")) {
        const double seconds = liveData_ && liveData_->seconds() > 0 ? liveData_->seconds() : runClock_.elapsed() / 1000.0;
        statusBar()->showMessage(tr("Run %1 finished in %2.").arg(liveRunId_).arg(durationText(seconds)));
    } else if (status == QLatin1String("cancelled")) {
        statusBar()->showMessage(tr("Run %1 cancelled and checkpointed; resume it from the run browser.").arg(liveRunId_));
    } else {
        report(tr("Run %1 failed: %2").arg(liveRunId_).arg(message));
    }
    if (status != QLatin1String("failed") && !message.isEmpty()) report(message);  // e.g. the store writer failed
    appendLog(tr("Run %1 ended: %2").arg(liveRunId_).arg(RunBrowserModel::statusText(status.toStdString())));
    browser_->refresh();
    updateActions();
    emit runFinished(status, message, summary);
    if (closeAfterRun_) QMetaObject::invokeMethod(this, &QWidget::close, Qt::QueuedConnection);
}

bool MainWindow::openRun(qint64 runId, QString* error) {
    if (runId == liveRunId_ && liveData_) {
        follower_->stop();
        setCurrentRun(liveData_);
        emit runShown(runId);
        return true;
    }
    auto* store = browser_->store();
    if (!store) {
        if (error) *error = tr("No run store is open.");
        return false;
    }
    std::optional<ft::RunRecord> record;
    try {
        record = store->find_run(runId);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    if (!record) {
        if (error) *error = tr("%1: there is no run %2").arg(browser_->storePath()).arg(runId);
        return false;
    }
    auto* data = new RunData(this);
    if (!RunData::load(*store, runId, data, error)) {
        delete data;
        return false;
    }
    data->setIdentity(runId, QString::fromStdString(record->name),
                      record->color.empty() ? QColor() : QColor(QString::fromStdString(record->color)));
    follower_->stop();
    setCurrentRun(data);
    // A run another process is still writing: follow it.
    if (ft::to_string(record->status) == "running") follower_->follow(browser_->storePath(), runId);
    if (!data->evaluations().empty()) emit evaluationShown();
    emit runShown(runId);
    return true;
}

void MainWindow::onFollowerLoaded(RunData* data, bool ended) {
    if (!current_ || current_->runId() != follower_->runId()) {
        delete data;  // the user moved on to another run meanwhile
        return;
    }
    data->setParent(this);
    data->setIdentity(current_->runId(), current_->name(), current_->color());
    setCurrentRun(data);
    if (!data->evaluations().empty()) emit evaluationShown();
    if (ended) appendLog(tr("Run %1 ended: %2").arg(data->runId()).arg(data->status()));
}

bool MainWindow::addOverlayRuns(const QList<qint64>& ids, QString* error) {
    auto* store = browser_->store();
    if (!store) return false;
    for (auto id : ids) {
        if (current_ && current_->runId() == id) continue;
        bool present = false;
        for (auto* o : std::as_const(overlays_)) present = present || o->runId() == id;
        if (present) continue;
        auto* data = new RunData(this);
        if (!RunData::load(*store, id, data, error)) {
            delete data;
            return false;
        }
        overlays_ << data;
    }
    for (auto* v : std::as_const(views_)) v->setOverlayRuns(overlays_);
    appendLog(tr("Comparing with %n run(s)", nullptr, int(overlays_.size())));
    updateActions();
    return true;
}

void MainWindow::clearOverlays() {
    for (auto* v : std::as_const(views_)) v->setOverlayRuns({});
    for (auto* o : std::as_const(overlays_))
        if (o != current_ && o != liveData_) o->deleteLater();
    overlays_.clear();
    updateActions();
}

void MainWindow::togglePause() {
    if (!session_->isRunning()) return;
    if (session_->isPaused()) session_->resume();
    else session_->pause();
}

QString MainWindow::phaseOf(const RunData* data) const {
    if (!data) return {};
    if (data->finished()) return RunBrowserModel::statusText(data->status().toStdString());
    const auto& markers = data->markers();
    for (auto it = markers.rbegin(); it != markers.rend(); ++it)
        if (it->kind == MarkerKind::Phase) {
            if (data->info().members > 1 && data->info().method != QLatin1String("edst"))
                return tr("member %1: %2").arg(it->member + 1).arg(it->label);
            return it->label;
        }
    return data->started() ? tr("starting") : QString();
}

void MainWindow::updateStatus() {
    RunData* data = current_;
    if (!data || !data->started()) {
        progress_->setValue(0);
        progress_->setFormat(QString());
        phaseLabel_->setText(data && session_->isRunning() && data == liveData_ ? tr("loading data…") : QString());
        etaLabel_->clear();
        return;
    }
    const double total = double(data->info().totalSteps);
    const double done = stepsDone(*data);
    double fraction = total > 0 ? std::min(1.0, done / total) : 0.0;
    if (data->status() == QLatin1String("finished")) fraction = 1.0;
    progress_->setValue(int(fraction * 1000));
    progress_->setFormat(tr("%1 %").arg(QLocale().toString(fraction * 100, 'f', 1)));
    const bool live = data == liveData_ && session_->isRunning();
    QString phase = phaseOf(data);
    if (live && session_->isPaused()) phase = tr("paused (%1)").arg(phase);
    phaseLabel_->setText(phase);

    // ETA from the progress of the last 20 s (the rate changes with phases and evaluations).
    if (!data->finished() && (live || follower_->isFollowing())) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        progressSamples_.emplace_back(now, done);
        while (progressSamples_.size() > 2 && now - progressSamples_.front().first > 20000) progressSamples_.pop_front();
        const auto& first = progressSamples_.front();
        const double dt = double(now - first.first) / 1000.0;
        const double rate = dt > 0.5 ? (done - first.second) / dt : 0.0;
        if (live && session_->isPaused()) etaLabel_->setText(tr("paused"));
        else if (rate > 0 && total > done)
            etaLabel_->setText(tr("%1 steps/s, ETA %2").arg(QLocale().toString(rate, 'f', 0), durationText((total - done) / rate)));
        else etaLabel_->setText(tr("ETA …"));
    } else {
        etaLabel_->setText(data->seconds() > 0 ? tr("took %1").arg(durationText(data->seconds())) : QString());
    }
}

QString MainWindow::statusText() const {
    return QStringList{phaseLabel_->text(), progress_->text(), etaLabel_->text()}.join(QStringLiteral(" | "));
}

void MainWindow::appendLog(const QString& text) {
    log_->appendPlainText(QTime::currentTime().toString(QStringLiteral("HH:mm:ss  ")) + text);
}

void MainWindow::logRunData(RunData* data) {
    if (!data) return;
    const auto& logs = data->logs();
    for (; loggedEntries_ < logs.size(); ++loggedEntries_) {
        const auto& l = logs[loggedEntries_];
        const QString level = l.level == ft::LogLine::Error     ? tr("error: ")
                              : l.level == ft::LogLine::Warning ? tr("warning: ")
                                                                : QString();
        appendLog(level + l.text);
    }
}

void MainWindow::report(const QString& message) {
    statusBar()->showMessage(message, 15000);
    appendLog(tr("error: ") + message);
    qWarning().noquote() << message;
}

}  // namespace ftw
