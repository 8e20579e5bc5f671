// SPDX-License-Identifier: GPL-3.0-or-later
// ScriptDriver: the scripted side of the command line. It takes the screenshots (--screenshot, --screenshot-view,
// --screenshot-dir) at the right moment (after the first evaluation is shown, at --quit-after, or when the run
// is done with --quit-when-done), writes --stats, and closes the window (a run still going is cancelled and
// checkpointed first). exitCode() is non-zero when a screenshot could not be written or the run failed.
#pragma once

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>

#include "workbench_options.h"

namespace ftw {

class MainWindow;
class MaskScrubber;
class RunStats;

class ScriptDriver : public QObject {
    Q_OBJECT
public:
    ScriptDriver(MainWindow* window, WorkbenchOptions options, RunStats* stats, QObject* parent = nullptr);

    // Call once the window is shown (and a run started or a stored run opened).
    void start();
    int exitCode() const { return exitCode_; }
    bool hasWork() const;

private:
    void finish();
    void shoot();

    MainWindow* window_;
    WorkbenchOptions options_;
    RunStats* stats_;
    bool done_ = false;
    bool evaluationSeen_ = false;
    int exitCode_ = 0;
    QJsonObject summary_;
    QElapsedTimer clock_;
    qint64 shownAfterMs_ = -1;  // from start() to the stored run on screen
    MaskScrubber* scrubber_ = nullptr;
};

}  // namespace ftw
