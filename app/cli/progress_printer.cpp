// ProgressPrinter (see progress_printer.h).
#include "progress_printer.h"

#include <cmath>
#include <type_traits>

namespace ft::cli {

namespace {
std::string clock_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "--:--";
    const auto s = static_cast<int64_t>(seconds + 0.5);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
    else std::snprintf(buf, sizeof buf, "%02lld:%02lld", (long long)(s / 60), (long long)(s % 60));
    return buf;
}
}  // namespace

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
    if (s.member != last_member_) {
        member_offset_ += last_member_step_;
        last_member_ = s.member;
    }
    last_member_step_ = s.step;
    done_steps_ = member_offset_ + s.step;
    if (!interactive_ || quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100) && done_steps_ < total_steps_) return;
    last_draw_ = now;
    const double fraction = total_steps_ > 0 ? std::min(1.0, double(done_steps_) / double(total_steps_)) : 0.0;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : NAN;
    const int width = 30;
    std::string bar(size_t(width), ' ');
    for (int i = 0; i < int(fraction * width); ++i) bar[size_t(i)] = '#';
    std::fprintf(out_, "\r\033[K[%s] %3d%%  member %lld/%lld  epoch %lld  loss %.4f  lr %.4g  %s elapsed, ETA %s",
                 bar.c_str(), int(fraction * 100), (long long)(s.member + 1), (long long)members_, (long long)s.epoch,
                 s.loss, s.lr, clock_text(elapsed).c_str(), clock_text(eta).c_str());
    std::fflush(out_);
    bar_visible_ = true;
}

void ProgressPrinter::on_event(const Event& event) {
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            char buf[512];
            if constexpr (std::is_same_v<T, RunStarted>) {
                total_steps_ = e.total_steps;
                members_ = e.members;
                steps_per_epoch_ = e.steps_per_epoch;
                start_ = std::chrono::steady_clock::now();
                std::snprintf(buf, sizeof buf, "%s: %lld layers, %lld steps (%lld per epoch), device %s, %lld threads",
                              e.method.c_str(), (long long)e.layers.size(), (long long)e.total_steps,
                              (long long)e.steps_per_epoch, e.device.c_str(), (long long)e.threads);
                line(buf);
            } else if constexpr (std::is_same_v<T, StepMetrics>) {
                draw(e);
            } else if constexpr (std::is_same_v<T, EpochEnd>) {
                if (!interactive_) {
                    std::snprintf(buf, sizeof buf,
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
                std::snprintf(buf, sizeof buf, "ticket %lld captured: epoch %lld, val acc %.4f (%s)", (long long)e.ticket,
                              (long long)e.epoch, e.val_accuracy, e.reason.c_str());
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
