// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's import and export (store_transfer.cpp): runs copied from another store under new ids, CSV and JSON.
#include <gtest/gtest.h>

#include "run_store_fixtures.h"

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
    EXPECT_EQ(rb.status, RunStatus::Finished);
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
    EXPECT_EQ(r.status, RunStatus::Interrupted);
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

// Found by fuzz_store_import: a file whose rows pass SQLite's constraints but not the readers (here an evaluation
// split no program writes) was imported as a run that then failed to open. It is refused whole now.
TEST(RunStore, ImportRefusesARunTheReadersReject) {
    TempDir dir;
    const std::string a_path = dir.file("a.ftdb"), b_path = dir.file("b.ftdb");
    {
        auto a = RunStore::open(a_path);
        const int64_t good = a.create_run(named("readable"));
        const int64_t bad = a.create_run(named("damaged"));
        ft::EvaluationRecord e;
        e.member = -1;
        e.split = ft::EvalSplit::test();
        e.metrics = {{"accuracy", 0.9}};
        a.record_evaluation(good, e);
        a.record_evaluation(bad, e);
    }
    RawDb(a_path, false).exec("UPDATE evaluations SET split = 'testticket-0' WHERE run = 2");
    auto b = RunStore::open(b_path);
    b.create_run(named("already in b"));
    try {
        b.import_from(a_path);
        FAIL() << "a run whose evaluations cannot be read must not be imported";
    } catch (const StoreError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind(a_path + ": run 2 cannot be read", 0), 0u) << what;
        EXPECT_NE(what.find("evaluations.split"), std::string::npos) << what;
        EXPECT_NE(what.find("testticket-0"), std::string::npos) << what;
    }
    const auto runs = b.list_runs();
    ASSERT_EQ(runs.size(), 1u);  // nothing of a.ftdb arrived, not even its readable run
    EXPECT_EQ(runs[0].name, "already in b");
}
