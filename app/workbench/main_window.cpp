// MainWindow: building the window (docks, actions, menus, status bar), layout and settings, teaching mode,
// export. Run control and data handling are in main_window_runs.cpp.
#include "main_window.h"

#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

#include "app_style.h"
#include "config_form.h"
#include "experiment_panel.h"
#include "export_dialog.h"
#include "ft/config/presets.h"
#include "run_browser.h"
#include "run_data.h"
#include "store_follower.h"
#include "training_session.h"
#include "workbench_options.h"

#include "boundary_view.h"
#include "calibration_view.h"
#include "curves_view.h"
#include "density_view.h"
#include "diversity_view.h"
#include "mask_view.h"

namespace ftw {

namespace {
// Bumped when the dock set changes, so that an old saved layout is not forced onto new docks.
constexpr int kLayoutVersion = 1;
const QStringList kTwoDimensionalData = {QStringLiteral("spirals"), QStringLiteral("moons"), QStringLiteral("blobs")};
}  // namespace

MainWindow::MainWindow(const Setup& setup, QWidget* parent)
    : QMainWindow(parent),
      setup_(setup),
      presets_(setup.userPresetDir.isEmpty() ? defaultUserPresetDir() : setup.userPresetDir) {
    setObjectName(QStringLiteral("MainWindow"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/io.github.freetickets.Workbench.svg")));
    setDockNestingEnabled(true);
    setDockOptions(AnimatedDocks | AllowNestedDocks | AllowTabbedDocks | GroupedDragging);
    baseFont_ = QApplication::font();

    session_ = new TrainingSession(this);
    follower_ = new StoreFollower(this);
    createViews();
    createDocks();
    createActions();
    createMenus();
    createStatusBar();
    defaultLayout();
    if (setup_.restoreLayout) restoreSettings();

    connect(session_, &TrainingSession::started, this, &MainWindow::onRunStarted);
    connect(session_, &TrainingSession::finished, this, &MainWindow::onRunFinished);
    connect(session_, &TrainingSession::pausedChanged, this, [this](bool) {
        updateActions();
        updateStatus();
    });
    connect(follower_, &StoreFollower::loaded, this, &MainWindow::onFollowerLoaded);
    connect(follower_, &StoreFollower::failed, this, &MainWindow::report);
    connect(experiment_, &ExperimentPanel::validityChanged, this, &MainWindow::updateActions);
    connect(experiment_, &ExperimentPanel::presetLoaded, this, &MainWindow::applyPresetSettings);
    connect(experiment_, &ExperimentPanel::edited, this, [this] {
        if (auto c = experiment_->form()->config()) showBoundaryDockFor(QString::fromStdString(c->data.name));
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

    QString error;
    if (!setup_.storePath.isEmpty() && !openStore(setup_.storePath, &error)) report(error);
    setCurrentRun(new RunData(this));
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

void MainWindow::createViews() {
    auto add = [this](const QString& name, RunView* view) {
        view->setObjectName(name + QStringLiteral("View"));
        views_.insert(name, view);
        viewOrder_ << name;
    };
    add(QStringLiteral("mask"), new MaskView(this));
    add(QStringLiteral("boundary"), new BoundaryView(this));
    add(QStringLiteral("curves"), new CurvesView(this));
    add(QStringLiteral("density"), new DensityView(this));
    add(QStringLiteral("diversity"), new DiversityView(this));
    add(QStringLiteral("calibration"), new CalibrationView(this));
    experiment_ = new ExperimentPanel(&presets_, this);
    browser_ = new RunBrowser(this);
    log_ = new QPlainTextEdit(this);
    log_->setObjectName(QStringLiteral("log"));
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(5000);  // memory stays flat over a long run
}

void MainWindow::createDocks() {
    auto make = [this](const QString& name, const QString& title, QWidget* content) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QStringLiteral("dock.") + name);
        d->setWidget(content);
        docks_.insert(name, d);
        return d;
    };
    make(QStringLiteral("mask"), tr("Masks"), views_.value(QStringLiteral("mask")));
    make(QStringLiteral("boundary"), tr("Decision boundary"), views_.value(QStringLiteral("boundary")));
    make(QStringLiteral("curves"), tr("Curves"), views_.value(QStringLiteral("curves")));
    make(QStringLiteral("density"), tr("Layer density"), views_.value(QStringLiteral("density")));
    make(QStringLiteral("diversity"), tr("Diversity"), views_.value(QStringLiteral("diversity")));
    make(QStringLiteral("calibration"), tr("Calibration"), views_.value(QStringLiteral("calibration")));
    make(QStringLiteral("experiment"), tr("Experiment"), experiment_);
    make(QStringLiteral("runs"), tr("Runs"), browser_);
    make(QStringLiteral("log"), tr("Log"), log_);
}

void MainWindow::defaultLayout() {
    for (auto* d : std::as_const(docks_)) {
        d->setFloating(false);
        d->show();
    }
    auto* mask = docks_.value(QStringLiteral("mask"));
    addDockWidget(Qt::LeftDockWidgetArea, docks_.value(QStringLiteral("experiment")));
    tabifyDockWidget(docks_.value(QStringLiteral("experiment")), docks_.value(QStringLiteral("runs")));
    tabifyDockWidget(docks_.value(QStringLiteral("runs")), docks_.value(QStringLiteral("log")));
    docks_.value(QStringLiteral("experiment"))->raise();
    addDockWidget(Qt::RightDockWidgetArea, mask);
    addDockWidget(Qt::RightDockWidgetArea, docks_.value(QStringLiteral("curves")));
    // The decision boundary sits next to the mask view (teaching demo on 2-D data).
    splitDockWidget(mask, docks_.value(QStringLiteral("boundary")), Qt::Horizontal);
    splitDockWidget(docks_.value(QStringLiteral("boundary")), docks_.value(QStringLiteral("calibration")), Qt::Horizontal);
    splitDockWidget(docks_.value(QStringLiteral("curves")), docks_.value(QStringLiteral("density")), Qt::Horizontal);
    splitDockWidget(docks_.value(QStringLiteral("density")), docks_.value(QStringLiteral("diversity")), Qt::Horizontal);
    const QString dataset = experiment_->form()->fieldText(QStringLiteral("data.name"));
    showBoundaryDockFor(dataset);
    balanceDocks();
}

void MainWindow::balanceDocks() {
    // Sizes only stick once the window has its size: before the first show this runs again from showEvent.
    if (!isVisible()) {
        balancePending_ = true;
        return;
    }
    balancePending_ = false;
    auto d = [this](const char* name) { return docks_.value(QLatin1String(name)); };
    const int side = std::max(360, width() / 5);
    const int rest = std::max(600, width() - side);
    resizeDocks({d("experiment"), d("mask")}, {side, rest}, Qt::Horizontal);
    const bool boundary = !d("boundary")->isHidden();
    if (boundary)
        resizeDocks({d("mask"), d("boundary"), d("calibration")}, {rest * 2 / 5, rest * 3 / 10, rest * 3 / 10},
                    Qt::Horizontal);
    else
        resizeDocks({d("mask"), d("calibration")}, {rest * 3 / 5, rest * 2 / 5}, Qt::Horizontal);
    resizeDocks({d("curves"), d("density"), d("diversity")}, {rest * 2 / 5, rest * 3 / 10, rest * 3 / 10},
                Qt::Horizontal);
    resizeDocks({d("mask"), d("curves")}, {height() * 11 / 20, height() * 9 / 20}, Qt::Vertical);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (balancePending_) QMetaObject::invokeMethod(this, &MainWindow::balanceDocks, Qt::QueuedConnection);
}

void MainWindow::showBoundaryDockFor(const QString& dataset) {
    auto* d = docks_.value(QStringLiteral("boundary"));
    const bool twoD = kTwoDimensionalData.contains(dataset);
    if (teachingMode() && !teachingViews_.isEmpty()) return;  // the teacher's choice wins
    if (d->isHidden() == twoD) {  // isHidden: also right before the window is first shown
        d->setVisible(twoD);
        balanceDocks();
    }
}

void MainWindow::createActions() {
    auto* style = QApplication::style();
    startAction_ = new QAction(style->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this);
    startAction_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_R), QKeySequence(Qt::Key_F5)});
    startAction_->setToolTip(tr("Start the experiment in the form (Ctrl+R)"));
    pauseAction_ = new QAction(style->standardIcon(QStyle::SP_MediaPause), tr("&Pause"), this);
    pauseAction_->setShortcut(QKeySequence(Qt::Key_F6));
    pauseAction_->setToolTip(tr("Pause or resume the run (F6)"));
    stepAction_ = new QAction(style->standardIcon(QStyle::SP_MediaSkipForward), tr("Step to next &mask update"), this);
    stepAction_->setShortcut(QKeySequence(Qt::Key_F10));
    stepAction_->setToolTip(tr("Run until the next mask update, then pause (F10)"));
    cancelAction_ = new QAction(style->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this);
    cancelAction_->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    cancelAction_->setToolTip(tr("Stop the run; it is checkpointed and can be resumed (Shift+F5)"));
    connect(startAction_, &QAction::triggered, this, [this] {
        QString error;
        if (!startRun(&error)) report(error);
    });
    connect(pauseAction_, &QAction::triggered, this, &MainWindow::togglePause);
    connect(stepAction_, &QAction::triggered, session_, &TrainingSession::stepToNextMaskUpdate);
    connect(cancelAction_, &QAction::triggered, session_, &TrainingSession::cancel);

    teachingAction_ = new QAction(tr("&Teaching mode"), this);
    teachingAction_->setCheckable(true);
    teachingAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    teachingAction_->setToolTip(tr("Big fonts, a speed limit and only the controls the teacher chose"));
    connect(teachingAction_, &QAction::toggled, this, &MainWindow::setTeachingMode);

    exportAction_ = new QAction(tr("&Export view…"), this);
    exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportAction_, &QAction::triggered, this, &MainWindow::exportView);
    exportAllAction_ = new QAction(tr("Export &all views…"), this);
    exportAllAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(exportAllAction_, &QAction::triggered, this, &MainWindow::exportAllViews);
    openStoreAction_ = new QAction(style->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open run store…"), this);
    openStoreAction_->setShortcut(QKeySequence::Open);
    connect(openStoreAction_, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open run store"), browser_->storePath(),
                                                          tr("Run stores (*.sqlite *.db);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !openStore(path, &error)) report(error);
    });
    quitAction_ = new QAction(tr("&Quit"), this);
    quitAction_->setShortcut(QKeySequence::Quit);
    quitAction_->setMenuRole(QAction::QuitRole);
    connect(quitAction_, &QAction::triggered, this, &QWidget::close);
    clearOverlaysAction_ = new QAction(tr("Clear &overlays"), this);
    connect(clearOverlaysAction_, &QAction::triggered, this, &MainWindow::clearOverlays);
    resetLayoutAction_ = new QAction(tr("&Reset layout"), this);
    connect(resetLayoutAction_, &QAction::triggered, this, &MainWindow::defaultLayout);
    fullScreenAction_ = new QAction(tr("&Full screen"), this);
    fullScreenAction_->setShortcut(QKeySequence::FullScreen);
    fullScreenAction_->setCheckable(true);
    connect(fullScreenAction_, &QAction::toggled, this, [this](bool on) { on ? showFullScreen() : showNormal(); });
    aboutAction_ = new QAction(tr("&About FreeTickets Workbench"), this);
    aboutAction_->setMenuRole(QAction::AboutRole);
    connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);

