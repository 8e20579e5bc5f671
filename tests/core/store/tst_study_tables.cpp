// SPDX-License-Identifier: GPL-3.0-or-later
// The study tables (schema 4): a study with its points and rows round-trips, rows follow their runs, a purged run
// only unlinks its row, names are unique, and a version-3 store is upgraded with its runs intact.
#include <gtest/gtest.h>

#include "ft/store/run_store.h"
#include "store/schema.h"
#include "store_test_util.h"

using ft::RunStore;
using ft::StoreError;
using ft::StudyRunRecord;
using ft::StudyState;
using store_test::RawDb;
using store_test::TempDir;

namespace {

std::vector<ft::StudyPointRecord> two_points() {
    return {{0, "sparse.density=0.1", "edst", {{"sparse.density", 0.1}}},
            {1, "sparse.density=0.2", "edst", {{"sparse.density", 0.2}}}};
}

int64_t add_run(RunStore& store, const std::string& name) {
    ft::NewRun r;
    r.name = name;
    r.seeds = {1};
    return store.create_run(r);
}

TEST(StudyTables, AStudyKeepsItsFilePointsAndOneRowPerPointAndSeed) {
    TempDir dir;
    auto store = RunStore::open(dir.file("s.ftdb"));
    const nlohmann::json spec = {{"name", "sweep"}, {"seeds", {1, 2, 3}}};
    const int64_t id = store.create_study("sweep", spec, two_points(), {1, 2, 3});
    EXPECT_EQ(store.find_study("sweep"), id);
    EXPECT_FALSE(store.find_study("other").has_value());
    const auto s = store.get_study(id);
    EXPECT_EQ(s.name, "sweep");
    EXPECT_EQ(s.spec, spec);
    EXPECT_EQ(s.state, StudyState::Pending);
    ASSERT_EQ(s.points.size(), 2u);
    EXPECT_EQ(s.points[1].label, "sparse.density=0.2");
    EXPECT_EQ(s.points[1].settings["sparse.density"], 0.2);
    ASSERT_EQ(s.runs.size(), 6u);
    EXPECT_EQ(s.runs[4].point, 1);
    EXPECT_EQ(s.runs[4].seed, 2);
    for (const auto& r : s.runs) {
        EXPECT_EQ(r.state, StudyState::Pending);
        EXPECT_FALSE(r.run.has_value());
    }
    EXPECT_THROW(store.create_study("sweep", spec, two_points(), {1}), StoreError);
}

TEST(StudyTables, RowsFollowTheirRunsAndAPurgedRunOnlyUnlinks) {
    TempDir dir;
    auto store = RunStore::open(dir.file("s.ftdb"));
    const int64_t id = store.create_study("sweep", nlohmann::json::object(), two_points(), {7});
    const int64_t run = add_run(store, "sweep/p1/seed 7");
    StudyRunRecord row{1, 7, run, StudyState::Running, 1, "", "local:h:42"};
    store.update_study_run(id, row);
    auto s = store.get_study(id);
    EXPECT_EQ(s.runs[1].run, run);
    EXPECT_EQ(s.runs[1].state, StudyState::Running);
    EXPECT_EQ(s.runs[1].attempts, 1);
    EXPECT_EQ(s.runs[1].job, "local:h:42");
    EXPECT_EQ(store.studies_of_run(run),
              (std::vector<std::pair<std::string, std::string>>{{"sweep", "sparse.density=0.2"}}));
    // A row that is not the study's, and a run that is not in the store, are errors.
    EXPECT_THROW(store.update_study_run(id, {5, 7, std::nullopt, StudyState::Failed, 1, "", ""}), StoreError);
    EXPECT_THROW(store.update_study_run(id, {1, 7, run + 100, StudyState::Failed, 1, "", ""}), StoreError);
    store.trash(run);
    store.purge(run);
    s = store.get_study(id);
    EXPECT_FALSE(s.runs[1].run.has_value());
    EXPECT_EQ(s.runs[1].state, StudyState::Running);  // what the executor saw stays; only the link goes
}

TEST(StudyTables, StateExecutorAndCancelRequest) {
    TempDir dir;
    auto store = RunStore::open(dir.file("s.ftdb"));
    const int64_t id = store.create_study("sweep", nlohmann::json::object(), two_points(), {1});
    store.set_study_state(id, StudyState::Failed, "1 of 2 runs failed");
    store.set_study_executor(id, "local", 1234);
    store.request_study_cancel(id);
    auto s = store.get_study(id);
    EXPECT_EQ(s.state, StudyState::Failed);
    EXPECT_EQ(s.message, "1 of 2 runs failed");
    EXPECT_EQ(s.executor, "local");
    EXPECT_EQ(s.pid, 1234);
    EXPECT_FALSE(s.host.empty());
    EXPECT_TRUE(s.cancel_requested);
    store.request_study_cancel(id, false);
    EXPECT_FALSE(store.get_study(id).cancel_requested);
    EXPECT_THROW(store.set_study_state(id + 1, StudyState::Finished), StoreError);
}

TEST(StudyTables, DeletingAStudyKeepsItsRuns) {
    TempDir dir;
    auto store = RunStore::open(dir.file("s.ftdb"));
    const int64_t id = store.create_study("sweep", nlohmann::json::object(), two_points(), {1});
    const int64_t run = add_run(store, "r");
    store.update_study_run(id, {0, 1, run, StudyState::Finished, 1, "", ""});
    store.delete_study(id);
    EXPECT_TRUE(store.list_studies().empty());
    EXPECT_TRUE(store.find_run(run).has_value());
    RawDb raw(dir.file("s.ftdb"), false);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM study_runs"), 0);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM study_points"), 0);
}

TEST(StudyTables, AVersion3StoreIsUpgradedWithItsRuns) {
    TempDir dir;
    const std::string path = dir.file("old.ftdb");
    ft::store_detail::create_store_at_version(path, 3);
    {
        RawDb raw(path, false);
        EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_master WHERE name = 'studies'"), 0);
        raw.exec("INSERT INTO runs(name, method, status, created) VALUES ('v3 run', 'edst', 'finished', 1)");
        raw.exec("INSERT INTO summaries(run, summary, updated) VALUES (1, '{\"kept\":true}', 1)");
    }
    {
        auto store = RunStore::open(path);
        ASSERT_EQ(store.list_runs().size(), 1u);
        EXPECT_EQ(store.summary(1)["kept"], true);
        const int64_t id = store.create_study("after-upgrade", nlohmann::json::object(), two_points(), {1});
        store.update_study_run(id, {0, 1, 1, StudyState::Finished, 1, "", ""});
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), 4);
    EXPECT_EQ(raw.integer("SELECT run FROM study_runs WHERE point = 0"), 1);
}

}  // namespace
