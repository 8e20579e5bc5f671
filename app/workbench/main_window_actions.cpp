// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: actions, menus, toolbars and the status bar.
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSpinBox>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>

#include "main_window.h"
#include "run_browser.h"
#include "run_controller.h"
#include "training_session.h"

namespace ftw {

void MainWindow::createActions() {
    createRunActions();
    createViewActions();
    exportAction_ = new QAction(tr("&Export view…"), this);
    exportAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportAction_, &QAction::triggered, this, &MainWindow::exportView);
    exportAllAction_ = new QAction(tr("Export &all views…"), this);
    exportAllAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(exportAllAction_, &QAction::triggered, this, &MainWindow::exportAllViews);
    openStoreAction_ =
        new QAction(QApplication::style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open run store…"), this);
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
    aboutAction_ = new QAction(tr("&About FreeTickets Workbench"), this);
    aboutAction_->setMenuRole(QAction::AboutRole);
    connect(aboutAction_, &QAction::triggered, this, &MainWindow::showAbout);
}

void MainWindow::createRunActions() {
    auto* style = QApplication::style();
    startAction_ = new QAction(style->standardIcon(QStyle::SP_MediaPlay), tr("&Start"), this);
    startAction_->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_R), QKeySequence(Qt::Key_F5)});
    startAction_->setToolTip(tr("Start the experiment in the form (Ctrl+R)"));
    pauseAction_ = new QAction(style->standardIcon(QStyle::SP_MediaPause), tr("&Pause"), this);
    pauseAction_->setShortcut(QKeySequence(Qt::Key_F6));
    pauseAction_->setToolTip(tr("Pause or resume the run (F6)"));
    stepAction_ = new QAction(style->standardIcon(QStyle::SP_MediaSkipForward), tr("Next &mask update"), this);
    stepAction_->setShortcut(QKeySequence(Qt::Key_F10));
    stepAction_->setToolTip(tr("Run until the next mask update, then pause (F10)"));
    cancelAction_ = new QAction(style->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this);
    cancelAction_->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
    cancelAction_->setToolTip(tr("Stop the run; it is checkpointed and can be resumed (Shift+F5)"));
    connect(startAction_, &QAction::triggered, this, [this] {
        QString error;
        if (!startRun(&error)) report(error);
    });
    connect(pauseAction_, &QAction::triggered, this, [this] {
        if (!session()->isRunning()) return;
        if (session()->isPaused())
            session()->resume();
        else
            session()->pause();
    });
    connect(stepAction_, &QAction::triggered, this, [this] { session()->stepToNextMaskUpdate(); });
    connect(cancelAction_, &QAction::triggered, this, [this] { session()->cancel(); });
    clearOverlaysAction_ = new QAction(tr("Clear &overlays"), this);
    connect(clearOverlaysAction_, &QAction::triggered, this, &MainWindow::clearOverlays);
}

