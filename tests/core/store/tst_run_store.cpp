// RunStore: runs and their status, interrupted runs, text round trips, decimated series, config diff, trash,
// import and export, migrations, and the timings the issue asks for.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "ft/config/run_config.h"
#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "sim_run.h"
#include "store/schema.h"
#include "store_test_util.h"

using ft::RunFilter;
using ft::RunStore;
using ft::StoreError;
using ft::StoreMode;
using store_test::RawDb;
using store_test::TempDir;

namespace {

ft::NewRun named(const std::string& name, const std::string& method = "dst") {
    ft::NewRun r;
    r.name = name;
    r.method = method;
    r.config = {{"method", method}, {"sparse", {{"density", 0.2}}}};
    r.seeds = {18, 19};
    return r;
}

std::vector<std::string> names_of(const std::vector<ft::RunRecord>& runs) {
    std::vector<std::string> out;
    for (const auto& r : runs) out.push_back(r.name);
    return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A store with one simulated run written through the StoreWriter; returns its id.
int64_t write_sim(const std::string& path, const store_test::SimSpec& spec, store_test::SimTruth* truth = nullptr,
                  const std::string& name = "sim") {
    ft::NewRun run = named(name, "dst-ensemble");
    run.checkpoint_dir = "/tmp/ckpt";
    ft::StoreWriter writer(path, run);
    auto t = store_test::publish_sim_run(writer, spec);
    writer.close();
    EXPECT_FALSE(writer.failed()) << writer.error();
    if (truth) *truth = std::move(t);
    return writer.run_id();
}

}  // namespace

TEST(RunStore, CreateListAndFilter) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.ftdb"));
    const int64_t a = store.create_run(named("edst cifar", "edst"));
    const int64_t b = store.create_run(named("dense baseline", "dense"));
    const int64_t c = store.create_run(named("EDST mnist", "edst"));
    store.add_tag(a, "paper");
    store.add_tag(c, "paper");
    store.set_note(b, "the baseline for Table 2");
    store.set_status(b, "finished", "", 3.5);
    store.trash(c);

