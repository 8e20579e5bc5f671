// SPDX-License-Identifier: GPL-3.0-or-later
// RunStats: the figures the issue asks for, measured inside the running workbench (--stats FILE.json):
// - GUI responsiveness: a 10 ms timer on the GUI thread; the longest gap between two ticks (ms), how many gaps
//   were longer than 50 ms and, for each long gap, how much of it the GUI thread spent on the CPU: a long gap with
//   little CPU time is the OS giving the core to other processes, not the workbench blocking its event loop;
// - repaint rate of each view: paint frames per second (paints of a view and its children less than 16 ms apart
//   count as one frame), the highest one-second count and the mean;
// - memory: resident set size once a second (first, peak, last, and the slope over the second half in MiB/min);
// - training throughput: steps and samples per second of the run, from its own summary.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>
#include <vector>

class QWidget;

namespace ftw {

class RunStats : public QObject {
    Q_OBJECT
public:
    explicit RunStats(QObject* parent = nullptr);

    void start();
    // Counts the paint frames of `view` (and every child it has now).
    void watchView(QWidget* view, const QString& name);
    // The run's summary JSON (for its training seconds and steps) and what the GUI received.
    void setRunSummary(const QJsonObject& summary) { summary_ = summary; }
    void setCounter(const QString& name, double value) { counters_[name] = value; }

    double longestGapMs() const { return longestGapMs_; }
    qint64 gapsOver50Ms() const { return gapsOver50_; }
    QJsonObject report() const;
    bool write(const QString& path, QString* error) const;

    // Resident set size of this process in bytes (0 where /proc is missing).
    static qint64 residentBytes();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void tick();
    void sample();

    struct ViewCounter {
        QString name;
        qint64 lastPaintMs = -1000;
        qint64 frames = 0;
        qint64 windowStartMs = 0, windowFrames = 0, maxFramesPerSecond = 0;
    };
    QTimer tick_, sample_;
    QElapsedTimer clock_;
    qint64 lastTickMs_ = -1;
    double longestGapMs_ = 0;
    qint64 gapsOver50_ = 0, ticks_ = 0;
    double lastTickCpuMs_ = 0;
    double longestBusyMs_ = 0;  // GUI-thread CPU time within one gap, the largest
    struct Gap {
        double atSeconds, gapMs, cpuMs;
    };
    std::vector<Gap> longGaps_;    // the first 200 gaps over 50 ms
    QHash<QObject*, int> viewOf_;  // watched widget -> index in views_
    std::vector<ViewCounter> views_;
    std::vector<std::pair<double, double>> rss_;  // (seconds, MiB)
    QJsonObject summary_;
    QHash<QString, double> counters_;
};

}  // namespace ftw
