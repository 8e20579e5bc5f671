// SPDX-License-Identifier: GPL-3.0-or-later
// End to end, offscreen: the workbench trains a shortened spirals-teach on its training thread and the stored run is
// complete (finished, three tickets, mask updates, evaluations) and shown by the views; a run is paused at the next
// mask update on request; a cancelled run is checkpointed and resumes to the end; closing during a run asks first.
#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QImage>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "export_dialog.h"
#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "main_window.h"
#include "run_data.h"
#include "run_view.h"
#include "store_follower.h"
#include "training_session.h"

using namespace ftw;

namespace {

// spirals-teach, shortened to seconds: 3 tickets, t_ex = 2, t_re = 2, a mask update every 5 steps.
const QStringList kShort = {"train.epochs=8",
                            "edst.explore_epochs=2",
                            "ensemble.members=3",
                            "data.synthetic_samples=300",
                            "sparse.update_frequency=5",
                            "train.test_batch_size=300",
                            "eval.live_samples=100",
                            "eval.boundary_resolution=16"};

}  // namespace

class TestWorkbenchE2E : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale::c());  // numbers in the status bar as "100.0"
        QVERIFY(dir_.isValid());
        qputenv("XDG_DATA_HOME", dir_.filePath(QStringLiteral("xdg")).toUtf8());  // checkpoints go here
    }

    // A window on the test's store, with no saved layout and no dialogs.
    MainWindow::Setup quietSetup(const QString& store = {}) {
        MainWindow::Setup setup;
        setup.storePath = store.isEmpty() ? dir_.filePath(QStringLiteral("runs.sqlite")) : store;
        setup.restoreLayout = false;
        setup.interactive = false;
        setup.placeOnScreen = false;
        return setup;
    }

    std::unique_ptr<MainWindow> makeWindow(bool interactive = false) {
        MainWindow::Setup setup = quietSetup();
        setup.userPresetDir = dir_.filePath(QStringLiteral("presets"));
        setup.interactive = interactive;
        auto w = std::make_unique<MainWindow>(setup);
        w->resize(1400, 900);
        QString error;
        if (!w->selectPreset(QStringLiteral("spirals-teach"), &error)) qFatal("%s", qPrintable(error));
        if (!w->applyOverrides(kShort, &error)) qFatal("%s", qPrintable(error));
        w->show();
        return w;
    }

    void trainsSpiralsTeachAndStoresTheRun() {
        auto w = makeWindow();
        QVERIFY(w->dock(QStringLiteral("boundary"))->isVisible());  // 2-D data: the boundary next to the masks
        QSignalSpy finished(w.get(), &MainWindow::runFinished);
        QSignalSpy evaluations(w.get(), &MainWindow::evaluationShown);
        QString error;
        QVERIFY2(w->startRun(&error), qPrintable(error));
        QVERIFY(w->isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.at(0).at(0).value<ft::RunStatus>(), ft::RunStatus::Finished);
        QVERIFY(evaluations.count() >= 1);
        const qint64 id = w->session()->runId();

        auto store =
            ft::RunStore::open(dir_.filePath(QStringLiteral("runs.sqlite")).toStdString(), ft::StoreMode::ReadOnly);
        const auto run = store.get_run(id);
        QCOMPARE(run.status, ft::RunStatus::Finished);
        QCOMPARE(QString::fromStdString(ft::to_string(run.method)), QStringLiteral("edst"));
        QCOMPARE(store.tickets(id).size(), size_t(3));
        const int64_t updates = store.mask_update_count(id, 0);
        QVERIFY2(updates > 3, qPrintable(QString::number(updates)));
        bool ensemble = false;
        for (const auto& e : store.evaluations(id))
            ensemble = ensemble || (e.member == -1 && e.split == ft::EvalSplit::test());
        QVERIFY(ensemble);
        QVERIFY(!run.checkpoint_dir.empty());

        // The views show the live run exactly as stored: every mask update, the tickets, the final status.
        RunData* data = w->currentRun();
        QVERIFY(data);
        QCOMPARE(data->runId(), id);
        QCOMPARE(int64_t(data->maskUpdates(0).size()), updates);
        QCOMPARE(data->tickets().size(), size_t(3));
        QCOMPARE(data->status(), std::optional(ft::RunStatus::Finished));
        QVERIFY(data->hasDataPoints());
        for (const auto& name : w->viewNames())
            if (RunView* v = w->runView(name)) QCOMPARE(v->runData(), data);

        // The app's own screenshot of a view.
        const QString shot = dir_.filePath(QStringLiteral("mask.png"));
        QVERIFY2(w->saveScreenshot(shot, QStringLiteral("mask"), &error), qPrintable(error));
        QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 100 && image.height() > 100);
        QVERIFY(w->statusText().contains(QStringLiteral("100.0")));

        // Export: any view as a figure at a chosen size, or its data; the suffix picks the format.
        for (const char* suffix : {"png", "svg", "pdf", "csv"}) {
            const QString path = dir_.filePath(QStringLiteral("calibration.") + QLatin1String(suffix));
            QVERIFY2(ExportDialog::exportView(w->runView(QStringLiteral("calibration")), path, QSize(800, 500), &error),
                     qPrintable(error));
            QVERIFY2(QFileInfo(path).size() > 100, suffix);
        }
        QCOMPARE(QImage(dir_.filePath(QStringLiteral("calibration.png"))).size(), QSize(800, 500));
        const QString bad = dir_.filePath(QStringLiteral("calibration.jpg"));
        QVERIFY(!ExportDialog::exportView(w->runView(QStringLiteral("calibration")), bad, QSize(800, 500), &error));
        QVERIFY(error.contains(bad));
    }

    void stepsToTheNextMaskUpdate() {
        auto w = makeWindow();
        w->setStepsPerSecond(40);  // slow enough to catch it between updates
        QString error;
        QVERIFY2(w->startRun(&error), qPrintable(error));
        QSignalSpy paused(w->session(), &TrainingSession::pausedChanged);
        QTRY_VERIFY_WITH_TIMEOUT(w->currentRun() && w->currentRun()->started(), 30000);
        w->session()->pause();
        QVERIFY(w->session()->isPaused());
        // The pause takes effect at the next step boundary, and events already published are still on their way
        // to the GUI (slowly on a loaded machine): count only once the GUI's view of the run has stopped moving.
        auto settled = [&] {
            const auto step = w->currentRun()->lastStep();
            QTest::qWait(400);
            return w->currentRun()->lastStep() == step;
        };
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 20000);
        const auto before = w->currentRun()->maskUpdates(0).size();
        const auto stepBefore = w->currentRun()->lastStep();
        paused.clear();
        w->session()->stepToNextMaskUpdate();                  // resumes; the next step may already be the update
        QTRY_VERIFY_WITH_TIMEOUT(paused.count() >= 2, 20000);  // resumed, then paused again
        QVERIFY(w->session()->isPaused());
        QTest::qWait(300);  // the last events reach the GUI; a paused run publishes nothing more
        const auto& updates = w->currentRun()->maskUpdates(0);
        QCOMPARE(updates.size(), before + 1);
        QVERIFY(!updates.back().initial);
        QVERIFY(w->currentRun()->lastStep() > stepBefore);
        QCOMPARE(w->currentRun()->lastStep(), updates.back().step);  // stopped right after the update
        const auto stepPaused = w->currentRun()->lastStep();
        QTest::qWait(400);
        QCOMPARE(w->currentRun()->lastStep(), stepPaused);
        QSignalSpy finished(w.get(), &MainWindow::runFinished);
        w->session()->cancel();
        QVERIFY(finished.wait(60000));
    }

    void aCancelledRunIsCheckpointedAndResumes() {
        auto w = makeWindow();
        w->setStepsPerSecond(30);  // the whole run is about 40 steps: cancel well before its end
        QSignalSpy finished(w.get(), &MainWindow::runFinished);
        QString error;
        QVERIFY2(w->startRun(&error), qPrintable(error));
        const qint64 id = w->session()->runId();
        QTRY_VERIFY_WITH_TIMEOUT(w->currentRun()->lastStep() >= 8, 30000);
        w->session()->cancel();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.at(0).at(0).value<ft::RunStatus>(), ft::RunStatus::Cancelled);
        {
            auto store =
                ft::RunStore::open(dir_.filePath(QStringLiteral("runs.sqlite")).toStdString(), ft::StoreMode::ReadOnly);
            const auto run = store.get_run(id);
            QCOMPARE(run.status, ft::RunStatus::Cancelled);
            QVERIFY(QFileInfo::exists(
                QDir(QString::fromStdString(run.checkpoint_dir)).filePath(QStringLiteral("state.json"))));
        }
        w->setStepsPerSecond(0);
        finished.clear();
        QVERIFY2(w->resumeRun(id, &error), qPrintable(error));
        QCOMPARE(w->session()->runId(), id);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.at(0).at(0).value<ft::RunStatus>(), ft::RunStatus::Finished);
        auto store =
            ft::RunStore::open(dir_.filePath(QStringLiteral("runs.sqlite")).toStdString(), ft::StoreMode::ReadOnly);
        QCOMPARE(store.get_run(id).status, ft::RunStatus::Finished);
        QCOMPARE(store.tickets(id).size(), size_t(3));
    }

    void closingDuringARunAsksFirst() {
        auto w = makeWindow(/*interactive=*/true);
        w->setStepsPerSecond(15);  // about 3 s for the whole run: time for two questions
        QString error;
        QVERIFY2(w->startRun(&error), qPrintable(error));
        QSignalSpy finished(w.get(), &MainWindow::runFinished);
        auto answer = [](QMessageBox::StandardButton button) {
            QTimer::singleShot(200, [button] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                if (box) box->button(button)->click();
            });
        };
        answer(QMessageBox::No);
        QVERIFY(!w->close());  // "keep running"
        QVERIFY(w->isVisible());
        QVERIFY(w->isRunning());
        answer(QMessageBox::Yes);
        QVERIFY(!w->close());  // the window waits for the checkpoint, then closes itself
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.at(0).at(0).value<ft::RunStatus>(), ft::RunStatus::Cancelled);
        QTRY_VERIFY_WITH_TIMEOUT(!w->isVisible(), 5000);
    }

    void showsTheDecisionBoundaryOnlyFor2DData() {
        MainWindow w(quietSetup());
        QString error;
        QVERIFY2(w.selectPreset(QStringLiteral("fashion-edst"), &error), qPrintable(error));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(!w.dock(QStringLiteral("boundary"))->isVisible());
        QVERIFY(w.dock(QStringLiteral("mask"))->isVisible());
        QVERIFY2(w.selectPreset(QStringLiteral("spirals-teach"), &error), qPrintable(error));
        QVERIFY(w.dock(QStringLiteral("boundary"))->isVisible());
        QVERIFY(w.teachingMode());  // the teaching demo switches teaching mode on
    }

    // The Teach perspective (the decision boundary and the masks, in teaching mode's larger font) fits a
    // 1280-pixel-wide screen. Earlier windows of this test ran in teaching mode too, so this also checks that a
    // closed window leaves the application font as it found it.
    void defaultLayoutFitsASmallScreen() {
        const QFont before = QApplication::font();
        MainWindow w(quietSetup());
        QString error;
        QVERIFY2(w.selectPreset(QStringLiteral("spirals-teach"), &error), qPrintable(error));
        w.resize(1280, 720);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.dock(QStringLiteral("boundary"))->isVisible());
        QVERIFY2(w.minimumSizeHint().width() <= 1280, qPrintable(QString::number(w.minimumSizeHint().width())));
        QCOMPARE(w.width(), 1280);
        QVERIFY(w.teachingMode());
        QVERIFY(QApplication::font().pointSizeF() > before.pointSizeF());
    }

    void aClosedWindowRestoresTheApplicationFont() {
        const QFont before = QApplication::font();
        {
            MainWindow w(quietSetup());
            w.setTeachingMode(true);
            QVERIFY(QApplication::font().pointSizeF() > before.pointSizeF());
        }
        QCOMPARE(QApplication::font(), before);
    }

    void followsARunThatAnotherWriterRecords() {
        // A headless `freetickets train` records through a StoreWriter of its own; the window only reads the file.
        const QString path = dir_.filePath(QStringLiteral("headless.sqlite"));
        ft::NewRun nr;
        nr.name = "headless";
        nr.method = ft::Method::Dst;
        nr.seeds = {1};
        auto writer = std::make_unique<ft::StoreWriter>(path.toStdString(), nr);
        const int64_t id = writer->run_id();
        ft::RunStarted started;
        started.method = ft::Method::Dst;
        started.plan.total_steps = 100;
        started.layers.push_back({"fc", {10, 10}, 0.5, 1});
        writer->on_event(started);
        for (int64_t s = 1; s <= 20; ++s) writer->on_event(ft::StepMetrics{0, s, 1, 1.0 / double(s), 0.5, 0.1, 0.3});
        writer->flush();

        MainWindow w(quietSetup(path));
        w.show();
        QString error;
        QSignalSpy shown(&w, &MainWindow::runShown);
        QVERIFY2(w.openRun(id, &error), qPrintable(error));
        QVERIFY(shown.wait(10000));  // read off the GUI thread
        QVERIFY(w.follower()->isFollowing());
        QCOMPARE(w.currentRun()->lastStep(), int64_t(20));

        for (int64_t s = 21; s <= 60; ++s) writer->on_event(ft::StepMetrics{0, s, 1, 1.0 / double(s), 0.5, 0.1, 0.3});
        writer->flush();
        QTRY_COMPARE_WITH_TIMEOUT(w.currentRun()->lastStep(), int64_t(60), 5000);  // polled once a second
        QCOMPARE(w.currentRun()->runId(), id);
        writer->on_event(ft::RunFinished{ft::RunStatus::Finished, "", 3.0});
        writer->close();
        QTRY_COMPARE_WITH_TIMEOUT(w.currentRun()->status(), std::optional(ft::RunStatus::Finished), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.follower()->isFollowing(), 5000);  // a finished run is not polled any more
    }

private:
    QTemporaryDir dir_;
};

QTEST_MAIN(TestWorkbenchE2E)
#include "tst_workbench_e2e.moc"