    EXPECT_EQ(names_of(store.list_runs()), (std::vector<std::string>{"edst cifar", "dense baseline"}));
    RunFilter f;
    f.include_trashed = true;
    EXPECT_EQ(store.list_runs(f).size(), 3u);
    f = {};
    f.trashed_only = true;
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"EDST mnist"}));
    f = {};
    f.method = "edst";
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
    f.status = "finished";
    EXPECT_EQ(names_of(store.list_runs(f)), (std::vector<std::string>{"dense baseline"}));

    const auto r = store.get_run(a);
    EXPECT_EQ(r.id, a);
    EXPECT_EQ(r.method, "edst");
    EXPECT_EQ(r.status, "running");
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
    EXPECT_EQ(run.method, "edst");
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
    store.set_status(id, "cancelled", "", 7.25);
    auto r = store.get_run(id);
    EXPECT_EQ(r.status, "cancelled");
    EXPECT_EQ(r.seconds, 7.25);
    EXPECT_GT(r.finished, 0);
    store.set_status(id, "running");  // resumed
    r = store.get_run(id);
    EXPECT_EQ(r.status, "running");
    EXPECT_EQ(r.finished, 0);
    EXPECT_EQ(r.seconds, 7.25);  // kept
    store.set_status(id, "failed", "CUDA out of memory", 9);
    r = store.get_run(id);
    EXPECT_EQ(r.status, "failed");
    EXPECT_EQ(r.message, "CUDA out of memory");
    EXPECT_THROW(store.set_status(id, "exploded"), StoreError);
    EXPECT_THROW(store.set_status(4242, "finished"), StoreError);
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
        EXPECT_EQ(ro.get_run(dead).status, "interrupted");
        EXPECT_EQ(ro.get_run(stale).status, "interrupted");
        EXPECT_EQ(ro.get_run(alive).status, "running");
        RunFilter f;
        f.status = "interrupted";
        EXPECT_EQ(names_of(ro.list_runs(f)), (std::vector<std::string>{"dead writer", "silent writer"}));
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(dead)),
              "running");  // read-only: untouched
    {
        auto rw = RunStore::open(path);  // read-write opens record it
        EXPECT_EQ(rw.get_run(dead).status, "interrupted");
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
            store.add_event(id, 5, 0, "user_edit", {{"text", t}});
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

TEST(RunStore, DecimationKeepsEveryBucketsMinAndMax) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t steps = 10000;
    int64_t run = 0;
    {
        ft::StoreWriter w(path, named("spiky"));
        for (int64_t s = 1; s <= steps; ++s) {
            double loss = 1.0 + 0.001 * double(s % 7);
            if (s == 5003) loss = 100.0;  // a spike
            if (s == 7777) loss = -5.0;   // a dip
            if (s == 9001) loss = std::numeric_limits<double>::quiet_NaN();
            w.on_event(ft::StepMetrics{0, s, 1, loss, 0.5, 0.1, 0.5});
        }
        w.close();
        run = w.run_id();
    }
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    const auto all = store.metric_series(run, 0, "loss");
    ASSERT_EQ(all.steps.size(), size_t(steps));
    EXPECT_EQ(all.values[5002], 100.0);
    EXPECT_TRUE(std::isnan(all.values[9000]));
    ASSERT_EQ(all.mins.size(), size_t(steps));
    EXPECT_EQ(all.mins[5002], 100.0);
    EXPECT_EQ(all.maxs[7776], -5.0);

    for (int64_t points : {1, 7, 50, 333}) {
        const auto d = store.metric_series(run, 0, "loss", points);
        ASSERT_LE(int64_t(d.steps.size()), points);
        ASSERT_GE(int64_t(d.steps.size()), points / 2);
        ASSERT_EQ(d.values.size(), d.steps.size());
        double top = -1e9, bottom = 1e9;
        bool nan_bucket = false;
        for (size_t i = 0; i < d.steps.size(); ++i) {
            if (i) {
                EXPECT_GT(d.steps[i], d.steps[i - 1]);
            }
            top = std::max(top, d.maxs[i]);
            bottom = std::min(bottom, d.mins[i]);
            if (std::isnan(d.values[i])) {
                nan_bucket = true;
                continue;
            }
            EXPECT_LE(d.mins[i], d.values[i]);
            EXPECT_GE(d.maxs[i], d.values[i]);
        }
        EXPECT_EQ(top, 100.0) << points << " points";    // the spike is never hidden
        EXPECT_EQ(bottom, -5.0) << points << " points";  // nor the dip
        EXPECT_TRUE(nan_bucket) << "the diverged step stays visible";
        EXPECT_EQ(d.steps.back(), steps);
    }
    EXPECT_TRUE(store.metric_series(run, 0, "no such key", 10).steps.empty());
    EXPECT_TRUE(store.metric_series(run, 3, "loss", 10).steps.empty());
}

TEST(RunStore, ConfigDiffListsOnlyDifferingLeaves) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.ftdb"));
    ft::NewRun a = named("a"), b = named("b");
    a.config = {{"method", "edst"},
                {"sparse", {{"density", 0.2}, {"growth", "gradient"}}},
                {"train", {{"epochs", 250}, {"milestones", {0.5, 0.75}}}},
                {"old_key", 1}};
    b.config = {{"method", "edst"},
                {"sparse", {{"density", 0.1}, {"growth", "gradient"}}},
                {"train", {{"epochs", 250}, {"milestones", {0.5, 0.8}}}},
                {"new", {{"key", "x"}}}};
    const int64_t ia = store.create_run(a), ib = store.create_run(b);
    const auto diff = store.config_diff(ia, ib);
    ASSERT_EQ(diff.size(), 4u);
    EXPECT_EQ(diff[0].key, "new.key");
    EXPECT_TRUE(diff[0].value_a.is_null());
    EXPECT_EQ(diff[0].value_b, "x");
    EXPECT_EQ(diff[1].key, "old_key");
    EXPECT_EQ(diff[1].value_a, 1);
    EXPECT_TRUE(diff[1].value_b.is_null());
    EXPECT_EQ(diff[2].key, "sparse.density");
    EXPECT_EQ(diff[2].value_a, 0.2);
    EXPECT_EQ(diff[2].value_b, 0.1);
    EXPECT_EQ(diff[3].key, "train.milestones");
    EXPECT_EQ(diff[3].value_b, nlohmann::json({0.5, 0.8}));
    EXPECT_TRUE(store.config_diff(ia, ia).empty());
    EXPECT_THROW(store.config_diff(ia, 999), StoreError);
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
    EXPECT_TRUE(store.list_runs(RunFilter{"", "", "", "", true, false}).empty());
    EXPECT_THROW(store.purge(keep), StoreError);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
}

