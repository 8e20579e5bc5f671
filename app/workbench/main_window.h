// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's main window, a shell: every view in a dock, arranged by task in perspectives (Set up, Watch,
// Masks, Tickets, Compare, Teach; perspectives.h) with a switcher in the toolbar, run control in the toolbar and
// progress, phase and ETA in the status bar. The runs themselves (the live run, stored runs, overlays) belong to
// the RunController; the settings kept between starts to WorkbenchSettings.
//   main_window.cpp           construction, the run controller's signals, status bar, log, closing
//   main_window_actions.cpp   actions, menus and toolbars
//   main_window_layout.cpp    views, docks, perspectives' default arrangements, focus, screenshots, export
//   main_window_teaching.cpp  teaching mode, the teacher's controls, presets
#pragma once

#include <QHash>
#include <QList>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include "perspectives.h"
#include "preset_library.h"
#include "run_data.h"

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QMessageBox;
class QPlainTextEdit;
class QProgressBar;
class QSpinBox;
class QToolBar;

namespace ftw {

class ExperimentPanel;
class RunBrowser;
class RunController;
class RunView;
class StoreFollower;
class StudyPanel;
class TrainingSession;
class WorkbenchSettings;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Setup {
        QString storePath;          // the run store to open
        QString userPresetDir;      // user presets ("save as preset")
        bool restoreLayout = true;  // false: the defaults, and nothing saved (scripts, tests)
        bool interactive = true;    // false: never ask questions (scripts, tests)
        bool placeOnScreen = true;  // open within the screen (maximised on a small one); tests size it themselves
    };

    explicit MainWindow(const Setup& setup, QWidget* parent = nullptr);
    ~MainWindow() override;

    // --- setup ---
    bool openStore(const QString& path, QString* error);
    bool selectPreset(const QString& name, QString* error);
    bool loadConfigFile(const QString& path, QString* error);
    bool applyOverrides(const QStringList& assignments, QString* error);

    // --- runs (RunController) ---
    bool startRun(QString* error);
    bool resumeRun(qint64 runId, QString* error);
    // Shows a stored run (read off the GUI thread: runShown() follows); one still being written is followed.
    bool openRun(qint64 runId, QString* error);
    bool addOverlayRuns(const QList<qint64>& ids, QString* error);
    void clearOverlays();
    bool isRunning() const;

    // --- layout ---
    void setPerspective(Perspective p);
    Perspective perspective() const;
    // One view fills the window; again (or unfocusView) restores the perspective. False for an unknown name.
    bool focusView(const QString& name);
    void unfocusView();
    QString focusedView() const;
    PerspectiveManager* perspectives() const { return perspectives_; }

    // Colours: "light", "dark" or "system" (remembered for the next start).
    void setTheme(const QString& name);

    // --- teaching (the Teach perspective) ---
    void setTeachingMode(bool on);
    bool teachingMode() const;
    void setStepsPerSecond(double rate);
    void setTeachingControls(const QStringList& fields, const QStringList& views);

    // --- access (scripts and tests) ---
    RunController* controller() const { return controller_; }
    TrainingSession* session() const;
    StoreFollower* follower() const;
    ExperimentPanel* experiment() const { return experiment_; }
    RunBrowser* runBrowser() const { return browser_; }
    RunData* currentRun() const;
    WorkbenchSettings* settings() const { return settings_; }
    // mask, density, diversity, calibration, curves, boundary (the RunViews) and experiment, runs, log.
    QStringList viewNames() const;
    RunView* runView(const QString& name) const;
    QDockWidget* dock(const QString& name) const;
    // Saves a PNG of the whole window (viewName empty) or of one view, at viewSize when it is valid (the view is
    // laid out alone at that size for the moment) or as it is in the layout. Pending view refreshes are done first.
    bool saveScreenshot(const QString& path, const QString& viewName, QString* error, QSize viewSize = {});
    // Closes without questions: a run in progress is cancelled (and checkpointed) first.
    void closeWhenIdle();
    QString statusText() const;

signals:
    void runStarted(qint64 runId);
    void runFinished(ft::RunStatus status, const QString& message, const QString& summary);
    // A batch with an evaluation report was shown (live runs) or a run with evaluations was loaded.
    void evaluationShown();
    void runShown(qint64 runId);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QPointer<QMessageBox> storeFailure_;
    // main_window.cpp
    void connectController();
    void onCurrentRunChanged(RunData* data);
    void updateActions();
    void updateTitle();
    void updateStatus();
    void appendLog(const QString& text);
    void logRunData(RunData* data);
    void report(const QString& message);
    // A dialog that stays until closed (not modal: the run goes on stopping behind it); later text replaces it.
    void showStoreFailure(const QString& message);
    void placeOnScreen();
    void saveSettings();

    // main_window_actions.cpp
    void createActions();
    void createRunActions();
    void createViewActions();
    void createToolBars();
    void createMenus();
    void createStatusBar();
    void showAbout();

    // main_window_layout.cpp
    void createViews();
    void createDocks();
    DockArrangement defaultArrangement(Perspective p) const;
    DockArrangement teachArrangement() const;
    bool twoDimensionalData() const;
    void exportView();
    void exportAllViews();

    // main_window_teaching.cpp
    void applyTeachingMode(bool on);
    void chooseTeachingControls();
    void saveAsPreset();
    void applyPresetSettings(const QString& name);

    Setup setup_;
    WorkbenchSettings* settings_ = nullptr;
    PresetLibrary presets_;
    RunController* controller_ = nullptr;
    PerspectiveManager* perspectives_ = nullptr;
    ExperimentPanel* experiment_ = nullptr;
    RunBrowser* browser_ = nullptr;
    StudyPanel* studyPanel_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QHash<QString, RunView*> views_;
    QHash<QString, QDockWidget*> docks_;
    QStringList viewOrder_;

    bool closeAfterRun_ = false;
    bool shownTwoD_ = false;  // what the perspectives were last arranged for
    Perspective beforeTeach_ = Perspective::Watch;

    QAction *startAction_ = nullptr, *pauseAction_ = nullptr, *stepAction_ = nullptr, *cancelAction_ = nullptr;
    QAction *teachingAction_ = nullptr, *exportAction_ = nullptr, *exportAllAction_ = nullptr;
    QAction *openStoreAction_ = nullptr, *quitAction_ = nullptr, *clearOverlaysAction_ = nullptr;
    QAction *resetLayoutAction_ = nullptr, *fullScreenAction_ = nullptr, *aboutAction_ = nullptr;
    QAction* focusAction_ = nullptr;
    QActionGroup* themeGroup_ = nullptr;
    QActionGroup* perspectiveGroup_ = nullptr;
    QToolBar* runBar_ = nullptr;
    QToolBar* perspectiveBar_ = nullptr;
    QSpinBox* throttle_ = nullptr;
    QAction* throttleAction_ = nullptr;

    QProgressBar* progress_ = nullptr;
    QLabel* phaseLabel_ = nullptr;
    QLabel* etaLabel_ = nullptr;
    QTimer statusTimer_;
    size_t loggedEntries_ = 0;

    QFont baseFont_;
    QStringList teachingFields_, teachingViews_;
};

}  // namespace ftw
