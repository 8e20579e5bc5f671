// SPDX-License-Identifier: GPL-3.0-or-later
// StoreFollower. See store_follower.h.
#include "store_follower.h"

#include <QThread>
#include <memory>

#include "ft/store/run_store.h"
#include "job_tracker.h"
#include "run_data.h"

namespace ftw {

namespace {
const QString kFollow = QStringLiteral("follow");

// What changes when a writer makes progress: a new step, a new evaluation or ticket, the final status.
QString fingerprintOf(const ft::RunStore& store, const ft::RunRecord& r) {
    return QStringLiteral("%1|%2|%3|%4")
        .arg(QString::fromStdString(ft::to_string(r.status)))
        .arg(r.last_step)
        .arg(store.evaluations(r.id).size())
        .arg(store.tickets(r.id).size());
}
}  // namespace

// One poll's result; `data` is null when nothing changed (or on error) and deletes the RunData if dropped.
struct StoreFollower::Poll {
    std::shared_ptr<std::unique_ptr<RunData>> data;
    QString error, fingerprint;
    bool ended = false;
};

StoreFollower::StoreFollower(QObject* parent) : QObject(parent) {
    timer_.setObjectName(QStringLiteral("storeFollowerPoll"));
    timer_.setTimerType(Qt::CoarseTimer);
    connect(&timer_, &QTimer::timeout, this, &StoreFollower::poll);
    jobs_ = new JobTracker(this);
}

void StoreFollower::follow(const QString& path, qint64 runId, int intervalMs) {
    stop();
    path_ = path;
    runId_ = runId;
    lastFingerprint_.clear();
    following_ = true;
    timer_.start(intervalMs);
    poll();
}

void StoreFollower::stop() {
    timer_.stop();
    following_ = false;
    busy_ = false;
    jobs_->cancel(kFollow);  // a load still running is dropped when it ends
}

void StoreFollower::poll() {
    if (busy_ || !following_) return;
    busy_ = true;
    const std::string path = path_.toStdString();
    const int64_t id = runId_;
    const QString previous = lastFingerprint_;
    QThread* gui = thread();
    jobs_->start<Poll>(
        kFollow,
        [path, id, previous, gui] {
            Poll out;
            try {
                auto store = ft::RunStore::open(path, ft::StoreMode::ReadOnly);
                const auto record = store.get_run(id);
                out.fingerprint = fingerprintOf(store, record);
                out.ended = ft::is_final(record.status);
                if (out.fingerprint != previous) {
                    auto data = std::make_unique<RunData>();
                    if (RunData::load(store, id, data.get(), &out.error)) {
                        data->moveToThread(gui);
                        out.data = std::make_shared<std::unique_ptr<RunData>>(std::move(data));
                    }
                }
            } catch (const std::exception& e) {
                out.error = QString::fromUtf8(e.what());
            }
            return out;
        },
        [this](Poll result) { onLoaded(result); });
}

void StoreFollower::onLoaded(const Poll& result) {
    busy_ = false;
    if (!result.error.isEmpty()) {
        stop();
        emit failed(result.error);
        return;
    }
    if (result.ended && result.fingerprint == lastFingerprint_) {
        stop();
        return;
    }
    lastFingerprint_ = result.fingerprint;
    ++loads_;
    if (result.ended) stop();
    if (result.data && *result.data) emit loaded(result.data->release(), result.ended);
}

}  // namespace ftw
