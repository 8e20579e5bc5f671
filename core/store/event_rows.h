// SPDX-License-Identifier: GPL-3.0-or-later
// Turns the run loop's events into store rows for one run (used by StoreWriter's background thread). A batch is
// written in one transaction: readers see all of it or none of it, and a failed batch leaves nothing behind.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ft/train/events.h"
#include "store/sqlite_db.h"

namespace ft::store_detail {

// An event that did not come from the run loop (pause, resume, user edit).
struct Annotation {
    EventKind kind = EventKind::UserEdit;
    nlohmann::json payload;
    int64_t member = -1;
    int64_t step = -1;  // < 0: the last step seen
};

struct QueuedEvent {
    std::variant<Event, Annotation> item;
    double time = 0;  // unix seconds when it was published
};

class EventRows {
public:
    EventRows(Db& db, int64_t run, int64_t keyframe_interval);

    // Writes the batch in one transaction. On an exception nothing of the batch is stored and the writer's own
    // state (update indices, previous masks) is unchanged, so the same batch can be retried.
    void write_batch(const std::vector<QueuedEvent>& batch);
    void heartbeat(double now);

    int64_t last_step() const { return last_step_; }

private:
    struct MaskState {
        std::vector<uint64_t> bits;  // the layer's mask at its latest update
        int64_t n = -1;
        int64_t keyframe_index = -1;  // update index of the latest keyframe
    };
    using LayerKey = std::pair<int64_t, int64_t>;  // member, layer

    struct Pending {  // state changes of the batch being written, applied on commit
        std::map<int64_t, int64_t> next_update;
        std::map<LayerKey, MaskState> masks;
        int64_t last_step = 0;
        std::string checkpoint_dir;
    };

    void write(const Event& e, double time, Pending& p);
    void write(const Annotation& a, double time, Pending& p);
    void write_mask_update(const MaskUpdate& u, double time, Pending& p);
    void write_summary(const std::string& summary, double time);
    void write_data_points(const DataPoints2D& d);
    void write_boundary(const DecisionBoundary& b);
    void metric(int64_t member, const char* key, int64_t step, double value);
    void event(int64_t step, int64_t member, EventKind kind, const nlohmann::json& payload, double time);
    int64_t next_update_index(int64_t member, Pending& p);
    const MaskState* mask_state(const LayerKey& key, const Pending& p) const;

    Db& db_;
    int64_t run_;
    int64_t keyframe_interval_;
    std::map<int64_t, int64_t> next_update_;
    std::map<LayerKey, MaskState> masks_;
    int64_t last_step_ = 0;
    std::string checkpoint_dir_;
};

}  // namespace ft::store_detail