    themeGroup_ = new QActionGroup(this);
    for (const auto& [name, label] : {std::pair{QStringLiteral("system"), tr("&System colours")},
                                      std::pair{QStringLiteral("light"), tr("&Light")},
                                      std::pair{QStringLiteral("dark"), tr("&Dark")}}) {
        auto* a = themeGroup_->addAction(label);
        a->setCheckable(true);
        a->setData(name);
    }
    connect(themeGroup_, &QActionGroup::triggered, this, [this](QAction* a) { setTheme(a->data().toString()); });

    runBar_ = addToolBar(tr("Run"));
    runBar_->setObjectName(QStringLiteral("toolbar.run"));
    runBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    runBar_->addAction(startAction_);
    runBar_->addAction(pauseAction_);
    runBar_->addAction(stepAction_);
    runBar_->addAction(cancelAction_);
    runBar_->addSeparator();
    auto* throttleBox = new QWidget(runBar_);
    auto* throttleLayout = new QHBoxLayout(throttleBox);
    throttleLayout->setContentsMargins(4, 0, 4, 0);
    auto* throttleLabel = new QLabel(tr("Speed limit:"), throttleBox);
    throttle_ = new QSpinBox(throttleBox);
    throttle_->setObjectName(QStringLiteral("throttle"));
    throttle_->setRange(0, 10000);
    throttle_->setSpecialValueText(tr("unlimited"));
    throttle_->setSuffix(tr(" steps/s"));
    throttle_->setToolTip(tr("At most this many training steps per second (0 = unlimited)"));
    throttleLabel->setBuddy(throttle_);
    throttleLayout->addWidget(throttleLabel);
    throttleLayout->addWidget(throttle_);
    throttleAction_ = runBar_->addWidget(throttleBox);
    throttleAction_->setVisible(false);  // teaching mode shows it
    connect(throttle_, &QSpinBox::valueChanged, this, [this](int v) { session_->setMaxStepsPerSecond(v); });
}