TEST(RunStore, ImportRemapsIdsAndCopiesEverything) {
    TempDir dir;
    const std::string a_path = dir.file("a.ftdb"), b_path = dir.file("b.ftdb");
    store_test::SimSpec spec;
    spec.steps = 100;
    store_test::SimTruth truth;
    const int64_t src = write_sim(a_path, spec, &truth, "shared run");
    int64_t trashed = 0;
    {
        auto a = RunStore::open(a_path);
        a.add_tag(src, "from a");
        a.set_note(src, "note from a");
        trashed = a.create_run(named("trashed in a"));
        a.trash(trashed);
    }
    const std::string a_before = store_test::file_bytes(a_path);
    auto b = RunStore::open(b_path);
    b.create_run(named("already in b"));
    b.create_run(named("also in b"));
    const auto ids = b.import_from(a_path);
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_NE(ids[0], src);                               // a new id in b
    EXPECT_EQ(store_test::file_bytes(a_path), a_before);  // the source is only read

    const auto ra = RunStore::open(a_path, StoreMode::ReadOnly).get_run(src);
    const auto rb = b.get_run(ids[0]);
    EXPECT_EQ(rb.name, ra.name);
    EXPECT_EQ(rb.status, "finished");
    EXPECT_EQ(rb.config_json, ra.config_json);
    EXPECT_EQ(rb.seeds, ra.seeds);
    EXPECT_EQ(rb.tags, (std::vector<std::string>{"from a"}));
    EXPECT_EQ(b.get_note(ids[0]), "note from a");
    EXPECT_EQ(b.metric_series(ids[0], 1, "loss").values.size(), 100u);
    EXPECT_EQ(b.metric_series(ids[0], 1, "loss").values[41], truth.loss(1, 42));
    EXPECT_EQ(b.layers(ids[0]).size(), 3u);
    EXPECT_EQ(b.tickets(ids[0]).size(), 2u);
    EXPECT_EQ(b.evaluations(ids[0]).size(), 3u);
    auto a = RunStore::open(a_path, StoreMode::ReadOnly);
    EXPECT_EQ(b.events(ids[0]).size(), a.events(src).size());
    for (int64_t m = 0; m < 2; ++m) {
        const int64_t updates = b.mask_update_count(ids[0], m);
        ASSERT_EQ(updates, int64_t(truth.masks[size_t(m)].size()));
        for (int64_t k = 0; k < updates; ++k)
            for (int64_t l = 0; l < 3; ++l)
                ASSERT_EQ(b.mask_at(ids[0], m, l, k).bits, truth.masks[size_t(m)][size_t(k)][size_t(l)]);
    }
    const auto with_trash = b.import_from(a_path, true);
    ASSERT_EQ(with_trash.size(), 2u);
    EXPECT_TRUE(b.get_run(with_trash[1]).trashed);
    EXPECT_EQ(b.list_runs().size(), 4u);
    EXPECT_THROW(b.import_from(b_path), StoreError);  // into itself
    try {
        b.import_from(dir.file("missing.ftdb"));
        FAIL() << "importing a missing file must fail";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("missing.ftdb"), std::string::npos) << e.what();
    }
}

