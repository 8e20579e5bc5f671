// SPDX-License-Identifier: GPL-3.0-or-later
// SIGINT and SIGTERM at random moments of many short `freetickets train` runs (seeded): each process ends by
// itself within a bound (no deadlock between the handler and the training step), with exit 130 for SIGINT and 143
// for SIGTERM, or 0 when it had finished first; a run stopped while it trains is `cancelled` in the store with a
// checkpoint that `freetickets resume` continues to the end (a signal during start-up, before there is anything to
// checkpoint, ends the process as it would any program). A second SIGINT right after the first changes nothing but the
// moment. Label: cli_kill (with the SIGKILL test).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "app/cli_process.h"
#include "core/store/store_test_util.h"
#include "ft/store/run_store.h"

using cli_test::Command;
using ft::RunStore;
using ft::StoreMode;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

TEST(CliSignals, IntAndTermAtRandomMomentsStopWithACheckpointAndTheirExitCode) {
    store_test::TempDir dir;
    const std::map<std::string, std::string> env = {{"XDG_DATA_HOME", dir.file("xdg")}};

    // Not quiet: the progress output says when training begins ("..., device cpu, ..." comes right before the
    // first step), so the signals are spread over the training itself, however slow start-up is on a loaded machine.
    auto args = [](const std::string& db) {
        auto a = cli_test::tiny_train({"--db", db});
        a.erase(std::find(a.begin(), a.end(), "-q"));
        return a;
    };
    auto training_began = [](const std::string& err_file) {
        return cli_test::read_text(err_file).find(", device ") != std::string::npos;
    };
    // How long start-up and training take here.
    const auto t0 = Clock::now();
    const Command first{args(dir.file("plain.sqlite")), env, dir.file("plain.out"), dir.file("plain.err")};
    const pid_t plain_pid = cli_test::spawn(first);
    double startup_seconds = 0;
    while (!training_began(first.err_file) && seconds_since(t0) < 120)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    startup_seconds = seconds_since(t0);
    const auto plain = cli_test::finish(plain_pid, first);
    ASSERT_EQ(plain.rc, 0) << plain.err;
    const double train_seconds = seconds_since(t0) - startup_seconds;

    std::mt19937_64 rng(20261201);
    std::uniform_real_distribution<double> unit(0, 1);
    constexpr int kRuns = 24;
    constexpr double kBoundSeconds = 60;  // from the signal to the process's end; a deadlock never ends
    int stopped = 0, finished_first = 0, resumed = 0, during_startup = 0;
    for (int i = 0; i < kRuns; ++i) {
        const int sig = i % 2 == 0 ? SIGINT : SIGTERM;
        const bool twice = i % 4 == 0;  // a second SIGINT (or SIGTERM) 1-30 ms after the first
        const std::string db = dir.file("run" + std::to_string(i) + ".sqlite");
        // Files of its own: the start of training is read from its output, never from an earlier run's.
        const Command c{args(db), env, dir.file("run" + std::to_string(i) + ".out"),
                        dir.file("run" + std::to_string(i) + ".err")};
        const auto spawned = Clock::now();
        const pid_t pid = cli_test::spawn(c);
        if (i % 6 == 5) {
            // One run in six: during start-up (loading LibTorch and the data), before there is a run loop.
            std::this_thread::sleep_for(std::chrono::duration<double>(startup_seconds * unit(rng)));
        } else {
            // The others: anywhere in the training, once it has begun.
            while (!training_began(c.err_file) && seconds_since(spawned) < 120)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            std::this_thread::sleep_for(std::chrono::duration<double>(train_seconds * 0.9 * unit(rng)));
        }
        kill(pid, sig);
        if (twice) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1 + int(29 * unit(rng))));
            kill(pid, sig);
        }
        const auto signalled = Clock::now();
        int status = 0;
        while (waitpid(pid, &status, WNOHANG) != pid) {
            if (seconds_since(signalled) > kBoundSeconds) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                FAIL() << "run " << i << " did not end within " << kBoundSeconds << " s of signal " << sig
                       << " (a deadlock?):\n"
                       << cli_test::read_text(c.err_file);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        const int rc = cli_test::exit_code(status);
        const std::string err = cli_test::read_text(c.err_file);
        if (rc == 0) {
            ++finished_first;
            continue;
        }
        ASSERT_EQ(rc, 128 + sig) << "run " << i << ", signal " << sig << ":\n" << err;
        ++stopped;
        // Killed by the signal itself: it came during start-up, before training installed its handler, when there
        // is nothing to checkpoint yet (the store may not even have its tables).
        if (WIFSIGNALED(status)) {
            ++during_startup;
            continue;
        }
        const RunStore store = RunStore::open(db, StoreMode::ReadOnly);
        const auto runs = store.list_runs();
        if (runs.empty()) continue;
        const auto r = store.get_run(runs.front().id);
        EXPECT_EQ(r.status, ft::RunStatus::Cancelled) << "run " << i << ": " << r.message;
        EXPECT_NE(err.find("Resume with: freetickets resume"), std::string::npos) << err;
        EXPECT_NE(err.find(sig == SIGTERM ? "stopped by SIGTERM" : "cancelled"), std::string::npos) << err;
        // Every fourth stopped run is resumed to the end.
        if (stopped % 4 == 1) {
            const auto done = cli_test::run({{"resume", std::to_string(r.id), "--db", db, "-q"},
                                             env,
                                             dir.file("resume.out"),
                                             dir.file("resume.err")});
            EXPECT_EQ(done.rc, 0) << done.err;
            EXPECT_EQ(RunStore::open(db, StoreMode::ReadOnly).get_run(r.id).status, ft::RunStatus::Finished);
            ++resumed;
        }
    }
    std::cout << stopped << " of " << kRuns << " runs stopped by a signal (" << during_startup << " during start-up, "
              << resumed << " resumed to the end), " << finished_first << " finished first; one run starts in "
              << startup_seconds << " s and trains " << train_seconds << " s here\n";
    EXPECT_GE(stopped - during_startup, kRuns / 3) << "too few signals landed while the runs trained";
}
