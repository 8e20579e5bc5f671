// SPDX-License-Identifier: GPL-3.0-or-later
// Faults of the run store while the workbench trains: a full disk, and the store file deleted under the run. Either
// way the window says so at once, training stops at a checkpoint, and nothing the store held is lost (a deleted
// store is saved beside it, this run to its end included).
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "ft/config/config_json.h"
#include "ft/config/presets.h"
#include "ft/store/run_store.h"
#include "main_window.h"
#include "training_session.h"

using namespace ftw;

namespace {

// spirals-teach, long enough (about 10 s) for a fault to land while it trains, with a checkpoint every epoch.
ft::RunConfig longSpirals() {
    nlohmann::json j = ft::preset_json("spirals-teach");
    for (const char* set : {"train.epochs=60", "edst.explore_epochs=20", "data.synthetic_samples=600",
                            "sparse.update_frequency=5", "eval.live_samples=100", "eval.boundary_resolution=16"})
        ft::apply_override(j, set);
    return ft::config_from_json(j, "spirals-teach");
}

int64_t pageCount(const QString& store) {
    // The store's size in pages, read the way SQLite counts them (page_size is 4096 here).
    return QFileInfo(store).size() / 4096;
}

}  // namespace

class TestStoreFaults : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("XDG_DATA_HOME", dir_.filePath(QStringLiteral("xdg")).toUtf8());
    }

    void aFullDiskStopsTheRunAtACheckpoint() {
        const QString store = dir_.filePath(QStringLiteral("full.sqlite"));
        int64_t earlier = 0;
        {
            auto s = ft::RunStore::open(store.toStdString());
            ft::NewRun r;
            r.name = "kept";
            r.config = {{"method", "edst"}};
            earlier = s.create_run(r);
            s.add_tag(earlier, "before the fault");
        }
        TrainingSession session;
        TrainingSession::Request request;
        request.config = longSpirals();
        request.storePath = store;
        request.checkpointDir = dir_.filePath(QStringLiteral("full-checkpoint"));
        request.writer.max_page_count = pageCount(store) + 60;  // a few epochs' worth, then "disk full"
        QSignalSpy failed(&session, &TrainingSession::storeFailed);
        QSignalSpy finished(&session, &TrainingSession::finished);
        QString error;
        QVERIFY2(session.start(request, &error), qPrintable(error));
        QVERIFY(failed.wait(60000));
        const QString why = failed.at(0).at(0).toString();
        QVERIFY2(why.startsWith(store) && why.contains(QStringLiteral("disk is full")), qPrintable(why));
        QVERIFY(finished.count() == 1 || finished.wait(60000));
        QCOMPARE(finished.at(0).at(0).value<ft::RunStatus>(), ft::RunStatus::Cancelled);  // stopped, not crashed
        QVERIFY(QFile::exists(QDir(request.checkpointDir).filePath(QStringLiteral("state.json"))));
        QCOMPARE(failed.count(), 1);

        const auto s = ft::RunStore::open(store.toStdString(), ft::StoreMode::ReadOnly);
        QCOMPARE(s.list_runs().size(), size_t(2));
        QCOMPARE(s.get_run(earlier).tags, std::vector<std::string>{"before the fault"});
        const auto run = s.get_run(session.runId());
        QVERIFY2(run.message.find("stopped recording") != std::string::npos, run.message.c_str());
        QVERIFY(run.last_step > 0);  // what was committed before the disk filled is there
    }

    void aDeletedStoreIsSavedAndTheWindowSaysWhere() {
        const QString store = dir_.filePath(QStringLiteral("deleted.sqlite"));
        MainWindow::Setup setup;
        setup.storePath = store;
        setup.restoreLayout = false;
        setup.interactive = false;
        setup.placeOnScreen = false;
        setup.userPresetDir = dir_.filePath(QStringLiteral("presets"));
        MainWindow w(setup);
        w.resize(1366, 768);
        QString error;
        QVERIFY2(w.selectPreset(QStringLiteral("spirals-teach"), &error), qPrintable(error));
        QVERIFY2(w.applyOverrides({"train.epochs=60", "edst.explore_epochs=20", "data.synthetic_samples=600",
                                   "eval.live_samples=100", "eval.boundary_resolution=16"},
                                  &error),
                 qPrintable(error));
        w.show();
        QSignalSpy finished(&w, &MainWindow::runFinished);
        w.session()->setMaxStepsPerSecond(100);  // about 5 s of training: the file goes while it trains
        QVERIFY2(w.startRun(&error), qPrintable(error));
        const qint64 id = w.session()->runId();
        QTest::qWait(1000);  // some epochs recorded
        QVERIFY(w.session()->isRunning());
        for (const char* suffix : {"", "-wal", "-shm"}) QFile::remove(store + QLatin1String(suffix));

        QMessageBox* box = nullptr;
        QVERIFY(QTest::qWaitFor(
            [&] {
                box = w.findChild<QMessageBox*>(QStringLiteral("storeFailure"));
                return box && box->isVisible();
            },
            30000));
        QVERIFY2(box->text().contains(QStringLiteral("was deleted")), qPrintable(box->text()));
        QVERIFY(!box->isModal());  // the window stays usable
        QVERIFY(finished.count() == 1 || finished.wait(60000));
        QCOMPARE(finished.at(0).at(0).value<ft::RunStatus>(), ft::RunStatus::Cancelled);
        // The dialog now says where the store went and how to go on.
        const QString saved = store + QStringLiteral(".recovered");
        QVERIFY2(box->text().contains(saved), qPrintable(box->text()));
        QVERIFY2(box->text().contains(QStringLiteral("resume run %1").arg(id)), qPrintable(box->text()));
        const auto s = ft::RunStore::open(saved.toStdString(), ft::StoreMode::ReadOnly);
        const auto run = s.get_run(id);
        QCOMPARE(run.status, ft::RunStatus::Cancelled);  // recorded to its end: resumable once moved back
        QVERIFY(run.last_step > 0);
        QVERIFY(QFile::exists(QDir(QString::fromStdString(run.checkpoint_dir)).filePath(QStringLiteral("state.json"))));
    }

private:
    QTemporaryDir dir_;
};

QTEST_MAIN(TestStoreFaults)
#include "tst_store_faults.moc"
