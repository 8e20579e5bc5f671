// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's runs (run_store.cpp): creating, listing and filtering, status and interrupted runs, text round
// trips, trash and purge, a read-only store, and opening a store of a thousand runs.
#include <gtest/gtest.h>

#include "run_store_fixtures.h"

TEST(RunStore, CreateListAndFilter) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.ftdb"));
    const int64_t a = store.create_run(named("edst cifar", Method::Edst));
    const int64_t b = store.create_run(named("dense baseline", Method::Dense));
    const int64_t c = store.create_run(named("EDST mnist", Method::Edst));
    store.add_tag(a, "paper");
    store.add_tag(c, "paper");
    store.set_note(b, "the baseline for Table 2");
    store.set_status(b, RunStatus::Finished, "", 3.5);
    store.trash(c);

    EXPECT_EQ(names_of(store.list_runs()), (std::vector<std::string>{"edst cifar", "dense baseline"}));
    RunFilter f;
    f.include_trashed = true;
    EXPECT_EQ(store.list_runs(f).size(), 3u);
    f = {};
    f.trashed_only = true;
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"EDST mnist"}));
    f = {};
    f.method = Method::Edst;
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"edst cifar"}));
    f = {};
    f.tag = "paper";
    f.include_trashed = true;
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"edst cifar", "EDST mnist"}));
    f = {};
    f.text = "edst";  // case-insensitive, over name, method, tags and note
    f.include_trashed = true;
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"edst cifar", "EDST mnist"}));
    f.text = "table 2";
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"dense baseline"}));
    f = {};
    f.status = RunStatus::Finished;
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"dense baseline"}));

    const auto r = store.get_run(a);
    EXPECT_EQ(r.id, a);
    EXPECT_EQ(r.method, Method::Edst);
    EXPECT_EQ(r.status, RunStatus::Running);
    EXPECT_EQ(r.seeds, (std::vector<int64_t>{18, 19}));
    EXPECT_EQ(r.tags, (std::vector<std::string>{"paper"}));
    EXPECT_EQ(r.pid, int64_t(getpid()));
    EXPECT_GT(r.created, 1.6e9);
    EXPECT_EQ(nlohmann::json::parse(r.config_json)["sparse"]["density"], 0.2);
    const auto versions = nlohmann::json::parse(r.version);
    EXPECT_EQ(versions["freetickets"], FT_VERSION);
    EXPECT_TRUE(versions.contains("sqlite"));
    EXPECT_TRUE(versions.contains("zlib"));
    EXPECT_EQ(store.all_tags(), (std::vector<std::string>{"paper"}));
    EXPECT_FALSE(store.find_run(9999).has_value());
    EXPECT_THROW(store.get_run(9999), StoreError);
}

TEST(RunStore, NewRunForAConfig) {
    ft::RunConfig config;
    config.method = ft::Method::Edst;
    const auto run = ft::new_run_for(config, "edst run", "/ckpt");
    EXPECT_EQ(run.method, Method::Edst);
    EXPECT_EQ(run.seeds, (std::vector<int64_t>{18}));  // EDST trains once
    EXPECT_FALSE(run.config_hash.empty());
    EXPECT_EQ(run.config["sparse"]["density"], 0.2);
    config.method = ft::Method::DstEnsemble;
    EXPECT_EQ(ft::new_run_for(config, "x").seeds, (std::vector<int64_t>{18, 19, 20}));
}

TEST(RunStore, StatusTransitions) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.ftdb"));
    const int64_t id = store.create_run(named("r"));
    EXPECT_EQ(store.get_run(id).finished, 0);
    store.set_status(id, RunStatus::Cancelled, "", 7.25);
    auto r = store.get_run(id);
    EXPECT_EQ(r.status, RunStatus::Cancelled);
    EXPECT_EQ(r.seconds, 7.25);
    EXPECT_GT(r.finished, 0);
    store.set_status(id, RunStatus::Running);  // resumed
    r = store.get_run(id);
    EXPECT_EQ(r.status, RunStatus::Running);
    EXPECT_EQ(r.finished, 0);
    EXPECT_EQ(r.seconds, 7.25);  // kept
    store.set_status(id, RunStatus::Failed, "CUDA out of memory", 9);
    r = store.get_run(id);
    EXPECT_EQ(r.status, RunStatus::Failed);
    EXPECT_EQ(r.message, "CUDA out of memory");
    EXPECT_THROW(store.set_status(4242, RunStatus::Finished), StoreError);
    store.set_checkpoint_dir(id, "/runs/r1");
    store.rename_run(id, "renamed");
    store.set_color(id, "#aa3377");
    store.set_starred(id, true);
    r = store.get_run(id);
    EXPECT_EQ(r.checkpoint_dir, "/runs/r1");
    EXPECT_EQ(r.name, "renamed");
    EXPECT_EQ(r.color, "#aa3377");
    EXPECT_TRUE(r.starred);
}

