// SPDX-License-Identifier: GPL-3.0-or-later
// RunControl: cross-thread pause / resume / cancel.
#include "ft/train/run_control.h"

#include <chrono>

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
    // Every training step comes here: no lock unless paused.
    if (!paused_) return !cancelled_;
    std::unique_lock<std::mutex> lock(mutex_);
    // A signal handler cannot notify, so a paused loop also looks at the flag every kPausePollMs.
    while (paused_ && !cancelled_) wake_.wait_for(lock, std::chrono::milliseconds(kPausePollMs));
    return !cancelled_;
}

}  // namespace ft
