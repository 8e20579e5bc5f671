// SPDX-License-Identifier: GPL-3.0-or-later
// The store's evaluation results (schema 3): 2-D training points and decision boundaries round-trip exactly, the
// summary JSON arrives with RunFinished and can be replaced, OoD scores are kept with their evaluation, events can
// be recorded into a finished run without touching its status, a version-2 store is upgraded, and import, export
// and purge carry the new tables.
#include <gtest/gtest.h>

#include <cmath>

#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "store/schema.h"
#include "store_test_util.h"

using ft::RunStore;
using ft::StoreError;
using ft::StoreMode;
using ft::StoreWriter;
using store_test::RawDb;
using store_test::TempDir;

namespace {

ft::NewRun new_run(const std::string& name) {
    ft::NewRun r;
    r.name = name;
    r.method = ft::Method::Edst;
    r.seeds = {18};
    return r;
}

ft::DataPoints2D points() {
    ft::DataPoints2D d;
    d.classes = 3;
    // Values that only survive a bit-exact float round trip (not a decimal print).
    d.x = {-1.0f, 0.1f, 3.4028235e38f, -0.0f, 1e-42f};
    d.y = {0.5f, -0.3333333f, 1.17549435e-38f, 2.0f, -7.25f};
    d.label = {0, 2, 1, 1, 0};
    return d;
}

ft::DecisionBoundary boundary(int64_t member, int64_t step, const std::string& source, float shift) {
    ft::DecisionBoundary b;
    b.member = member;
    b.step = step;
    b.source = source;
    b.x_min = -1.5;
    b.x_max = 1.25;
    b.y_min = -0.75;
    b.y_max = 2.0;
    b.resolution = 3;
    b.classes = 2;
    for (int i = 0; i < 9; ++i) {
        const float p = float(i) / 9.0f + shift;
        b.probs.push_back(p);
        b.probs.push_back(1.0f - p);
    }
    return b;
}

ft::EvalReport ood_report() {
    ft::EvalReport r;
    r.member = -1;
    r.split = ft::EvalSplit::ood("gaussian");
    r.metrics.n = 500;
    r.ood = ft::OodResult{0.875, 0.25, 0.8125, 0.5};
    return r;
}

void expect_same(const ft::DecisionBoundary& a, const ft::DecisionBoundary& b) {
    EXPECT_EQ(a.member, b.member);
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.source, b.source);
    EXPECT_EQ(a.x_min, b.x_min);
    EXPECT_EQ(a.x_max, b.x_max);
    EXPECT_EQ(a.y_min, b.y_min);
    EXPECT_EQ(a.y_max, b.y_max);
    EXPECT_EQ(a.resolution, b.resolution);
    EXPECT_EQ(a.classes, b.classes);
    EXPECT_EQ(a.probs, b.probs);
}

// A finished 2-D run: points, a boundary per ticket, the ensemble's, an OoD evaluation and the summary.
int64_t write_2d_run(const std::string& path, const std::string& summary = R"({"run": {"status": "finished"}})") {
    StoreWriter w(path, new_run("2d"));
    ft::RunStarted started;
    started.method = ft::Method::Edst;
    started.plan.members = 2;
    started.plan.total_steps = 100;
    started.plan.steps_per_epoch = 10;
    started.device = "cpu";
    w.on_event(started);
    w.on_event(points());
    w.on_event(ft::StepMetrics{0, 40, 4, 0.5, 0.9, 0.1, 0.5});
    w.on_event(boundary(0, 40, "ticket", 0.0f));
    w.on_event(boundary(0, 60, "live", 0.01f));
    w.on_event(boundary(1, 80, "ticket", 0.02f));
    w.on_event(boundary(-1, 80, "ensemble", 0.03f));
    w.on_event(ood_report());
    ft::RunFinished f;
    f.status = ft::RunStatus::Finished;
    f.seconds = 3;
    f.summary = summary;
    w.on_event(f);
    w.close();
    EXPECT_FALSE(w.failed()) << w.error();
    return w.run_id();
}

}  // namespace

