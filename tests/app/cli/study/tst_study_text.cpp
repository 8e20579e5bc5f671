// SPDX-License-Identifier: GPL-3.0-or-later
// The text of the study commands: the progress line's bar and ETA, the results table and the CSV.
#include <gtest/gtest.h>

#include "study/study_text.h"

namespace ft::cli {
namespace {

StudyResults results() {
    StudyResults r;
    r.study.id = 3;
    r.study.name = "sweep";
    r.study.state = StudyState::Finished;
    StudyPointResult a;
    a.point = {0, "sparse.density=0.1", "edst", {{"sparse.density", 0.1}}};
    a.runs.resize(3);
    a.finished = 3;
    a.stats["accuracy"] = {0.91234, 0.00456, 3};
    a.stats["train_flops"] = {0.527, 0.0, 3};
    StudyPointResult b;
    b.point = {1, "sparse.density=0.2, \"x\"", "edst", {{"sparse.density", 0.2}}};
    b.runs.resize(3);
    b.finished = 1;
    b.failed = 1;
    b.runs[2].row.state = StudyState::Failed;
    b.runs[2].row.seed = 3;
    b.runs[2].row.message = "no data";
    b.stats["accuracy"] = {0.9, 0.0, 1};
    r.points = {a, b};
    r.finished = 4;
    r.failed = 1;
    r.pending = 1;
    return r;
}

TEST(StudyText, ProgressLineShowsTheBarCountsAndEta) {
    StudyProgress p;
    p.fraction = 0.25;
    p.finished = 3;
    p.total = 12;
    p.running = 2;
    p.failed = 1;
    p.elapsed_seconds = 60;
    const std::string line = study_progress_line(p);
    EXPECT_NE(line.find("[#####...............]"), std::string::npos) << line;
    EXPECT_NE(line.find(" 25%"), std::string::npos) << line;
    EXPECT_NE(line.find("3/12 runs finished, 2 running, 1 failed"), std::string::npos) << line;
    EXPECT_NE(line.find("elapsed 01:00  ETA 03:00"), std::string::npos) << line;  // 60 s for a quarter
    p.fraction = 0;
    EXPECT_NE(study_progress_line(p).find("ETA --:--"), std::string::npos);
}

TEST(StudyText, TableShowsMeanStdAndRunsAndListsFailures) {
    const std::string t = study_table(results(), {"accuracy", "train_flops"}, "table");
    EXPECT_NE(t.find("study 3 \"sweep\": finished, 4 of 6 runs finished, 1 failed"), std::string::npos) << t;
    EXPECT_NE(t.find("0.9123 ± 0.0046"), std::string::npos) << t;
    EXPECT_NE(t.find("0.527x ± 0.000"), std::string::npos) << t;
    EXPECT_NE(t.find("3/3"), std::string::npos) << t;
    EXPECT_NE(t.find("0.9000"), std::string::npos) << t;  // one seed: no ± part
    EXPECT_EQ(t.find("0.9000 ±"), std::string::npos) << t;
    EXPECT_NE(t.find("seed 3: no data"), std::string::npos) << t;
    EXPECT_THROW(study_table(results(), {"acuracy"}, "table"), std::invalid_argument);
    const std::string md = study_table(results(), {"accuracy"}, "markdown");
    EXPECT_NE(md.find("| point | method | runs | accuracy |"), std::string::npos) << md;
    EXPECT_NE(md.find("|---|---|---:|---:|"), std::string::npos) << md;
}

TEST(StudyText, CsvHasSettingsAndMeanStdNOfEveryMetric) {
    const std::string csv = study_csv(results());
    const std::string header = csv.substr(0, csv.find('\n'));
    EXPECT_EQ(header.rfind("point,label,method,sparse.density,accuracy_mean,accuracy_std,accuracy_n,nll_mean", 0), 0u)
        << header;
    EXPECT_NE(csv.find("\n0,sparse.density=0.1,edst,0.1,0.91234,0.00456,3,,,0"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\"sparse.density=0.2, \"\"x\"\"\""), std::string::npos) << csv;  // quoted, quotes doubled
}

}  // namespace
}  // namespace ft::cli
