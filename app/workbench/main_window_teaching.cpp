// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow: teaching mode (the Teach perspective), the teacher's choice of controls, and presets.
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QInputDialog>
#include <QSpinBox>
#include <QStatusBar>

#include "app_style.h"
#include "config_form.h"
#include "experiment_panel.h"
#include "main_window.h"
#include "teaching_controls_dialog.h"

namespace ftw {

bool MainWindow::teachingMode() const { return perspective() == Perspective::Teach; }

void MainWindow::setTeachingMode(bool on) {
    if (on == teachingMode()) {
        teachingAction_->setChecked(on);
        return;
    }
    if (on) beforeTeach_ = perspective();
    setPerspective(on ? Perspective::Teach : beforeTeach_);
}

void MainWindow::applyTeachingMode(bool on) {
    teachingAction_->setChecked(on);
    const QFont wanted = on ? presentationFont(baseFont_) : baseFont_;
    if (QApplication::font() != wanted) QApplication::setFont(wanted);
    throttleAction_->setVisible(on);
    experiment_->form()->setVisibleFields(on ? teachingFields_ : QStringList());
}

void MainWindow::setStepsPerSecond(double rate) { throttle_->setValue(int(rate)); }

void MainWindow::setTeachingControls(const QStringList& fields, const QStringList& views) {
    teachingFields_ = fields;
    teachingViews_ = views;
    if (teachingMode()) {
        applyTeachingMode(true);
        perspectives_->refreshDefault();
    }
}

void MainWindow::applyPresetSettings(const QString& name) {
    const auto& p = experiment_->preset();
    if (!p || p->name != name) return;
    teachingFields_ = p->visibleFields;
    teachingViews_ = p->visibleViews;
    if (p->stepsPerSecond > 0) setStepsPerSecond(p->stepsPerSecond);
    // Another dataset can change what the perspectives show (the decision boundary needs 2-D data).
    perspectives_->refreshDefault();
    if (p->teaching)
        setTeachingMode(true);
    else if (teachingMode())
        applyTeachingMode(true);  // the new preset's visible controls
    updateTitle();
}

void MainWindow::chooseTeachingControls() {
    QList<QPair<QString, QString>> views, fields;
    for (const auto& name : viewNames()) views.append({name, docks_.value(name)->windowTitle()});
    for (const auto& key : experiment_->form()->keys()) fields.append({key, ConfigForm::fieldLabel(key)});
    TeachingControlsDialog dialog(views, fields, teachingFields_, teachingViews_, this);
    if (dialog.exec() == QDialog::Accepted) setTeachingControls(dialog.fields(), dialog.views());
}

void MainWindow::saveAsPreset() {
    bool ok = false;
    const QString suggestion = experiment_->form()->fieldText(QStringLiteral("name")) + QStringLiteral("-mine");
    const QString name =
        QInputDialog::getText(this, tr("Save as preset"), tr("Preset name (letters, digits, '.', '_', '-'):"),
                              QLineEdit::Normal, suggestion, &ok);
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

}  // namespace ftw
