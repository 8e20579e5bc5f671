// SPDX-License-Identifier: GPL-3.0-or-later
// JobTracker: results come back on the tracker's thread; a newer job of the same kind makes the older one stale
// and its result is dropped, not delivered; cancel() drops a running job's result; other kinds are unaffected;
// a tracker destroyed with a job running waits for it and delivers nothing.
#include <QSemaphore>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <memory>

#include "job_tracker.h"

using namespace ftw;

class TestJobTracker : public QObject {
    Q_OBJECT
private slots:
    void resultsArriveOnTheTrackersThread() {
        JobTracker jobs;
        QThread* worker = nullptr;
        QThread* delivered = nullptr;
        int value = 0;
        jobs.start<int>(
            "open",
            [&] {
                worker = QThread::currentThread();
                return 42;
            },
            [&](int v) {
                delivered = QThread::currentThread();
                value = v;
            });
        QTRY_COMPARE(value, 42);
        QVERIFY(worker != QThread::currentThread());
        QCOMPARE(delivered, QThread::currentThread());
    }

    void aNewerJobOfTheSameKindMakesTheOlderStale() {
        JobTracker jobs;
        QSemaphore release;
        QStringList delivered;
        jobs.start<QString>(
            "open",
            [&] {
                release.acquire();
                return QStringLiteral("first");
            },
            [&](QString s) { delivered << s; });
        jobs.start<QString>(
            "open", [] { return QStringLiteral("second"); }, [&](QString s) { delivered << s; });
        jobs.start<QString>(
            "overlay", [] { return QStringLiteral("other kind"); }, [&](QString s) { delivered << s; });
        QSignalSpy finished(&jobs, &JobTracker::finished);
        release.release();
        QTRY_COMPARE(finished.count(), 3);
        QCOMPARE(delivered, (QStringList{"second", "other kind"}));
        QCOMPARE(jobs.dropped(), qint64(1));
        QVERIFY(!jobs.busy("open"));
    }

    void cancelDropsTheRunningJobsResult() {
        JobTracker jobs;
        QSemaphore release;
        bool delivered = false;
        jobs.start<int>(
            "follow",
            [&] {
                release.acquire();
                return 1;
            },
            [&](int) { delivered = true; });
        QVERIFY(jobs.busy("follow"));
        jobs.cancel("follow");
        QSignalSpy finished(&jobs, &JobTracker::finished);
        release.release();
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.at(0).at(2).toBool(), false);
        QVERIFY(!delivered);
    }

    void aDestroyedTrackerWaitsAndDeliversNothing() {
        auto delivered = std::make_shared<std::atomic<bool>>(false);
        auto ran = std::make_shared<std::atomic<bool>>(false);
        {
            JobTracker jobs;
            jobs.start<int>(
                "open",
                [ran] {
                    QThread::msleep(200);
                    *ran = true;
                    return 1;
                },
                [delivered](int) { *delivered = true; });
        }  // waits for the job
        QVERIFY(ran->load());
        QCoreApplication::processEvents();
        QVERIFY(!delivered->load());
    }
};

QTEST_GUILESS_MAIN(TestJobTracker)
#include "tst_job_tracker.moc"
