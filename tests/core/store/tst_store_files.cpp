// SPDX-License-Identifier: GPL-3.0-or-later
// Files the store must refuse or must not change: not a store, another application's SQLite file, a newer schema,
// read-only opens, write-protected files. Every error names the file; the file's bytes stay the same.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "sim_run.h"
#include "store_test_util.h"

using ft::RunStore;
using ft::StoreError;
using ft::StoreMode;
using store_test::RawDb;
using store_test::TempDir;

namespace {

// Opening `path` in `mode` fails with a StoreError whose message names the file and contains `needle`.
void expect_refused(const std::string& path, StoreMode mode, const std::string& needle) {
    try {
        RunStore::open(path, mode);
        ADD_FAILURE() << path << " was opened";
    } catch (const StoreError& e) {
        const std::string what = e.what();
        EXPECT_EQ(e.path(), path);
        EXPECT_EQ(what.rfind(path, 0), 0u) << what;  // the message starts with the file
        EXPECT_NE(what.find(needle), std::string::npos) << what;
    }
}

void expect_untouched_after_refusals(TempDir& dir, const std::string& path, const std::string& needle) {
    const std::string before = store_test::file_bytes(path);
    const auto entries = dir.entries();
    expect_refused(path, StoreMode::ReadWrite, needle);
    expect_refused(path, StoreMode::ReadOnly, needle);
    EXPECT_THROW(ft::StoreWriter(path, ft::NewRun{}), StoreError);
    EXPECT_EQ(store_test::file_bytes(path), before);
    EXPECT_EQ(dir.entries(), entries);  // no -wal, -shm or journal left behind either
}

}  // namespace

TEST(StoreFiles, TextFileIsRefusedAndUntouched) {
    TempDir dir;
    const std::string path = dir.file("notes.txt");
    store_test::write_file(path, "this is a text file, not a database\n");
    expect_untouched_after_refusals(dir, path, "not a FreeTickets run store");
    const std::string small = dir.file("tiny.bin");
    store_test::write_file(small, "SQLite format 3");  // the magic, but too short to be a database
    expect_untouched_after_refusals(dir, small, "not a FreeTickets run store");
}

TEST(StoreFiles, AnotherApplicationsSqliteFileIsRefusedAndUntouched) {
    TempDir dir;
    const std::string tagged = dir.file("other-app.db");
    {
        RawDb raw(tagged);
        raw.exec(
            "PRAGMA application_id = 1234567; CREATE TABLE contacts(name TEXT); INSERT INTO contacts VALUES ('a')");
    }
    expect_untouched_after_refusals(dir, tagged, "another application");

    const std::string plain = dir.file("plain.sqlite");  // application_id 0, but it has tables: not ours either
    {
        RawDb raw(plain);
        raw.exec("CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO runs(name) VALUES ('theirs')");
    }
    expect_untouched_after_refusals(dir, plain, "another application");

    const std::string wal = dir.file("wal.sqlite");  // another application's WAL-mode database
    {
        RawDb raw(wal);
        raw.exec("PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1)");
    }
    expect_untouched_after_refusals(dir, wal, "another application");

    // Another application that crashed with committed data still in its -wal (and no application id): a read-write
    // connection would fold the log into the file when it closes. The store must leave both files alone.
    const std::string crashed = dir.file("crashed.sqlite");
    {
        RawDb raw(wal, false);
        raw.exec("PRAGMA wal_autocheckpoint = 0; INSERT INTO t VALUES (2)");
        std::filesystem::copy_file(wal, crashed);
        std::filesystem::copy_file(wal + "-wal", crashed + "-wal");
    }
    ASSERT_GT(std::filesystem::file_size(crashed + "-wal"), 0u);
    const std::string log_before = store_test::file_bytes(crashed + "-wal");
    expect_refused(crashed, StoreMode::ReadWrite, "another application");
    expect_refused(crashed, StoreMode::ReadOnly, "another application");
    EXPECT_EQ(store_test::file_bytes(crashed + "-wal"), log_before);
    EXPECT_EQ(RawDb(crashed, false).integer("SELECT count(*) FROM t"), 2);  // and its data is all there
}

TEST(StoreFiles, NewerSchemaIsRefusedAndUntouched) {
    TempDir dir;
    const std::string path = dir.file("future.ftdb");
    { RunStore::open(path).create_run(ft::NewRun{"r", ft::Method::Dst, {}, "", {}, {}, ""}); }
    { RawDb(path, false).exec("PRAGMA user_version = " + std::to_string(ft::kStoreSchemaVersion + 1)); }
    expect_untouched_after_refusals(dir, path, "newer FreeTickets Workbench");
}

TEST(StoreFiles, EmptySqliteDatabaseIsNotReadableButCanBecomeAStore) {
    TempDir dir;
    const std::string path = dir.file("empty.db");
    { RawDb(path).exec("VACUUM"); }
    expect_refused(path, StoreMode::ReadOnly, "not a FreeTickets run store");
    EXPECT_NO_THROW(RunStore::open(path).create_run(ft::NewRun{}));
    EXPECT_EQ(RunStore::open(path, StoreMode::ReadOnly).list_runs().size(), 1u);
    const std::string zero = dir.file("zero.ftdb");  // e.g. a freshly made temporary file
    store_test::write_file(zero, "");
    expect_refused(zero, StoreMode::ReadOnly, "empty file");
    EXPECT_NO_THROW(RunStore::open(zero).create_run(ft::NewRun{}));
}

