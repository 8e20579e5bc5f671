// SPDX-License-Identifier: GPL-3.0-or-later
// StudyRunDialog (study_run_dialog.h).
#include "study_run_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>

#include "ft/study/study_spec.h"

namespace ftw {

namespace {
constexpr int kBrowseItem = -1;  // the combo item that opens the file dialog (its data)

int coreCount() { return std::max(1, QThread::idealThreadCount()); }
}  // namespace

std::optional<QStringList> studyRunArguments(const StudyLaunch& launch, const QString& store, QString* error) {
    QStringList args{QStringLiteral("study"), QStringLiteral("run"), launch.study, QStringLiteral("--db"), store};
    if (!launch.slurm) {
        args << QStringLiteral("--jobs") << QString::number(std::max(1, launch.jobs));
        return args;
    }
    args << QStringLiteral("--executor") << QStringLiteral("slurm");
    if (launch.jobs > 0) args << QStringLiteral("--jobs") << QString::number(launch.jobs);
    if (!launch.partition.trimmed().isEmpty()) args << QStringLiteral("--partition") << launch.partition.trimmed();
    if (!launch.timeLimit.trimmed().isEmpty()) args << QStringLiteral("--time") << launch.timeLimit.trimmed();
    if (launch.cpusPerTask > 0) args << QStringLiteral("--cpus-per-task") << QString::number(launch.cpusPerTask);
    if (!launch.gres.trimmed().isEmpty()) args << QStringLiteral("--gres") << launch.gres.trimmed();
    const QString extra = launch.extraArgs.trimmed();
    if (extra.count(QLatin1Char('"')) % 2 != 0) {
        if (error) *error = QObject::tr("More sbatch arguments \"%1\": a quote is not closed").arg(extra);
        return std::nullopt;
    }
    // "=" keeps a value that starts with "-" (every sbatch flag does) a value of --sbatch-arg.
    for (const QString& word : QProcess::splitCommand(extra)) args << QStringLiteral("--sbatch-arg=") + word;
    return args;
}

StudyRunDialog::StudyRunDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Run a study"));
    // Wide enough that the descriptions and Slurm's answer wrap to a few lines, not a narrow column.
    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
    auto* layout = new QVBoxLayout(this);

    auto* what = new QFormLayout;
    study_ = new QComboBox(this);
    study_->setObjectName(QStringLiteral("studyChoice"));
    for (const auto& name : ft::shipped_study_names()) {
        const QString n = QString::fromStdString(name);
        study_->addItem(n, n);
    }
    study_->addItem(tr("A study file…"), kBrowseItem);
    what->addRow(tr("Study:"), study_);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("studySummary"));
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    what->addRow(summary_);
    layout->addLayout(what);

    auto* where = new QGroupBox(tr("Where the runs train"), this);
    auto* whereLayout = new QVBoxLayout(where);
    local_ = new QRadioButton(tr("On this machine (worker processes)"), where);
    local_->setObjectName(QStringLiteral("executorLocal"));
    local_->setChecked(true);
    whereLayout->addWidget(local_);
    auto* localForm = new QFormLayout;
    jobs_ = new QSpinBox(where);
    jobs_->setObjectName(QStringLiteral("localJobs"));
    jobs_->setRange(1, coreCount());
    // Small models train faster as several one-thread runs than as one run on every core (bench/study_overhead.sh).
    jobs_->setValue(std::min(coreCount(), 4));
    threads_ = new QLabel(where);
    auto* jobsRow = new QHBoxLayout;
    jobsRow->addWidget(jobs_);
    jobsRow->addWidget(threads_, 1);
    localForm->addRow(tr("Runs at once:"), jobsRow);
    whereLayout->addLayout(localForm);

    slurm_ = new QRadioButton(tr("On the Slurm cluster (one job per run)"), where);
    slurm_->setObjectName(QStringLiteral("executorSlurm"));
    slurm_->setEnabled(false);
    whereLayout->addWidget(slurm_);
    slurmState_ = new QLabel(tr("Looking for a Slurm cluster…"), where);
    slurmState_->setObjectName(QStringLiteral("slurmState"));
    slurmState_->setWordWrap(true);
    whereLayout->addWidget(slurmState_);
    slurmBox_ = new QWidget(where);
    auto* slurmForm = new QFormLayout(slurmBox_);
    slurmForm->setContentsMargins(0, 0, 0, 0);
    partition_ = new QLineEdit(slurmBox_);
    partition_->setPlaceholderText(tr("the cluster's default"));
    slurmForm->addRow(tr("Partition:"), partition_);
    timeLimit_ = new QLineEdit(slurmBox_);
    timeLimit_->setPlaceholderText(tr("the partition's limit; e.g. 2:00:00"));
    slurmForm->addRow(tr("Time limit per run:"), timeLimit_);
    cpus_ = new QSpinBox(slurmBox_);
    cpus_->setRange(0, 1024);
    cpus_->setSpecialValueText(tr("as many as the run's threads"));
    slurmForm->addRow(tr("CPUs per run:"), cpus_);
    gres_ = new QLineEdit(slurmBox_);
    gres_->setPlaceholderText(tr("none; gpu:1 for CUDA runs"));
    slurmForm->addRow(tr("Generic resources:"), gres_);
    extra_ = new QLineEdit(slurmBox_);
    extra_->setObjectName(QStringLiteral("sbatchArgs"));
    extra_->setPlaceholderText(tr("e.g. --mem=4G --qos=normal"));
    slurmForm->addRow(tr("More sbatch arguments:"), extra_);
    queued_ = new QSpinBox(slurmBox_);
    queued_->setRange(0, 10000);
    queued_->setSpecialValueText(tr("all of them"));
    slurmForm->addRow(tr("Jobs queued at once:"), queued_);
    whereLayout->addWidget(slurmBox_);
    layout->addWidget(where);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    start_ = buttons->addButton(tr("Start"), QDialogButtonBox::AcceptRole);
    start_->setObjectName(QStringLiteral("startStudy"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    connect(study_, &QComboBox::activated, this, [this] {
        if (study_->currentData().typeId() == QMetaType::Int)
            browse();
        else
            readStudy();
    });
    connect(local_, &QRadioButton::toggled, this, &StudyRunDialog::updateState);
    connect(jobs_, &QSpinBox::valueChanged, this, &StudyRunDialog::updateState);
    readStudy();
}

void StudyRunDialog::browse() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("Run a study"), QString(), tr("Study files (*.json);;All files (*)"));
    if (file.isEmpty()) {
        study_->setCurrentIndex(0);
        readStudy();
        return;
    }
    chooseStudy(file);
}