void MainWindow::createMenus() {
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(openStoreAction_);
    file->addSeparator();
    file->addAction(exportAction_);
    file->addAction(exportAllAction_);
    file->addSeparator();
    file->addAction(quitAction_);
    auto* run = menuBar()->addMenu(tr("&Run"));
    run->addAction(startAction_);
    run->addAction(pauseAction_);
    run->addAction(stepAction_);
    run->addAction(cancelAction_);
    run->addSeparator();
    run->addAction(clearOverlaysAction_);
    auto* view = menuBar()->addMenu(tr("&View"));
    for (const auto& name : viewOrder_) view->addAction(docks_.value(name)->toggleViewAction());
    for (const char* name : {"experiment", "runs", "log"})
        view->addAction(docks_.value(QLatin1String(name))->toggleViewAction());
    view->addSeparator();
    view->addAction(teachingAction_);
    view->addAction(fullScreenAction_);
    auto* theme = view->addMenu(tr("&Colours"));
    theme->addActions(themeGroup_->actions());
    view->addAction(resetLayoutAction_);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(aboutAction_);
}

void MainWindow::createStatusBar() {
    phaseLabel_ = new QLabel(this);
    phaseLabel_->setObjectName(QStringLiteral("phaseLabel"));
    etaLabel_ = new QLabel(this);
    etaLabel_->setObjectName(QStringLiteral("etaLabel"));
    progress_ = new QProgressBar(this);
    progress_->setObjectName(QStringLiteral("runProgress"));
    progress_->setRange(0, 1000);
    progress_->setMaximumWidth(240);
    progress_->setTextVisible(true);
    statusBar()->addPermanentWidget(phaseLabel_);
    statusBar()->addPermanentWidget(progress_);
    statusBar()->addPermanentWidget(etaLabel_);
}

