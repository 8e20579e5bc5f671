// SPDX-License-Identifier: GPL-3.0-or-later
// GuiBridge: the event sink that carries the run loop's events from the training thread to the GUI thread
// (ARCHITECTURE.md rules 3 and 4). on_event copies the event into a pending batch under a short lock and returns;
// the GUI thread takes the batch at most every minInterval ms (about 30 times a second) and hands it on with
// eventsReady. Only StepMetrics are thinned, and only past kMaxStepsPerBatch per member in one batch (the latest
// value is kept, and the store has every step); mask updates, tickets, evaluations and phase changes always
// arrive, in order.
//
// The GUI thread's own CPU time is watched too: when handling the batches (applying them, and the redraws they
// cause) takes more than cpuBudget() of one core, the interval between batches grows (up to kMaxIntervalMs), and it
// shrinks back to minInterval once the GUI is below half the budget. So on a slow or busy machine the views update
// less often instead of taking cores from training.
//
// It also implements "step to next mask update": the request is checked on the training thread when a mask
// update is published, so the run pauses exactly after the step that changed the masks.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "ft/train/events.h"
#include "ft/train/run_control.h"

namespace ftw {

class GuiBridge : public QObject, public ft::EventSink {
    Q_OBJECT
public:
    static constexpr int kMaxStepsPerBatch = 256;
    static constexpr int kMaxIntervalMs = 500;

    // `control` (may be null) is paused by step-to-next-mask-update; it must outlive the bridge's run.
    explicit GuiBridge(ft::RunControl* control, QObject* parent = nullptr);

    // Training thread.
    void on_event(const ft::Event& event) override;
    bool wants_masks() const override { return true; }

    // GUI thread.
    void setMinInterval(int ms) { minIntervalMs_ = intervalMs_ = ms; }
    int minInterval() const { return minIntervalMs_; }
    // The interval in force now (minInterval or more, see above).
    int interval() const { return intervalMs_; }
    // Share of one core the GUI thread may use before batches come less often; <= 0 turns the adaptation off.
    void setCpuBudget(double fraction) { cpuBudget_ = fraction; }
    double cpuBudget() const { return cpuBudget_; }
    // Pause at the next mask update that is not an initial mask (any member). Cleared by the pause it causes.
    void requestPauseAtMaskUpdate() { pauseAtMaskUpdate_ = true; }
    void cancelPauseAtMaskUpdate() { pauseAtMaskUpdate_ = false; }
    bool pauseAtMaskUpdateRequested() const { return pauseAtMaskUpdate_; }
    // Delivers what is pending now (the end of a run), without waiting for the interval.
    void flush();

    qint64 eventsReceived() const { return received_; }
    qint64 stepsThinned() const { return thinned_; }
    qint64 batchesDelivered() const { return batches_; }

signals:
    // GUI thread, at most every minInterval ms; the batch is in publication order.
    void eventsReady(std::vector<ft::Event>& batch);
    // GUI thread: step-to-next-mask-update paused the run after the update at `step` of `member`.
    void pausedAtMaskUpdate(qint64 member, qint64 step);

private:
    void deliver();
    void adaptInterval();

    ft::RunControl* control_;
    std::mutex mutex_;
    std::vector<ft::Event> pending_;
    std::map<int64_t, int> stepsInBatch_;  // per member, StepMetrics in pending_
    bool posted_ = false;                  // a delivery is on its way to the GUI thread
    std::atomic<bool> pauseAtMaskUpdate_{false};
    std::atomic<qint64> received_{0}, thinned_{0};
    qint64 batches_ = 0;
    int minIntervalMs_ = 33;
    int intervalMs_ = 33;
    double cpuBudget_ = 0.15;
    QElapsedTimer sinceDelivery_;
    QElapsedTimer window_;     // the current measuring window of the GUI thread's CPU use
    double windowCpuMs_ = -1;  // the GUI thread's CPU time when the window started
};

}  // namespace ftw
