// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI's event sink: a progress bar with ETA on a terminal, plain lines (one per epoch) otherwise. Where the
// run stands comes from the run plan that RunStarted carries.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "ft/train/events.h"

namespace ft::cli {

// Steps done over the whole plan once training run `run` has done `step` steps of its own.
int64_t steps_done(const RunPlan& plan, int64_t run, int64_t step);
// Seconds left when `done` of `total` steps are done, `done_at_start` of them before this session began and
// `elapsed` seconds into it (a resumed run's earlier sessions do not count as speed); NaN while unknown.
double eta_seconds(double elapsed, int64_t done_at_start, int64_t done, int64_t total);
// "mm:ss" or "h:mm:ss"; "--:--" for NaN or negative.
std::string clock_text(double seconds);

class ProgressPrinter : public EventSink {
public:
    // interactive: redraw one line (terminal); otherwise print a line per epoch and per notable event.
    ProgressPrinter(std::FILE* out, bool interactive, bool quiet);
    void on_event(const Event& event) override;

private:
    void draw(const StepMetrics& s);
    void line(const std::string& text);

    std::FILE* out_;
    bool interactive_, quiet_;
    RunPlan plan_;
    int64_t done_steps_ = 0, done_at_start_ = -1;  // -1: no step seen yet in this session
    std::chrono::steady_clock::time_point start_, last_draw_;
    bool bar_visible_ = false;
};

}  // namespace ft::cli
