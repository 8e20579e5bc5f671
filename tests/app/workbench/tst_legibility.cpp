// SPDX-License-Identifier: GPL-3.0-or-later
// Legibility of the workbench window as a person sees it: two short real runs (an EDST ensemble of LeNet-5 on
// Fashion-MNIST and spirals-teach) are trained into a store, then for every perspective at 1280x720, 1366x768 and
// 1920x1080 the window is laid out and every text it draws is collected (legibility_probe.h): no text may overlap
// another, none may be cut off by its widget, no plot legend may cover plotted data and no chart may be squeezed
// below three text lines either way. The same checks run with
// every view focused alone. The test runs once more with QT_SCALE_FACTOR=2 (device pixel ratio 2).
#include <QApplication>
#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include "legibility_probe.h"
#include "main_window.h"
#include "mask_source.h"
#include "perspectives.h"
#include "run_view.h"

using namespace ftw;

namespace {

const QList<QSize> kScreens = {{1280, 720}, {1366, 768}, {1920, 1080}};

// A few seconds of real training each: every view gets real masks, tickets, curves and evaluations.
const QStringList kFashion = {"data.train_limit=1280",    "data.test_limit=500",   "train.epochs=8",
                              "edst.explore_epochs=2",    "eval.corruptions=none", "eval.ood_sets=none",
                              "sparse.update_frequency=4"};
const QStringList kSpirals = {"train.epochs=8",
                              "edst.explore_epochs=2",
                              "data.synthetic_samples=300",
                              "sparse.update_frequency=5",
                              "train.test_batch_size=300",
                              "eval.live_samples=100",
                              "eval.boundary_resolution=16"};

}  // namespace

class TestLegibility : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase() { window_.reset(); }
    void everyPerspectiveIsLegible_data();
    void everyPerspectiveIsLegible();
    void everyViewIsLegibleFocused_data();
    void everyViewIsLegibleFocused();
    void legibleWhenTheRunComesAfterThePerspective();

private:
    qint64 train(const QString& preset, const QStringList& overrides);
    void show(const QString& run);
    void settle();
    void checkLegible(const QString& what);

    QTemporaryDir dir_;
    std::unique_ptr<MainWindow> window_;
    qint64 fashionRun_ = 0, spiralsRun_ = 0;
};

void TestLegibility::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    qputenv("XDG_DATA_HOME", dir_.filePath(QStringLiteral("xdg")).toUtf8());
    MainWindow::Setup setup;
    setup.storePath = dir_.filePath(QStringLiteral("runs.sqlite"));
    setup.userPresetDir = dir_.filePath(QStringLiteral("presets"));
    setup.restoreLayout = false;
    setup.interactive = false;
    setup.placeOnScreen = false;
    window_ = std::make_unique<MainWindow>(setup);
    window_->resize(1366, 768);
    window_->show();
    fashionRun_ = train(QStringLiteral("fashion-edst"), kFashion);
    spiralsRun_ = train(QStringLiteral("spirals-teach"), kSpirals);
    window_->setTeachingMode(false);  // spirals-teach opens in it; the perspectives choose it themselves
}

qint64 TestLegibility::train(const QString& preset, const QStringList& overrides) {
    QString error;
    if (!window_->selectPreset(preset, &error) || !window_->applyOverrides(overrides, &error))
        qFatal("%s", qPrintable(error));
    QSignalSpy finished(window_.get(), &MainWindow::runFinished);
    if (!window_->startRun(&error)) qFatal("%s", qPrintable(error));
    if (!finished.wait(300000) || finished.at(0).at(0).value<ft::RunStatus>() != ft::RunStatus::Finished)
        qFatal("%s did not finish", qPrintable(preset));
    return window_->currentRun()->runId();
}

void TestLegibility::settle() {
    for (int i = 0; i < 3; ++i) {
        QApplication::processEvents();
        for (const auto& name : window_->viewNames())
            if (RunView* v = window_->runView(name); v && v->isVisible()) v->refreshNow();
        QApplication::processEvents();
    }
}

