// SPDX-License-Identifier: GPL-3.0-or-later
// One store used by several processes at once, as on a shared workstation: two `freetickets train` write the same
// file, a StoreFollower (the workbench's) follows each run, and `runs import`, `runs delete`, `runs restore` and
// `runs purge` run meanwhile. Nobody may fail with "database is locked", and no row may be lost: each concurrent
// run ends with exactly the rows and numbers of the same run trained alone (one thread, so it is deterministic).
#include <QElapsedTimer>
#include <QtTest>
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/cli_process.h"
#include "core/store/store_test_util.h"
#include "ft/store/run_store.h"
#include "run_data.h"
#include "store_follower.h"

using namespace ftw;

namespace {

// What a run owns, row by row; equal counts and equal final numbers mean nothing was lost or doubled.
struct RunRows {
    int64_t metric_rows = 0, mask_updates = 0, tickets = 0, evaluations = 0, last_step = 0;
    bool operator==(const RunRows&) const = default;
};

RunRows rowsOf(const ft::RunStore& store, int64_t run) {
    RunRows r;
    for (const auto& k : store.metric_keys(run)) r.metric_rows += k.count;
    r.mask_updates = store.mask_update_count(run, 0) + store.mask_update_count(run, 1);
    r.tickets = int64_t(store.tickets(run).size());
    r.evaluations = int64_t(store.evaluations(run).size());
    r.last_step = store.get_run(run).last_step;
    return r;
}

QString describe(const RunRows& r) {
    return QStringLiteral("metrics %1, mask updates %2, tickets %3, evaluations %4, last step %5")
        .arg(r.metric_rows)
        .arg(r.mask_updates)
        .arg(r.tickets)
        .arg(r.evaluations)
        .arg(r.last_step);
}

// Long enough (a few seconds each) that the two trainers and the `runs` commands overlap many times.
std::vector<std::string> trainArgs(const std::string& db, const std::string& out) {
    return {"train", "spirals-teach",
            "--set", "train.epochs=400",
            "--set", "edst.explore_epochs=200",
            "--set", "ensemble.members=2",
            "--set", "threads=1",
            "-q",    "--db",
            db,      "--out",
            out};
}

nlohmann::json readJson(const std::string& path) { return nlohmann::json::parse(cli_test::read_text(path)); }

}  // namespace

class TestStoreFollower : public QObject {
    Q_OBJECT
private slots:
    void twoTrainersAFollowerEachAndRunsCommandsShareOneStoreWithoutLosingRows();
};

