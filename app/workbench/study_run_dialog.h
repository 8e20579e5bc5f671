// SPDX-License-Identifier: GPL-3.0-or-later
// StudyRunDialog: what "Run a study…" asks before it starts `freetickets study run`: which study (a shipped one
// or a file), where its runs train (worker processes on this machine, or jobs on the Slurm cluster when one
// answers) and that executor's options. The study is read as soon as it is chosen, so a bad file is named with its
// error before anything starts, and the dialog says how many runs it will queue.
#pragma once

#include <QDialog>
#include <QString>
#include <QStringList>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QWidget;

namespace ftw {

// One start of a study, as the dialog filled it in.
struct StudyLaunch {
    QString study;  // a shipped study's name, or a study file
    bool slurm = false;
    int jobs = 1;  // local: runs at once; Slurm: jobs queued at once (0: all of them)
    // Slurm only; empty (or 0) leaves the flag out, so the cluster's defaults apply.
    QString partition, timeLimit, gres;
    int cpusPerTask = 0;
    QString extraArgs;  // more sbatch arguments, split at spaces; double quotes keep spaces in a word
};

// The arguments of `freetickets study run` for `launch` on the store `store`; nullopt with *error when the extra
// sbatch arguments cannot be split (a double quote not closed).
std::optional<QStringList> studyRunArguments(const StudyLaunch& launch, const QString& store, QString* error);

class StudyRunDialog : public QDialog {
    Q_OBJECT
public:
    // Slurm shows as "checking…" until setSlurmAvailability() says what the check found.
    explicit StudyRunDialog(QWidget* parent = nullptr);

    StudyLaunch launch() const;
    // Chooses the study (a shipped name or a file) as if the user had: reads it and updates the summary.
    void chooseStudy(const QString& nameOrFile);
    // What the Slurm check found: nullopt when its controller answered, else why Slurm cannot be used here.
    void setSlurmAvailability(const std::optional<QString>& unavailableReason);
    QString summaryText() const;
    bool canStart() const;

private:
    QComboBox* study_ = nullptr;
    QLabel* summary_ = nullptr;
    QRadioButton* local_ = nullptr;
    QRadioButton* slurm_ = nullptr;
    QLabel* slurmState_ = nullptr;
    QSpinBox* jobs_ = nullptr;
    QLabel* threads_ = nullptr;
    QWidget* slurmBox_ = nullptr;
    QLineEdit* partition_ = nullptr;
    QLineEdit* timeLimit_ = nullptr;
    QSpinBox* cpus_ = nullptr;
    QLineEdit* gres_ = nullptr;
    QLineEdit* extra_ = nullptr;
    QSpinBox* queued_ = nullptr;
    QPushButton* start_ = nullptr;
    bool studyOk_ = false;
    void browse();
    void readStudy();
    void updateState();
    void fitContents();
};

}  // namespace ftw
