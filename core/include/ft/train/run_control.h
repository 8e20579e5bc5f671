// SPDX-License-Identifier: GPL-3.0-or-later
// RunControl: pause / resume / cancel / checkpoint requests from another thread (GUI, signal handler), checked by
// the run loop once per step.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace ft {

class RunControl {
public:
    void pause();
    void resume();
    // Stops the run at the next step; the run writes a checkpoint first, so it can be resumed.
    void cancel();
    // The same from a signal handler: async-signal-safe, as it only stores to a lock-free atomic (no mutex, no
    // notify). A running loop sees it at its next step, a paused one within kPausePollMs.
    void cancel_from_signal() noexcept { cancelled_.store(true); }
    // Asks for a checkpoint at the next step boundary.
    void request_checkpoint() { checkpoint_requested_ = true; }
    // Limits the speed (teaching demos): at most this many steps per second; 0 = unlimited.
    void set_max_steps_per_second(double rate) { max_steps_per_second_ = rate; }

    bool cancelled() const { return cancelled_; }
    bool paused() const { return paused_; }
    bool take_checkpoint_request() { return checkpoint_requested_.exchange(false); }
    double max_steps_per_second() const { return max_steps_per_second_; }
    // Blocks while paused (returns at once, without a lock, otherwise); returns false when the run was cancelled.
    bool wait_while_paused();
    static constexpr int kPausePollMs = 50;

private:
    static_assert(std::atomic<bool>::is_always_lock_free, "cancel_from_signal needs a lock-free flag");
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> paused_{false}, cancelled_{false}, checkpoint_requested_{false};
    std::atomic<double> max_steps_per_second_{0.0};
};

}  // namespace ft
