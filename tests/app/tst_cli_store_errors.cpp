// SPDX-License-Identifier: GPL-3.0-or-later
// Store files the CLI must refuse, end to end: a file that is not a store, a store with a newer schema, a
// read-only file. Every command that would use them exits non-zero with a message naming the file, trains
// nothing, and leaves the file's bytes (and its folder) exactly as they were. And a store that fills up during a
// run (FT_STORE_MAX_PAGES, the test hook for a full disk): training stops with the error, keeps its checkpoint,
// and `resume` finishes the run once the limit is gone.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "app/cli_process.h"
#include "core/store/store_test_util.h"
#include "ft/store/run_store.h"

using cli_test::Command;
using cli_test::Outcome;
using ft::RunStore;
using ft::StoreMode;

namespace {

struct Refusal {
    std::vector<std::string> args;
    const char* what;
    bool writes;  // writes into the store at `db`
};

// Every command that opens the store at `db`, reading or writing.
std::vector<Refusal> commands_on(const std::string& db, const std::string& other) {
    return {{cli_test::tiny_train({"--db", db}), "train", true},
            {{"resume", "1", "--db", db}, "resume", true},
            {{"runs", "list", "--db", db}, "runs list", false},
            {{"runs", "show", "1", "--db", db}, "runs show", false},
            {{"runs", "tag", "1", "x", "--db", db}, "runs tag", true},
            {{"runs", "note", "1", "a note", "--db", db}, "runs note", true},
            {{"runs", "delete", "1", "--db", db}, "runs delete", true},
            {{"runs", "import", other, "--db", db}, "runs import (into it)", true},
            {{"runs", "import", db, "--db", other}, "runs import (from it)", false}};
}

// Each command fails, names the file, trains nothing and changes nothing in the folder.
void expect_refused_untouched(store_test::TempDir& dir, const std::string& db, const std::string& other,
                              const std::string& needle) {
    const std::string bytes = store_test::file_bytes(db);
    const std::string other_bytes = store_test::file_bytes(other);
    const auto entries = dir.entries();
    store_test::TempDir logs;
    for (const auto& c : commands_on(db, other)) {
        const Outcome o = cli_test::run(
            Command{c.args, {{"XDG_DATA_HOME", dir.file("xdg")}}, logs.file("out.txt"), logs.file("err.txt")});
        EXPECT_NE(o.rc, 0) << c.what << " accepted " << db;
        EXPECT_NE(o.err.find(db), std::string::npos) << c.what << ": the message does not name the file:\n" << o.err;
        EXPECT_NE(o.err.find(needle), std::string::npos) << c.what << ": expected \"" << needle << "\" in:\n" << o.err;
        EXPECT_EQ(o.err.find("epoch"), std::string::npos) << c.what << " trained:\n" << o.err;
        EXPECT_EQ(store_test::file_bytes(db), bytes) << c.what << " changed " << db;
        EXPECT_EQ(store_test::file_bytes(other), other_bytes) << c.what << " changed " << other;
        EXPECT_EQ(dir.entries(), entries) << c.what << " left files behind (-wal, -shm, checkpoints, ...)";
    }
}

// A store with one finished run, to import from or into.
void make_store(const std::string& path) {
    RunStore store = RunStore::open(path);
    ft::NewRun run;
    run.name = "kept";
    run.method = ft::Method::Dst;
    store.set_status(store.create_run(run), ft::RunStatus::Finished);
}

}  // namespace

TEST(CliStoreErrors, FileThatIsNotAStoreIsRefusedBeforeTrainingAndUntouched) {
    store_test::TempDir dir;
    const std::string other = dir.file("other.sqlite");
    make_store(other);
    const std::string text = dir.file("notes.sqlite");
    store_test::write_file(text, "a text file that happens to be called .sqlite\n");
    expect_refused_untouched(dir, text, other, "not a FreeTickets run store");

    const std::string foreign = dir.file("contacts.db");
    store_test::RawDb(foreign).exec(
        "CREATE TABLE runs(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO runs(name) VALUES ('theirs')");
    expect_refused_untouched(dir, foreign, other, "another application");
}

TEST(CliStoreErrors, StoreWithANewerSchemaIsRefusedAndUntouched) {
    store_test::TempDir dir;
    const std::string other = dir.file("other.sqlite");
    make_store(other);
    const std::string future = dir.file("future.sqlite");
    make_store(future);
    store_test::RawDb(future, false).exec("PRAGMA user_version = " + std::to_string(ft::kStoreSchemaVersion + 1));
    expect_refused_untouched(dir, future, other, "newer");
}

