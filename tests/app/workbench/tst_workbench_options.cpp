// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's command line: each flag is read, bad values are refused with a message naming the flag and the
// value, and the store defaults to the CLI's file.
#include <QtTest>

#include "workbench_options.h"

using namespace ftw;

namespace {
bool parse(QStringList args, WorkbenchOptions* o, QString* message) {
    args.prepend(QStringLiteral("freetickets-workbench"));
    return parseWorkbenchOptions(args, o, message);
}
}  // namespace

class TestWorkbenchOptions : public QObject {
    Q_OBJECT
private slots:
    void readsEveryFlag() {
        WorkbenchOptions o;
        QString m;
        QVERIFY2(parse({"--preset",
                        "spirals-teach",
                        "--set",
                        "train.epochs=8",
                        "--set",
                        "sparse.density=0.1",
                        "--db",
                        "/tmp/x.sqlite",
                        "--screenshot",
                        "shot.png",
                        "--screenshot-view",
                        "mask",
                        "--quit-after",
                        "2.5",
                        "--teaching",
                        "--stats",
                        "s.json",
                        "--lang",
                        "de",
                        "--theme",
                        "dark"},
                       &o, &m),
                 qPrintable(m));
        QCOMPARE(o.preset, QStringLiteral("spirals-teach"));
        QCOMPARE(o.overrides, (QStringList{"train.epochs=8", "sparse.density=0.1"}));
        QCOMPARE(o.db, QStringLiteral("/tmp/x.sqlite"));
        QCOMPARE(o.screenshot, QStringLiteral("shot.png"));
        QCOMPARE(o.screenshotView, QStringLiteral("mask"));
        QCOMPARE(o.quitAfter, 2.5);
        QVERIFY(o.teaching);
        QVERIFY(o.run);  // a screenshot of a training run needs the run
        QCOMPARE(o.statsFile, QStringLiteral("s.json"));
        QCOMPARE(o.lang, QStringLiteral("de"));
        QCOMPARE(o.theme, QStringLiteral("dark"));
        QVERIFY(!o.dbIsDefault);
    }

    void readsThePerspectiveAndTheFocusedView() {
        WorkbenchOptions o;
        QString m;
        QVERIFY2(parse({"--perspective", "tickets", "--focus", "calibration"}, &o, &m), qPrintable(m));
        QCOMPARE(o.perspective, QStringLiteral("tickets"));
        QCOMPARE(o.focus, QStringLiteral("calibration"));
        QVERIFY(o.dbIsDefault);
    }

    void defaultsToTheClisStore() {
        qputenv("XDG_DATA_HOME", "/tmp/xdg-test");
        WorkbenchOptions o;
        QString m;
        QVERIFY(parse({}, &o, &m));
        QCOMPARE(o.db, QStringLiteral("/tmp/xdg-test/freetickets/runs.sqlite"));
        QCOMPARE(defaultStorePath(), o.db);
        QVERIFY(!o.run);
        QVERIFY(defaultCheckpointDir(QStringLiteral("abc"))
                    .startsWith(QStringLiteral("/tmp/xdg-test/freetickets/checkpoints/abc-")));
        qunsetenv("XDG_DATA_HOME");
    }

    void refusesBadValues_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("quit-after text") << QStringList{"--quit-after", "soon"} << QStringLiteral("soon");
        QTest::newRow("quit-after zero") << QStringList{"--quit-after", "0"} << QStringLiteral("--quit-after");
        QTest::newRow("screenshot suffix") << QStringList{"--screenshot", "x.jpg"} << QStringLiteral("x.jpg");
        QTest::newRow("unknown view") << QStringList{"--screenshot", "x.png", "--screenshot-view", "nope"}
                                      << QStringLiteral("nope");
        QTest::newRow("view without file")
            << QStringList{"--screenshot-view", "mask"} << QStringLiteral("--screenshot");
        QTest::newRow("unknown perspective")
            << QStringList{"--perspective", "dashboard"} << QStringLiteral("dashboard");
        QTest::newRow("unknown focus") << QStringList{"--focus", "everything"} << QStringLiteral("everything");
        QTest::newRow("set without =") << QStringList{"--set", "sparse.density"} << QStringLiteral("sparse.density");
        QTest::newRow("preset and config")
            << QStringList{"--preset", "a", "--config", "b.json"} << QStringLiteral("--config");
        QTest::newRow("open-run text") << QStringList{"--open-run", "x"} << QStringLiteral("x");
        QTest::newRow("theme") << QStringList{"--theme", "pink"} << QStringLiteral("pink");
        QTest::newRow("unknown option") << QStringList{"--frobnicate"} << QStringLiteral("frobnicate");
        QTest::newRow("positional") << QStringList{"stray"} << QStringLiteral("stray");
    }
    void refusesBadValues() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        WorkbenchOptions o;
        QString m;
        QVERIFY(!parse(args, &o, &m));
        QVERIFY2(m.contains(mentions), qPrintable(m));
    }

    void helpAndVersion() {
        WorkbenchOptions o;
        QString m;
        QVERIFY(parse({"--help"}, &o, &m));
        QVERIFY(o.showHelp);
        QVERIFY(m.contains(QStringLiteral("--quit-after")));
        QVERIFY(m.contains(QStringLiteral("--screenshot")));
    }
};

QTEST_MAIN(TestWorkbenchOptions)
#include "tst_workbench_options.moc"