TEST(RunStore, RunOfADeadProcessIsInterrupted) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    int64_t dead = 0, stale = 0, alive = 0;
    {
        auto store = RunStore::open(path);
        dead = store.create_run(named("dead writer"));
        stale = store.create_run(named("silent writer"));
        alive = store.create_run(named("live writer"));
    }
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) _exit(0);
    ASSERT_EQ(waitpid(child, nullptr, 0), child);  // reaped: kill(child, 0) now fails with ESRCH
    {
        RawDb raw(path, false);
        raw.exec("UPDATE runs SET pid = " + std::to_string(child) + " WHERE id = " + std::to_string(dead));
        raw.exec("UPDATE runs SET heartbeat = heartbeat - 3600 WHERE id = " + std::to_string(stale));
    }
    {
        auto ro = RunStore::open(path, StoreMode::ReadOnly);
        EXPECT_EQ(ro.get_run(dead).status, RunStatus::Interrupted);
        EXPECT_EQ(ro.get_run(stale).status, RunStatus::Interrupted);
        EXPECT_EQ(ro.get_run(alive).status, RunStatus::Running);
        RunFilter f;
        f.status = RunStatus::Interrupted;
        EXPECT_EQ(names_of(ro.list_runs(f)), (std::vector<std::string>{"dead writer", "silent writer"}));
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(dead)),
              "running");  // read-only: untouched
    {
        auto rw = RunStore::open(path);  // read-write opens record it
        EXPECT_EQ(rw.get_run(dead).status, RunStatus::Interrupted);
    }
    EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(dead)), "interrupted");
    EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(stale)), "interrupted");
    EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(alive)), "running");
}

TEST(RunStore, HostileTextRoundTripsUnchanged) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const std::vector<std::string> texts = {
        "'); DROP TABLE runs; --",
        "Robert\"); DROP TABLE tags;--",
        "it's a \"quoted\" name",
        "line one\nline two\r\n\ttabbed",
        "Ünïcødé – 日本語 – 🎟️ ticket",
        "100% _wild_ \\back\\slash%",
        "SELECT * FROM runs WHERE 1=1",
    };
    std::vector<int64_t> ids;
    {
        auto store = RunStore::open(path);
        for (const auto& t : texts) {
            ft::NewRun run = named(t);
            run.checkpoint_dir = "/tmp/" + t;
            run.config = {{"note", t}};
            const int64_t id = store.create_run(run);
            store.add_tag(id, t);
            store.set_note(id, t + "\n(note)");
            store.add_event(id, 5, 0, EventKind::UserEdit, {{"text", t}});
            ids.push_back(id);
        }
    }
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    ASSERT_EQ(store.list_runs().size(), texts.size());  // the tables are all still there
    for (size_t i = 0; i < texts.size(); ++i) {
        const auto r = store.get_run(ids[i]);
        EXPECT_EQ(r.name, texts[i]);
        EXPECT_EQ(r.checkpoint_dir, "/tmp/" + texts[i]);
        EXPECT_EQ(r.tags, (std::vector<std::string>{texts[i]}));
        EXPECT_EQ(store.get_note(ids[i]), texts[i] + "\n(note)");
        EXPECT_EQ(nlohmann::json::parse(r.config_json)["note"], texts[i]);
        const auto events = store.events(ids[i]);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].payload["text"], texts[i]);
        RunFilter f;
        f.tag = texts[i];
        EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{texts[i]}));
    }
    RunFilter f;
    f.text = "100%";  // SQL wildcards are plain characters here
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"100% _wild_ \\back\\slash%"}));
}

TEST(RunStore, TrashRestoreAndPurge) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.steps = 60;
    const int64_t keep = write_sim(path, spec, nullptr, "keep");
    const int64_t drop = write_sim(path, spec, nullptr, "drop");
    auto store = RunStore::open(path);
    store.add_tag(drop, "junk");
    store.set_note(drop, "to be purged");
    store.trash(drop);
    EXPECT_EQ(names_of(store.list_runs()), (std::vector<std::string>{"keep"}));
    EXPECT_TRUE(store.get_run(drop).trashed);
    store.restore(drop);
    EXPECT_EQ(names_of(store.list_runs()), (std::vector<std::string>{"keep", "drop"}));
    store.trash(drop);
    EXPECT_EQ(store.purge_trash(), 1);
    EXPECT_FALSE(store.find_run(drop).has_value());
    RawDb raw(path, false);
    for (const char* table : {"members", "layers", "metrics", "events", "mask_updates", "mask_layers", "tickets",
                              "evaluations", "tags", "notes"}) {
        EXPECT_EQ(raw.integer(std::string("SELECT count(*) FROM ") + table + " WHERE run = " + std::to_string(drop)), 0)
            << table;
        if (std::string(table) != "tags" && std::string(table) != "notes") {
            EXPECT_GT(
                raw.integer(std::string("SELECT count(*) FROM ") + table + " WHERE run = " + std::to_string(keep)), 0)
                << table;
        }
    }
    store.purge(keep);
    EXPECT_TRUE(store.list_runs(RunFilter{"", {}, {}, "", true, false}).empty());
    EXPECT_THROW(store.purge(keep), StoreError);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
}

