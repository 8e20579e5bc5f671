// SPDX-License-Identifier: GPL-3.0-or-later
// User presets: saved with the teaching settings and read back exactly; built-in names are protected; bad names and
// broken files give errors that name the preset or the file.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "ft/config/presets.h"
#include "preset_library.h"

using namespace ftw;

class TestPresetLibrary : public QObject {
    Q_OBJECT
private slots:
    void listsBuiltInsThenUserPresets() {
        QTemporaryDir dir;
        PresetLibrary lib(dir.path());
        const QStringList names = lib.names();
        QCOMPARE(names.size(), int(ft::preset_names().size()));
        QVERIFY(names.contains(QStringLiteral("spirals-teach")));
        WorkbenchPreset p;
        p.name = QStringLiteral("aaa-mine");
        QString error;
        QVERIFY2(lib.save(p, &error), qPrintable(error));
        QCOMPARE(lib.names().last(), QStringLiteral("aaa-mine"));  // after every built-in, whatever its name
        QVERIFY(!lib.isBuiltIn(QStringLiteral("aaa-mine")));
    }

    void savesAndReadsTheTeachingSettings() {
        QTemporaryDir dir;
        PresetLibrary lib(dir.path());
        WorkbenchPreset p;
        p.name = QStringLiteral("lesson-1");
        p.config = ft::preset_json("spirals-teach");
        p.config["sparse"]["density"] = 0.1;
        p.teaching = true;
        p.visibleFields = {QStringLiteral("sparse.density"), QStringLiteral("sparse.prune_rate")};
        p.visibleViews = {QStringLiteral("mask"), QStringLiteral("boundary")};
        p.stepsPerSecond = 12;
        QString error;
        QVERIFY2(lib.save(p, &error), qPrintable(error));
        const auto back = lib.find(QStringLiteral("lesson-1"), &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QVERIFY(!back->builtIn);
        QVERIFY(back->teaching);
        QCOMPARE(back->visibleFields, p.visibleFields);
        QCOMPARE(back->visibleViews, p.visibleViews);
        QCOMPARE(back->stepsPerSecond, 12.0);
        QCOMPARE(back->config["sparse"]["density"], nlohmann::json(0.1));
        QCOMPARE(back->config["name"], nlohmann::json("lesson-1"));  // the config is named after the preset
    }

    void builtInPresetsComeFromTheCore() {
        QTemporaryDir dir;
        PresetLibrary lib(dir.path());
        const auto p = lib.find(QStringLiteral("spirals-teach"));
        QVERIFY(p.has_value());
        QVERIFY(p->builtIn);
        QVERIFY(p->teaching);  // the teaching demo opens in teaching mode
        QCOMPARE(p->config, ft::preset_json("spirals-teach"));
        QVERIFY(!lib.find(QStringLiteral("fashion-edst"))->teaching);
    }

    void refusesBuiltInAndBadNames() {
        QTemporaryDir dir;
        PresetLibrary lib(dir.path());
        WorkbenchPreset p;
        QString error;
        p.name = QStringLiteral("fashion-edst");
        QVERIFY(!lib.save(p, &error));
        QVERIFY(error.contains(QStringLiteral("built-in")));
        for (const char* bad : {"", "../escape", "a/b", ".hidden", "with space"}) {
            p.name = QString::fromLatin1(bad);
            error.clear();
            QVERIFY2(!lib.save(p, &error), bad);
            QVERIFY(!error.isEmpty());
        }
        QVERIFY(!lib.remove(QStringLiteral("fashion-edst"), &error));
    }

    void brokenFilesNameTheFile() {
        QTemporaryDir dir;
        PresetLibrary lib(dir.path());
        QFile f(lib.filePath(QStringLiteral("broken")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"sparse\": {\"density\": 0.3}}");  // a bare config, not a workbench preset
        f.close();
        QString error;
        QVERIFY(!lib.find(QStringLiteral("broken"), &error).has_value());
        QVERIFY2(error.contains(lib.filePath(QStringLiteral("broken"))), qPrintable(error));
        QVERIFY(error.contains(QStringLiteral("\"config\"")));
        QVERIFY(!lib.find(QStringLiteral("missing"), &error).has_value());
        QVERIFY(error.contains(QStringLiteral("no preset named \"missing\"")));
        QVERIFY(error.contains(QStringLiteral("spirals-teach")));  // the known ones are listed
    }
};

QTEST_MAIN(TestPresetLibrary)
#include "tst_preset_library.moc"
