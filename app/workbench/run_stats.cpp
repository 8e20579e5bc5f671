// SPDX-License-Identifier: GPL-3.0-or-later
// RunStats. See run_stats.h.
#include "run_stats.h"

#include <time.h>
#include <unistd.h>
#include <QEvent>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QWidget>

#include "thread_cpu_time.h"

namespace ftw {

RunStats::RunStats(QObject* parent) : QObject(parent) {
    tick_.setTimerType(Qt::PreciseTimer);
    tick_.setInterval(10);
    connect(&tick_, &QTimer::timeout, this, &RunStats::tick);
    sample_.setInterval(1000);
    connect(&sample_, &QTimer::timeout, this, &RunStats::sample);
}

void RunStats::start() {
    clock_.start();
    lastTickMs_ = -1;
    tick_.start();
    sample_.start();
    sample();
}

void RunStats::watchView(QWidget* view, const QString& name) {
    const int index = int(views_.size());
    views_.push_back({name});
    viewOf_.insert(view, index);
    view->installEventFilter(this);
    for (auto* child : view->findChildren<QWidget*>()) {
        viewOf_.insert(child, index);
        child->installEventFilter(this);
    }
}

bool RunStats::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::Paint && clock_.isValid()) {
        const auto it = viewOf_.constFind(watched);
        if (it != viewOf_.constEnd()) {
            auto& v = views_[size_t(*it)];
            const qint64 now = clock_.elapsed();
            if (now - v.lastPaintMs >= 16) {
                ++v.frames;
                if (now - v.windowStartMs >= 1000) {
                    v.windowStartMs = now;
                    v.windowFrames = 0;
                }
                v.maxFramesPerSecond = std::max(v.maxFramesPerSecond, ++v.windowFrames);
            }
            v.lastPaintMs = now;
        }
    }
    return QObject::eventFilter(watched, event);
}

void RunStats::tick() {
    const qint64 now = clock_.elapsed();
    const double cpu = threadCpuMs();
    if (lastTickMs_ >= 0) {
        const double gap = double(now - lastTickMs_);
        longestGapMs_ = std::max(longestGapMs_, gap);
        if (gap > 50) {
            ++gapsOver50_;
            const double busy = cpu - lastTickCpuMs_;
            longestBusyMs_ = std::max(longestBusyMs_, busy);
            if (longGaps_.size() < 200) longGaps_.push_back({double(now) / 1000.0, gap, busy});
        }
    }
    lastTickMs_ = now;
    lastTickCpuMs_ = cpu;
    ++ticks_;
}

qint64 RunStats::residentBytes() {
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly)) return 0;
    const auto parts = f.readAll().split(' ');
    if (parts.size() < 2) return 0;
    return parts[1].toLongLong() * sysconf(_SC_PAGESIZE);
}

void RunStats::sample() {
    rss_.emplace_back(double(clock_.elapsed()) / 1000.0, double(residentBytes()) / (1024.0 * 1024.0));
}

QJsonObject RunStats::report() const {
    QJsonObject out;
    const double seconds = clock_.isValid() ? double(clock_.elapsed()) / 1000.0 : 0.0;
    out[QStringLiteral("seconds")] = seconds;
    // CPU time: the GUI thread's own (this is called on it) and the whole process's (training included).
    timespec process{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &process);
    out[QStringLiteral("gui_thread_cpu_s")] = threadCpuMs() / 1000.0;
    out[QStringLiteral("process_cpu_s")] = double(process.tv_sec) + double(process.tv_nsec) / 1e9;
    out[QStringLiteral("gui_timer")] = QJsonObject{{QStringLiteral("interval_ms"), 10},
                                                   {QStringLiteral("ticks"), double(ticks_)},
                                                   {QStringLiteral("longest_gap_ms"), longestGapMs_},
                                                   {QStringLiteral("gaps_over_50ms"), double(gapsOver50_)},
                                                   {QStringLiteral("longest_busy_ms_in_a_gap"), longestBusyMs_}};
    QJsonArray gaps;
    for (const auto& g : longGaps_)
        gaps.append(QJsonObject{{QStringLiteral("at_s"), g.atSeconds},
                                {QStringLiteral("gap_ms"), g.gapMs},
                                {QStringLiteral("gui_cpu_ms"), g.cpuMs}});
    out[QStringLiteral("long_gaps")] = gaps;
    QJsonObject views;
    for (const auto& v : views_)
        views[v.name] = QJsonObject{{QStringLiteral("frames"), double(v.frames)},
                                    {QStringLiteral("mean_fps"), seconds > 0 ? double(v.frames) / seconds : 0.0},
                                    {QStringLiteral("max_fps_1s"), double(v.maxFramesPerSecond)}};
    out[QStringLiteral("repaints")] = views;
    if (!rss_.empty()) {
        double peak = 0;
        for (const auto& [t, mib] : rss_) peak = std::max(peak, mib);
        // Least-squares slope over the second half of the samples: a leak shows as a steady positive slope.
        double slope = 0;
        const size_t from = rss_.size() / 2;
        const size_t n = rss_.size() - from;
        if (n >= 3) {
            double st = 0, sm = 0, stt = 0, stm = 0;
            for (size_t i = from; i < rss_.size(); ++i) {
                st += rss_[i].first;
                sm += rss_[i].second;
                stt += rss_[i].first * rss_[i].first;
                stm += rss_[i].first * rss_[i].second;
            }
            const double den = double(n) * stt - st * st;
            if (den > 0) slope = (double(n) * stm - st * sm) / den * 60.0;
        }
        out[QStringLiteral("memory_mib")] = QJsonObject{{QStringLiteral("first"), rss_.front().second},
                                                        {QStringLiteral("peak"), peak},
                                                        {QStringLiteral("last"), rss_.back().second},
                                                        {QStringLiteral("samples"), double(rss_.size())},
                                                        {QStringLiteral("slope_second_half_mib_per_min"), slope}};
        // The samples themselves, at most about 120 of them, for plotting.
        QJsonArray series;
        const size_t stride = std::max<size_t>(1, rss_.size() / 120);
        for (size_t i = 0; i < rss_.size(); i += stride) series.append(QJsonArray{rss_[i].first, rss_[i].second});
        out[QStringLiteral("memory_series_s_mib")] = series;
    }
    QJsonObject counters;
    for (auto it = counters_.begin(); it != counters_.end(); ++it) counters[it.key()] = it.value();
    out[QStringLiteral("counters")] = counters;
    if (!summary_.isEmpty()) out[QStringLiteral("run")] = summary_.value(QStringLiteral("run"));
    return out;
}

bool RunStats::write(const QString& path, QString* error) const {
    QSaveFile f(path);
    const QByteArray text = QJsonDocument(report()).toJson();
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size() || !f.commit()) {
        if (error) *error = tr("%1: cannot write the statistics: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

}  // namespace ftw