TEST(StoreEvaluation, PointsAndBoundariesRoundTripExactly) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t run = write_2d_run(path);
    auto store = RunStore::open(path, StoreMode::ReadOnly);

    const auto p = store.data_points(run);
    ASSERT_TRUE(p.has_value());
    const auto want = points();
    EXPECT_EQ(p->classes, 3);
    ASSERT_EQ(p->x.size(), want.x.size());
    for (size_t i = 0; i < want.x.size(); ++i) {
        EXPECT_EQ(std::signbit(p->x[i]), std::signbit(want.x[i])) << i;  // -0 stays -0
        EXPECT_EQ(p->x[i], want.x[i]) << i;
        EXPECT_EQ(p->y[i], want.y[i]) << i;
    }
    EXPECT_EQ(p->label, want.label);

    const auto all = store.decision_boundaries(run);
    ASSERT_EQ(all.size(), 4u);
    expect_same(all[0], boundary(0, 40, "ticket", 0.0f));
    expect_same(all[1], boundary(0, 60, "live", 0.01f));
    expect_same(all[2], boundary(1, 80, "ticket", 0.02f));
    expect_same(all[3], boundary(-1, 80, "ensemble", 0.03f));
    const auto tickets = store.decision_boundaries(run, "ticket");
    ASSERT_EQ(tickets.size(), 2u);
    EXPECT_EQ(tickets[0].member, 0);
    EXPECT_EQ(tickets[1].member, 1);
    EXPECT_TRUE(store.decision_boundaries(run, "no such source").empty());
    // The boundary's step counts as progress like any other event.
    EXPECT_EQ(store.get_run(run).last_step, 80);
}

TEST(StoreEvaluation, RunsWithoutTwoDimensionalDataHaveNoPointsOrBoundaries) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.ftdb"));
    const int64_t run = store.create_run(new_run("images"));
    EXPECT_FALSE(store.data_points(run).has_value());
    EXPECT_TRUE(store.decision_boundaries(run).empty());
    EXPECT_TRUE(store.summary(run).is_null());
}

TEST(StoreEvaluation, ResumedRunReplacesItsPoints) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t run = write_2d_run(path);
    {
        StoreWriter w(path, run);  // a resume publishes the points again
        auto d = points();
        d.x[0] = 42.0f;
        w.on_event(d);
        w.close();
        ASSERT_FALSE(w.failed()) << w.error();
    }
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    ASSERT_TRUE(store.data_points(run).has_value());
    EXPECT_EQ(store.data_points(run)->x[0], 42.0f);
    EXPECT_EQ(RawDb(path, false).integer("SELECT count(*) FROM data_points"), 1);
}

TEST(StoreEvaluation, SummaryArrivesWithRunFinishedAndCanBeReplaced) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t run =
        write_2d_run(path, R"({"run": {"status": "finished"}, "ensemble": {"test": {"accuracy": 0.75}}})");
    auto store = RunStore::open(path);
    EXPECT_EQ(store.summary(run)["ensemble"]["test"]["accuracy"], 0.75);
    store.set_summary(run, {{"ensemble", {{"test", {{"accuracy", 0.5}}}}}, {"robustness", {{"pooled", 1}}}});
    EXPECT_EQ(store.summary(run)["ensemble"]["test"]["accuracy"], 0.5);
    EXPECT_EQ(store.summary(run)["robustness"]["pooled"], 1);
    EXPECT_THROW(store.set_summary(run + 100, {}), StoreError);
    EXPECT_THROW(RunStore::open(path, StoreMode::ReadOnly).set_summary(run, {}), StoreError);

    // A failed run publishes no summary and gets none.
    StoreWriter w(path, new_run("failed"));
    w.on_event(ft::RunFinished{ft::RunStatus::Failed, "loss is NaN", 1.0});
    w.close();
    EXPECT_TRUE(store.summary(w.run_id()).is_null());
}

TEST(StoreEvaluation, OodScoresAreKeptWithTheEvaluation) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t run = write_2d_run(path);
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    const auto evals = store.evaluations(run);
    ASSERT_EQ(evals.size(), 1u);
    EXPECT_EQ(evals[0].split, ft::EvalSplit::ood("gaussian"));
    EXPECT_EQ(evals[0].metrics["n"], 500);
    EXPECT_EQ(evals[0].metrics["ood"]["auroc_msp"], 0.875);
    EXPECT_EQ(evals[0].metrics["ood"]["fpr95_msp"], 0.25);
    EXPECT_EQ(evals[0].metrics["ood"]["auroc_entropy"], 0.8125);
    EXPECT_EQ(evals[0].metrics["ood"]["fpr95_entropy"], 0.5);
    const auto events = store.events(run, INT64_MIN, INT64_MAX, {ft::EventKind::Evaluation});
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].payload["ood"]["auroc_msp"], 0.875);
}

