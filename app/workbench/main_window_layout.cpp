// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: the views and their docks, the perspectives' default arrangements, focusing one view, screenshots
// and export.
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QStatusBar>

#include "boundary_view.h"
#include "calibration_view.h"
#include "config_form.h"
#include "curves_view.h"
#include "density_view.h"
#include "diversity_view.h"
#include "experiment_panel.h"
#include "export_dialog.h"
#include "main_window.h"
#include "mask_view.h"
#include "run_browser.h"
#include "study_panel.h"
#include "study_view.h"
#include "workbench_settings.h"

namespace ftw {

namespace {
const QStringList kTwoDimensionalData = {QStringLiteral("spirals"), QStringLiteral("moons"), QStringLiteral("blobs")};

// Views in columns: one column each for up to two, then the first alone and the others stacked beside it.
DockArrangement columnsOf(const QStringList& docks) {
    DockArrangement a;
    if (docks.size() <= 2) {
        for (const auto& d : docks) a.columns.push_back({1.0, {{d, 1.0}}});
        return a;
    }
    a.columns.push_back({1.0, {{docks.front(), 1.0}}});
    DockArrangement::Column rest{1.0, {}};
    for (int i = 1; i < docks.size(); ++i) rest.docks.push_back({docks[i], 1.0});
    a.columns.push_back(rest);
    return a;
}
}  // namespace

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
    studyPanel_ = new StudyPanel([this] { return browser_->storePath(); }, setup_.interactive, this);
    connect(studyPanel_, &StudyPanel::message, this, [this](const QString& text) { log_->appendPlainText(text); });
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
        d->installEventFilter(this);  // a double-click on the title focuses the view
        docks_.insert(name, d);
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
    make(QStringLiteral("study"), tr("Study"), studyPanel_->view());
}

bool MainWindow::twoDimensionalData() const {
    // The run on screen decides (a stored spirals run has training points); before any, the form's dataset.
    if (const RunData* d = currentRun(); d && d->started()) return d->hasDataPoints();
    return kTwoDimensionalData.contains(experiment_->form()->fieldText(QStringLiteral("data.name")));
}

DockArrangement MainWindow::defaultArrangement(Perspective p) const {
    const bool twoD = twoDimensionalData();
    using C = DockArrangement::Column;
    switch (p) {
        case Perspective::Setup: return {{C{0.45, {{"experiment", 1}}}, C{0.55, {{"runs", 0.7}, {"log", 0.3}}}}};
        case Perspective::Watch:
            if (twoD) return {{C{0.5, {{"boundary", 1}}}, C{0.5, {{"curves", 0.55}, {"mask", 0.45}}}}};
            return {{C{0.5, {{"curves", 1}}}, C{0.5, {{"mask", 0.55}, {"density", 0.45}}}}};
        case Perspective::Masks: return {{C{0.62, {{"mask", 1}}}, C{0.38, {{"density", 1}}}}};
        case Perspective::Tickets: return {{C{0.5, {{"diversity", 1}}}, C{0.5, {{"calibration", 1}}}}};
        case Perspective::Compare:
            return {{C{0.35, {{"runs", 1}}}, C{0.65, {{"curves", 0.55}, {"calibration", 0.45}}}}};
        case Perspective::Teach: return teachArrangement();
        case Perspective::Study: return {{C{0.3, {{"runs", 1}}}, C{0.7, {{"study", 1}}}}};
    }
    return {};
}

DockArrangement MainWindow::teachArrangement() const {
    // The teacher's views (saved with the preset), else the decision boundary (2-D data) or the curves, and the
    // masks: two views, so that each stays large at presentation size.
    const bool twoD = twoDimensionalData();
    QStringList views;
    for (const auto& v : teachingViews_)
        if (docks_.contains(v) && (v != QLatin1String("boundary") || twoD)) views << v;
    if (views.isEmpty()) views = {twoD ? QStringLiteral("boundary") : QStringLiteral("curves"), QStringLiteral("mask")};
    // The form, when the teacher lets students change settings, is a narrow column on the left.
    const bool form = views.removeAll(QStringLiteral("experiment")) > 0;
    DockArrangement a = columnsOf(views);
    if (form) a.columns.insert(a.columns.begin(), DockArrangement::Column{0.45, {{QStringLiteral("experiment"), 1.0}}});
    return a;
}

void MainWindow::setPerspective(Perspective p) { perspectives_->switchTo(p); }
Perspective MainWindow::perspective() const { return perspectives_->current(); }
QString MainWindow::focusedView() const { return perspectives_->focused(); }
void MainWindow::unfocusView() { perspectives_->unfocus(); }

bool MainWindow::focusView(const QString& name) {
    if (!docks_.contains(name)) return false;
    perspectives_->focus(name);
    return true;
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::MouseButtonDblClick) {
        auto* d = qobject_cast<QDockWidget*>(watched);
        auto* e = static_cast<QMouseEvent*>(event);
        // On the title bar (above the dock's contents): focus the view instead of floating the dock.
        if (d && d->widget() && e->position().y() < d->widget()->geometry().top()) {
            const QString name = docks_.key(d);
            if (focusedView() == name)
                unfocusView();
            else
                focusView(name);
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

QStringList MainWindow::viewNames() const {
    return viewOrder_ + QStringList{QStringLiteral("experiment"), QStringLiteral("runs"), QStringLiteral("log"),
                                    QStringLiteral("study")};
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
        const QByteArray layout = saveState(WorkbenchSettings::kLayoutVersion);
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
            restoreState(layout, WorkbenchSettings::kLayoutVersion);
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
    ExportDialog dialog(list, current ? current : views_.value(QStringLiteral("mask")), settings_, this);
    if (dialog.exec() == QDialog::Accepted) statusBar()->showMessage(tr("Exported."), 4000);
}

void MainWindow::exportAllViews() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export every view (SVG, PDF, PNG and CSV) into"));
    if (dir.isEmpty()) return;
    const QSize size = settings_->exportSize();
    QStringList failures;
    for (const auto& name : viewOrder_) {
        for (const char* suffix : {"svg", "pdf", "png", "csv"}) {
            QString error;
            const QString path = QDir(dir).filePath(name + QLatin1Char('.') + QLatin1String(suffix));
            if (!ExportDialog::exportView(views_.value(name), path, size, &error)) failures << error;
        }
    }
    if (failures.isEmpty())
        statusBar()->showMessage(tr("Every view exported to %1").arg(dir), 6000);
    else
        report(failures.join(QLatin1Char('\n')));
}

}  // namespace ftw