void MainWindow::restoreSettings() {
    QSettings s;
    if (s.contains(QStringLiteral("window/geometry"))) restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    else resize(1440, 900);
    if (s.contains(QStringLiteral("window/state")) &&
        restoreState(s.value(QStringLiteral("window/state")).toByteArray(), kLayoutVersion))
        balancePending_ = false;  // the user's own sizes
    setTheme(s.value(QStringLiteral("appearance/theme"), QStringLiteral("system")).toString());
    throttle_->setValue(s.value(QStringLiteral("teaching/steps_per_second"), 0).toInt());
}

void MainWindow::saveSettings() {
    if (!setup_.restoreLayout) return;  // scripted and test windows leave the user's layout alone
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState(kLayoutVersion));
    s.setValue(QStringLiteral("teaching/steps_per_second"), throttle_->value());
}

void MainWindow::setTheme(const QString& name) {
    for (auto* a : themeGroup_->actions()) a->setChecked(a->data().toString() == name);
    if (auto* app = qobject_cast<QApplication*>(QCoreApplication::instance())) applyTheme(*app, themeFromName(name));
    if (setup_.restoreLayout) QSettings().setValue(QStringLiteral("appearance/theme"), themeName(themeFromName(name)));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (session_->isRunning()) {
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
        // Quit once the run has written its checkpoint (onRunFinished closes again).
        closeAfterRun_ = true;
        session_->cancel();
        statusBar()->showMessage(tr("Stopping the run and writing its checkpoint…"));
        event->ignore();
        return;
    }
    saveSettings();
    follower_->stop();
    event->accept();
}

void MainWindow::closeWhenIdle() {
    setup_.interactive = false;
    close();
}

QStringList MainWindow::viewNames() const {
    return viewOrder_ + QStringList{QStringLiteral("experiment"), QStringLiteral("runs"), QStringLiteral("log")};
}

RunView* MainWindow::runView(const QString& name) const { return views_.value(name); }

QDockWidget* MainWindow::dock(const QString& name) const { return docks_.value(name); }

