// SPDX-License-Identifier: GPL-3.0-or-later
// The run store's crash guarantees, end to end through `freetickets`: a training process killed with SIGKILL at
// 20+ random moments (seeded) never leaves a store that fails to open, fails PRAGMA integrity_check, loses a
// committed row or shows the run as anything but interrupted; `freetickets resume RUN` then finishes it with the
// numbers of an uninterrupted run. Meanwhile a reader polls the file and must never see an error or half of an
// update. Label: cli_kill (ctest -L cli_kill runs it alone).
#include <gtest/gtest.h>

#include <algorithm>
#include <bitset>
#include <filesystem>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

#include "app/cli_process.h"
#include "core/store/store_test_util.h"
#include "ft/store/run_store.h"

using cli_test::Command;
using ft::RunStore;
using ft::StoreMode;

namespace {

using Clock = std::chrono::steady_clock;

struct Counts {
    int64_t metric_rows = 0, mask_updates = 0, tickets = 0, evaluations = 0;
};

Counts counts(const RunStore& store, int64_t run) {
    Counts c;
    for (const auto& k : store.metric_keys(run)) c.metric_rows += k.count;
    c.mask_updates = store.mask_update_count(run, 0);
    c.tickets = int64_t(store.tickets(run).size());
    c.evaluations = int64_t(store.evaluations(run).size());
    return c;
}

// What a reader sees must be whole: the four per-step metrics come in one transaction (equal counts), every mask
// update has all its layers, and the latest mask of each layer reconstructs with exactly `active` bits set.
void expect_whole(const RunStore& store, int64_t run) {
    std::map<std::string, int64_t> per_key;
    for (const auto& k : store.metric_keys(run))
        if (k.member == 0) per_key[k.key] = k.count;
    EXPECT_EQ(per_key["loss"], per_key["accuracy"]);
    EXPECT_EQ(per_key["loss"], per_key["lr"]);
    EXPECT_EQ(per_key["train_loss"], per_key["val_accuracy"]);
    const auto layers = store.layers(run);
    const auto updates = store.mask_updates(run, 0);
    for (const auto& u : updates) EXPECT_EQ(u.layers.size(), layers.size()) << "update " << u.index;
    if (updates.empty()) return;
    const auto& last = updates.back();
    for (const auto& l : last.layers) {
        if (!l.has_mask) continue;
        const ft::MaskBits m = store.mask_at(run, 0, l.layer, last.index);
        int64_t set = 0;
        for (uint64_t w : m.bits) set += int64_t(std::bitset<64>(w).count());
        EXPECT_EQ(set, l.active) << "layer " << l.layer << " of update " << last.index;
    }
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(cli_test::read_text(path)); }

}  // namespace

