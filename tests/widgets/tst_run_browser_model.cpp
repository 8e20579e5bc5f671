// SPDX-License-Identifier: GPL-3.0-or-later
// The run browser's model over a store built in the test: it passes QAbstractItemModelTester through every kind
// of change (new runs, edits, trash, purge, filters), refreshes in place (rows keep their place, no reset), and
// writes renames and stars to the store.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "ft/config/config_json.h"
#include "ft/store/run_store.h"
#include "run_browser_model.h"

using namespace ftw;

namespace {

ft::NewRun newRun(const std::string& name, const std::string& method) {
    ft::NewRun r;
    r.name = name;
    r.method = ft::method_from_string(method);
    r.config = {{"name", name}, {"method", method}};
    r.config_hash = "hash-" + name;
    r.seeds = {1, 2};
    return r;
}

}  // namespace

class TestRunBrowserModel : public QObject {
    Q_OBJECT
private slots:
    void init() {
        dir_ = std::make_unique<QTemporaryDir>();
        QVERIFY(dir_->isValid());
        store_ = std::make_unique<ft::RunStore>(ft::RunStore::open(dir_->filePath("runs.sqlite").toStdString()));
        a_ = store_->create_run(newRun("alpha", "edst"));
        b_ = store_->create_run(newRun("beta", "dst-ensemble"));
        c_ = store_->create_run(newRun("gamma", "edst"));
        store_->set_status(a_, ft::RunStatus::Finished, "", 12.5);
        store_->set_status(c_, ft::RunStatus::Failed, "data file missing", 1.0);
        store_->add_tag(b_, "baseline");
    }
    void cleanup() {
        store_.reset();
        dir_.reset();
    }

    void passesTheModelTesterThroughEveryChange() {
        RunBrowserModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(store_.get());
        QCOMPARE(model.rowCount(), 3);
        const int64_t d = store_->create_run(newRun("delta", "dense"));
        QVERIFY(model.refresh());
        store_->rename_run(b_, "beta renamed");
        store_->trash(a_);
        QVERIFY(model.refresh());
        store_->purge(c_);
        QVERIFY(model.refresh());
        QCOMPARE(model.rowCount(), 2);  // beta, delta
        ft::RunFilter trash;
        trash.trashed_only = true;
        model.setFilter(trash);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.runId(0), a_);
        model.setFilter({});
        QCOMPARE(model.rowOfRun(d), 1);
        model.setStore(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void refreshUpdatesRowsInPlace() {
        RunBrowserModel model;
        model.setStore(store_.get());
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        QVERIFY(model.refresh());  // nothing changed: nothing reported
        QCOMPARE(inserted.count() + removed.count() + changed.count() + reset.count(), 0);

        const int64_t d = store_->create_run(newRun("delta", "dense"));
        QVERIFY(model.refresh());
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 3);  // appended: the store lists by id
        QCOMPARE(model.runId(3), d);

        store_->set_status(b_, ft::RunStatus::Cancelled);
        QVERIFY(model.refresh());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toModelIndex().row(), model.rowOfRun(b_));
        QCOMPARE(
            model.index(model.rowOfRun(b_), RunBrowserModel::StatusColumn).data(RunBrowserModel::StatusRole).toString(),
            QStringLiteral("cancelled"));

        store_->purge(b_);
        QVERIFY(model.refresh());
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 1);
        QCOMPARE(model.rowOfRun(b_), -1);
        QCOMPARE(model.rowOfRun(c_), 1);
        QCOMPARE(reset.count(), 0);
    }

    void filtersByTextMethodStatusAndTag() {
        RunBrowserModel model;
        model.setStore(store_.get());
        ft::RunFilter f;
        f.method = ft::Method::Edst;
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 2);
        f = {};
        f.status = ft::RunStatus::Failed;
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.runId(0), c_);
        f = {};
        f.tag = "baseline";
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.runId(0), b_);
        f = {};
        f.text = "ALPH";
        model.setFilter(f);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.runId(0), a_);
    }

    void showsWhatTheStoreHolds() {
        RunBrowserModel model;
        model.setStore(store_.get());
        const int row = model.rowOfRun(a_);
        QCOMPARE(model.index(row, RunBrowserModel::NameColumn).data().toString(), QStringLiteral("alpha"));
        QCOMPARE(model.index(row, RunBrowserModel::MethodColumn).data().toString(), QStringLiteral("edst"));
        QCOMPARE(model.index(row, RunBrowserModel::ProgressColumn).data(RunBrowserModel::ProgressRole).toDouble(), 1.0);
        QCOMPARE(model.index(row, RunBrowserModel::IdColumn).data(RunBrowserModel::RunIdRole).toLongLong(), a_);
        QVERIFY(!model.index(row, RunBrowserModel::DurationColumn).data().toString().isEmpty());
        // Made today: the time only (room for the name), the full date in the tooltip.
        const QModelIndex created = model.index(row, RunBrowserModel::CreatedColumn);
        const QString year = QString::number(QDate::currentDate().year());
        QVERIFY2(!created.data().toString().contains(year), qPrintable(created.data().toString()));
        QVERIFY2(created.data(Qt::ToolTipRole).toString().contains(year),
                 qPrintable(created.data(Qt::ToolTipRole).toString()));
        const int failed = model.rowOfRun(c_);
        QCOMPARE(model.index(failed, RunBrowserModel::StatusColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("data file missing"));
        QCOMPARE(model.index(model.rowOfRun(b_), RunBrowserModel::TagsColumn).data().toString(),
                 QStringLiteral("baseline"));
    }

    void renamesAndStarsGoToTheStore() {
        RunBrowserModel model;
        model.setStore(store_.get());
        const int row = model.rowOfRun(b_);
        const QModelIndex name = model.index(row, RunBrowserModel::NameColumn);
        QVERIFY(model.flags(name) & Qt::ItemIsEditable);
        QVERIFY(model.setData(name, QStringLiteral("  beta two  ")));
        QCOMPARE(store_->get_run(b_).name, std::string("beta two"));
        QVERIFY(!model.setData(name, QStringLiteral("   ")));  // an empty name is refused, not stored
        QCOMPARE(store_->get_run(b_).name, std::string("beta two"));
        const QModelIndex star = model.index(row, RunBrowserModel::StarColumn);
        QVERIFY(model.flags(star) & Qt::ItemIsUserCheckable);
        QVERIFY(model.setData(star, Qt::Checked, Qt::CheckStateRole));
        QVERIFY(store_->get_run(b_).starred);
        QCOMPARE(model.data(star, Qt::CheckStateRole).toInt(), int(Qt::Checked));
    }

    void readOnlyStoreIsNotEditable() {
        store_.reset();
        auto ro = ft::RunStore::open(dir_->filePath("runs.sqlite").toStdString(), ft::StoreMode::ReadOnly);
        RunBrowserModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&ro);
        QCOMPARE(model.rowCount(), 3);
        const QModelIndex name = model.index(0, RunBrowserModel::NameColumn);
        QVERIFY(!(model.flags(name) & Qt::ItemIsEditable));
        QVERIFY(!model.setData(name, QStringLiteral("x")));
        model.setStore(nullptr);
    }

private:
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<ft::RunStore> store_;
    int64_t a_ = 0, b_ = 0, c_ = 0;
};

QTEST_MAIN(TestRunBrowserModel)
#include "tst_run_browser_model.moc"
