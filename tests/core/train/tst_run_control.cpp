// SPDX-License-Identifier: GPL-3.0-or-later
// RunControl (core/train/run_control.cpp): the per-step check takes no lock when not paused, and a cancel from a
// signal handler (which may only store a flag) also ends a paused wait.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "ft/train/run_control.h"

namespace {

using namespace std::chrono_literals;

TEST(RunControl, NotPausedReturnsAtOnceAndReportsACancel) {
    ft::RunControl c;
    EXPECT_TRUE(c.wait_while_paused());
    c.cancel_from_signal();
    EXPECT_TRUE(c.cancelled());
    EXPECT_FALSE(c.wait_while_paused());
}

TEST(RunControl, CancelFromSignalEndsAPausedWait) {
    ft::RunControl c;
    c.pause();
    auto waiting = std::async(std::launch::async, [&] { return c.wait_while_paused(); });
    EXPECT_EQ(waiting.wait_for(200ms), std::future_status::timeout) << "a paused wait returned by itself";
    const auto t = std::chrono::steady_clock::now();
    c.cancel_from_signal();  // no notify: the wait must see the flag by polling
    ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
    EXPECT_FALSE(waiting.get());
    EXPECT_LT(std::chrono::steady_clock::now() - t, 2s);
}

TEST(RunControl, ResumeEndsAPausedWait) {
    ft::RunControl c;
    c.pause();
    auto waiting = std::async(std::launch::async, [&] { return c.wait_while_paused(); });
    std::this_thread::sleep_for(50ms);
    c.resume();
    ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(waiting.get());
}

}  // namespace