TEST(CliStoreErrors, ReadOnlyStoreIsRefusedForWritingAndStillReadable) {
    store_test::TempDir dir;
    // Run as an unprivileged user when the tests run as root, for whom permissions are not enforced.
    std::filesystem::permissions(dir.file(""), std::filesystem::perms::all);
    const std::string other = dir.file("other.sqlite");
    make_store(other);
    const std::string db = dir.file("locked.sqlite");
    make_store(db);
    ASSERT_EQ(chmod(db.c_str(), 0444), 0);
    ASSERT_EQ(chmod(other.c_str(), 0666), 0);
    const std::string bytes = store_test::file_bytes(db);
    const auto entries = dir.entries();
    const std::map<std::string, std::string> env = {{"XDG_DATA_HOME", dir.file("xdg")}};
    store_test::TempDir logs;
    std::filesystem::permissions(logs.file(""), std::filesystem::perms::all);
    for (const auto& c : commands_on(db, other)) {
        if (!c.writes) continue;
        const Outcome o = cli_test::run(Command{c.args, env, logs.file("out.txt"), logs.file("err.txt"), true});
        EXPECT_NE(o.rc, 0) << c.what << " wrote into a read-only store";
        EXPECT_NE(o.err.find(db), std::string::npos) << c.what << ": the message does not name the file:\n" << o.err;
        EXPECT_EQ(o.err.find("epoch"), std::string::npos) << c.what << " trained:\n" << o.err;
        EXPECT_EQ(store_test::file_bytes(db), bytes) << c.what;
        EXPECT_EQ(dir.entries(), entries) << c.what << " left files behind";
    }
    // Reading it still works (a reader may leave SQLite's -shm and -wal next to it; the file stays as it was).
    const Outcome list = cli_test::run(
        Command{{"runs", "list", "--json", "--db", db}, env, logs.file("out.txt"), logs.file("err.txt"), true});
    ASSERT_EQ(list.rc, 0) << list.err;
    EXPECT_EQ(nlohmann::json::parse(list.out).at(0).at("name"), "kept");
    EXPECT_EQ(store_test::file_bytes(db), bytes);
}

TEST(CliStoreErrors, FullStoreStopsTrainingWithTheErrorAndResumeFinishesTheRun) {
    store_test::TempDir dir;
    const std::map<std::string, std::string> env = {{"XDG_DATA_HOME", dir.file("xdg")}};

    // How many pages a whole run takes, and an empty store: the cap lets a quarter of the run in.
    const std::string ref = dir.file("reference.sqlite");
    const Outcome plain = cli_test::run(
        {cli_test::tiny_train({"--db", ref, "--out", dir.file("reference.json")}), env, dir.file("o"), dir.file("e")});
    ASSERT_EQ(plain.rc, 0) << plain.err;
    const int64_t full_pages = store_test::RawDb(ref, false).integer("PRAGMA page_count");
    const std::string db = dir.file("small-disk.sqlite");
    { RunStore::open(db); }
    const int64_t empty_pages = store_test::RawDb(db, false).integer("PRAGMA page_count");
    ASSERT_GT(full_pages, empty_pages + 8);
    const int64_t cap = empty_pages + (full_pages - empty_pages) / 4;

    auto capped = env;
    capped["FT_STORE_MAX_PAGES"] = std::to_string(cap);
    const Outcome cut = cli_test::run(
        {cli_test::tiny_train({"--db", db, "--out", dir.file("cut.json")}), capped, dir.file("o"), dir.file("e")});
    EXPECT_EQ(cut.rc, 1) << cut.err;
    EXPECT_NE(cut.err.find("error: " + db), std::string::npos) << cut.err;
    EXPECT_NE(cut.err.find("full"), std::string::npos) << cut.err;
    EXPECT_NE(cut.err.find("freetickets resume 1 --db " + db), std::string::npos) << cut.err;
    // Training stopped (it did not run on without its store) and wrote its checkpoint.
    const auto cut_summary = nlohmann::json::parse(cli_test::read_text(dir.file("cut.json")));
    EXPECT_EQ(cut_summary["run"]["status"], "cancelled");
    EXPECT_EQ(store_test::RawDb(db, false).text("PRAGMA integrity_check"), "ok");
    EXPECT_LE(store_test::RawDb(db, false).integer("PRAGMA page_count"), cap);
    ft::RunRecord stopped = RunStore::open(db, StoreMode::ReadOnly).get_run(1);
    EXPECT_NE(stopped.status, ft::RunStatus::Finished);
    EXPECT_NE(stopped.status, ft::RunStatus::Running);
    ASSERT_FALSE(stopped.checkpoint_dir.empty());
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(stopped.checkpoint_dir) / "state.json"));

    // A bad value of the hook is refused before anything is written.
    auto bad = env;
    bad["FT_STORE_MAX_PAGES"] = "lots";
    const Outcome refused = cli_test::run({{"resume", "1", "--db", db}, bad, dir.file("o"), dir.file("e")});
    EXPECT_NE(refused.rc, 0);
    EXPECT_NE(refused.err.find("FT_STORE_MAX_PAGES = \"lots\""), std::string::npos) << refused.err;

    // Without the limit, resume finishes the run with the uninterrupted run's numbers.
    const Outcome done = cli_test::run(
        {{"resume", "1", "--db", db, "--out", dir.file("done.json"), "-q"}, env, dir.file("o"), dir.file("e")});
    ASSERT_EQ(done.rc, 0) << done.err;
    const auto reference = nlohmann::json::parse(cli_test::read_text(dir.file("reference.json")));
    const auto resumed = nlohmann::json::parse(cli_test::read_text(dir.file("done.json")));
    EXPECT_EQ(resumed["ensemble"]["test"], reference["ensemble"]["test"]);
    EXPECT_EQ(RunStore::open(db, StoreMode::ReadOnly).get_run(1).status, ft::RunStatus::Finished);
}
