// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: construction, what the run controller reports (the shown run, status, log), closing.
#include "main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDebug>
#include <QDockWidget>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScreen>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QTime>

#include "app_style.h"
#include "config_form.h"
#include "experiment_panel.h"
#include "ft/config/config_json.h"
#include "run_browser.h"
#include "run_controller.h"
#include "run_view.h"
#include "store_follower.h"
#include "training_session.h"
#include "window_fit.h"
#include "workbench_settings.h"

namespace ftw {

MainWindow::MainWindow(const Setup& setup, QWidget* parent)
    : QMainWindow(parent),
      setup_(setup),
      presets_(setup.userPresetDir.isEmpty() ? defaultUserPresetDir() : setup.userPresetDir) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/io.github.freetickets.Workbench.svg")));
    setDockNestingEnabled(true);
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks | GroupedDragging);
    baseFont_ = QApplication::font();
    settings_ = new WorkbenchSettings(setup_.restoreLayout, this);

    createViews();
    controller_ = new RunController(browser_, this);
    createDocks();
    createActions();
    createToolBars();
    createMenus();
    createStatusBar();
    perspectives_ = new PerspectiveManager(
        this, docks_, [this](Perspective p) { return defaultArrangement(p); }, settings_, this);
    connect(perspectives_, &PerspectiveManager::switched, this, [this](Perspective p) {
        for (QAction* a : perspectiveGroup_->actions()) a->setChecked(a->data().toInt() == int(p));
        applyTeachingMode(p == Perspective::Teach);
        updateTitle();
    });
    connect(perspectives_, &PerspectiveManager::focusChanged, this,
            [this](const QString& dock) { focusAction_->setChecked(!dock.isEmpty()); });
    connectController();

    connect(experiment_, &ExperimentPanel::validityChanged, this, &MainWindow::updateActions);
    connect(experiment_, &ExperimentPanel::presetLoaded, this, &MainWindow::applyPresetSettings);
    connect(experiment_, &ExperimentPanel::edited, this, [this] {
        if (twoDimensionalData() == shownTwoD_) return;
        shownTwoD_ = twoDimensionalData();
        perspectives_->refreshDefault();
    });
    connect(experiment_, &ExperimentPanel::saveAsPresetRequested, this, &MainWindow::saveAsPreset);
    connect(experiment_, &ExperimentPanel::chooseControlsRequested, this, &MainWindow::chooseTeachingControls);
    connect(browser_, &RunBrowser::openRequested, this, [this](qint64 id) {
        QString error;
        if (!openRun(id, &error)) report(error);
    });
    connect(browser_, &RunBrowser::overlayRequested, this, [this](const QList<qint64>& ids) {
        QString error;
        if (!addOverlayRuns(ids, &error)) report(error);
    });
    connect(browser_, &RunBrowser::resumeRequested, this, [this](qint64 id) {
        QString error;
        if (!resumeRun(id, &error)) report(error);
    });
    connect(browser_, &RunBrowser::storeError, this, &MainWindow::report);
    statusTimer_.setObjectName(QStringLiteral("statusTimer"));
    statusTimer_.setInterval(500);
    connect(&statusTimer_, &QTimer::timeout, this, &MainWindow::updateStatus);

    shownTwoD_ = twoDimensionalData();
    const auto saved = perspectiveFromKey(settings_->perspective());
    perspectives_->switchTo(saved && *saved != Perspective::Teach ? *saved : Perspective::Watch);
    setTheme(settings_->theme());
    throttle_->setValue(settings_->stepsPerSecond());
    QString error;
    if (!setup_.storePath.isEmpty() && !openStore(setup_.storePath, &error)) report(error);
    if (setup_.placeOnScreen) placeOnScreen();
    updateActions();
    updateTitle();
}

MainWindow::~MainWindow() {
    // Views hold pointers to the RunData objects: detach them before those go.
    for (auto* v : std::as_const(views_)) {
        v->setOverlayRuns({});
        v->setRunData(nullptr);
    }
    // Teaching mode enlarges the application's font: hand it back as it was found, or the next window would take
    // the enlarged font for its base and enlarge it again.
    QApplication::setFont(baseFont_);
}

