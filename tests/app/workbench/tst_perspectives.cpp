// SPDX-License-Identifier: GPL-3.0-or-later
// The window by task: each perspective shows its views; a user's arrangement of a perspective is kept when
// switching and across windows, Reset brings the default back, and a layout saved by another layout version is
// ignored; focusing a view fills the window and restores it; Ctrl+1..7 switch; teaching mode is the Teach
// perspective. Also: where the window opens on screens of several sizes, and the experiment form following the run
// on screen (a stored run's own settings, read-only, with "Edit as new experiment").
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "config_form.h"
#include "experiment_panel.h"
#include "ft/store/store_writer.h"
#include "main_window.h"
#include "perspectives.h"
#include "window_fit.h"
#include "workbench_settings.h"

using namespace ftw;

namespace {
QStringList visibleDocks(MainWindow& w) {
    QStringList out;
    for (const auto& name : w.viewNames())
        if (w.dock(name)->isVisible()) out << name;
    out.sort();
    return out;
}
}  // namespace

class TestPerspectives : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(dir_.isValid());
        qputenv("XDG_DATA_HOME", dir_.filePath(QStringLiteral("xdg")).toUtf8());
        QSettings().clear();
    }
    void cleanup() { QSettings().clear(); }

    void eachPerspectiveShowsItsViews() {
        auto w = window(false);
        const QStringList expected[] = {
            {"experiment", "log", "runs"},
            {"curves", "density", "mask"},
            {"density", "mask"},
            {"calibration", "diversity"},
            {"calibration", "curves", "runs"},
            {"curves", "mask"},  // Teach on Fashion-MNIST: no decision boundary
            {"runs", "study"},
        };
        for (const auto& info : perspectives()) {
            w->setPerspective(info.id);
            QCOMPARE(w->perspective(), info.id);
            QCOMPARE(visibleDocks(*w), expected[int(info.id)]);
        }
        QString error;
        QVERIFY2(w->selectPreset(QStringLiteral("spirals-teach"), &error), qPrintable(error));  // 2-D data
        QCOMPARE(w->perspective(), Perspective::Teach);  // the teaching demo opens in it
        QCOMPARE(visibleDocks(*w), (QStringList{"boundary", "mask"}));
        w->setPerspective(Perspective::Watch);
        QCOMPARE(visibleDocks(*w), (QStringList{"boundary", "curves", "mask"}));
    }

    void aUserArrangementIsKeptAndResetBringsTheDefaultBack() {
        auto w = window(false);
        w->setPerspective(Perspective::Watch);
        w->dock(QStringLiteral("density"))->close();  // the user closes a view
        QVERIFY(!w->perspectives()->isDefault());
        w->setPerspective(Perspective::Masks);
        QVERIFY(w->dock(QStringLiteral("density"))->isVisible());  // Masks has its own arrangement
        w->setPerspective(Perspective::Watch);
        QCOMPARE(visibleDocks(*w), (QStringList{"curves", "mask"}));
        w->perspectives()->reset();
        QCOMPARE(visibleDocks(*w), (QStringList{"curves", "density", "mask"}));
        QVERIFY(w->perspectives()->isDefault());
    }

    void arrangementsOutliveTheWindowAndOtherVersionsAreIgnored() {
        {
            auto w = window(true);
            w->setPerspective(Perspective::Tickets);
            w->dock(QStringLiteral("calibration"))->close();
            w->close();  // saves
        }
        {
            auto w = window(true);
            QCOMPARE(w->perspective(), Perspective::Tickets);  // where the user left
            QCOMPARE(visibleDocks(*w), (QStringList{"diversity"}));
            w->setPerspective(Perspective::Watch);
            QCOMPARE(visibleDocks(*w), (QStringList{"curves", "density", "mask"}));
        }
        // A state written by a window of another layout version (other docks) is not forced onto this one.
        QSettings().setValue(
            QString::fromLatin1(WorkbenchSettings::Keys::perspectiveStatePrefix) + QStringLiteral("tickets"),
            QMainWindow().saveState(WorkbenchSettings::kLayoutVersion + 7));
        auto w = window(true);
        w->setPerspective(Perspective::Tickets);
        QCOMPARE(visibleDocks(*w), (QStringList{"calibration", "diversity"}));
    }

    void aFocusedViewFillsTheWindowUntilFocusedAgain() {
        auto w = window(false);
        w->setPerspective(Perspective::Watch);
        QVERIFY(w->focusView(QStringLiteral("mask")));
        QCOMPARE(visibleDocks(*w), (QStringList{"mask"}));
        QCOMPARE(w->focusedView(), QStringLiteral("mask"));
        QVERIFY(w->focusView(QStringLiteral("mask")));  // again: back
        QCOMPARE(visibleDocks(*w), (QStringList{"curves", "density", "mask"}));
        QVERIFY(!w->focusView(QStringLiteral("nothing")));
        // A double-click on a view's title focuses it (instead of floating the dock), a second one restores.
        QDockWidget* d = w->dock(QStringLiteral("curves"));
        const QPoint title(d->width() / 2, d->widget()->geometry().top() / 2);
        QTest::mouseDClick(d, Qt::LeftButton, Qt::NoModifier, title);
        QCOMPARE(w->focusedView(), QStringLiteral("curves"));
        QVERIFY(!d->isFloating());
        QTest::mouseDClick(d, Qt::LeftButton, Qt::NoModifier, title);
        QCOMPARE(w->focusedView(), QString());
        // Choosing a perspective ends the focus.
        QVERIFY(w->focusView(QStringLiteral("density")));
        w->setPerspective(Perspective::Tickets);
        QCOMPARE(w->focusedView(), QString());
        QCOMPARE(visibleDocks(*w), (QStringList{"calibration", "diversity"}));
    }

    void ctrlDigitsSwitchPerspectives() {
        auto w = window(false);
        int digit = 1;
        for (const auto& info : perspectives()) {
            auto* a = w->findChild<QAction*>(QStringLiteral("perspective.") + info.key);
            QVERIFY(a);
            QCOMPARE(a->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_0 + digit++)));
            a->trigger();
            QCOMPARE(w->perspective(), info.id);
            QVERIFY(a->isChecked());
        }
    }

    void teachingModeIsTheTeachPerspective() {
        const QFont base = QApplication::font();
        auto w = window(false);
        w->setPerspective(Perspective::Masks);
        w->setTeachingMode(true);
        QCOMPARE(w->perspective(), Perspective::Teach);
        QVERIFY(QApplication::font().pointSizeF() > base.pointSizeF());
        w->setTeachingMode(false);
        QCOMPARE(w->perspective(), Perspective::Masks);  // back where the teacher came from
        QCOMPARE(QApplication::font(), base);
    }

    void theWindowOpensWithinTheScreen_data() {
        QTest::addColumn<QRect>("saved");
        QTest::addColumn<QRect>("available");
        QTest::addColumn<bool>("maximized");
        QTest::newRow("laptop, first start") << QRect() << QRect(0, 0, 1366, 740) << true;
        QTest::newRow("small, first start") << QRect() << QRect(0, 27, 1280, 693) << true;
        QTest::newRow("large, first start") << QRect() << QRect(0, 0, 2560, 1400) << false;
        QTest::newRow("saved larger than this screen") << QRect(100, 80, 1920, 1080) << QRect(0, 0, 1366, 740) << false;
        QTest::newRow("saved off screen") << QRect(3000, 2000, 800, 600) << QRect(0, 0, 1920, 1050) << false;
    }

    void theWindowOpensWithinTheScreen() {
        QFETCH(QRect, saved);
        QFETCH(QRect, available);
        QFETCH(bool, maximized);
        const WindowPlacement p = placeWindow(saved, available);
        QVERIFY2(available.contains(p.geometry), qPrintable(QStringLiteral("%1,%2 %3x%4")
                                                                .arg(p.geometry.x())
                                                                .arg(p.geometry.y())
                                                                .arg(p.geometry.width())
                                                                .arg(p.geometry.height())));
        QCOMPARE(p.maximized, maximized);
        if (saved.isValid()) QCOMPARE(p.geometry.size(), saved.size().boundedTo(available.size()));
    }

    void theFormShowsTheSettingsOfTheShownRun() {
        // A stored run of another model than the form's preset.
        const QString path = dir_.filePath(QStringLiteral("form.sqlite"));
        ft::NewRun nr;
        nr.name = "mlp-run";
        nr.method = ft::Method::Dst;
        nr.seeds = {1};
        nlohmann::json config = nlohmann::json::parse(R"({"name": "mlp-run", "method": "dst",
            "model": {"name": "mlp", "hidden": [32, 16]}, "data": {"name": "moons"}})");
        nr.config = config;
        int64_t id = 0;
        {
            ft::StoreWriter writer(path.toStdString(), nr);
            id = writer.run_id();
            ft::RunStarted s;
            s.method = ft::Method::Dst;
            s.plan.total_steps = 10;
            writer.on_event(s);
            writer.on_event(ft::RunFinished{ft::RunStatus::Finished, "", 1.0});
            writer.close();
        }
        MainWindow::Setup setup = quietSetup();
        setup.storePath = path;
        MainWindow w(setup);
        QString error;
        QVERIFY2(w.selectPreset(QStringLiteral("fashion-edst"), &error), qPrintable(error));
        w.show();
        ConfigForm* form = w.experiment()->form();
        QCOMPARE(form->fieldText(QStringLiteral("model.name")), QStringLiteral("lenet5"));
        QSignalSpy shown(&w, &MainWindow::runShown);
        QVERIFY2(w.openRun(id, &error), qPrintable(error));
        QVERIFY(shown.wait(10000));
        QCOMPARE(form->fieldText(QStringLiteral("model.name")), QStringLiteral("mlp"));
        QCOMPARE(form->fieldText(QStringLiteral("data.name")), QStringLiteral("moons"));
        QVERIFY(w.experiment()->showingRun());
        auto* edit = w.experiment()->findChild<QPushButton*>(QStringLiteral("editAsNew"));
        QVERIFY(edit && edit->isVisibleTo(w.experiment()) && edit->isEnabled());
        edit->click();
        QVERIFY(!w.experiment()->showingRun());
        QCOMPARE(form->fieldText(QStringLiteral("model.name")), QStringLiteral("mlp"));  // now the user's draft
        QVERIFY(form->isValid());
    }

private:
    MainWindow::Setup quietSetup() const {
        MainWindow::Setup setup;
        setup.storePath = dir_.filePath(QStringLiteral("runs.sqlite"));
        setup.userPresetDir = dir_.filePath(QStringLiteral("presets"));
        setup.restoreLayout = false;
        setup.interactive = false;
        setup.placeOnScreen = false;
        return setup;
    }

    // persistent: the window reads and writes the (test-mode) settings, as the program does.
    std::unique_ptr<MainWindow> window(bool persistent) {
        MainWindow::Setup setup = quietSetup();
        setup.restoreLayout = persistent;
        auto w = std::make_unique<MainWindow>(setup);
        QString error;
        if (!persistent && !w->selectPreset(QStringLiteral("fashion-edst"), &error)) qFatal("%s", qPrintable(error));
        w->resize(1366, 768);
        w->show();
        if (!QTest::qWaitForWindowExposed(w.get())) qFatal("window not exposed");
        return w;
    }

    QTemporaryDir dir_;
};

QTEST_MAIN(TestPerspectives)
#include "tst_perspectives.moc"
