// SPDX-License-Identifier: GPL-3.0-or-later
// JobTracker: work off the GUI thread with results that cannot arrive late. Each job has a kind ("open",
// "overlay", "follow", ...); starting a job makes every earlier job of its kind stale, and a stale job's result is
// dropped instead of delivered. Results come back to the tracker's thread by a queued call, in the order the jobs
// finish. Jobs run one at a time on the tracker's own worker thread, each with whatever store connection it opens.
// The tracker's destructor drops pending results and waits for the running job, so no result outlives it.
#pragma once

#include <QHash>
#include <QMetaObject>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <functional>

namespace ftw {

class JobTracker : public QObject {
    Q_OBJECT
public:
    explicit JobTracker(QObject* parent = nullptr);
    ~JobTracker() override;

    // Runs `work` on the worker; `done(result)` then runs on this object's thread unless a newer job of `kind`
    // was started or cancel(kind) was called meanwhile. R must be copyable (a shared_ptr for objects).
    template <class R>
    quint64 start(const QString& kind, std::function<R()> work, std::function<void(R)> done) {
        const quint64 id = ++lastId_;
        latest_[kind] = id;
        ++running_[kind];
        pool_.start([this, kind, id, work = std::move(work), done = std::move(done)] {
            R result = work();
            QMetaObject::invokeMethod(
                this,
                [this, kind, id, result, done] {
                    --running_[kind];
                    const bool current = latest_.value(kind) == id;
                    if (current)
                        done(result);
                    else
                        ++dropped_;
                    emit finished(kind, id, current);
                },
                Qt::QueuedConnection);
        });
        return id;
    }

    // Makes every job of `kind` stale.
    void cancel(const QString& kind) { latest_.remove(kind); }
    bool busy(const QString& kind) const { return running_.value(kind) > 0; }
    bool isCurrent(const QString& kind, quint64 id) const { return latest_.value(kind) == id; }
    // Results dropped because they were stale, over the tracker's life (tests).
    qint64 dropped() const { return dropped_; }
    // Blocks until every started job has run (tests, shutdown); results are then queued.
    void waitForIdle() { pool_.waitForDone(); }

signals:
    void finished(const QString& kind, quint64 id, bool delivered);

private:
    QThreadPool pool_;
    QHash<QString, quint64> latest_;
    QHash<QString, int> running_;
    quint64 lastId_ = 0;
    qint64 dropped_ = 0;
};

}  // namespace ftw