TEST(CliKill, SigkillAtRandomMomentsThenResumeEqualsAnUninterruptedRun) {
    store_test::TempDir dir;
    const std::map<std::string, std::string> env = {{"XDG_DATA_HOME", dir.file("xdg")}};

    // The uninterrupted run, for its final numbers and its length in steps.
    const std::string plain_db = dir.file("plain.sqlite");
    const auto plain = cli_test::run({cli_test::tiny_train({"--db", plain_db, "--out", dir.file("plain.json")}), env,
                                      dir.file("plain.out"), dir.file("plain.err")});
    ASSERT_EQ(plain.rc, 0) << plain.err;
    const auto reference = read_json(dir.file("plain.json"));
    const int64_t total_steps = RunStore::open(plain_db, StoreMode::ReadOnly).get_run(1).total_steps;
    ASSERT_GT(total_steps, 100);

    // The same config in a fresh store, killed again and again. The store exists (empty) before the first
    // process starts, so the reader can poll it from the first moment.
    const std::string db = dir.file("killed.sqlite");
    { RunStore::open(db); }
    std::mt19937_64 rng(20261128);
    constexpr int kKills = 20;
    // Kill points spread over the run (progress in steps), each combined with a random delay; a quarter of the
    // attempts are killed at a random time instead (startup, opening the store, restoring the checkpoint)
    // unless they reach their progress point first.
    std::vector<int64_t> targets;
    std::uniform_int_distribution<int64_t> step_dist(1, total_steps * 3 / 4);
    for (int k = 0; k < kKills; ++k) targets.push_back(step_dist(rng));
    std::sort(targets.begin(), targets.end());
    std::uniform_real_distribution<double> unit(0, 1);

    int64_t run = 0;
    Counts before;
    int kills = 0, polls = 0, timed_kills = 0;
    for (int attempt = 0; kills < kKills; ++attempt) {
        ASSERT_LT(attempt, 3 * kKills) << "the run could not be killed " << kKills << " times";
        std::vector<std::string> args = run == 0
                                            ? cli_test::tiny_train({"--db", db})
                                            : std::vector<std::string>{"resume", std::to_string(run), "--db", db, "-q"};
        const Command c{args, env, dir.file("attempt.out"), dir.file("attempt.err")};
        const bool at_random_time = unit(rng) < 0.25;
        const double deadline = at_random_time ? 0.05 + 1.0 * unit(rng) : 1e9;
        const auto started = Clock::now();
        const pid_t pid = cli_test::spawn(c);
        bool killed = false;
        int status = 0;
        while (true) {
            if (waitpid(pid, &status, WNOHANG) == pid) break;  // it ended by itself
            bool due = std::chrono::duration<double>(Clock::now() - started).count() >= deadline;
            try {
                const RunStore reader = RunStore::open(db, StoreMode::ReadOnly);
                ++polls;
                if (run == 0) {
                    const auto runs = reader.list_runs();
                    if (!runs.empty()) run = runs.front().id;
                }
                if (run != 0) {
                    const auto r = reader.find_run(run);
                    if (r && r->last_step >= targets[size_t(kills)]) due = true;
                    expect_whole(reader, run);
                }
            } catch (const std::exception& e) {
                ADD_FAILURE() << "a reader polling the store while it is written saw: " << e.what();
            }
            if (due) {
                if (std::chrono::duration<double>(Clock::now() - started).count() >= deadline) ++timed_kills;
                std::this_thread::sleep_for(std::chrono::milliseconds(int(20 * unit(rng))));
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        ASSERT_TRUE(killed) << "attempt " << attempt << " ended by itself with status " << cli_test::exit_code(status)
                            << " before kill " << kills + 1 << ":\n"
                            << cli_test::read_text(c.err_file);
        ++kills;

        // After every kill: the file opens, is sound, lost nothing, and the run reads as interrupted.
        const RunStore store = RunStore::open(db, StoreMode::ReadOnly);
        EXPECT_EQ(store_test::RawDb(db, false).text("PRAGMA integrity_check"), "ok") << "after kill " << kills;
        if (run == 0) {
            const auto runs = store.list_runs();
            if (runs.empty()) continue;  // killed before the run was created: start over
            run = runs.front().id;
        }
        ASSERT_EQ(store.list_runs().size(), 1u) << "a resumed run must not create another run";
        const ft::RunRecord r = store.get_run(run);
        EXPECT_EQ(r.status, ft::RunStatus::Interrupted) << "after kill " << kills << ": " << r.message;
        const Counts now = counts(store, run);
        EXPECT_GE(now.metric_rows, before.metric_rows) << "after kill " << kills;
        EXPECT_GE(now.mask_updates, before.mask_updates) << "after kill " << kills;
        EXPECT_GE(now.tickets, before.tickets) << "after kill " << kills;
        EXPECT_GE(now.evaluations, before.evaluations) << "after kill " << kills;
        before = now;
    }
    ASSERT_NE(run, 0);
    EXPECT_GT(polls, kKills);
    std::cout << kills << " kills (" << timed_kills << " at a random time, the others at a random step), " << polls
              << " reads of the store while it was written\n";

    // Resumed to the end: the same numbers as the uninterrupted run, and a finished run in the store.
    const auto done =
        cli_test::run({{"resume", std::to_string(run), "--db", db, "--out", dir.file("resumed.json"), "-q"},
                       env,
                       dir.file("resumed.out"),
                       dir.file("resumed.err")});
    ASSERT_EQ(done.rc, 0) << done.err;
    const auto resumed = read_json(dir.file("resumed.json"));
    EXPECT_EQ(resumed["run"]["status"], "finished");
    ASSERT_EQ(resumed["members"].size(), reference["members"].size());
    for (size_t k = 0; k < reference["members"].size(); ++k)
        EXPECT_EQ(resumed["members"][k]["test"], reference["members"][k]["test"]) << "member " << k;
    EXPECT_EQ(resumed["ensemble"]["test"], reference["ensemble"]["test"]);

    const RunStore store = RunStore::open(db, StoreMode::ReadOnly);
    EXPECT_EQ(store.get_run(run).status, ft::RunStatus::Finished);
    EXPECT_EQ(store.get_run(run).last_step, total_steps);
    EXPECT_EQ(store_test::RawDb(db, false).text("PRAGMA integrity_check"), "ok");
    // Every step's loss is stored once, with no gap, although many steps were trained more than once.
    EXPECT_EQ(store.metric_series(run, 0, "loss").steps.size(), size_t(total_steps));
    // The ensemble's final test evaluation in the store is the summary's.
    double stored_accuracy = -1;
    for (const auto& e : store.evaluations(run))
        if (e.member == -1 && e.split == ft::EvalSplit::test()) stored_accuracy = e.metrics["accuracy"].get<double>();
    EXPECT_EQ(stored_accuracy, reference["ensemble"]["test"]["accuracy"].get<double>());
}
