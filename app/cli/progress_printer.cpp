// SPDX-License-Identifier: GPL-3.0-or-later
// ProgressPrinter (see progress_printer.h).
#include "progress_printer.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace ft::cli {

std::string clock_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    const auto s = static_cast<int64_t>(std::llround(seconds));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                      (long long)(s % 60));
    else
        std::snprintf(buf, sizeof buf, "%02lld:%02lld", (long long)(s / 60), (long long)(s % 60));
    return buf;
}

int64_t steps_done(const RunPlan& plan, int64_t run, int64_t step) { return plan.steps_before(run) + step; }

double eta_seconds(double elapsed, int64_t done_at_start, int64_t done, int64_t total) {
    const int64_t session = done - done_at_start;
    if (session <= 0 || total <= 0 || elapsed <= 0) return NAN;
    return elapsed * double(std::max<int64_t>(0, total - done)) / double(session);
}

ProgressPrinter::ProgressPrinter(std::FILE* out, bool interactive, bool quiet)
    : out_(out), interactive_(interactive), quiet_(quiet), start_(std::chrono::steady_clock::now()) {}

void ProgressPrinter::line(const std::string& text) {
    if (quiet_) return;
    if (bar_visible_) std::fputs("\r\033[K", out_);
    std::fputs(text.c_str(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
    bar_visible_ = false;
}

void ProgressPrinter::draw(const StepMetrics& s) {
    done_steps_ = steps_done(plan_, s.member, s.step);
    if (done_at_start_ < 0) done_at_start_ = done_steps_ - 1;  // this step is the session's first
    if (!interactive_ || quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const int64_t total = plan_.total_steps;
    if (now - last_draw_ < std::chrono::milliseconds(100) && done_steps_ < total) return;
    last_draw_ = now;
    const double fraction = total > 0 ? std::min(1.0, double(done_steps_) / double(total)) : 0.0;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = eta_seconds(elapsed, done_at_start_, done_steps_, total);
    const int width = 30;
    std::string bar(size_t(width), ' ');
    for (int i = 0; i < int(fraction * width); ++i) bar[size_t(i)] = '#';
    std::fprintf(out_, "\r\033[K[%s] %3d%%  run %lld/%lld  epoch %lld  loss %.4f  lr %.4g  %s elapsed, ETA %s",
                 bar.c_str(), int(fraction * 100), static_cast<long long>(s.member) + 1, (long long)plan_.runs.size(),
                 (long long)s.epoch, s.loss, s.lr, clock_text(elapsed).c_str(), clock_text(eta).c_str());
    std::fflush(out_);
    bar_visible_ = true;
}

void ProgressPrinter::on_event(const Event& event) {
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            char buf[512];
            if constexpr (std::is_same_v<T, RunStarted>) {
                plan_ = e.plan;
                done_at_start_ = -1;
                start_ = std::chrono::steady_clock::now();
                std::snprintf(buf, sizeof buf, "%s: %lld layers, %lld steps (%lld per epoch), device %s, %lld threads",
                              to_string(e.method).c_str(), (long long)e.layers.size(), (long long)e.plan.total_steps,
                              (long long)e.plan.steps_per_epoch, e.device.c_str(), (long long)e.threads);
                line(buf);
            } else if constexpr (std::is_same_v<T, StepMetrics>) {
                draw(e);
            } else if constexpr (std::is_same_v<T, EpochEnd>) {
                if (!interactive_) {
                    std::snprintf(
                        buf, sizeof buf,
                        "member %lld epoch %lld: loss %.4f acc %.4f | val loss %.4f acc %.4f | lr %.4g | %.1fs",
                        (long long)e.member, (long long)e.epoch, e.train_loss, e.train_accuracy, e.val_loss,
                        e.val_accuracy, e.lr, e.seconds);
                    line(buf);
                }
            } else if constexpr (std::is_same_v<T, MaskUpdate>) {
                if (e.exploration) {
                    std::snprintf(buf, sizeof buf, "member %lld epoch %lld: global exploration, rate %.2f",
                                  (long long)e.member, (long long)e.epoch, e.rate);
                    line(buf);
                }
            } else if constexpr (std::is_same_v<T, TicketCaptured>) {
                std::snprintf(buf, sizeof buf, "ticket %lld captured: epoch %lld, val acc %.4f (%s)",
                              (long long)e.ticket, (long long)e.epoch, e.val_accuracy, e.reason.c_str());
                line(buf);
            } else if constexpr (std::is_same_v<T, LogLine>) {
                line((e.level == LogLine::Warning ? "warning: " : e.level == LogLine::Error ? "error: " : "") + e.text);
            } else if constexpr (std::is_same_v<T, RunFinished>) {
                if (bar_visible_) line("");
            }
        },
        event);
}

}  // namespace ft::cli
