// SPDX-License-Identifier: GPL-3.0-or-later
// RunControl: cross-thread pause / resume / cancel.
#include "ft/train/run_control.h"

namespace ft {

void RunControl::pause() { paused_ = true; }

void RunControl::resume() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        paused_ = false;
    }
    wake_.notify_all();
}

void RunControl::cancel() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cancelled_ = true;
    }
    wake_.notify_all();
}

bool RunControl::wait_while_paused() {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return !paused_ || cancelled_; });
    return !cancelled_;
}

}  // namespace ft