void MainWindow::connectController() {
    connect(controller_, &RunController::currentChanged, this, &MainWindow::onCurrentRunChanged);
    connect(controller_, &RunController::overlaysChanged, this, [this] {
        for (auto* v : std::as_const(views_)) v->setOverlayRuns(controller_->overlays());
        updateActions();
    });
    connect(controller_, &RunController::stateChanged, this, [this] {
        updateActions();
        updateStatus();
    });
    connect(controller_, &RunController::liveEventsApplied, this, [this] { logRunData(controller_->current()); });
    connect(controller_, &RunController::message, this, [this](const QString& text) {
        statusBar()->showMessage(text, 8000);
        appendLog(text);
    });
    connect(controller_, &RunController::failed, this, &MainWindow::report);
    connect(controller_, &RunController::storeFailed, this, &MainWindow::showStoreFailure);
    connect(controller_, &RunController::loading, this, [this](const QString& what) {
        if (!what.isEmpty())
            statusBar()->showMessage(what);
        else
            statusBar()->clearMessage();
    });
    connect(controller_, &RunController::runStarted, this, [this](qint64 id) {
        statusTimer_.start();
        emit runStarted(id);
    });
    connect(controller_, &RunController::runFinished, this,
            [this](ft::RunStatus status, const QString& message, const QString& summary) {
                statusTimer_.stop();
                updateStatus();
                emit runFinished(status, message, summary);
                if (closeAfterRun_) QMetaObject::invokeMethod(this, &QWidget::close, Qt::QueuedConnection);
            });
    connect(controller_, &RunController::runShown, this, [this](qint64 id) {
        if (controller_->follower()->isFollowing()) statusTimer_.start();
        emit runShown(id);
    });
    connect(controller_, &RunController::evaluationShown, this, &MainWindow::evaluationShown);
}

void MainWindow::onCurrentRunChanged(RunData* data) {
    for (auto* v : std::as_const(views_)) v->setRunData(data);
    loggedEntries_ = 0;
    if (data && data->runId() > 0) appendLog(tr("Showing run %1 (%2)").arg(data->runId()).arg(data->name()));
    logRunData(data);
    // The form shows the settings of the run on screen: a stored run's own (read-only), or the draft.
    if (data && data != controller_->live() && !data->configJson().isEmpty())
        experiment_->showRunConfig(data->configJson(), tr("run %1 (%2)").arg(data->runId()).arg(data->name()));
    else
        experiment_->showDraft();
    // Another kind of data can change what the perspectives show (the decision boundary needs 2-D data).
    if (twoDimensionalData() != shownTwoD_) {
        shownTwoD_ = twoDimensionalData();
        perspectives_->refreshDefault();
    }
    updateStatus();
    updateTitle();
    updateActions();
}

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

bool MainWindow::startRun(QString* error) {
    const auto config = experiment_->form()->config();
    if (!config) {
        QStringList messages;
        for (const auto& e : experiment_->form()->errors()) messages << QString::fromStdString(e.message());
        if (error) *error = tr("The experiment has invalid settings:\n%1").arg(messages.join(QLatin1Char('\n')));
        return false;
    }
    if (!controller_->start(*config, error)) return false;
    // A run started from the form is watched; the form has done its part.
    if (perspective() == Perspective::Setup) setPerspective(Perspective::Watch);
    return true;
}

bool MainWindow::resumeRun(qint64 runId, QString* error) { return controller_->resume(runId, error); }
bool MainWindow::openRun(qint64 runId, QString* error) { return controller_->open(runId, error); }
bool MainWindow::addOverlayRuns(const QList<qint64>& ids, QString* error) {
    return controller_->addOverlays(ids, error);
}
void MainWindow::clearOverlays() { controller_->clearOverlays(); }
bool MainWindow::isRunning() const { return controller_->isRunning(); }
TrainingSession* MainWindow::session() const { return controller_->session(); }
StoreFollower* MainWindow::follower() const { return controller_->follower(); }
RunData* MainWindow::currentRun() const { return controller_->current(); }

void MainWindow::setTheme(const QString& name) {
    for (auto* a : themeGroup_->actions()) a->setChecked(a->data().toString() == name);
    if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) applyTheme(*app, themeFromName(name));
    settings_->setTheme(themeName(themeFromName(name)));
}

