// SPDX-License-Identifier: GPL-3.0-or-later
// StudyPanel: the study view of the workbench, fed from the open run store. The store's studies are read off the
// GUI thread every few seconds while the view is visible (a study's runs finish in other processes), and "Run a
// study…" asks which study and where (StudyRunDialog: this machine, or the Slurm cluster when its controller
// answers) and starts `freetickets study run … --db STORE` as a process of its own, so the study goes on if the
// window closes; its runs appear in the run browser as they are recorded.
#pragma once

#include <QObject>
#include <QTimer>
#include <functional>

class QWidget;

namespace ftw {

class JobTracker;
class StudyView;
struct StudyLaunch;

class StudyPanel : public QObject {
    Q_OBJECT
public:
    // storePath: the store the window has open now (empty: none).
    StudyPanel(std::function<QString()> storePath, bool interactive, QWidget* parent);
    StudyView* view() const { return view_; }
    // Reads the store's studies now (off the GUI thread); the view updates when they arrive.
    void refresh();
    // Starts `freetickets study run` on the open store as `launch` says; false with a message.
    bool startStudy(const StudyLaunch& launch, QString* error);
    // The freetickets program beside this one (installed or in the build tree), else the one on PATH.
    static QString cliProgram();

signals:
    void message(const QString& text);

private:
    std::function<QString()> storePath_;
    bool interactive_;
    StudyView* view_ = nullptr;
    JobTracker* jobs_ = nullptr;
    JobTracker* slurmCheck_ = nullptr;
    QTimer timer_;
    void chooseAndStart();
};

}  // namespace ftw
