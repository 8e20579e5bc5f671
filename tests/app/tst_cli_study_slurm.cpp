// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets study run --executor slurm` on the real one-machine cluster (scripts/test-cluster.sh; SLURM_CONF
// comes from the test's environment): runs finish as batch jobs (one array for the runs that start together) and
// arrive in the study's store, `study cancel` stops them (checkpointed) and the next `study run` resumes them, and a
// job Slurm kills shows as failed.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

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

Command study_command(const Folder& dir, const std::vector<std::string>& args, const std::string& name) {
    Command c;
    c.args = {"study"};
    c.args.insert(c.args.end(), args.begin(), args.end());
    c.args.insert(c.args.end(), {"--db", dir.file("runs.sqlite")});
    c.env = {{"XDG_DATA_HOME", dir.file("xdg")}};
    c.out_file = dir.file(name + ".out");
    c.err_file = dir.file(name + ".err");
    return c;
}

ft::StudyRecord stored(const Folder& dir, const std::string& name) {
    const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
    return store.get_study(*store.find_study(name));
}

TEST(CliStudySlurm, RunsFinishAsBatchJobsAndArriveInTheStudysStore) {
    Folder dir;
    const std::string file = dir.write("s.json", tiny_study("slurm-ok", 1));
    const Outcome o =
        cli_test::run(study_command(dir, {"run", file, "--executor", "slurm", "--cpus-per-task", "1"}, "run"));
    ASSERT_EQ(o.rc, 0) << o.err;
    // Both runs could start at once, so they went as the two tasks of one job array.
    std::smatch m;
    ASSERT_TRUE(std::regex_search(o.err, m, std::regex("as slurm:([0-9]+)_0\\b"))) << o.err;
    EXPECT_NE(o.err.find("as slurm:" + m[1].str() + "_1"), std::string::npos) << o.err;
    const auto s = stored(dir, "slurm-ok");
    EXPECT_EQ(s.state, ft::StudyState::Finished);
    EXPECT_EQ(s.executor, "slurm");
    const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
    for (const auto& r : s.runs) {
        EXPECT_EQ(r.state, ft::StudyState::Finished);
        ASSERT_TRUE(r.run.has_value());
        const auto run = store.get_run(*r.run);
        EXPECT_EQ(run.status, ft::RunStatus::Finished);
        EXPECT_FALSE(store.summary(*r.run).is_null());  // the whole run came over, summary included
        EXPECT_FALSE(store.metric_keys(*r.run).empty());
    }
    EXPECT_EQ(store.list_runs().size(), s.runs.size());  // one imported run per point and seed, no copies
}

TEST(CliStudySlurm, CancelStopsTheJobsAndTheNextRunResumesThem) {
    Folder dir;
    const std::string file = dir.write("s.json", tiny_study("slurm-cancel", 1, 1200));
    Command c = study_command(dir, {"run", file, "--executor", "slurm", "--cpus-per-task", "1"}, "run");
    const pid_t pid = cli_test::spawn(c);
    // Cancel once every job trains (its own store exists and holds a step).
    ASSERT_TRUE(wait_for([&] {
        int training = 0;
        std::error_code ec;
        for (fs::recursive_directory_iterator it(dir.file("runs.sqlite.studies"), ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->path().extension() != ".sqlite") continue;
            try {
                const auto runs = ft::RunStore::open(it->path().string(), ft::StoreMode::ReadOnly).list_runs();
                training += !runs.empty() && runs.front().last_step > 0;
            } catch (const std::exception&) {
                // A store its job is creating right now.
            }
        }
        return training == 2;
    }));
    const Outcome cancel = cli_test::run(study_command(dir, {"cancel", "slurm-cancel"}, "cancel"));
    EXPECT_EQ(cancel.rc, 0) << cancel.err;
    const Outcome o = cli_test::finish(pid, c);
    EXPECT_EQ(o.rc, 3) << o.err;
    const auto s = stored(dir, "slurm-cancel");
    EXPECT_EQ(s.state, ft::StudyState::Cancelled);
    {
        const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
        for (const auto& r : s.runs) {
            EXPECT_EQ(r.state, ft::StudyState::Cancelled);
            ASSERT_TRUE(r.run.has_value());  // imported as it stopped: cancelled, with its checkpoint
            EXPECT_EQ(store.get_run(*r.run).status, ft::RunStatus::Cancelled);
        }
    }
    const Outcome again =
        cli_test::run(study_command(dir, {"run", file, "--executor", "slurm", "--cpus-per-task", "1"}, "again"));
    EXPECT_EQ(again.rc, 0) << again.err;
    EXPECT_NE(again.err.find("(resumed)"), std::string::npos) << again.err;
    const auto after = stored(dir, "slurm-cancel");
    const auto store = ft::RunStore::open(dir.file("runs.sqlite"), ft::StoreMode::ReadOnly);
    for (const auto& r : after.runs) {
        EXPECT_EQ(r.state, ft::StudyState::Finished);
        EXPECT_EQ(store.get_run(*r.run).status, ft::RunStatus::Finished);
    }
    EXPECT_EQ(store.list_runs().size(), after.runs.size());  // the stopped copies were replaced, not kept
}

TEST(CliStudySlurm, AJobSlurmKillsShowsAsFailed) {
    Folder dir;
    // Long enough (400 epochs) that neither attempt ends before Slurm's one-second memory poll catches it: a run
    // short enough to finish between two polls would pass under the limit.
    auto spec = tiny_study("slurm-killed", 1, 400);
    spec["points"].erase(1);
    const std::string file = dir.write("s.json", spec);
    // 20 MB is far below what the program needs: Slurm kills the job for its memory.
    const Outcome o = cli_test::run(study_command(
        dir, {"run", file, "--executor", "slurm", "--cpus-per-task", "1", "--sbatch-arg=--mem=20M"}, "run"));
    EXPECT_EQ(o.rc, 1) << o.err;
    const auto s = stored(dir, "slurm-killed");
    EXPECT_EQ(s.state, ft::StudyState::Failed);
    ASSERT_EQ(s.runs.size(), 1u);
    EXPECT_EQ(s.runs[0].state, ft::StudyState::Failed);
    EXPECT_NE(s.runs[0].message.find("Slurm job"), std::string::npos) << s.runs[0].message;
    EXPECT_NE(o.err.find("FAILED d0.1"), std::string::npos) << o.err;
}

}  // namespace
