// SPDX-License-Identifier: GPL-3.0-or-later
// A study's results: the metrics read from each finished run's summary and their mean, std and n over seeds,
// checked against values computed by hand; unfinished and failed runs are counted, not averaged.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "ft/study/study_results.h"

namespace ft {
namespace {

using json = nlohmann::json;

struct TempStore {
    std::filesystem::path dir;
    TempStore() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ft-study-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
    }
    ~TempStore() { std::filesystem::remove_all(dir); }
    std::string path() const { return (dir / "s.ftdb").string(); }
};

json summary(double accuracy, double nll, std::vector<double> member_accuracy, double flops) {
    json members = json::array();
    for (double a : member_accuracy) members.push_back({{"test", {{"accuracy", a}, {"nll", nll + 0.1}}}});
    return {{"run", {{"seconds", 10.0}}},
            {"ensemble", {{"test", {{"accuracy", accuracy}, {"nll", nll}, {"ece", 0.01}, {"brier", 0.2}}}}},
            {"members", members},
            {"robustness", {{"pooled", {{"ensemble", {{"accuracy", accuracy - 0.1}}}}}}},
            {"ood", {{"sets", {{{"ensemble", {{"auroc_msp", 0.9}}}}, {{"ensemble", {{"auroc_msp", 0.8}}}}}}}},
            {"flops", {{"train_vs_dense", flops}}}};
}

TEST(StudyMetrics, ReadFromASummary) {
    const json m = study_run_metrics(summary(0.9, 0.3, {0.8, 0.85}, 0.5));
    EXPECT_DOUBLE_EQ(m["accuracy"], 0.9);
    EXPECT_DOUBLE_EQ(m["ticket_accuracy"], 0.825);
    EXPECT_DOUBLE_EQ(m["ticket_nll"], 0.4);
    EXPECT_DOUBLE_EQ(m["corrupted_accuracy"], 0.9 - 0.1);
    EXPECT_DOUBLE_EQ(m["ood_auroc"], 0.85);
    EXPECT_DOUBLE_EQ(m["train_flops"], 0.5);
    EXPECT_FALSE(m.contains("corrupted_nll"));  // not measured: absent, not 0
    EXPECT_TRUE(study_run_metrics(json::object()).empty());
}

TEST(StudyMetrics, SampleStatistics) {
    const auto st = metric_stats({0.90, 0.92, std::nullopt, 0.94, NAN});
    ASSERT_TRUE(st.has_value());
    EXPECT_EQ(st->n, 3);
    EXPECT_NEAR(st->mean, 0.92, 1e-12);
    EXPECT_NEAR(st->std, 0.02, 1e-12);  // sqrt((0.02^2 + 0 + 0.02^2) / 2)
    EXPECT_EQ(metric_stats({0.5})->std, 0.0);
    EXPECT_FALSE(metric_stats({std::nullopt}).has_value());
}

TEST(StudyResults, FinishedRunsAreAveragedAndTheOthersCounted) {
    TempStore t;
    auto store = RunStore::open(t.path());
    const int64_t id = store.create_study(
        "s", json::object(), {{0, "a", "edst", json::object()}, {1, "b", "dense", json::object()}}, {1, 2, 3});
    auto run = [&](const json& s, RunStatus status) {
        NewRun r;
        r.name = "study run";
        r.seeds = {1};
        const int64_t run = store.create_run(r);
        if (!s.is_null()) store.set_summary(run, s);
        store.set_status(run, status);
        return run;
    };
    store.update_study_run(
        id, {0, 1, run(summary(0.90, 0.30, {0.8}, 0.5), RunStatus::Finished), StudyState::Finished, 1, "", ""});
    store.update_study_run(
        id, {0, 2, run(summary(0.94, 0.26, {0.9}, 0.5), RunStatus::Finished), StudyState::Finished, 1, "", ""});
    store.update_study_run(id, {0, 3, run(json(), RunStatus::Failed), StudyState::Failed, 2, "no data", ""});
    store.update_study_run(id, {1, 1, run(json(), RunStatus::Cancelled), StudyState::Cancelled, 1, "", ""});
    const StudyResults r = study_results(store, id);
    ASSERT_EQ(r.points.size(), 2u);
    const auto& a = r.points[0];
    EXPECT_EQ(a.finished, 2);
    EXPECT_EQ(a.failed, 1);
    EXPECT_NEAR(a.stats.at("accuracy").mean, 0.92, 1e-12);
    EXPECT_NEAR(a.stats.at("accuracy").std, std::sqrt(0.0008), 1e-12);  // (0.02^2 + 0.02^2) / 1
    EXPECT_EQ(a.stats.at("nll").n, 2);
    EXPECT_EQ(r.points[1].cancelled, 1);
    EXPECT_EQ(r.points[1].pending, 2);
    EXPECT_TRUE(r.points[1].stats.empty());
    EXPECT_EQ(r.total(), 6);
    const json j = study_results_json(r);
    EXPECT_EQ(j["points"][0]["metrics"]["accuracy"]["n"], 2);
    EXPECT_NEAR(j["points"][0]["metrics"]["accuracy"]["mean"].get<double>(), 0.92, 1e-12);
    EXPECT_EQ(j["points"][0]["runs"][2]["message"], "no data");
    EXPECT_EQ(j["runs"]["failed"], 1);
}

}  // namespace
}  // namespace ft
