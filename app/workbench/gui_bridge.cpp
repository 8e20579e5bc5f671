// SPDX-License-Identifier: GPL-3.0-or-later
// GuiBridge. See gui_bridge.h.
#include "gui_bridge.h"

#include <QMetaObject>
#include <QTimer>
#include <algorithm>

#include "thread_cpu_time.h"

namespace ftw {

GuiBridge::GuiBridge(ft::RunControl* control, QObject* parent) : QObject(parent), control_(control) {
    sinceDelivery_.start();
}

void GuiBridge::on_event(const ft::Event& event) {
    ++received_;
    bool post = false;
    bool pausedHere = false;
    int64_t pausedMember = 0, pausedStep = 0;
    if (const auto* u = std::get_if<ft::MaskUpdate>(&event); u && !u->initial && pauseAtMaskUpdate_.exchange(false)) {
        // The loop checks for a pause before its next step, so the run stops right after this update.
        if (control_) control_->pause();
        pausedHere = true;
        pausedMember = u->member;
        pausedStep = u->step;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (const auto* s = std::get_if<ft::StepMetrics>(&event)) {
            int& n = stepsInBatch_[s->member];
            auto* last = pending_.empty() ? nullptr : std::get_if<ft::StepMetrics>(&pending_.back());
            if (n >= kMaxStepsPerBatch && last && last->member == s->member) {
                *last = *s;  // the GUI is behind: keep the latest value of this member's stream
                ++thinned_;
            } else {
                pending_.push_back(event);
                ++n;
            }
        } else {
            pending_.push_back(event);
        }
        if (!posted_) {
            posted_ = true;
            post = true;
        }
    }
    if (post) QMetaObject::invokeMethod(this, &GuiBridge::deliver, Qt::QueuedConnection);
    if (pausedHere) {
        QMetaObject::invokeMethod(
            this, [this, pausedMember, pausedStep] { emit pausedAtMaskUpdate(pausedMember, pausedStep); },
            Qt::QueuedConnection);
    }
}

void GuiBridge::adaptInterval() {
    // Measured over windows of at least a second, so one slow redraw does not change the rate.
    if (windowCpuMs_ < 0 || !window_.isValid()) {
        window_.start();
        windowCpuMs_ = threadCpuMs();
        return;
    }
    const qint64 wall = window_.elapsed();
    if (wall < 1000) return;
    const double busy = (threadCpuMs() - windowCpuMs_) / double(wall);
    if (cpuBudget_ > 0 && busy > cpuBudget_)
        intervalMs_ = std::min(kMaxIntervalMs, intervalMs_ * 2);
    else if (busy < cpuBudget_ / 2 || cpuBudget_ <= 0)
        intervalMs_ = std::max(minIntervalMs_, intervalMs_ / 2);
    window_.restart();
    windowCpuMs_ = threadCpuMs();
}

void GuiBridge::deliver() {
    adaptInterval();
    const qint64 wait = intervalMs_ - sinceDelivery_.elapsed();
    if (wait > 0) {
        // Too soon after the last batch: come back when the interval is over (posted_ stays set, so the training
        // thread posts nothing meanwhile and this is the only pending delivery).
        QTimer::singleShot(int(wait), this, &GuiBridge::deliver);
        return;
    }
    flush();
}

void GuiBridge::flush() {
    std::vector<ft::Event> batch;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        batch.swap(pending_);
        stepsInBatch_.clear();
        posted_ = false;
    }
    sinceDelivery_.restart();
    if (batch.empty()) return;
    ++batches_;
    emit eventsReady(batch);
}

}  // namespace ftw
