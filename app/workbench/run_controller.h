// SPDX-License-Identifier: GPL-3.0-or-later
// RunController: the runs the window shows and drives (ARCHITECTURE.md, "The workbench's layout": the main window
// is a shell, a run controller owns sessions, followers and run data). It owns the training session, the store
// follower and the RunData objects: the current run, the live run it trains, and the overlay runs. Stored runs
// open off the GUI thread through one JobTracker (job kinds "open", "overlay", "resume"; a newer request makes an
// older one stale) and read their masks on demand (MaskSource). Progress, phase and ETA for the status bar are
// computed here from the shown run.
#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <deque>
#include <functional>
#include <vector>

#include "ft/config/run_config.h"
#include "ft/train/events.h"

namespace ftw {

class JobTracker;
class RunBrowser;
class RunData;
class StoreFollower;
class TrainingSession;

class RunController : public QObject {
    Q_OBJECT
public:
    explicit RunController(RunBrowser* browser, QObject* parent = nullptr);
    ~RunController() override;

    TrainingSession* session() const { return session_; }
    StoreFollower* follower() const { return follower_; }
    JobTracker* jobs() const { return jobs_; }
    RunData* current() const { return current_; }
    RunData* live() const { return live_; }
    QList<RunData*> overlays() const;
    bool isRunning() const;
    // A stored run is being opened (or a resume is reading the run first).
    bool isLoading() const;

    // Starts a new run of `config` into the open store. False with the reason.
    bool start(const ft::RunConfig& config, QString* error);
    // Continues a cancelled or interrupted stored run: checked at once, its stored part is read off the GUI thread,
    // then training resumes. False with the reason when the run cannot be resumed.
    bool resume(qint64 runId, QString* error);
    // Shows a stored run: checked at once (it must exist), read off the GUI thread; runShown() follows. A run
    // another process is still writing is then followed live.
    bool open(qint64 runId, QString* error);
    // Compares the current run with these stored runs (read off the GUI thread; overlaysChanged() follows).
    bool addOverlays(const QList<qint64>& ids, QString* error);
    void clearOverlays();

    // The shown run's phase, progress (0..1, < 0: none) and speed/ETA text, sampled for the ETA each call.
    struct Status {
        QString phase;
        double fraction = -1;
        QString eta;
    };
    Status status();
    // The config the shown run ran with (JSON text), empty for a run not started from the store yet.
    QString shownConfigJson() const;

signals:
    void currentChanged(ftw::RunData* data);
    void overlaysChanged();
    void runStarted(qint64 runId);
    void runFinished(ft::RunStatus status, const QString& message, const QString& summary);
    void runShown(qint64 runId);
    void evaluationShown();
    // A batch of live events was applied to the shown run (the log shows its new lines).
    void liveEventsApplied();
    // Starting, pausing, finishing, opening: what the actions depend on.
    void stateChanged();
    // "Opening run 12…" while a stored run is read, empty when done.
    void loading(const QString& what);
    void message(const QString& text);  // for the status bar and the log
    void failed(const QString& text);   // an error the user must see
    // The store stopped recording the live run (disk full, file deleted or replaced): said when it happens, and
    // once more with the outcome when the run has stopped.
    void storeFailed(const QString& text);

private:
    // Reads a stored run as a job of `kind` (status bar: `what`); `shown` gets it, owned by this controller.
    void readRun(const QString& kind, qint64 runId, const QString& what, std::function<void(RunData*)> shown);
    void setCurrent(RunData* data);
    void replaceLive(RunData* data);
    void dispose(RunData* data);
    void attachMaskSource(RunData* data, qint64 runId);
    void onSessionStarted(qint64 runId);
    void onEvents(std::vector<ft::Event>& batch);
    void onSessionFinished(ft::RunStatus status, const QString& message, const QString& summary);
    void onFollowerLoaded(RunData* data, bool ended);
    QString phaseOf(const RunData* data) const;

    RunBrowser* browser_;
    TrainingSession* session_ = nullptr;
    StoreFollower* follower_ = nullptr;
    JobTracker* jobs_ = nullptr;
    QPointer<RunData> current_;
    QPointer<RunData> live_;
    QList<RunData*> overlays_;
    qint64 liveRunId_ = 0;
    bool storeFailedForLive_ = false;
    std::deque<std::pair<qint64, double>> progressSamples_;  // (ms, steps done) for the ETA
    QElapsedTimer runClock_;
};

}  // namespace ftw
