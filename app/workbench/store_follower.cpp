// StoreFollower. See store_follower.h.
#include "store_follower.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>

#include "ft/store/run_store.h"
#include "run_data.h"

namespace ftw {

namespace {
// What changes when a writer makes progress: a new step, a new evaluation or ticket, the final status.
QString fingerprintOf(const ft::RunStore& store, const ft::RunRecord& r) {
    return QStringLiteral("%1|%2|%3|%4")
        .arg(QString::fromStdString(ft::to_string(r.status)))
        .arg(r.last_step)
        .arg(store.evaluations(r.id).size())
        .arg(store.tickets(r.id).size());
}
bool isFinal(const std::string& status) { return status != "running"; }
}  // namespace

StoreFollower::StoreFollower(QObject* parent) : QObject(parent) {
    timer_.setObjectName(QStringLiteral("storeFollowerPoll"));
    timer_.setTimerType(Qt::CoarseTimer);
    connect(&timer_, &QTimer::timeout, this, &StoreFollower::poll);
}

StoreFollower::~StoreFollower() {
    stop();
    // A load still running posts its result to this object: wait for it (a load is bounded by the run's size);
    // the posted call is then dropped with the object.
    if (worker_) worker_->wait();
}

void StoreFollower::follow(const QString& path, qint64 runId, int intervalMs) {
    stop();
    path_ = path;
    runId_ = runId;
    lastFingerprint_.clear();
    alive_ = std::make_shared<std::atomic<bool>>(true);
    timer_.start(intervalMs);
    poll();
}

void StoreFollower::stop() {
    timer_.stop();
    if (alive_) alive_->store(false);
}

void StoreFollower::poll() {
    if (busy_ || !alive_ || !alive_->load()) return;
    busy_ = true;
    const std::string path = path_.toStdString();
    const int64_t id = runId_;
    const QString previous = lastFingerprint_;
    auto alive = alive_;
    QThread* gui = thread();
    worker_ = QThread::create([this, path, id, previous, alive, gui] {
        RunData* data = nullptr;
        QString error, fingerprint;
        bool ended = false;
        try {
            auto store = ft::RunStore::open(path, ft::StoreMode::ReadOnly);
            const auto record = store.get_run(id);
            fingerprint = fingerprintOf(store, record);
            ended = isFinal(ft::to_string(record.status));
            if (fingerprint != previous) {
                data = new RunData;
                if (!RunData::load(store, id, data, &error)) {
                    delete data;
                    data = nullptr;
                } else {
                    data->moveToThread(gui);
                }
            }
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        if (!alive->load()) {
            delete data;
            data = nullptr;
        }
        QMetaObject::invokeMethod(
            this, [this, data, error, fingerprint, ended] { onLoaded(data, error, fingerprint, ended); },
            Qt::QueuedConnection);
    });
    connect(worker_, &QThread::finished, worker_, &QObject::deleteLater);
    worker_->start(QThread::LowPriority);
}

void StoreFollower::onLoaded(RunData* data, const QString& error, const QString& fingerprint, bool ended) {
    busy_ = false;
    worker_ = nullptr;
    if (!alive_ || !alive_->load()) {
        delete data;
        return;
    }
    if (!error.isEmpty()) {
        stop();
        emit failed(error);
        return;
    }
    if (ended && fingerprint == lastFingerprint_) {
        stop();
        return;
    }
    lastFingerprint_ = fingerprint;
    ++loads_;
    if (ended) stop();
    if (data) emit loaded(data, ended);
}

}  // namespace ftw