TEST(RunStore, ImportedRunningRunArrivesInterrupted) {
    TempDir dir;
    const std::string a_path = dir.file("a.ftdb"), b_path = dir.file("b.ftdb");
    { RunStore::open(a_path).create_run(named("still running")); }  // this process is alive: running
    auto b = RunStore::open(b_path);
    const auto ids = b.import_from(a_path);
    ASSERT_EQ(ids.size(), 1u);
    const auto r = b.get_run(ids[0]);
    EXPECT_EQ(r.status, "interrupted");
    EXPECT_EQ(r.message, "imported while it was running");
}

TEST(RunStore, ExportCsvLongFormat) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.members = 1;
    spec.steps = 40;
    const int64_t run = write_sim(path, spec);
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    std::ostringstream out;
    store.export_csv(run, out);
    const std::string csv = out.str();
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "run,member,layer,step,key,value");
    int64_t rows = 0;
    while (std::getline(lines, line)) ++rows;
    // metrics: 4 per step + 6 per epoch end + 2 per mask update; masks: 4 per layer per update; evaluations: 6 each
    const int64_t updates = 1 + spec.steps / spec.update_every;
    int64_t metric_rows = 0;
    for (const auto& k : store.metric_keys(run)) metric_rows += k.count;
    EXPECT_EQ(metric_rows, 4 * spec.steps + 6 * (spec.steps / spec.steps_per_epoch) + 2 * updates);
    EXPECT_EQ(rows, metric_rows + 4 * 3 * updates + 6 * 2);
    const std::string r = std::to_string(run);
    EXPECT_NE(csv.find(r + ",0,,7,loss,0.25\n"), std::string::npos);  // 2 / (7 + 1)
    EXPECT_NE(csv.find(r + ",0,conv1.weight,0,total,300\n"), std::string::npos);
    EXPECT_NE(csv.find(r + ",0,\"fc, \"\"odd\"\" name\",20,total,1000\n"), std::string::npos);  // quoted field
    EXPECT_NE(csv.find(r + ",-1,,40,test.accuracy,0.61\n"), std::string::npos);
    EXPECT_NE(csv.find(r + ",-1,,40,test.nll,inf\n"), std::string::npos);
}

TEST(RunStore, ExportJsonHasTheWholeRun) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.steps = 40;
    const int64_t run = write_sim(path, spec);
    {
        auto store = RunStore::open(path);
        store.add_tag(run, "t");
        store.set_note(run, "n");
    }
    const auto j = RunStore::open(path, StoreMode::ReadOnly).export_json(run);
    EXPECT_EQ(j["run"]["name"], "sim");
    EXPECT_EQ(j["run"]["status"], "finished");
    EXPECT_EQ(j["run"]["tags"], nlohmann::json({"t"}));
    EXPECT_EQ(j["note"], "n");
    EXPECT_EQ(j["config"]["sparse"]["density"], 0.2);
    EXPECT_EQ(j["layers"].size(), 3u);
    EXPECT_EQ(j["metrics"]["1"]["loss"]["values"].size(), 40u);
    EXPECT_EQ(j["metrics"]["1"]["loss"]["values"][9], 2.0 / 11 + 0.01);
    EXPECT_EQ(j["mask_updates"]["0"].size(), 3u);
    EXPECT_EQ(j["mask_updates"]["0"][1]["layers"].size(), 3u);
    EXPECT_EQ(j["tickets"].size(), 2u);
    EXPECT_EQ(j["evaluations"][2]["member"], -1);
    EXPECT_EQ(j["evaluations"][2]["disagreement"][0][1], 0.25);
    EXPECT_TRUE(j["evaluations"][2]["metrics"]["nll"].is_null());
    EXPECT_EQ(j["evaluations"][2]["metrics"]["reliability"].size(), 2u);
    EXPECT_FALSE(j["events"].empty());
}