TEST(RunStore, OpenAndListAThousandRuns) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    {
        auto store = RunStore::open(path);
        const auto run = ft::new_run_for(ft::RunConfig{}, "sweep");  // a full config, as the CLI stores it
        for (int i = 0; i < 1000; ++i) {
            auto r = run;
            r.name = "sweep " + std::to_string(i);
            const int64_t id = store.create_run(r);
            store.add_tag(id, i % 2 ? "odd" : "even");
            if (i % 3 == 0) store.set_status(id, RunStatus::Finished, "", double(i));
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    const auto runs = store.list_runs();
    const double seconds = seconds_since(t0);
    ASSERT_EQ(runs.size(), 1000u);
    EXPECT_EQ(runs[999].name, "sweep 999");
    EXPECT_EQ(runs[999].tags, (std::vector<std::string>{"odd"}));
    std::printf("[ timing ] open a store of 1000 runs and list them: %.1f ms\n", seconds * 1000);
    EXPECT_LT(seconds, 2.0);
}

TEST(RunStore, ReadOnlyStoreRefusesWrites) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t id = RunStore::open(path).create_run(named("r"));
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    EXPECT_THROW(store.create_run(named("x")), StoreError);
    EXPECT_THROW(store.set_status(id, RunStatus::Finished), StoreError);
    EXPECT_THROW(store.add_tag(id, "x"), StoreError);
    EXPECT_THROW(store.trash(id), StoreError);
    EXPECT_THROW(store.purge(id), StoreError);
    EXPECT_EQ(store.get_run(id).status, RunStatus::Running);
}

// Statuses, methods, event kinds and splits are typed; their text lives in SQLite, and a name this program does
// not know (a file edited behind its back) is refused with the file, the column and the value.
TEST(RunStore, UnknownNamesInTheFileAreErrorsNamingTheColumn) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    int64_t id = 0;
    {
        auto store = RunStore::open(path);
        id = store.create_run(named("r"));
        store.add_event(id, 1, 0, EventKind::Pause);
        ft::EvaluationRecord e;
        e.split = ft::EvalSplit::corrupted("contrast", 2);
        store.record_evaluation(id, e);
    }
    {
        auto store = RunStore::open(path, StoreMode::ReadOnly);
        EXPECT_EQ(store.events(id).at(0).kind, EventKind::Pause);
        EXPECT_EQ(store.evaluations(id).at(0).split, ft::EvalSplit::corrupted("contrast", 2));
        EXPECT_EQ(store.events(id, INT64_MIN, INT64_MAX, {EventKind::Resume}).size(), 0u);
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.text("SELECT kind FROM events"), "pause");
    EXPECT_EQ(raw.text("SELECT split FROM evaluations"), "corrupted/contrast/2");
    const auto error_of = [&](const char* sql) {
        raw.exec(sql);
        try {
            auto store = RunStore::open(path, StoreMode::ReadOnly);
            store.get_run(id);
            store.events(id);
            store.evaluations(id);
        } catch (const StoreError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    // The status column is guarded by the schema itself (a CHECK constraint): no file of ours holds another.
    EXPECT_THROW(raw.exec("UPDATE runs SET status = 'exploded'"), std::runtime_error);
    std::string e = error_of("UPDATE runs SET method = 'edts'");
    EXPECT_NE(e.find(path), std::string::npos) << e;
    EXPECT_NE(e.find("runs.method: unknown method \"edts\""), std::string::npos) << e;
    raw.exec("UPDATE runs SET method = 'edst'");
    e = error_of("UPDATE events SET kind = 'nap'");
    EXPECT_NE(e.find("events.kind: unknown event kind \"nap\""), std::string::npos) << e;
    raw.exec("UPDATE events SET kind = 'resume'");
    e = error_of("UPDATE evaluations SET split = 'train'");
    EXPECT_NE(e.find("evaluations.split: unknown evaluation split \"train\""), std::string::npos) << e;
}
