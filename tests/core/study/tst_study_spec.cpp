// SPDX-License-Identifier: GPL-3.0-or-later
// Study files: grid expansion, labels, seeds, and the errors a bad file gets.
#include <gtest/gtest.h>

#include <algorithm>

#include "ft/config/config_json.h"
#include "ft/study/study_spec.h"

namespace ft {
namespace {

using json = nlohmann::json;

StudySpec parse(const std::string& text, std::vector<std::string>* warnings = nullptr) {
    return parse_study(json::parse(text), "study.json", "", warnings);
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const ConfigException& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(StudySpec, GridIsCrossedWithPointsAndEveryCombinationIsAPoint) {
    const auto s = parse(R"({"name": "sweep", "base": "spirals-teach",
        "grid": {"sparse.density": [0.1, 0.2, 0.3], "method": ["edst", "dst-ensemble"]},
        "seeds": [1, 2]})");
    ASSERT_EQ(s.points.size(), 6u);
    EXPECT_EQ(s.run_count(), 12u);
    // Keys in sorted order, the last key fastest; each key's values in the file's order.
    EXPECT_EQ(s.points[0].label, "method=edst sparse.density=0.1");
    EXPECT_EQ(s.points[1].label, "method=edst sparse.density=0.2");
    EXPECT_EQ(s.points[3].label, "method=dst-ensemble sparse.density=0.1");
    EXPECT_EQ(s.points[0].method, Method::Edst);
    EXPECT_EQ(s.points[3].method, Method::DstEnsemble);
    EXPECT_EQ(s.points[4].swept, (json{{"method", "dst-ensemble"}, {"sparse.density", 0.2}}));
}

TEST(StudySpec, ExplicitPointsNameWhatDiffersBetweenThem) {
    const auto s = parse(R"({"name": "claims", "points": [
        {"base": "fashion-dense"},
        {"base": "fashion-dense", "set": {"train.epochs": 18}},
        {"label": "EDST", "base": "fashion-edst"}],
        "seeds": [1]})");
    ASSERT_EQ(s.points.size(), 3u);
    EXPECT_EQ(s.points[0].label, "fashion-dense");
    EXPECT_EQ(s.points[1].label, "fashion-dense train.epochs=18");
    EXPECT_EQ(s.points[2].label, "EDST");
    EXPECT_EQ(s.points[1].swept, (json{{"base", "fashion-dense"}, {"train.epochs", 18}}));
    EXPECT_EQ(s.points[2].method, Method::Edst);
}

TEST(StudySpec, ARunConfigIsTheBasePlusThePointWithDistinctMemberSeeds) {
    const auto s =
        parse(R"({"name": "sweep", "base": "spirals-teach", "set": {"train.epochs": 9, "edst.explore_epochs": 3},
        "grid": {"sparse.density": [0.1, 0.3]}, "seeds": [4, 5]})");
    const RunConfig c = study_run_config(s, 1, 5);
    EXPECT_DOUBLE_EQ(c.sparse.density, 0.3);
    EXPECT_EQ(c.train.epochs, 9);
    EXPECT_EQ(c.name, "sweep/sparse.density=0.3/seed 5");
    EXPECT_EQ(c.ensemble.seeds, (std::vector<int64_t>{5, 1005, 2005}));
    // Different study seeds never share a member seed.
    const RunConfig d = study_run_config(s, 1, 4);
    for (auto a : c.ensemble.seeds)
        for (auto b : d.ensemble.seeds) EXPECT_NE(a, b);
}

TEST(StudySpec, ABadSettingIsNamedWithItsPlace) {
    EXPECT_NE(error_of(R"({"name": "x", "base": "spirals-teach", "grid": {"sparse.densty": [0.1]}, "seeds": [1]})")
                  .find("grid.sparse.densty"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "points": [{"base": "spirals-teach", "set": {"nope": 1}}], "seeds": [1]})")
                  .find("points[0].set.nope"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "base": "spirals-teach", "seeds": [1], "grids": {}})").find("grids"),
              std::string::npos);
}