TEST(RunStore, MigratesAVersion1Store) {
    TempDir dir;
    const std::string path = dir.file("old.ftdb");
    ft::store_detail::create_store_at_version(path, 1);
    {
        RawDb raw(path, false);
        EXPECT_EQ(raw.integer("PRAGMA user_version"), 1);
        raw.exec("INSERT INTO runs(name, method, status, created) VALUES ('old run', 'dst', 'finished', 1700000000)");
    }
    const std::string before = store_test::file_bytes(path);
    EXPECT_THROW(RunStore::open(path, StoreMode::ReadOnly), StoreError);  // read-only never upgrades
    EXPECT_EQ(store_test::file_bytes(path), before);
    {
        auto store = RunStore::open(path);
        const auto runs = store.list_runs();
        ASSERT_EQ(runs.size(), 1u);
        EXPECT_EQ(runs[0].name, "old run");
        EXPECT_EQ(runs[0].color, "");
        EXPECT_FALSE(runs[0].starred);
        store.set_starred(runs[0].id, true);
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), ft::kStoreSchemaVersion);
    EXPECT_EQ(raw.integer("PRAGMA application_id"), ft::kStoreApplicationId);
    EXPECT_EQ(raw.text("SELECT value FROM store_info WHERE key = 'upgraded_by'"), "FreeTickets Workbench " FT_VERSION);
    EXPECT_EQ(raw.integer("SELECT starred FROM runs"), 1);
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
            if (i % 3 == 0) store.set_status(id, "finished", "", double(i));
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

TEST(RunStore, MaskOfAnyUpdateOfAMillionWeightLayer) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.members = 1;
    spec.steps = 32;
    spec.update_every = 1;
    spec.steps_per_epoch = 32;
    spec.layer_sizes = {1000000};
    spec.density = 0.1;
    spec.move = 0.5;
    store_test::SimTruth truth;
    const int64_t run = write_sim(path, spec, &truth);
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    ASSERT_EQ(store.mask_update_count(run, 0), 33);
    double worst = 0, total = 0;
    for (int64_t k = 0; k <= 32; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto m = store.mask_at(run, 0, 0, k);
        const double s = seconds_since(t0);
        worst = std::max(worst, s);
        total += s;
        ASSERT_EQ(m.n, 1000000);
        ASSERT_EQ(m.bits, truth.masks[0][size_t(k)][0]) << "update " << k;
    }
    RawDb raw(path, false);
    const double bytes =
        double(raw.integer("SELECT sum(length(mask)) FROM mask_layers WHERE run = " + std::to_string(run)));
    std::printf(
        "[ timing ] mask of a 1M-weight layer at an update: mean %.1f ms, worst %.1f ms (keyframe every 16); "
        "stored %.0f B per update\n",
        total / 33 * 1000, worst * 1000, bytes / 33);
    EXPECT_THROW(store.mask_at(run, 0, 0, 33), StoreError);
    EXPECT_THROW(store.mask_at(run, 0, 1, 0), StoreError);
    EXPECT_THROW(store.mask_at(run, 1, 0, 0), StoreError);
}

TEST(RunStore, ReadOnlyStoreRefusesWrites) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t id = RunStore::open(path).create_run(named("r"));
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    EXPECT_THROW(store.create_run(named("x")), StoreError);
    EXPECT_THROW(store.set_status(id, "finished"), StoreError);
    EXPECT_THROW(store.add_tag(id, "x"), StoreError);
    EXPECT_THROW(store.trash(id), StoreError);
    EXPECT_THROW(store.purge(id), StoreError);
    EXPECT_EQ(store.get_run(id).status, "running");
}

TEST(RunStore, NestedUseOfOneStatementDoesNotResetTheOuterOne) {
    TempDir dir;
    auto db = ft::store_detail::open_store_db(dir.file("runs.ftdb"), StoreMode::ReadWrite);
    db->exec_script("CREATE TEMP TABLE n(x); INSERT INTO n VALUES (1), (2), (3);");
    const std::string sql = "SELECT x FROM n ORDER BY x";
    std::vector<int64_t> outer, inner;
    auto a = db->prepare(sql);
    while (a.step()) {
        outer.push_back(a.int64(0));
        auto b = db->prepare(sql);  // the same SQL while `a` is mid-iteration
        while (b.step()) inner.push_back(b.int64(0));
    }
    EXPECT_EQ(outer, (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(inner.size(), 9u);
}