void StudyRunDialog::chooseStudy(const QString& nameOrFile) {
    int index = study_->findData(nameOrFile);
    if (index < 0) {
        // A file: listed under its name, before "A study file…", with its path as the tooltip.
        index = study_->count() - 1;
        study_->insertItem(index, QFileInfo(nameOrFile).fileName(), nameOrFile);
        study_->setItemData(index, nameOrFile, Qt::ToolTipRole);
    }
    study_->setCurrentIndex(index);
    readStudy();
}

void StudyRunDialog::readStudy() {
    const QString chosen = study_->currentData().toString();
    studyOk_ = false;
    if (study_->currentData().typeId() == QMetaType::Int) {
        summary_->setText(tr("Choose a study."));
    } else {
        try {
            std::vector<std::string> warnings;
            const auto spec = ft::load_study(chosen.toStdString(), &warnings);
            QString text = tr("%1 points × %2 seeds = %3 runs.")
                               .arg(spec.points.size())
                               .arg(spec.seeds.size())
                               .arg(spec.run_count());
            if (!spec.description.empty())
                text = QString::fromStdString(spec.description) + QStringLiteral("\n") + text;
            if (!warnings.empty())
                text += QStringLiteral("\n") + tr("Warning: %1").arg(QString::fromStdString(warnings.front()));
            summary_->setText(text);
            studyOk_ = true;
        } catch (const std::exception& e) {
            summary_->setText(tr("Cannot run this study: %1").arg(QString::fromUtf8(e.what())));
        }
    }
    updateState();
}

void StudyRunDialog::setSlurmAvailability(const std::optional<QString>& unavailableReason) {
    slurm_->setEnabled(!unavailableReason);
    slurmState_->setText(unavailableReason ? tr("Slurm cannot be used here: %1").arg(*unavailableReason)
                                           : tr("The Slurm controller answers; each run is submitted as a job."));
    if (unavailableReason) local_->setChecked(true);
    updateState();
}

void StudyRunDialog::fitContents() {
    // A wrapped label that grew (Slurm's answer, a study's error) would be clipped at the old height.
    if (layout()) layout()->activate();
    if (height() < sizeHint().height()) resize(width(), sizeHint().height());
}

void StudyRunDialog::updateState() {
    const bool slurm = slurm_->isChecked();
    jobs_->setEnabled(!slurm);
    threads_->setEnabled(!slurm);
    const int each = std::max(1, coreCount() / jobs_->value());
    threads_->setText(each == 1 ? tr("each run gets 1 thread") : tr("each run gets %1 threads").arg(each));
    slurmBox_->setVisible(slurm);
    start_->setEnabled(canStart());
    fitContents();
}

StudyLaunch StudyRunDialog::launch() const {
    StudyLaunch l;
    l.study = study_->currentData().toString();
    l.slurm = slurm_->isChecked();
    l.jobs = l.slurm ? queued_->value() : jobs_->value();
    l.partition = partition_->text();
    l.timeLimit = timeLimit_->text();
    l.cpusPerTask = cpus_->value();
    l.gres = gres_->text();
    l.extraArgs = extra_->text();
    return l;
}

QString StudyRunDialog::summaryText() const { return summary_->text(); }

bool StudyRunDialog::canStart() const { return studyOk_ && (local_->isChecked() || slurm_->isEnabled()); }

}  // namespace ftw
