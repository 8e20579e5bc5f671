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
    // Asks for a checkpoint at the next step boundary.
    void request_checkpoint() { checkpoint_requested_ = true; }
    // Limits the speed (teaching demos): at most this many steps per second; 0 = unlimited.
    void set_max_steps_per_second(double rate) { max_steps_per_second_ = rate; }

    bool cancelled() const { return cancelled_; }
    bool paused() const { return paused_; }
    bool take_checkpoint_request() { return checkpoint_requested_.exchange(false); }
    double max_steps_per_second() const { return max_steps_per_second_; }
    // Blocks while paused (returns at once otherwise); returns false when the run was cancelled.
    bool wait_while_paused();

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<bool> paused_{false}, cancelled_{false}, checkpoint_requested_{false};
    std::atomic<double> max_steps_per_second_{0.0};
};

}  // namespace ft