void TestStoreFollower::twoTrainersAFollowerEachAndRunsCommandsShareOneStoreWithoutLosingRows() {
    store_test::TempDir dir;
    const std::map<std::string, std::string> env = {{"XDG_DATA_HOME", dir.file("xdg")}};

    // The reference: the same run alone. Its store is also what `runs import` copies in, again and again.
    const std::string source = dir.file("alone.sqlite");
    const auto alone =
        cli_test::run({trainArgs(source, dir.file("alone.json")), env, dir.file("alone.out"), dir.file("alone.err")});
    QCOMPARE(alone.rc, 0);
    const auto reference = readJson(dir.file("alone.json"));
    const RunRows referenceRows = rowsOf(ft::RunStore::open(source, ft::StoreMode::ReadOnly), 1);
    QVERIFY(referenceRows.mask_updates > 2);

    // The shared store does not exist yet: both trainers race to create it.
    const std::string db = dir.file("shared.sqlite");
    std::vector<cli_test::Command> trainers;
    std::vector<pid_t> pids;
    for (int t = 0; t < 2; ++t) {
        const std::string n = std::to_string(t);
        trainers.push_back(
            {trainArgs(db, dir.file("t" + n + ".json")), env, dir.file("t" + n + ".out"), dir.file("t" + n + ".err")});
        pids.push_back(cli_test::spawn(trainers.back()));
    }

    // Both runs exist once the trainers have opened the store; a follower each, polling quickly.
    std::vector<int64_t> runs;
    QElapsedTimer waited;
    waited.start();
    while (runs.size() < 2 && waited.elapsed() < 60000) {
        std::error_code ec;
        if (std::filesystem::file_size(db, ec) > 0) {
            try {
                runs.clear();
                for (const auto& r : ft::RunStore::open(db, ft::StoreMode::ReadOnly).list_runs()) runs.push_back(r.id);
            } catch (const ft::StoreError&) {
                runs.clear();  // the schema is not committed yet
            }
        }
        QTest::qWait(20);
    }
    QCOMPARE(runs.size(), size_t(2));
    std::sort(runs.begin(), runs.end());

    StoreFollower followers[2];
    QStringList followerErrors;
    int ended = 0;
    std::vector<std::unique_ptr<RunData>> last(2);
    for (int f = 0; f < 2; ++f) {
        connect(&followers[f], &StoreFollower::failed, this, [&](const QString& m) { followerErrors << m; });
        connect(&followers[f], &StoreFollower::loaded, this, [&, f](RunData* data, bool isEnd) {
            last[size_t(f)].reset(data);
            ended += isEnd ? 1 : 0;
        });
        followers[f].follow(QString::fromStdString(db), runs[size_t(f)], 100);
    }

    // The `runs` commands, on their own thread, as long as a trainer runs: import the lone run, trash and restore
    // a training run, trash the imported run and purge the trash.
    std::atomic<bool> training{true};
    std::mutex failuresMutex;
    QStringList failures;
    int rounds = 0;
    std::thread commands([&] {
        const auto runs_command = [&](std::vector<std::string> args) {
            args.insert(args.begin(), "runs");
            args.insert(args.end(), {"--db", db});
            const auto o = cli_test::run({args, env, dir.file("cmd.out"), dir.file("cmd.err")});
            if (o.rc != 0) {
                std::lock_guard<std::mutex> lock(failuresMutex);
                failures << QString::fromStdString(args[1] + " exited " + std::to_string(o.rc) + ": " + o.err);
            }
            return o.out;
        };
        for (; training; ++rounds) {
            if (runs_command({"import", source}).find("imported 1 run") == std::string::npos) continue;
            const std::string victim = std::to_string(runs[size_t(rounds % 2)]);
            // The newest run is the one just imported (ids only grow).
            int64_t newest = 0;
            for (const auto& r : ft::RunStore::open(db, ft::StoreMode::ReadOnly).list_runs())
                newest = std::max(newest, r.id);
            runs_command({"delete", victim, std::to_string(newest)});
            runs_command({"restore", victim});
            runs_command({"purge", "--yes"});
        }
    });

    std::vector<cli_test::Outcome> outcomes;
    for (size_t t = 0; t < pids.size(); ++t) {
        // Wait with the event loop running, so that the followers keep polling.
        int status = 0;
        while (waitpid(pids[t], &status, WNOHANG) != pids[t]) QTest::qWait(20);
        cli_test::Outcome o;
        o.rc = cli_test::exit_code(status);
        o.err = cli_test::read_text(trainers[t].err_file);
        outcomes.push_back(o);
    }
    training = false;
    commands.join();
    QTRY_VERIFY_WITH_TIMEOUT(!followers[0].isFollowing() && !followers[1].isFollowing(), 30000);

    for (size_t t = 0; t < outcomes.size(); ++t)
        QVERIFY2(outcomes[t].rc == 0,
                 qPrintable(QString::fromStdString("trainer " + std::to_string(t) + " exited " +
                                                   std::to_string(outcomes[t].rc) + ": " + outcomes[t].err)));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join('\n')));
    QVERIFY2(followerErrors.isEmpty(), qPrintable(followerErrors.join('\n')));
    QVERIFY2(rounds >= 2,
             qPrintable(QStringLiteral("only %1 rounds of runs commands overlapped training").arg(rounds)));
    qInfo("%d rounds of import, delete, restore and purge while two runs trained", rounds);

    const auto store = ft::RunStore::open(db, ft::StoreMode::ReadOnly);
    QCOMPARE(store_test::RawDb(db, false).text("PRAGMA integrity_check"), std::string("ok"));
    for (int t = 0; t < 2; ++t) {
        const int64_t run = runs[size_t(t)];
        const RunRows rows = rowsOf(store, run);
        QVERIFY2(
            rows == referenceRows,
            qPrintable(QStringLiteral("run %1: %2, alone: %3").arg(run).arg(describe(rows), describe(referenceRows))));
        QCOMPARE(store.get_run(run).status, ft::RunStatus::Finished);
        const auto summary = readJson(dir.file("t" + std::to_string(t) + ".json"));
        QCOMPARE(summary["ensemble"]["test"].dump(), reference["ensemble"]["test"].dump());
        // The follower's last load is the finished run with every step.
        QVERIFY(last[size_t(t)]);
        QVERIFY(last[size_t(t)]->finished());
        QCOMPARE(last[size_t(t)]->lastStep(), referenceRows.last_step);
    }
    QCOMPARE(ended, 2);
}

QTEST_MAIN(TestStoreFollower)
#include "tst_store_follower.moc"
