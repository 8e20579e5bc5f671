// SPDX-License-Identifier: GPL-3.0-or-later
#include "study_panel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>
#include <memory>

#include "ft/study/study_results.h"
#include "job_tracker.h"
#include "study_view.h"

namespace ftw {

using Studies = std::shared_ptr<std::vector<ft::StudyResults>>;

StudyPanel::StudyPanel(std::function<QString()> storePath, bool interactive, QWidget* parent)
    : QObject(parent), storePath_(std::move(storePath)), interactive_(interactive) {
    view_ = new StudyView(parent);
    view_->setObjectName(QStringLiteral("studyView"));
    jobs_ = new JobTracker(this);
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

bool StudyPanel::startStudy(const QString& file, int jobs, QString* error) {
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
    const QString log = store + QStringLiteral(".study-") + QFileInfo(file).completeBaseName() + QStringLiteral(".log");
    QProcess p;
    p.setProgram(program);
    p.setArguments({QStringLiteral("study"), QStringLiteral("run"), file, QStringLiteral("--db"), store,
                    QStringLiteral("--jobs"), QString::number(jobs)});
    p.setStandardOutputFile(log);
    p.setStandardErrorFile(log);
    qint64 pid = 0;
    if (!p.startDetached(&pid)) {
        if (error) *error = tr("%1: cannot start: %2").arg(program, p.errorString());
        return false;
    }
    emit message(tr("Study %1 started (process %2, %3 at once); its output: %4")
                     .arg(QFileInfo(file).fileName())
                     .arg(pid)
                     .arg(jobs)
                     .arg(log));
    QTimer::singleShot(1500, this, &StudyPanel::refresh);
    return true;
}

void StudyPanel::chooseAndStart() {
    if (!interactive_) return;
    auto* parent = qobject_cast<QWidget*>(this->parent());
    const QString file =
        QFileDialog::getOpenFileName(parent, tr("Run a study"), QString(), tr("Study files (*.json);;All files (*)"));
    if (file.isEmpty()) return;
    const int cores = std::max(1, QThread::idealThreadCount());
    bool ok = false;
    const int jobs =
        QInputDialog::getInt(parent, tr("Run a study"),
                             tr("Runs at once (each gets %1 cores / runs threads):").arg(cores), 1, 1, cores, 1, &ok);
    if (!ok) return;
    QString error;
    if (!startStudy(file, jobs, &error)) emit message(error);
}

}  // namespace ftw