void TestLegibility::checkLegible(const QString& what) {
    settle();
    const auto texts = probe::collectTexts(window_.get());
    QVERIFY2(texts.size() > 20, qPrintable(what + QStringLiteral(": only %1 texts drawn").arg(texts.size())));
    const int line = QFontMetrics(QApplication::font()).height();
    QStringList problems = probe::overlaps(texts) + probe::clipped(texts) + probe::legendsOverData(window_.get()) +
                           probe::chartsTooSmall(window_.get(), 3 * line);
    if (window_->size() != window_->property("ftwAskedSize").toSize())
        problems.prepend(
            QStringLiteral("the window is %1x%2, larger than the screen").arg(window_->width()).arg(window_->height()));
    if (!problems.isEmpty()) {
        const int shown = std::min<int>(int(problems.size()), 25);
        QFAIL(
            qPrintable(QStringLiteral("%1: %2 problems; the first %3:\n  ").arg(what).arg(problems.size()).arg(shown) +
                       problems.mid(0, shown).join(QStringLiteral("\n  "))));
    }
}

void TestLegibility::show(const QString& run) {
    const qint64 id = run == QLatin1String("fashion") ? fashionRun_ : spiralsRun_;
    if (window_->currentRun() && window_->currentRun()->runId() == id) return;
    QSignalSpy shown(window_.get(), &MainWindow::runShown);
    QString error;
    QVERIFY2(window_->openRun(id, &error), qPrintable(error));
    if (shown.isEmpty()) QVERIFY(shown.wait(30000));  // the live run is shown at once
    // The masks the views ask for come from the store; let them arrive before looking.
    QTRY_VERIFY_WITH_TIMEOUT(!window_->currentRun()->maskSource() || window_->currentRun()->maskSource()->idle(),
                             20000);
}

void TestLegibility::everyPerspectiveIsLegible_data() {
    QTest::addColumn<QString>("run");
    QTest::addColumn<QSize>("screen");
    QTest::addColumn<int>("perspective");
    for (const QString run : {"fashion", "spirals"})
        for (const auto& p : perspectives())
            for (const QSize& s : kScreens)
                QTest::addRow("%s %s %dx%d", qPrintable(run), qPrintable(p.key), s.width(), s.height())
                    << run << s << int(p.id);
}

void TestLegibility::everyPerspectiveIsLegible() {
    QFETCH(QString, run);
    QFETCH(QSize, screen);
    QFETCH(int, perspective);
    show(run);
    window_->setPerspective(Perspective(perspective));
    window_->setProperty("ftwAskedSize", screen);
    window_->resize(screen);
    checkLegible(perspectiveInfo(Perspective(perspective)).key);
}

void TestLegibility::everyViewIsLegibleFocused_data() {
    QTest::addColumn<QString>("run");
    QTest::addColumn<QString>("view");
    for (const QString run : {"fashion", "spirals"})
        for (const QString view :
             {"mask", "boundary", "curves", "density", "diversity", "calibration", "experiment", "runs", "log"})
            QTest::addRow("%s %s", qPrintable(run), qPrintable(view)) << run << view;
}

void TestLegibility::everyViewIsLegibleFocused() {
    QFETCH(QString, run);
    QFETCH(QString, view);
    show(run);
    window_->setPerspective(Perspective::Watch);
    QVERIFY(window_->focusView(view));
    QCOMPARE(window_->focusedView(), view);
    const QSize screen(1280, 720);
    window_->setProperty("ftwAskedSize", screen);
    window_->resize(screen);
    checkLegible(QStringLiteral("focused ") + view);
    window_->unfocusView();
}

void TestLegibility::legibleWhenTheRunComesAfterThePerspective() {
    // The order of a command line like `--perspective teach --open-run N`: the fonts and the arrangement change
    // first, the run's views are built after.
    MainWindow::Setup setup;
    setup.storePath = dir_.filePath(QStringLiteral("runs.sqlite"));
    setup.restoreLayout = false;
    setup.interactive = false;
    setup.placeOnScreen = false;
    auto first = std::make_unique<MainWindow>(setup);
    window_.swap(first);
    window_->resize(1366, 768);
    window_->show();
    for (const auto p : {Perspective::Teach, Perspective::Compare, Perspective::Watch}) {
        window_->setPerspective(p);
        const qint64 before = window_->currentRun() ? window_->currentRun()->runId() : 0;
        show(before == fashionRun_ ? QStringLiteral("spirals") : QStringLiteral("fashion"));
        window_->setProperty("ftwAskedSize", QSize(1366, 768));
        checkLegible(perspectiveInfo(p).key + QStringLiteral(" first"));
    }
    window_.swap(first);
}

QTEST_MAIN(TestLegibility)
#include "tst_legibility.moc"
