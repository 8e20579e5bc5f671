// SPDX-License-Identifier: GPL-3.0-or-later
// ScriptDriver. See script_driver.h.
#include "script_driver.h"

#include <sys/resource.h>

#include <QAction>
#include <QDir>
#include <QDockWidget>
#include <QJsonDocument>
#include <QTimer>
#include <cstdio>

#include "gui_bridge.h"
#include "main_window.h"
#include "mask_scrubber.h"
#include "run_data.h"
#include "run_stats.h"
#include "training_session.h"

namespace ftw {

namespace {
// Time for the views to show the last events (they refresh at most every 33 ms) before a screenshot.
constexpr int kSettleMs = 1000;
// The size a single view is grabbed at (README screenshots).
constexpr QSize kViewShotSize(1000, 640);
}  // namespace

ScriptDriver::ScriptDriver(MainWindow* window, WorkbenchOptions options, RunStats* stats, QObject* parent)
    : QObject(parent), window_(window), options_(std::move(options)), stats_(stats) {}

bool ScriptDriver::hasWork() const {
    return !options_.screenshot.isEmpty() || !options_.screenshotDir.isEmpty() || options_.quitAfter > 0 ||
           options_.quitWhenDone || !options_.statsFile.isEmpty() || options_.scrubMasks;
}

void ScriptDriver::start() {
    const bool shots = !options_.screenshot.isEmpty() || !options_.screenshotDir.isEmpty();
    connect(window_, &MainWindow::runFinished, this,
            [this](ft::RunStatus status, const QString& message, const QString& summary) {
                summary_ = QJsonDocument::fromJson(summary.toUtf8()).object();
                if (status == ft::RunStatus::Failed) {
                    std::fprintf(stderr, "freetickets-workbench: the run failed: %s\n", qPrintable(message));
                    exitCode_ = 1;
                }
                // Quit when done, or when a screenshot was waiting for an evaluation that never came.
                if (options_.quitWhenDone || (!evaluationSeen_ && options_.quitAfter <= 0 && !done_ &&
                                              (!options_.screenshot.isEmpty() || !options_.screenshotDir.isEmpty())))
                    QTimer::singleShot(kSettleMs, this, &ScriptDriver::finish);
            });
    if (options_.quitAfter > 0) QTimer::singleShot(int(options_.quitAfter * 1000), this, &ScriptDriver::finish);
    clock_.start();
    connect(window_, &MainWindow::runShown, this, [this] {
        if (shownAfterMs_ < 0) shownAfterMs_ = clock_.elapsed();
        if (options_.scrubMasks && !scrubber_) {
            scrubber_ = new MaskScrubber(window_, this);
            connect(scrubber_, &MaskScrubber::done, this, &ScriptDriver::finish);
            scrubber_->start();
        }
    });
    if (shots && options_.quitAfter <= 0 && !options_.quitWhenDone) {
        if (options_.openRun > 0) {
            // A stored run is read off the GUI thread: once it is shown, its masks are read on demand too.
            connect(window_, &MainWindow::runShown, this,
                    [this] { QTimer::singleShot(kSettleMs, this, &ScriptDriver::finish); });
        } else {
            connect(window_, &MainWindow::evaluationShown, this, [this] {
                if (evaluationSeen_) return;
                evaluationSeen_ = true;
                QTimer::singleShot(kSettleMs, this, &ScriptDriver::finish);
            });
        }
    }
}

void ScriptDriver::shoot() {
    QString error;
    if (!options_.screenshot.isEmpty()) {
        if (!window_->saveScreenshot(options_.screenshot, options_.screenshotView, &error, kViewShotSize)) {
            std::fprintf(stderr, "freetickets-workbench: %s\n", qPrintable(error));
            exitCode_ = 1;
        } else {
            std::fprintf(stderr, "screenshot: %s\n", qPrintable(options_.screenshot));
        }
    }
    if (!options_.screenshotDir.isEmpty()) {
        const QDir dir(options_.screenshotDir);
        QStringList shots{QString()};
        for (const auto& name : window_->viewNames())
            if (name != QLatin1String("log") && window_->dock(name)->toggleViewAction()->isChecked()) shots << name;
        for (const auto& name : shots) {
            const QString path =
                dir.filePath((name.isEmpty() ? QStringLiteral("window") : name) + QStringLiteral(".png"));
            if (!window_->saveScreenshot(path, name, &error, kViewShotSize)) {
                std::fprintf(stderr, "freetickets-workbench: %s\n", qPrintable(error));
                exitCode_ = 1;
            } else {
                std::fprintf(stderr, "screenshot: %s\n", qPrintable(path));
            }
        }
    }
}

void ScriptDriver::finish() {
    if (done_) return;
    done_ = true;
    // Statistics first: grabbing the window blocks the GUI thread for a moment, which is not the app's doing.
    if (stats_ && !options_.statsFile.isEmpty()) {
        if (!summary_.isEmpty()) stats_->setRunSummary(summary_);
        if (shownAfterMs_ >= 0) stats_->setCounter(QStringLiteral("run_shown_after_ms"), double(shownAfterMs_));
        if (scrubber_) {
            stats_->setCounter(QStringLiteral("scrub_frames"), double(scrubber_->frames()));
            stats_->setCounter(QStringLiteral("scrub_seconds"), scrubber_->seconds());
            stats_->setCounter(QStringLiteral("scrub_updates_drawn_complete"), double(scrubber_->updatesDrawn()));
        }
        if (RunData* d = window_->currentRun()) {
            stats_->setCounter(QStringLiteral("masks_read_from_store"), double(d->maskReads()));
            stats_->setCounter(QStringLiteral("mask_cache_mib"), double(d->maskBytes()) / (1024.0 * 1024.0));
        }
        rusage usage{};
        if (getrusage(RUSAGE_SELF, &usage) == 0)
            stats_->setCounter(QStringLiteral("peak_rss_mib"), double(usage.ru_maxrss) / 1024.0);  // kB on Linux
        if (auto* bridge = window_->session()->bridge()) {
            stats_->setCounter(QStringLiteral("events_received"), double(bridge->eventsReceived()));
            stats_->setCounter(QStringLiteral("steps_thinned"), double(bridge->stepsThinned()));
            stats_->setCounter(QStringLiteral("batches_delivered"), double(bridge->batchesDelivered()));
            stats_->setCounter(QStringLiteral("batch_interval_ms_at_end"), double(bridge->interval()));
        }
        QString error;
        if (!stats_->write(options_.statsFile, &error)) {
            std::fprintf(stderr, "freetickets-workbench: %s\n", qPrintable(error));
            exitCode_ = 1;
        }
    }
    shoot();
    window_->closeWhenIdle();
}

}  // namespace ftw