TEST(StoreEvaluation, RecordEventsAddsEvaluationsWithoutTouchingTheStatus) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t run = write_2d_run(path);
    auto store = RunStore::open(path);
    const double finished = store.get_run(run).finished;
    ft::EvalReport r;
    r.member = 1;
    r.split = ft::EvalSplit::corrupted("contrast", 3);
    r.metrics.n = 10;
    r.metrics.accuracy = 0.4;
    r.metrics.reliability = {{0.0, 0.5, 4, 0.3, 0.25}, {0.5, 1.0, 6, 0.7, 0.5}};
    store.record_events(run, {r, ood_report()});
    const auto evals = store.evaluations(run);
    ASSERT_EQ(evals.size(), 3u);
    EXPECT_EQ(evals[1].split, ft::EvalSplit::corrupted("contrast", 3));
    EXPECT_EQ(evals[1].member, 1);
    EXPECT_EQ(evals[1].step, 80);  // the run's last step
    EXPECT_EQ(evals[1].metrics["reliability"][1]["count"], 6);
    EXPECT_EQ(evals[2].metrics["ood"]["auroc_msp"], 0.875);
    EXPECT_EQ(store.get_run(run).status, ft::RunStatus::Finished);
    EXPECT_EQ(store.get_run(run).finished, finished);
    EXPECT_THROW(store.record_events(run + 100, {r}), StoreError);
}

TEST(StoreEvaluation, ImportExportAndPurgeCarryTheNewTables) {
    TempDir dir;
    const std::string a = dir.file("a.ftdb"), b = dir.file("b.ftdb");
    const int64_t run = write_2d_run(a, R"({"marker": "from a"})");
    auto store = RunStore::open(b);
    const auto ids = store.import_from(a);
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(store.summary(ids[0])["marker"], "from a");
    ASSERT_TRUE(store.data_points(ids[0]).has_value());
    EXPECT_EQ(store.data_points(ids[0])->label, points().label);
    ASSERT_EQ(store.decision_boundaries(ids[0]).size(), 4u);
    expect_same(store.decision_boundaries(ids[0])[3], boundary(-1, 80, "ensemble", 0.03f));

    const auto j = RunStore::open(a, StoreMode::ReadOnly).export_json(run);
    EXPECT_EQ(j["summary"]["marker"], "from a");
    EXPECT_EQ(j["data_points"]["label"], nlohmann::json(points().label));
    ASSERT_EQ(j["decision_boundaries"].size(), 4u);
    EXPECT_EQ(j["decision_boundaries"][1]["source"], "live");
    EXPECT_EQ(j["decision_boundaries"][1]["probs"].size(), 18u);

    store.purge(ids[0]);
    RawDb raw(b, false);
    for (const char* table : {"summaries", "data_points", "decision_boundaries"})
        EXPECT_EQ(raw.integer(std::string("SELECT count(*) FROM ") + table), 0) << table;
}

TEST(StoreEvaluation, DamagedBlobsAreReportedNamingTheRun) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t run = write_2d_run(path);
    RawDb(path, false).exec("UPDATE decision_boundaries SET probs = x'0102030405' WHERE source = 'live'");
    RawDb(path, false).exec("UPDATE data_points SET count = 4");
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    try {
        store.decision_boundaries(run);
        FAIL() << "a 5-byte blob must be refused";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("run " + std::to_string(run)), std::string::npos) << e.what();
    }
    EXPECT_EQ(store.decision_boundaries(run, "ticket").size(), 2u);  // the others still read
    EXPECT_THROW(store.data_points(run), StoreError);
}

TEST(StoreEvaluation, MigratesAVersion2Store) {
    TempDir dir;
    const std::string path = dir.file("old.ftdb");
    ft::store_detail::create_store_at_version(path, 2);
    {
        RawDb raw(path, false);
        EXPECT_EQ(raw.integer("PRAGMA user_version"), 2);
        EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'summaries'"), 0);
        raw.exec(
            "INSERT INTO runs(name, method, status, created, color) VALUES ('v2 run', 'edst', 'finished', 1, "
            "'#123456')");
    }
    EXPECT_THROW(RunStore::open(path, StoreMode::ReadOnly), StoreError);  // read-only never upgrades
    {
        auto store = RunStore::open(path);
        const auto runs = store.list_runs();
        ASSERT_EQ(runs.size(), 1u);
        EXPECT_EQ(runs[0].name, "v2 run");
        EXPECT_EQ(runs[0].color, "#123456");
        EXPECT_TRUE(store.summary(runs[0].id).is_null());
        EXPECT_FALSE(store.data_points(runs[0].id).has_value());
        store.set_summary(runs[0].id, {{"after", "upgrade"}});
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), ft::kStoreSchemaVersion);
    EXPECT_GE(ft::kStoreSchemaVersion, 3);
    EXPECT_EQ(raw.text("SELECT summary FROM summaries"), R"({"after":"upgrade"})");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'decision_boundaries'"), 1);
}
