// SPDX-License-Identifier: GPL-3.0-or-later
#include "study_panel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPointer>
#include <QProcess>
#include <QStandardPaths>
#include <memory>
#include <optional>

#include "ft/study/study_results.h"
#include "job_tracker.h"
#include "study/slurm_client.h"
#include "study_run_dialog.h"
#include "study_view.h"

namespace ftw {

using Studies = std::shared_ptr<std::vector<ft::StudyResults>>;

StudyPanel::StudyPanel(std::function<QString()> storePath, bool interactive, QWidget* parent)
    : QObject(parent), storePath_(std::move(storePath)), interactive_(interactive) {
    view_ = new StudyView(parent);
    view_->setObjectName(QStringLiteral("studyView"));
    jobs_ = new JobTracker(this);
    slurmCheck_ = new JobTracker(this);
    timer_.setInterval(3000);
    connect(&timer_, &QTimer::timeout, this, [this] {
        if (view_->isVisible()) refresh();
    });
    timer_.start();
    connect(view_, &StudyView::runStudyRequested, this, &StudyPanel::chooseAndStart);
}

void StudyPanel::refresh() {
    const QString path = storePath_();
    if (path.isEmpty() || jobs_->busy(QStringLiteral("studies"))) return;
    jobs_->start<Studies>(
        QStringLiteral("studies"),
        [p = path.toStdString()] {
            auto out = std::make_shared<std::vector<ft::StudyResults>>();
            try {
                const auto store = ft::RunStore::open(p, ft::StoreMode::ReadOnly);
                for (const auto& s : store.list_studies()) out->push_back(ft::study_results(store, s.id));
            } catch (const std::exception&) {
                // A store of an older schema, or one being created: no studies to show yet.
            }
            return out;
        },
        [this](Studies studies) { view_->setStudies(std::move(*studies)); });
}

QString StudyPanel::cliProgram() {
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString& candidate :
         {here.filePath(QStringLiteral("freetickets")), here.filePath(QStringLiteral("../cli/freetickets"))})
        if (QFileInfo(candidate).isExecutable()) return QFileInfo(candidate).canonicalFilePath();
    const QString onPath = QStandardPaths::findExecutable(QStringLiteral("freetickets"));
    return onPath;
}

bool StudyPanel::startStudy(const StudyLaunch& launch, QString* error) {
    const QString program = cliProgram();
    if (program.isEmpty()) {
        if (error) *error = tr("cannot find the freetickets program (beside this one or on PATH) to run the study");
        return false;
    }
    const QString store = storePath_();
    if (store.isEmpty()) {
        if (error) *error = tr("open a run store first: the study's runs are recorded there");
        return false;
    }
    const auto args = studyRunArguments(launch, store, error);
    if (!args) return false;
    const QString log =
        store + QStringLiteral(".study-") + QFileInfo(launch.study).completeBaseName() + QStringLiteral(".log");
    QProcess p;
    p.setProgram(program);
    p.setArguments(*args);
    p.setStandardOutputFile(log);
    p.setStandardErrorFile(log);
    qint64 pid = 0;
    if (!p.startDetached(&pid)) {
        if (error) *error = tr("%1: cannot start: %2").arg(program, p.errorString());
        return false;
    }
    const QString where = launch.slurm       ? tr("on the Slurm cluster")
                          : launch.jobs == 1 ? tr("one run at a time")
                                             : tr("%1 runs at once").arg(launch.jobs);
    emit message(tr("Study %1 started (process %2, %3); its output: %4")
                     .arg(QFileInfo(launch.study).fileName(), QString::number(pid), where, log));
    QTimer::singleShot(1500, this, &StudyPanel::refresh);
    return true;
}

void StudyPanel::chooseAndStart() {
    if (!interactive_) return;
    auto* parent = qobject_cast<QWidget*>(this->parent());
    QPointer<StudyRunDialog> dialog = new StudyRunDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // `scontrol ping` can take seconds when a controller is configured but down: asked off the GUI thread, on a
    // tracker of its own so the studies' refresh does not wait behind it.
    slurmCheck_->start<std::optional<std::string>>(
        QStringLiteral("slurm"), [] { return ft::cli::SlurmClient::unavailable_reason(); },
        [dialog](std::optional<std::string> why) {
            if (!dialog) return;
            dialog->setSlurmAvailability(why ? std::optional<QString>(QString::fromStdString(*why)) : std::nullopt);
        });
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QString error;
        if (dialog && !startStudy(dialog->launch(), &error)) emit message(error);
    });
    dialog->open();
}

}  // namespace ftw