void MainWindow::createViewActions() {
    perspectiveGroup_ = new QActionGroup(this);
    int shortcut = 0;
    for (const auto& info : ::ftw::perspectives()) {
        auto* a = perspectiveGroup_->addAction(info.title);
        a->setCheckable(true);
        a->setData(int(info.id));
        a->setObjectName(QStringLiteral("perspective.") + info.key);
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + shortcut++)));
        a->setToolTip(QStringLiteral("%1 (%2)").arg(info.toolTip, a->shortcut().toString(QKeySequence::NativeText)));
    }
    connect(perspectiveGroup_, &QActionGroup::triggered, this,
            [this](QAction* a) { setPerspective(Perspective(a->data().toInt())); });

    teachingAction_ = new QAction(tr("&Teaching mode"), this);
    teachingAction_->setCheckable(true);
    teachingAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    teachingAction_->setToolTip(
        tr("The Teach perspective: big fonts, a speed limit and only the controls the "
           "teacher chose"));
    connect(teachingAction_, &QAction::triggered, this, &MainWindow::setTeachingMode);
    resetLayoutAction_ = new QAction(tr("&Reset perspective"), this);
    resetLayoutAction_->setToolTip(tr("Arrange the current perspective as it was at first"));
    connect(resetLayoutAction_, &QAction::triggered, this, [this] { perspectives_->reset(); });
    focusAction_ = new QAction(tr("&Focus on view"), this);
    focusAction_->setCheckable(true);
    focusAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    focusAction_->setToolTip(
        tr("The view with the keyboard focus fills the window; again to go back (or "
           "double-click a view's title)"));
    connect(focusAction_, &QAction::triggered, this, [this] {
        if (!focusedView().isEmpty()) return unfocusView();
        QString name;
        for (auto it = docks_.begin(); it != docks_.end() && name.isEmpty(); ++it)
            if (it.value()->isVisible() && it.value()->isAncestorOf(QApplication::focusWidget())) name = it.key();
        for (const auto& v : viewNames())
            if (name.isEmpty() && docks_.value(v)->isVisible()) name = v;
        focusView(name);
        focusAction_->setChecked(!focusedView().isEmpty());
    });
    fullScreenAction_ = new QAction(tr("&Full screen"), this);
    fullScreenAction_->setShortcut(QKeySequence::FullScreen);
    fullScreenAction_->setCheckable(true);
    connect(fullScreenAction_, &QAction::toggled, this, [this](bool on) { on ? showFullScreen() : showNormal(); });
    themeGroup_ = new QActionGroup(this);
    for (const auto& [name, label] :
         {std::pair{QStringLiteral("system"), tr("&System colours")}, std::pair{QStringLiteral("light"), tr("&Light")},
          std::pair{QStringLiteral("dark"), tr("&Dark")}}) {
        auto* a = themeGroup_->addAction(label);
        a->setCheckable(true);
        a->setData(name);
    }
    connect(themeGroup_, &QActionGroup::triggered, this, [this](QAction* a) { setTheme(a->data().toString()); });
}

void MainWindow::createToolBars() {
    runBar_ = addToolBar(tr("Run"));
    runBar_->setObjectName(QStringLiteral("toolbar.run"));
    runBar_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    runBar_->addAction(startAction_);
    runBar_->addAction(pauseAction_);
    runBar_->addAction(stepAction_);
    runBar_->addAction(cancelAction_);
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
    throttleAction_->setVisible(false);  // the Teach perspective shows it
    connect(throttle_, &QSpinBox::valueChanged, this, [this](int v) { session()->setMaxStepsPerSecond(v); });

    perspectiveBar_ = addToolBar(tr("Perspectives"));
    perspectiveBar_->setObjectName(QStringLiteral("toolbar.perspectives"));
    perspectiveBar_->setToolButtonStyle(Qt::ToolButtonTextOnly);
    perspectiveBar_->addActions(perspectiveGroup_->actions());
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
    run->addActions({startAction_, pauseAction_, stepAction_, cancelAction_});
    run->addSeparator();
    run->addAction(clearOverlaysAction_);
    auto* view = menuBar()->addMenu(tr("&View"));
    view->addActions(perspectiveGroup_->actions());
    view->addAction(resetLayoutAction_);
    view->addSeparator();
    auto* focus = view->addMenu(tr("Focus &on"));
    for (const auto& name : viewNames()) {
        QAction* a = focus->addAction(docks_.value(name)->windowTitle());
        connect(a, &QAction::triggered, this, [this, name] { focusView(name); });
    }
    view->addAction(focusAction_);
    auto* panels = view->addMenu(tr("&Panels"));
    for (const auto& name : viewNames()) panels->addAction(docks_.value(name)->toggleViewAction());
    view->addSeparator();
    view->addAction(teachingAction_);
    view->addAction(fullScreenAction_);
    auto* theme = view->addMenu(tr("&Colours"));
    theme->addActions(themeGroup_->actions());
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
    progress_->hide();  // until a run is in view (updateStatus)
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About FreeTickets Workbench"),
                       tr("<h3>FreeTickets Workbench %1</h3><p>Run, watch and compare dynamic sparse training and "
                          "the FreeTickets ensembles (DST and EDST ensembles).</p><p>The same core and the same run "
                          "store as the <code>freetickets</code> command-line program.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

}  // namespace ftw
