// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets study` as a user runs it, with the local executor: a study finishes while a failing point is
// reported, a stopped study resumes (finished runs skipped, stopped ones resumed), `study cancel` stops one, and a
// changed file under the same name is refused. The store is read back with ft_store.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_process.h"
#include "ft/store/run_store.h"
#include "study_test_util.h"

namespace fs = std::filesystem;
using cli_test::Command;
using cli_test::Outcome;
using study_test::Folder;
using study_test::tiny_study;
using study_test::wait_for;

namespace {

Outcome study(const Folder& dir, const std::vector<std::string>& args, const std::string& name = "study") {
    Command c;
    c.args = {"study"};
    c.args.insert(c.args.end(), args.begin(), args.end());
    c.args.insert(c.args.end(), {"--db", dir.file("runs.sqlite")});
    c.env = {{"XDG_DATA_HOME", dir.file("xdg")}};
    c.out_file = dir.file(name + ".out");
    c.err_file = dir.file(name + ".err");
    return cli_test::run(c);
}

ft::StudyRecord stored(const Folder& dir, const std::string& name) {
    const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
    return store.get_study(*store.find_study(name));
}

TEST(CliStudy, FinishesEveryPointAndReportsAFailingOneWithoutStoppingTheRest) {
    Folder dir;
    auto spec = tiny_study("mixed", 2);
    spec["points"].push_back({{"label", "no data"},
                              {"base", "fashion-dense"},
                              {"set", {{"data.path", dir.file("missing")}, {"threads", 1}}}});
    const std::string file = dir.write("mixed.json", spec);
    const Outcome o = study(dir, {"run", file, "--jobs", "2", "--threads", "1"});
    EXPECT_EQ(o.rc, 1) << o.err;
    const auto s = stored(dir, "mixed");
    EXPECT_EQ(s.state, ft::StudyState::Failed);
    ASSERT_EQ(s.runs.size(), 6u);
    const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
    for (const auto& r : s.runs) {
        if (r.point < 2) {
            EXPECT_EQ(r.state, ft::StudyState::Finished) << r.point << "/" << r.seed;
            ASSERT_TRUE(r.run.has_value());
            EXPECT_EQ(store.get_run(*r.run).status, ft::RunStatus::Finished);
            EXPECT_EQ(store.get_run(*r.run).seeds.front(), r.seed);
        } else {
            EXPECT_EQ(r.state, ft::StudyState::Failed);
            EXPECT_EQ(r.attempts, 2);  // tried once more, then reported
            EXPECT_NE(r.message.find("missing"), std::string::npos) << r.message;
        }
    }
    EXPECT_NE(o.err.find("FAILED no data"), std::string::npos) << o.err;
    // show --json: each finished point's metrics over its two seeds.
    const Outcome show = study(dir, {"show", "mixed", "--json"}, "show");
    ASSERT_EQ(show.rc, 0) << show.err;
    const auto j = nlohmann::json::parse(show.out);
    EXPECT_EQ(j["points"][0]["metrics"]["accuracy"]["n"], 2);
    EXPECT_GT(j["points"][0]["metrics"]["accuracy"]["mean"].get<double>(), 0.3);
    EXPECT_FALSE(j["points"][2]["metrics"].contains("accuracy"));
    EXPECT_EQ(j["runs"]["failed"], 2);
    // The runs are tagged with their study, so the run browser can find them.
    EXPECT_NE(study(dir, {"list"}, "list").out.find("mixed"), std::string::npos);
}

TEST(CliStudy, AStoppedStudyResumesSkippingFinishedRuns) {
    Folder dir;
    const std::string file = dir.write("resume.json", tiny_study("resume", 2, 120));
    Command c;
    c.args = {"study", "run", file, "--jobs", "1", "--threads", "1", "--db", dir.file("runs.sqlite")};
    c.env = {{"XDG_DATA_HOME", dir.file("xdg")}};
    c.out_file = dir.file("first.out");
    c.err_file = dir.file("first.err");
    const pid_t pid = cli_test::spawn(c);
    // Stop it (SIGTERM, as a scheduler would) once one run has finished and the next is training.
    ASSERT_TRUE(wait_for([&] {
        if (!fs::exists(dir.file("runs.sqlite"))) return false;
        try {
            const auto s = stored(dir, "resume");
            int finished = 0, training = 0;
            const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
            for (const auto& r : s.runs) {
                finished += r.state == ft::StudyState::Finished;
                // Into its training loop: it has stored a step. A fixed wait instead let a fast machine finish the
                // whole run before the signal.
                training +=
                    r.state == ft::StudyState::Running && r.run.has_value() && store.get_run(*r.run).last_step > 0;
            }
            return finished >= 1 && training >= 1;
        } catch (const std::exception&) {
            return false;
        }
    }));
    kill(pid, SIGTERM);
    const Outcome first = cli_test::finish(pid, c);
    EXPECT_EQ(first.rc, 143) << first.err;
    const auto before = stored(dir, "resume");
    EXPECT_EQ(before.state, ft::StudyState::Cancelled);
    std::map<std::pair<int64_t, int64_t>, ft::StudyRunRecord> rows;
    for (const auto& r : before.runs) rows[{r.point, r.seed}] = r;

    const Outcome second = study(dir, {"run", file, "--jobs", "1", "--threads", "1"}, "second");
    EXPECT_EQ(second.rc, 0) << second.err;
    const auto after = stored(dir, "resume");
    EXPECT_EQ(after.state, ft::StudyState::Finished);
    const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
    int resumed = 0;
    for (const auto& r : after.runs) {
        EXPECT_EQ(r.state, ft::StudyState::Finished);
        ASSERT_TRUE(r.run.has_value());
        EXPECT_EQ(store.get_run(*r.run).status, ft::RunStatus::Finished);
        const auto& old = rows[{r.point, r.seed}];
        if (old.state == ft::StudyState::Finished) {
            EXPECT_EQ(old.run, r.run);  // skipped, not retrained
        }
        if (old.state == ft::StudyState::Cancelled && old.run) {
            EXPECT_EQ(old.run, r.run);  // the same run, resumed from its checkpoint
            EXPECT_EQ(r.attempts, old.attempts);
            ++resumed;
        }
    }
    EXPECT_EQ(resumed, 1);
    EXPECT_NE(second.err.find("already finished"), std::string::npos) << second.err;
    EXPECT_NE(second.err.find("(resumed)"), std::string::npos) << second.err;
}

TEST(CliStudy, StudyCancelStopsTheExecutorAndItsRuns) {
    Folder dir;
    const std::string file = dir.write("cancel.json", tiny_study("cancel", 1, 400));
    Command c;
    c.args = {"study", "run", file, "--jobs", "2", "--threads", "1", "--db", dir.file("runs.sqlite")};
    c.env = {{"XDG_DATA_HOME", dir.file("xdg")}};
    c.out_file = dir.file("run.out");
    c.err_file = dir.file("run.err");
    const pid_t pid = cli_test::spawn(c);
    ASSERT_TRUE(wait_for([&] {
        try {
            for (const auto& r : stored(dir, "cancel").runs)
                if (r.run) return true;
        } catch (const std::exception&) {}
        return false;
    }));
    const Outcome cancel = study(dir, {"cancel", "cancel"}, "cancel");
    EXPECT_EQ(cancel.rc, 0) << cancel.err;
    EXPECT_NE(cancel.out.find("asked the executor"), std::string::npos) << cancel.out;
    const Outcome o = cli_test::finish(pid, c);
    EXPECT_EQ(o.rc, 3) << o.err;
    const auto s = stored(dir, "cancel");
    EXPECT_EQ(s.state, ft::StudyState::Cancelled);
    EXPECT_EQ(s.pid, 0);
    const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
    for (const auto& r : s.runs) {
        EXPECT_EQ(r.state, ft::StudyState::Cancelled);
        if (r.run) {
            EXPECT_EQ(store.get_run(*r.run).status, ft::RunStatus::Cancelled);  // checkpointed, resumable
        }
    }
}

TEST(CliStudy, AChangedFileUnderAnExistingNameIsRefused) {
    Folder dir;
    auto spec = tiny_study("same", 1);
    spec["seeds"] = {1};
    const std::string file = dir.write("a.json", spec);
    ASSERT_EQ(study(dir, {"run", file, "-q"}).rc, 0);
    spec["seeds"] = {1, 2};
    const std::string changed = dir.write("b.json", spec);
    const Outcome o = study(dir, {"run", changed, "-q"}, "changed");
    EXPECT_EQ(o.rc, 1);
    EXPECT_NE(o.err.find("already has a study named \"same\" from a different study file"), std::string::npos) << o.err;
    // Nothing already stored was touched.
    EXPECT_EQ(stored(dir, "same").runs.size(), 2u);
}

}  // namespace