bool MainWindow::saveScreenshot(const QString& path, const QString& viewName, QString* error, QSize viewSize) {
    for (auto* v : std::as_const(views_))
        if (v->isVisible()) v->refreshNow();
    QApplication::processEvents();
    QDir().mkpath(QFileInfo(path).absolutePath());
    QPixmap shot;
    if (viewName.isEmpty()) {
        shot = grab();
    } else {
        auto* d = docks_.value(viewName);
        if (!d) {
            if (error) *error = tr("%1: no view named \"%2\"").arg(path, viewName);
            return false;
        }
        // A view is grabbed on its own at the asked size: float its dock for the moment, then put the layout back.
        const QByteArray layout = saveState(kLayoutVersion);
        if (viewSize.isValid()) {
            d->setFloating(true);
            d->resize(viewSize);
        }
        d->show();
        if (!d->isFloating()) d->raise();  // the front tab
        QApplication::processEvents();
        if (auto* v = views_.value(viewName)) v->refreshNow();
        QApplication::processEvents();
        shot = d->widget()->grab();
        if (viewSize.isValid()) {
            d->setFloating(false);
            restoreState(layout, kLayoutVersion);
            QApplication::processEvents();
        }
    }
    if (shot.isNull() || !shot.save(path, "PNG")) {
        if (error) *error = tr("%1: cannot write the screenshot").arg(path);
        return false;
    }
    return true;
}

void MainWindow::exportView() {
    QList<QPair<QString, RunView*>> list;
    RunView* current = nullptr;
    for (const auto& name : viewOrder_) {
        auto* d = docks_.value(name);
        list.append({d->windowTitle(), views_.value(name)});
        if (!current && d->isVisible() && views_.value(name)->isAncestorOf(QApplication::focusWidget()))
            current = views_.value(name);
    }
    ExportDialog dialog(list, current ? current : views_.value(QStringLiteral("mask")), this);
    if (dialog.exec() == QDialog::Accepted) statusBar()->showMessage(tr("Exported."), 4000);
}

void MainWindow::exportAllViews() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export every view (SVG, PDF, PNG and CSV) into"));
    if (dir.isEmpty()) return;
    const QSize size = QSettings().value(QStringLiteral("export/size"), QSize(1200, 800)).toSize();
    QStringList failures;
    for (const auto& name : viewOrder_) {
        for (const char* suffix : {"svg", "pdf", "png", "csv"}) {
            QString error;
            const QString path = QDir(dir).filePath(name + QLatin1Char('.') + QLatin1String(suffix));
            if (!ExportDialog::exportView(views_.value(name), path, size, &error)) failures << error;
        }
    }
    if (failures.isEmpty()) statusBar()->showMessage(tr("Every view exported to %1").arg(dir), 6000);
    else report(failures.join(QLatin1Char('\n')));
}

bool MainWindow::teachingMode() const { return teachingAction_->isChecked(); }

void MainWindow::setTeachingMode(bool on) {
    if (teachingAction_->isChecked() != on) {
        teachingAction_->setChecked(on);  // comes back here through toggled()
        return;
    }
    QApplication::setFont(on ? presentationFont(baseFont_) : baseFont_);
    throttleAction_->setVisible(on);
    experiment_->form()->setVisibleFields(on ? teachingFields_ : QStringList());
    if (on && !teachingViews_.isEmpty()) {
        for (auto it = docks_.begin(); it != docks_.end(); ++it)
            it.value()->setVisible(teachingViews_.contains(it.key()));
    } else if (!on) {
        showBoundaryDockFor(experiment_->form()->fieldText(QStringLiteral("data.name")));
    }
}

void MainWindow::setStepsPerSecond(double rate) { throttle_->setValue(int(rate)); }

void MainWindow::setTeachingControls(const QStringList& fields, const QStringList& views) {
    teachingFields_ = fields;
    teachingViews_ = views;
    if (teachingMode()) setTeachingMode(true);
}

void MainWindow::applyPresetSettings(const QString& name) {
    const auto& p = experiment_->preset();
    if (!p || p->name != name) return;
    teachingFields_ = p->visibleFields;
    teachingViews_ = p->visibleViews;
    if (p->stepsPerSecond > 0) setStepsPerSecond(p->stepsPerSecond);
    setTeachingMode(p->teaching || teachingMode());  // applies the preset's visible controls
    showBoundaryDockFor(experiment_->form()->fieldText(QStringLiteral("data.name")));
    updateTitle();
}