TEST(StudySpec, AnInvalidValueIsReportedForItsPointBeforeAnythingRuns) {
    const std::string e =
        error_of(R"({"name": "x", "base": "spirals-teach", "grid": {"sparse.density": [0.1, 1.5]}, "seeds": [1]})");
    EXPECT_NE(e.find("sparse.density=1.5"), std::string::npos) << e;
    EXPECT_NE(e.find("sparse.density = 1.5"), std::string::npos) << e;
}

TEST(StudySpec, SeedsMustBeDistinctSmallIntegers) {
    EXPECT_NE(error_of(R"({"name": "x", "base": "spirals-teach", "seeds": []})").find("seeds"), std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "base": "spirals-teach", "seeds": [1, 1]})").find("seeds[1]"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "base": "spirals-teach", "seeds": [1.5]})").find("seeds[0]"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "base": "spirals-teach", "seeds": [1000]})").find("[0, 999]"),
              std::string::npos);
}

TEST(StudySpec, NameBaseAndDuplicatesAreChecked) {
    EXPECT_NE(error_of(R"({"name": "a b", "base": "spirals-teach", "seeds": [1]})").find("name"), std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "seeds": [1]})").find("base"), std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "base": "no-such-preset", "seeds": [1]})").find("no-such-preset"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "base": "spirals-teach", "grid": {"sparse.density": [0.1, 0.1]},
                           "seeds": [1]})")
                  .find("grid.sparse.density[1]"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"name": "x", "points": [{"base": "spirals-teach"}, {"base": "spirals-teach"}],
                           "seeds": [1]})")
                  .find("points[1]"),
              std::string::npos);
}

TEST(StudySpec, AHugeGridIsRefused) {
    std::string values;
    for (int i = 1; i <= 101; ++i) {
        if (i > 1) values += ',';
        values += std::to_string(i * 10);
    }
    const std::string e = error_of(R"({"name": "x", "base": "spirals-teach", "grid": {"train.epochs": [)" + values +
                                   R"(], "train.batch_size": [)" + values + R"(]}, "seeds": [1]})");
    EXPECT_NE(e.find("at most 10000 runs"), std::string::npos) << e;
}

TEST(StudySpec, TheShippedClaimsStudyLoadsByName) {
    const auto names = shipped_study_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "fashion-claims"), names.end());
    const auto s = load_study("fashion-claims");
    ASSERT_EQ(s.points.size(), 5u);
    EXPECT_EQ(s.run_count(), 15u);
    EXPECT_EQ(study_run_config(s, 1, 2).train.epochs, 18);  // dense at 18 epochs
    EXPECT_EQ(s.points[4].method, Method::Edst);
}

TEST(StudySpec, EveryShippedStudyLoadsWithoutWarnings) {
    for (const auto& name : shipped_study_names()) {
        std::vector<std::string> warnings;
        const auto s = load_study(name, &warnings);
        EXPECT_EQ(s.name, name);
        EXPECT_GT(s.run_count(), 0u) << name;
        EXPECT_FALSE(s.description.empty()) << name;
        EXPECT_TRUE(warnings.empty()) << name << ": " << (warnings.empty() ? "" : warnings.front());
    }
    const auto spirals = load_study("spirals-density");
    EXPECT_EQ(spirals.run_count(), 24u);  // 4 densities x 2 methods x 3 seeds
}

TEST(StudySpec, WarningsNameThePoint) {
    std::vector<std::string> warnings;
    const auto s =
        parse(R"({"name": "x", "base": "spirals-teach", "grid": {"sparse.density": [1.0]}, "seeds": [1]})", &warnings);
    ASSERT_FALSE(warnings.empty());
    EXPECT_EQ(warnings[0].rfind(s.points[0].label + ": ", 0), 0u) << warnings[0];
}

}  // namespace
}  // namespace ft
