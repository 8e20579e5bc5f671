// SPDX-License-Identifier: GPL-3.0-or-later
// MaskSource: reads the packed masks of one stored run on demand, on a thread of its own with its own read-only
// store connection, so that a run with tens of millions of weights and a hundred mask updates opens without
// decompressing its history and the GUI thread never waits for a mask. The newest request is served first (the
// one the user is looking at now); a mask is read once however often it is asked for before it arrives.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "run_data.h"

namespace ftw {

class MaskSource : public QObject {
    Q_OBJECT
public:
    MaskSource(const QString& storePath, int64_t runId, QObject* parent = nullptr);
    // Stops the reader; a mask being read is finished and dropped.
    ~MaskSource() override;

    QString storePath() const { return path_; }
    int64_t runId() const { return run_; }
    void request(const MaskKey& key);
    // One weight's state after every stored update of the layer (RunStore::mask_bit_history); served before masks,
    // and only the newest one: the mouse has moved on from older ones.
    void requestHistory(int64_t member, int layer, int64_t index);
    // Requests still waiting are dropped (the user moved on); the one being read completes.
    void dropPending();
    int64_t reads() const { return reads_.load(); }
    bool idle() const;

signals:
    // On the thread the source lives in. `bits` is null when the store has no such mask.
    void arrived(ftw::MaskKey key, ftw::MaskWords bits);
    void historyArrived(qint64 member, int layer, qint64 index, const std::vector<int8_t>& history);
    void failed(const QString& message);

private:
    void run();

    QString path_;
    int64_t run_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<MaskKey> queue_;  // newest at the front
    std::set<MaskKey> pending_;  // queued, being read, or read and not yet delivered
    bool busy_ = false;
    bool historyWanted_ = false;
    MaskKey history_;  // update unused: (member, layer, index in `update`)
    bool stop_ = false;
    std::atomic<int64_t> reads_{0};
    // The reader thread's last mask of each (member, layer), to step forward from.
    struct Reconstructed {
        int64_t update = 0, n = 0;
        MaskWords bits;
    };
    std::map<std::pair<int64_t, int>, Reconstructed> last_;
    std::thread thread_;
};

}  // namespace ftw