void MainWindow::chooseTeachingControls() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Controls students see"));
    auto* layout = new QVBoxLayout(&dialog);
    layout->addWidget(new QLabel(tr("In teaching mode only the checked settings and views are shown. Save the "
                                    "choice with \"Save as preset\"."),
                                 &dialog));
    auto* scroll = new QScrollArea(&dialog);
    auto* content = new QWidget(scroll);
    auto* grid = new QGridLayout(content);
    auto* viewsBox = new QGroupBox(tr("Views"), content);
    auto* viewsLayout = new QVBoxLayout(viewsBox);
    QList<QCheckBox*> viewChecks, fieldChecks;
    for (const auto& name : viewNames()) {
        auto* c = new QCheckBox(docks_.value(name)->windowTitle(), viewsBox);
        c->setProperty("key", name);
        c->setChecked(teachingViews_.isEmpty() || teachingViews_.contains(name));
        viewsLayout->addWidget(c);
        viewChecks << c;
    }
    viewsLayout->addStretch(1);
    auto* fieldsBox = new QGroupBox(tr("Settings"), content);
    auto* fieldsLayout = new QGridLayout(fieldsBox);
    const QStringList keys = experiment_->form()->keys();
    for (int i = 0; i < keys.size(); ++i) {
        auto* c = new QCheckBox(ConfigForm::fieldLabel(keys[i]), fieldsBox);
        c->setToolTip(keys[i]);
        c->setProperty("key", keys[i]);
        c->setChecked(teachingFields_.isEmpty() || teachingFields_.contains(keys[i]));
        fieldsLayout->addWidget(c, i / 2, i % 2);
        fieldChecks << c;
    }
    grid->addWidget(viewsBox, 0, 0);
    grid->addWidget(fieldsBox, 0, 1);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    layout->addWidget(scroll, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(760, 560);
    if (dialog.exec() != QDialog::Accepted) return;
    auto checked = [](const QList<QCheckBox*>& list) {
        QStringList out;
        bool all = true;
        for (auto* c : list) {
            if (c->isChecked()) out << c->property("key").toString();
            else all = false;
        }
        return all ? QStringList() : out;  // everything checked = no restriction
    };
    setTeachingControls(checked(fieldChecks), checked(viewChecks));
}

void MainWindow::saveAsPreset() {
    bool ok = false;
    const QString suggestion = experiment_->form()->fieldText(QStringLiteral("name")) + QStringLiteral("-mine");
    const QString name = QInputDialog::getText(this, tr("Save as preset"),
                                               tr("Preset name (letters, digits, '.', '_', '-'):"), QLineEdit::Normal,
                                               suggestion, &ok);
    if (!ok || name.isEmpty()) return;
    WorkbenchPreset p;
    p.name = name;
    p.config = experiment_->form()->configJson();
    p.teaching = teachingMode();
    p.visibleFields = teachingFields_;
    p.visibleViews = teachingViews_;
    p.stepsPerSecond = throttle_->value();
    QString error;
    if (!presets_.save(p, &error)) {
        report(error);
        return;
    }
    experiment_->refreshPresets();
    experiment_->selectPreset(name, &error);
    statusBar()->showMessage(tr("Saved preset %1 (%2)").arg(name, presets_.filePath(name)), 6000);
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About FreeTickets Workbench"),
                       tr("<h3>FreeTickets Workbench %1</h3><p>Run, watch and compare dynamic sparse training and "
                          "the FreeTickets ensembles (DST and EDST ensembles).</p><p>The same core and the same run "
                          "store as the <code>freetickets</code> command-line program.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

void MainWindow::updateActions() {
    const bool running = session_->isRunning();
    const bool paused = running && session_->isPaused();
    startAction_->setEnabled(!running && experiment_->form()->isValid());
    pauseAction_->setEnabled(running);
    pauseAction_->setText(paused ? tr("&Resume") : tr("&Pause"));
    pauseAction_->setIcon(QApplication::style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    stepAction_->setEnabled(running && current_ && (current_->info().method != QLatin1String("dense") &&
                                                    current_->info().method != QLatin1String("deep-ensemble")));
    cancelAction_->setEnabled(running);
    clearOverlaysAction_->setEnabled(!overlays_.isEmpty());
    experiment_->setRunning(running);
}

void MainWindow::updateTitle() {
    QString title = QStringLiteral("FreeTickets Workbench");
    if (current_ && !current_->name().isEmpty()) title = current_->name() + QStringLiteral(" — ") + title;
    else if (!experiment_->presetName().isEmpty()) title = experiment_->presetName() + QStringLiteral(" — ") + title;
    setWindowTitle(title);
}

}  // namespace ftw
