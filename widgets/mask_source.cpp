// SPDX-License-Identifier: GPL-3.0-or-later
// MaskSource (mask_source.h).
#include "mask_source.h"

#include <QMetaObject>

#include "ft/store/run_store.h"

namespace ftw {

namespace {
constexpr size_t kMaxPending = 256;  // older requests beyond this are forgotten: the user has long moved on
constexpr int64_t kMaxAdvance = 8;   // further than this forward, a keyframe chain is as cheap
}  // namespace

MaskSource::MaskSource(const QString& storePath, int64_t runId, QObject* parent)
    : QObject(parent), path_(storePath), run_(runId) {
    qRegisterMetaType<ftw::MaskKey>("ftw::MaskKey");
    qRegisterMetaType<ftw::MaskWords>("ftw::MaskWords");
    qRegisterMetaType<std::vector<int8_t>>("std::vector<int8_t>");
    thread_ = std::thread([this] { run(); });
}

MaskSource::~MaskSource() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        queue_.clear();
    }
    wake_.notify_all();
    thread_.join();
}

void MaskSource::request(const MaskKey& key) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (pending_.count(key)) {
            // Waiting already: move it to the front, it is wanted now. Being read or on its way: nothing to do.
            for (auto it = queue_.begin(); it != queue_.end(); ++it)
                if (*it == key) {
                    queue_.erase(it);
                    queue_.push_front(key);
                    break;
                }
            return;
        }
        pending_.insert(key);
        queue_.push_front(key);
        while (queue_.size() > kMaxPending) {
            pending_.erase(queue_.back());
            queue_.pop_back();
        }
    }
    wake_.notify_one();
}

void MaskSource::requestHistory(int64_t member, int layer, int64_t index) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        history_ = MaskKey{member, index, layer};
        historyWanted_ = true;
    }
    wake_.notify_one();
}

void MaskSource::dropPending() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const MaskKey& k : queue_) pending_.erase(k);
    queue_.clear();
}

bool MaskSource::idle() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.empty() && !busy_;
}

void MaskSource::run() {
    std::unique_ptr<ft::RunStore> store;
    for (;;) {
        MaskKey key;
        bool history = false;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            busy_ = false;
            wake_.wait(lock, [this] { return stop_ || !queue_.empty() || historyWanted_; });
            if (stop_) return;
            if (historyWanted_) {
                key = history_;
                historyWanted_ = false;
                history = true;
            } else {
                key = queue_.front();
                queue_.pop_front();
            }
            busy_ = true;
        }
        if (history) {
            std::vector<int8_t> values;
            try {
                if (!store)
                    store = std::make_unique<ft::RunStore>(
                        ft::RunStore::open(path_.toStdString(), ft::StoreMode::ReadOnly));
                values = store->mask_bit_history(run_, key.member, key.layer, key.update);
            } catch (const std::exception&) {
                // no history to tell: the view keeps what the masks in memory say
            }
            QMetaObject::invokeMethod(
                this, [this, key, values] { emit historyArrived(key.member, key.layer, key.update, values); },
                Qt::QueuedConnection);
            continue;
        }
        MaskWords bits;
        QString error;
        try {
            if (!store)
                store =
                    std::make_unique<ft::RunStore>(ft::RunStore::open(path_.toStdString(), ft::StoreMode::ReadOnly));
            // Stepping forward (playback, a scrubber dragged to the right) brings the last mask read of the layer
            // forward, one stored update at a time; anything else rebuilds from the nearest keyframe.
            ft::MaskBits m;
            bool advanced = false;
            auto last = last_.find({key.member, key.layer});
            if (last != last_.end() && last->second.update <= key.update &&
                key.update - last->second.update <= kMaxAdvance) {
                m.bits = *last->second.bits;
                m.n = last->second.n;
                advanced = store->mask_advance(run_, key.member, key.layer, last->second.update, key.update, m);
            }
            if (!advanced) m = store->mask_at(run_, key.member, key.layer, key.update);
            ++reads_;
            const int64_t n = m.n;
            bits = std::make_shared<const std::vector<uint64_t>>(std::move(m.bits));
            last_[{key.member, key.layer}] = Reconstructed{key.update, n, bits};
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stop_) return;
        }
        QMetaObject::invokeMethod(
            this,
            [this, key, bits, error] {
                {
                    std::lock_guard<std::mutex> lock(mutex_);
                    pending_.erase(key);  // from here on a new request reads it again
                }
                if (!error.isEmpty()) emit failed(error);
                emit arrived(key, bits);
            },
            Qt::QueuedConnection);
    }
}

}  // namespace ftw
