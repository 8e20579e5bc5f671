// SPDX-License-Identifier: GPL-3.0-or-later
// How `freetickets runs` shows runs (app/cli/runs_text.cpp): the list table with typed method and status as
// text, the JSON of a listed run, escaped control characters, and the config diff.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runs_text.h"

using namespace ft;

namespace {

RunRecord record(int64_t id, const std::string& name, Method method, RunStatus status) {
    RunRecord r;
    r.id = id;
    r.name = name;
    r.method = method;
    r.status = status;
    r.seconds = 12.5;
    r.total_steps = 400;
    r.last_step = 100;
    r.tags = {"paper"};
    return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(RunsText, TableShowsMethodStatusAndProgress) {
    auto trashed = record(2, "second", Method::StaticEnsemble, RunStatus::Interrupted);
    trashed.trashed = true;
    const std::string t = cli::runs_table({record(1, "first", Method::Edst, RunStatus::Finished), trashed});
    const auto header = t.substr(0, t.find('\n'));
    EXPECT_TRUE(has(header, "id  name    method           status")) << t;
    EXPECT_TRUE(has(t, "edst")) << t;
    EXPECT_TRUE(has(t, "finished")) << t;
    EXPECT_TRUE(has(t, "static-ensemble  interrupted (trash)")) << t;
    EXPECT_TRUE(has(t, "25%")) << t;  // 100 of 400 steps
    EXPECT_TRUE(has(t, "12.5")) << t;
}

TEST(RunsText, ListedRunJsonHoldsNamesNotNumbers) {
    const auto j = cli::run_list_json(record(7, "r", Method::DstEnsemble, RunStatus::Cancelled));
    EXPECT_EQ(j["id"], 7);
    EXPECT_EQ(j["method"], "dst-ensemble");
    EXPECT_EQ(j["status"], "cancelled");
    EXPECT_DOUBLE_EQ(j["progress"].get<double>(), 0.25);
}

TEST(RunsText, ControlCharactersAreEscaped) {
    EXPECT_EQ(cli::printable("a\nb\tc\rd\x01"
                             "e\x7f"),
              "a\\nb\\tc\\rd\\x01e\\x7f");
    EXPECT_EQ(cli::printable("Ünïcødé"), "Ünïcødé");
    EXPECT_TRUE(has(cli::runs_table({record(1, "two\nlines", Method::Dst, RunStatus::Running)}), "two\\nlines"));
}

TEST(RunsText, ConfigDiffShowsOnlyDifferences) {
    EXPECT_EQ(cli::config_diff_text({}, 3, 4), "runs 3 and 4 have the same config\n");
    const std::string t = cli::config_diff_text({{"sparse.density", 0.2, 0.1}, {"name", "a", nullptr}}, 3, 4);
    EXPECT_TRUE(has(t, "key             run 3  run 4")) << t;
    EXPECT_TRUE(has(t, "sparse.density  0.2    0.1")) << t;
    EXPECT_TRUE(has(t, "name            \"a\"    (absent)")) << t;
    EXPECT_EQ(cli::local_time(0), "-");
}
