// SPDX-License-Identifier: GPL-3.0-or-later
// schema.cpp under concurrent opens: several connections creating the same new store at once (two `freetickets
// train` started together on a fresh file, or a `runs` command racing a trainer) must all get the store.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "run_store_fixtures.h"

TEST(RunStore, ConcurrentOpensOfANewFileAllSucceed) {
    TempDir dir;
    constexpr int kRounds = 40, kOpeners = 4;
    std::vector<std::string> errors;
    std::mutex errors_mutex;
    for (int round = 0; round < kRounds; ++round) {
        const std::string path = dir.file("new-" + std::to_string(round) + ".sqlite");
        std::atomic<int> ready{0};
        std::vector<std::thread> openers;
        for (int t = 0; t < kOpeners; ++t)
            openers.emplace_back([&] {
                ++ready;
                while (ready < kOpeners) std::this_thread::yield();  // start together: the race is the point
                try {
                    auto store = RunStore::open(path);
                    store.list_runs();
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> lock(errors_mutex);
                    errors.push_back(e.what());
                }
            });
        for (auto& t : openers) t.join();
    }
    EXPECT_TRUE(errors.empty()) << errors.size() << " of " << kRounds * kOpeners << " opens failed, e.g. "
                                << (errors.empty() ? "" : errors.front());
}
