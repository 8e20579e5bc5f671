// The workbench's main window: every view in a dock (layout restored from QSettings), the experiment form, the
// run browser and the log; run control in a toolbar (start, pause/resume, step to next mask update, cancel, the
// teaching throttle) and progress, phase and ETA in the status bar. It owns the RunData shown (live from its
// TrainingSession, loaded from the store, or followed while another process writes it) and the overlay runs.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>
#include <deque>
#include <vector>

#include "ft/train/events.h"
#include "preset_library.h"
#include "run_data.h"

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QSpinBox;
class QToolBar;

namespace ftw {

class ExperimentPanel;
class RunBrowser;
class RunView;
class StoreFollower;
class TrainingSession;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Setup {
        QString storePath;       // the run store to open
        QString userPresetDir;   // user presets ("save as preset")
        bool restoreLayout = true;
        bool interactive = true;  // false: never ask questions (scripts, tests)
    };

    explicit MainWindow(const Setup& setup, QWidget* parent = nullptr);
    ~MainWindow() override;

    // --- setup ---
    bool openStore(const QString& path, QString* error);
    bool selectPreset(const QString& name, QString* error);
    bool loadConfigFile(const QString& path, QString* error);
    bool applyOverrides(const QStringList& assignments, QString* error);

    // --- runs ---
    // Starts the form's experiment (it must be valid). False with the reason.
    bool startRun(QString* error);
    // Continues a cancelled or interrupted stored run from its checkpoint.
    bool resumeRun(qint64 runId, QString* error);
    // Shows a stored run; a run another process is still writing is followed live.
    bool openRun(qint64 runId, QString* error);
    bool addOverlayRuns(const QList<qint64>& ids, QString* error);
    void clearOverlays();
    bool isRunning() const;

    // Colours: "light", "dark" or "system" (remembered for the next start).
    void setTheme(const QString& name);

    // --- teaching ---
    void setTeachingMode(bool on);
    bool teachingMode() const;
    void setStepsPerSecond(double rate);
    void setTeachingControls(const QStringList& fields, const QStringList& views);

    // --- access (scripts and tests) ---
    TrainingSession* session() const { return session_; }
    ExperimentPanel* experiment() const { return experiment_; }
    RunBrowser* runBrowser() const { return browser_; }
    RunData* currentRun() const { return current_; }
    StoreFollower* follower() const { return follower_; }
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
    void runFinished(const QString& status, const QString& message, const QString& summary);
    // A batch with an evaluation report was shown (live runs) or a run with evaluations was loaded.
    void evaluationShown();
    void runShown(qint64 runId);

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    // main_window.cpp: building the window
    void createViews();
    void createDocks();
    void createActions();
    void createMenus();
    void createStatusBar();
    void defaultLayout();
    void balanceDocks();
    void restoreSettings();
    void saveSettings();
    void updateActions();
    void updateTitle();
    void exportView();
    void exportAllViews();
    void chooseTeachingControls();
    void saveAsPreset();
    void showAbout();
    void applyPresetSettings(const QString& name);
    void showBoundaryDockFor(const QString& dataset);

    // main_window_runs.cpp: data and run control
    void setCurrentRun(RunData* data);
    void replaceLiveData(RunData* data);
    void onRunStarted(qint64 runId);
    void onEvents(std::vector<ft::Event>& batch);
    void onRunFinished(const QString& status, const QString& message, const QString& summary);
    void onFollowerLoaded(RunData* data, bool ended);
    void togglePause();
    void updateStatus();
    void appendLog(const QString& text);
    void logRunData(RunData* data);
    QString phaseOf(const RunData* data) const;
    void report(const QString& message);

    Setup setup_;
    PresetLibrary presets_;
    TrainingSession* session_ = nullptr;
    StoreFollower* follower_ = nullptr;
    ExperimentPanel* experiment_ = nullptr;
    RunBrowser* browser_ = nullptr;
    QPlainTextEdit* log_ = nullptr;
    QHash<QString, RunView*> views_;
    QHash<QString, QDockWidget*> docks_;
    QStringList viewOrder_;

    QPointer<RunData> current_;
    QPointer<RunData> liveData_;  // the run this window trains (also while another run is shown)
    QList<RunData*> overlays_;
    qint64 liveRunId_ = 0;
    bool closeAfterRun_ = false;
    bool balancePending_ = false;

    QAction *startAction_ = nullptr, *pauseAction_ = nullptr, *stepAction_ = nullptr, *cancelAction_ = nullptr;
    QAction *teachingAction_ = nullptr, *exportAction_ = nullptr, *exportAllAction_ = nullptr;
    QAction *openStoreAction_ = nullptr, *quitAction_ = nullptr, *clearOverlaysAction_ = nullptr;
    QAction *resetLayoutAction_ = nullptr, *fullScreenAction_ = nullptr, *aboutAction_ = nullptr;
    QActionGroup* themeGroup_ = nullptr;
    QToolBar* runBar_ = nullptr;
    QSpinBox* throttle_ = nullptr;
    QAction* throttleAction_ = nullptr;

    QProgressBar* progress_ = nullptr;
    QLabel* phaseLabel_ = nullptr;
    QLabel* etaLabel_ = nullptr;
    QTimer statusTimer_;
    std::deque<std::pair<qint64, double>> progressSamples_;  // (ms, steps done) for the ETA
    QElapsedTimer runClock_;
    size_t loggedEntries_ = 0;

    QFont baseFont_;
    QStringList teachingFields_, teachingViews_;
};

}  // namespace ftw
