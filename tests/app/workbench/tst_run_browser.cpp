// SPDX-License-Identifier: GPL-3.0-or-later
// The run browser in a narrow dock: it gives up its least needed columns (id, tags, progress, ...) so the run's
// name stays readable, and takes them back when there is room.
#include <QHeaderView>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "ft/store/run_store.h"
#include "run_browser.h"
#include "run_browser_model.h"

using namespace ftw;

class TestRunBrowser : public QObject {
    Q_OBJECT
private slots:
    void aNarrowBrowserKeepsTheNameReadable() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        {
            auto store = ft::RunStore::open(path.toStdString());
            for (const char* name : {"spirals-density/method=edst sparse.density=0.05/seed 1", "fashion-edst"}) {
                ft::NewRun r;
                r.name = name;
                r.config = {{"method", "edst"}};
                const int64_t id = store.create_run(r);
                store.add_tag(id, "study:spirals-density");
            }
        }
        RunBrowser browser;
        QString error;
        QVERIFY2(browser.openStore(path, &error), qPrintable(error));
        browser.resize(360, 500);
        browser.show();
        QVERIFY(QTest::qWaitForWindowExposed(&browser));
        browser.fitColumns();
        QTableView* table = browser.table();
        QVERIFY(table->isColumnHidden(RunBrowserModel::IdColumn));
        QVERIFY(table->isColumnHidden(RunBrowserModel::TagsColumn));
        QVERIFY(!table->isColumnHidden(RunBrowserModel::StatusColumn));  // never given up
        QVERIFY(!table->isColumnHidden(RunBrowserModel::MethodColumn));
        const int name = table->columnWidth(RunBrowserModel::NameColumn);
        QVERIFY2(name >= table->viewport()->width() / 3,
                 qPrintable(QStringLiteral("name %1 of %2 px").arg(name).arg(table->viewport()->width())));

        browser.resize(1600, 500);
        QTest::qWait(50);
        browser.fitColumns();
        for (int c = 0; c < RunBrowserModel::ColumnCount; ++c) QVERIFY(!table->isColumnHidden(c));
    }
};

QTEST_MAIN(TestRunBrowser)
#include "tst_run_browser.moc"
