// The CLI's event sink: a progress bar with ETA on a terminal, plain lines (one per epoch) otherwise.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "ft/train/events.h"

namespace ft::cli {

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
    int64_t total_steps_ = 0, done_steps_ = 0, members_ = 1, steps_per_epoch_ = 1;
    int64_t member_offset_ = 0, last_member_ = 0, last_member_step_ = 0;
    std::chrono::steady_clock::time_point start_, last_draw_;
    bool bar_visible_ = false;
};

}  // namespace ft::cli
