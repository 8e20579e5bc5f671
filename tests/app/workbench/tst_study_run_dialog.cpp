// SPDX-License-Identifier: GPL-3.0-or-later
// "Run a study…": the command line each choice becomes, Slurm offered only when its controller answers, and a
// study that cannot run named with its error before anything starts.
#include <QFile>
#include <QLabel>
#include <QRadioButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "study_run_dialog.h"

using namespace ftw;

class TestStudyRunDialog : public QObject {
    Q_OBJECT
private slots:
    void localRunsGiveTheJobCount() {
        StudyLaunch l;
        l.study = QStringLiteral("spirals-density");
        l.jobs = 2;
        QString error;
        const auto args = studyRunArguments(l, QStringLiteral("/tmp/s.sqlite"), &error);
        QVERIFY2(args, qPrintable(error));
        QCOMPARE(*args, (QStringList{"study", "run", "spirals-density", "--db", "/tmp/s.sqlite", "--jobs", "2"}));
    }

    void slurmRunsGiveOnlyTheFlagsSet() {
        StudyLaunch l;
        l.study = QStringLiteral("/data/sweep.json");
        l.slurm = true;
        l.jobs = 0;  // every run queued at once: no --jobs
        l.partition = QStringLiteral(" debug ");
        l.gres = QStringLiteral("gpu:1");
        l.extraArgs = QStringLiteral("--mem=4G  --comment=\"two words\"");
        QString error;
        const auto args = studyRunArguments(l, QStringLiteral("s.sqlite"), &error);
        QVERIFY2(args, qPrintable(error));
        QCOMPARE(*args, (QStringList{"study", "run", "/data/sweep.json", "--db", "s.sqlite", "--executor", "slurm",
                                     "--partition", "debug", "--gres", "gpu:1", "--sbatch-arg=--mem=4G",
                                     "--sbatch-arg=--comment=two words"}));
        l.jobs = 4;
        l.timeLimit = QStringLiteral("1:00:00");
        l.cpusPerTask = 2;
        l.extraArgs.clear();
        const auto more = studyRunArguments(l, QStringLiteral("s.sqlite"), &error);
        QVERIFY(more);
        QVERIFY(more->join(' ').contains(QStringLiteral("--jobs 4")));
        QVERIFY(more->join(' ').contains(QStringLiteral("--time 1:00:00")));
        QVERIFY(more->join(' ').contains(QStringLiteral("--cpus-per-task 2")));
    }

    void anUnclosedQuoteIsRefused() {
        StudyLaunch l;
        l.study = QStringLiteral("x");
        l.slurm = true;
        l.extraArgs = QStringLiteral("--comment=\"oops");
        QString error;
        QVERIFY(!studyRunArguments(l, QStringLiteral("s.sqlite"), &error));
        QVERIFY2(error.contains(QStringLiteral("--comment=\"oops")) && error.contains(QStringLiteral("not closed")),
                 qPrintable(error));
    }

    void aShippedStudyIsReadAtOnce() {
        StudyRunDialog d;
        d.chooseStudy(QStringLiteral("fashion-claims"));
        QVERIFY2(d.summaryText().contains(QStringLiteral("5 points × 3 seeds = 15 runs")), qPrintable(d.summaryText()));
        QVERIFY(d.canStart());
        QCOMPARE(d.launch().study, QStringLiteral("fashion-claims"));
        QVERIFY(!d.launch().slurm);
    }

    void slurmIsOfferedOnlyWhenItAnswers() {
        StudyRunDialog d;
        auto* slurm = d.findChild<QRadioButton*>(QStringLiteral("executorSlurm"));
        QVERIFY(slurm);
        QVERIFY(!slurm->isEnabled());  // until the check says
        d.setSlurmAvailability(std::nullopt);
        QVERIFY(slurm->isEnabled());
        slurm->setChecked(true);
        QVERIFY(d.launch().slurm);
        QVERIFY(d.canStart());
        d.setSlurmAvailability(QStringLiteral("Slurm's 'sbatch' is not on PATH"));
        QVERIFY(!slurm->isEnabled());
        QVERIFY(!d.launch().slurm);  // back on this machine
        auto* state = d.findChild<QLabel*>(QStringLiteral("slurmState"));
        QVERIFY(state && state->text().contains(QStringLiteral("'sbatch' is not on PATH")));
    }

    void aBadStudyFileIsNamedAndCannotStart() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"name": "bad", "base": "spirals-teach", "grid": {"sparse.density": [1.5]}, "seeds": [1]})");
        f.close();
        StudyRunDialog d;
        d.chooseStudy(path);
        QVERIFY(!d.canStart());
        const QString text = d.summaryText();
        QVERIFY2(text.startsWith(QStringLiteral("Cannot run this study")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("bad.json")) && text.contains(QStringLiteral("sparse.density")),
                 qPrintable(text));
        d.chooseStudy(QStringLiteral("spirals-density"));  // another choice clears it
        QVERIFY(d.canStart());
    }

    void jobsAreBoundedByTheCores() {
        StudyRunDialog d;
        auto* jobs = d.findChild<QSpinBox*>(QStringLiteral("localJobs"));
        QVERIFY(jobs);
        QCOMPARE(jobs->maximum(), std::max(1, QThread::idealThreadCount()));
        jobs->setValue(jobs->maximum());
        QCOMPARE(d.launch().jobs, jobs->maximum());
    }
};

QTEST_MAIN(TestStudyRunDialog)
#include "tst_study_run_dialog.moc"