TEST(StoreFiles, MissingFilesAndFolders) {
    TempDir dir;
    expect_refused(dir.file("missing.ftdb"), StoreMode::ReadOnly, "no such file");
    EXPECT_FALSE(std::filesystem::exists(dir.file("missing.ftdb")));
    expect_refused(dir.file("no/such/folder/runs.ftdb"), StoreMode::ReadWrite, "cannot open");
    std::filesystem::create_directory(dir.file("a-folder"));
    expect_refused(dir.file("a-folder"), StoreMode::ReadWrite, "is a folder");
    auto store = RunStore::open(dir.file("new.ftdb"));  // read-write creates
    EXPECT_TRUE(std::filesystem::exists(dir.file("new.ftdb")));
    RawDb raw(dir.file("new.ftdb"), false);
    EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw.integer("PRAGMA application_id"), ft::kStoreApplicationId);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), ft::kStoreSchemaVersion);
}

TEST(StoreFiles, ReadOnlyModeNeverModifiesTheFile) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.steps = 60;
    int64_t run = 0;
    {
        ft::NewRun r;
        r.name = "done";
        ft::StoreWriter w(path, r);
        store_test::publish_sim_run(w, spec);
        w.close();
        run = w.run_id();
        // A run whose writer died: a read-write open would mark it interrupted, a read-only one must not.
        auto store = RunStore::open(path);
        const int64_t dead = store.create_run(r);
        RawDb(path, false).exec("UPDATE runs SET heartbeat = 1 WHERE id = " + std::to_string(dead));
    }
    const std::string before = store_test::file_bytes(path);
    const auto entries = dir.entries();
    {
        auto store = RunStore::open(path, StoreMode::ReadOnly);
        EXPECT_EQ(store.list_runs().size(), 2u);
        EXPECT_EQ(store.list_runs()[1].status, ft::RunStatus::Interrupted);
        EXPECT_EQ(store.metric_series(run, 0, "loss", 10).steps.size(), 10u);
        EXPECT_EQ(store.mask_at(run, 1, 2, 3).n, 77);
        EXPECT_FALSE(store.events(run).empty());
        EXPECT_FALSE(store.export_json(run).empty());
        EXPECT_THROW(store.create_run(ft::NewRun{}), StoreError);
        EXPECT_THROW(store.set_note(run, "x"), StoreError);
        EXPECT_THROW(store.mark_interrupted(), StoreError);
    }
    EXPECT_EQ(store_test::file_bytes(path), before);
    // SQLite's shared-memory index (-shm) and an empty -wal may appear beside a WAL store that a reader opened; no
    // data is ever written to them by a read-only connection.
    for (const auto& e : dir.entries()) {
        if (entries.count(e)) continue;
        EXPECT_TRUE(e == "runs.ftdb-shm" || e == "runs.ftdb-wal") << e;
        if (e == "runs.ftdb-wal") {
            EXPECT_EQ(std::filesystem::file_size(dir.file(e)), 0u);
        }
    }
}

TEST(StoreFiles, WriteProtectedFileIsRefusedForWritingAndReadableReadOnly) {
    if (geteuid() == 0)
        GTEST_SKIP() << "running as root: file permissions are not enforced, so a chmod 0444 file stays writable "
                        "(ReadOnlyModeNeverModifiesTheFile covers the read-only guarantee)";
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    { RunStore::open(path).create_run(ft::NewRun{"r", ft::Method::Dst, {}, "", {}, {}, ""}); }
    ASSERT_EQ(chmod(path.c_str(), 0444), 0);
    const std::string before = store_test::file_bytes(path);
    expect_refused(path, StoreMode::ReadWrite, "write-protected");
    EXPECT_THROW(ft::StoreWriter(path, ft::NewRun{}), StoreError);
    EXPECT_EQ(RunStore::open(path, StoreMode::ReadOnly).list_runs().size(), 1u);
    EXPECT_EQ(store_test::file_bytes(path), before);

    // In a write-protected folder as well (a read-only mount, a shared folder): still readable, nothing created.
    const std::string folder = dir.file("shared");
    std::filesystem::create_directory(folder);
    const std::string shared = folder + "/runs.ftdb";
    { RunStore::open(shared).create_run(ft::NewRun{"shared run", ft::Method::Dst, {}, "", {}, {}, ""}); }
    ASSERT_FALSE(std::filesystem::exists(shared + "-wal"));  // closed cleanly: the log was folded in
    ASSERT_EQ(chmod(folder.c_str(), 0555), 0);
    expect_refused(shared, StoreMode::ReadWrite, "write-protected");
    {
        auto store = RunStore::open(shared, StoreMode::ReadOnly);
        ASSERT_EQ(store.list_runs().size(), 1u);
        EXPECT_EQ(store.list_runs()[0].name, "shared run");
    }
    EXPECT_FALSE(std::filesystem::exists(shared + "-shm"));
    chmod(folder.c_str(), 0755);
}