void MainWindow::updateActions() {
    const bool running = controller_->isRunning();
    const bool paused = running && session()->isPaused();
    const RunData* current = controller_->current();
    startAction_->setEnabled(!running && experiment_->form()->isValid());
    pauseAction_->setEnabled(running);
    pauseAction_->setText(paused ? tr("&Resume") : tr("&Pause"));
    pauseAction_->setIcon(QApplication::style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    // Stepping to the next mask update needs masks that change (spec §2).
    stepAction_->setEnabled(running && current && ft::method_traits(current->info().method).dynamic);
    cancelAction_->setEnabled(running);
    clearOverlaysAction_->setEnabled(!controller_->overlays().isEmpty());
    experiment_->setRunning(running);
}

void MainWindow::updateTitle() {
    QString title = QStringLiteral("FreeTickets Workbench");
    const RunData* current = controller_->current();
    if (current && !current->name().isEmpty())
        title = current->name() + QStringLiteral(" — ") + title;
    else if (!experiment_->presetName().isEmpty())
        title = experiment_->presetName() + QStringLiteral(" — ") + title;
    setWindowTitle(title);
}

void MainWindow::updateStatus() {
    const RunController::Status s = controller_->status();
    phaseLabel_->setText(s.phase);
    progress_->setValue(s.fraction < 0 ? 0 : int(s.fraction * 1000));
    progress_->setFormat(s.fraction < 0 ? QString() : tr("%1 %").arg(QLocale().toString(s.fraction * 100, 'f', 1)));
    progress_->setVisible(s.fraction >= 0);  // an empty bar with no run in view reads as a broken text field
    etaLabel_->setText(s.eta);
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

void MainWindow::showStoreFailure(const QString& message) {
    report(QString(message).replace(QLatin1Char('\n'), QLatin1Char(' ')).simplified());
    if (!storeFailure_) {
        storeFailure_ = new QMessageBox(QMessageBox::Warning, tr("The run store cannot record the run"), message,
                                        QMessageBox::Close, this);
        storeFailure_->setObjectName(QStringLiteral("storeFailure"));
        storeFailure_->setAttribute(Qt::WA_DeleteOnClose);
        storeFailure_->setTextInteractionFlags(Qt::TextSelectableByMouse);  // file names to copy
        storeFailure_->setModal(false);
        storeFailure_->show();
    } else {
        storeFailure_->setText(message);
    }
}

void MainWindow::report(const QString& message) {
    if (message.isEmpty()) return;
    statusBar()->showMessage(message, 15000);
    appendLog(tr("error: ") + message);
    qWarning().noquote() << message;
}

void MainWindow::placeOnScreen() {
    const QScreen* s = screen() ? screen() : QGuiApplication::primaryScreen();
    const QRect available = s ? s->availableGeometry() : QRect();
    QRect saved;
    if (const QByteArray g = settings_->windowGeometry(); !g.isEmpty() && restoreGeometry(g)) saved = geometry();
    const WindowPlacement place = placeWindow(saved, available);
    setGeometry(place.geometry);
    if (place.maximized) setWindowState(windowState() | Qt::WindowMaximized);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    perspectives_->applyPendingSizes();
}

void MainWindow::resizeEvent(QResizeEvent* event) {
    QMainWindow::resizeEvent(event);
    perspectives_->applyPendingSizes();
}

void MainWindow::saveSettings() {
    if (!setup_.restoreLayout) return;  // scripted and test windows leave the user's layout alone
    perspectives_->save();
    settings_->setWindowGeometry(saveGeometry());
    settings_->setStepsPerSecond(throttle_->value());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (controller_->isRunning()) {
        if (setup_.interactive && !closeAfterRun_) {
            const auto answer = QMessageBox::question(
                this, tr("A run is in progress"),
                tr("Stop the run and quit? It is checkpointed and can be resumed from the run browser."),
                QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
            if (answer != QMessageBox::Yes) {
                event->ignore();
                return;
            }
        }
        // Quit once the run has written its checkpoint (runFinished closes again).
        closeAfterRun_ = true;
        session()->cancel();
        statusBar()->showMessage(tr("Stopping the run and writing its checkpoint…"));
        event->ignore();
        return;
    }
    saveSettings();
    follower()->stop();
    event->accept();
}

void MainWindow::closeWhenIdle() {
    setup_.interactive = false;
    close();
}

}  // namespace ftw
