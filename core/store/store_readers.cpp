// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore readers for the GUI and the CLI: layers, metric series with min/max decimation, mask updates and
// exact mask reconstruction, events, tickets, evaluations, config diff.
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "ft/store/run_store.h"
#include "store/mask_codec.h"
#include "store/run_store_impl.h"

namespace ft {

using store_detail::Db;
using store_detail::Transaction;

std::vector<LayerRecord> RunStore::layers(int64_t run) const {
    std::vector<LayerRecord> out;
    auto s = impl_->db->prepare(
        "SELECT layer, name, shape, target_density, macs_per_weight, total FROM layers WHERE run = ? ORDER BY layer");
    s.bind(1, run);
    while (s.step()) {
        LayerRecord l;
        l.index = s.int64(0);
        l.name = s.text(1);
        const auto shape = store_detail::parse_json_or_null(s.text(2));
        if (shape.is_array())
            for (const auto& d : shape)
                if (d.is_number_integer()) l.shape.push_back(d.get<int64_t>());
        l.target_density = s.real_or(3, 1);
        l.macs_per_weight = s.int64(4);
        l.total = s.int64(5);
        out.push_back(std::move(l));
    }
    return out;
}

std::vector<MetricKey> RunStore::metric_keys(int64_t run) const {
    std::vector<MetricKey> out;
    auto s = impl_->db->prepare(
        "SELECT member, key, count(*) FROM metrics WHERE run = ? GROUP BY member, key ORDER BY member, key");
    s.bind(1, run);
    while (s.step()) out.push_back({s.int64(0), s.text(1), s.int64(2)});
    return out;
}

MetricSeries RunStore::metric_series(int64_t run, int64_t member, const std::string& key, int64_t max_points) const {
    Db& db = *impl_->db;
    MetricSeries out;
    Transaction read(db, false);  // the count and the rows from one snapshot
    int64_t count = 0, first = 0, last = 0;
    {
        auto s =
            db.prepare("SELECT count(*), min(step), max(step) FROM metrics WHERE run = ? AND member = ? AND key = ?");
        s.bind(1, run).bind(2, member).bind(3, key);
        if (s.step()) {
            count = s.int64(0);
            first = s.int64(1);
            last = s.int64(2);
        }
    }
    if (count == 0) return out;
    if (max_points <= 0 || count <= max_points) {
        auto s = db.prepare("SELECT step, value FROM metrics WHERE run = ? AND member = ? AND key = ? ORDER BY step");
        s.bind(1, run).bind(2, member).bind(3, key);
        while (s.step()) {
            out.steps.push_back(s.int64(0));
            out.values.push_back(s.real(1));
        }
        out.mins = out.values;
        out.maxs = out.values;
    } else {
        // max_points equal-width buckets over [first, last]; per bucket the last step, the mean, the min and the max.
        // A bucket holding a NaN (a diverged step) reports NaN as its mean, so the gap stays visible.
        auto s = db.prepare(
            "SELECT ((step - ?1) * ?2) / ?3 AS bucket, max(step), avg(value), min(value), max(value), "
            "sum(value IS NULL) FROM metrics WHERE run = ?4 AND member = ?5 AND key = ?6 GROUP BY bucket ORDER BY "
            "bucket");
        s.bind(1, first).bind(2, max_points).bind(3, last - first + 1).bind(4, run).bind(5, member).bind(6, key);
        const double nan = std::numeric_limits<double>::quiet_NaN();
        while (s.step()) {
            out.steps.push_back(s.int64(1));
            out.values.push_back(s.int64(5) > 0 ? nan : s.real(2));
            out.mins.push_back(s.real(3));
            out.maxs.push_back(s.real(4));
        }
    }
    read.commit();
    return out;
}

int64_t RunStore::mask_update_count(int64_t run, int64_t member) const {
    auto s = impl_->db->prepare("SELECT count(*) FROM mask_updates WHERE run = ? AND member = ?");
    s.bind(1, run).bind(2, member);
    return s.step() ? s.int64(0) : 0;
}

std::vector<MaskUpdateRecord> RunStore::mask_updates(int64_t run, int64_t member) const {
    Db& db = *impl_->db;
    Transaction read(db, false);
    std::vector<MaskUpdateRecord> out;
    std::map<int64_t, size_t> at;
    {
        auto s = db.prepare(
            "SELECT update_index, step, epoch, rate, exploration, initial, ever_active FROM mask_updates "
            "WHERE run = ? AND member = ? ORDER BY update_index");
        s.bind(1, run).bind(2, member);
        while (s.step()) {
            MaskUpdateRecord u;
            u.index = s.int64(0);
            u.step = s.int64(1);
            u.epoch = s.int64(2);
            u.rate = s.real_or(3, 0);
            u.exploration = s.int64(4) != 0;
            u.initial = s.int64(5) != 0;
            u.ever_active = s.real_or(6, 0);
            at[u.index] = out.size();
            out.push_back(std::move(u));
        }
    }
    {
        auto s = db.prepare(
            "SELECT update_index, layer, pruned, regrown, active, total, mask IS NOT NULL FROM mask_layers "
            "WHERE run = ? AND member = ? ORDER BY update_index, layer");
        s.bind(1, run).bind(2, member);
        while (s.step()) {
            auto it = at.find(s.int64(0));
            if (it == at.end()) continue;
            out[it->second].layers.push_back(
                {s.int64(1), s.int64(2), s.int64(3), s.int64(4), s.int64(5), s.int64(6) != 0});
        }
    }
    read.commit();
    return out;
}

MaskBits RunStore::mask_at(int64_t run, int64_t member, int64_t layer, int64_t update_index) const {
    Db& db = *impl_->db;
    const auto where = [&] {
        return "run " + std::to_string(run) + " member " + std::to_string(member) + " layer " + std::to_string(layer) +
               " update " + std::to_string(update_index);
    };
    // One statement, so one snapshot: the latest keyframe at or before the update and every delta after it.
    auto s = db.prepare(
        "SELECT update_index, mask FROM mask_layers WHERE run = ?1 AND member = ?2 AND layer = ?3 "
        "AND update_index <= ?4 AND update_index >= (SELECT max(update_index) FROM mask_layers WHERE run = ?1 "
        "AND member = ?2 AND layer = ?3 AND update_index <= ?4 AND keyframe = 1 AND mask IS NOT NULL) "
        "ORDER BY update_index");
    s.bind(1, run).bind(2, member).bind(3, layer).bind(4, update_index);
    MaskBits out;
    int64_t expected = -1;
    bool any = false;
    while (s.step()) {
        const int64_t k = s.int64(0);
        if (any && k != expected)
            db.fail("the mask chain of " + where() + " misses update " + std::to_string(expected));
        if (s.is_null(1)) db.fail("no mask was stored for " + where());
        const auto [data, size] = s.blob(1);
        try {
            store_detail::apply_mask_blob(data, size, out.bits, out.n);
        } catch (const std::exception& e) {
            db.fail(std::string(e.what()) + " (" + where() + ")");
        }
        any = true;
        expected = k + 1;
    }
    if (!any || expected != update_index + 1) {
        auto check = db.prepare(
            "SELECT mask IS NULL FROM mask_layers WHERE run = ? AND member = ? AND layer = ? AND update_index = ?");
        check.bind(1, run).bind(2, member).bind(3, layer).bind(4, update_index);
        if (check.step() && check.int64(0)) db.fail("no mask was stored for " + where());
        db.fail("no mask update for " + where());
    }
    return out;
}

bool RunStore::mask_advance(int64_t run, int64_t member, int64_t layer, int64_t from_update, int64_t to_update,
                            MaskBits& bits) const {
    if (to_update < from_update) return false;
    if (to_update == from_update) return true;
    Db& db = *impl_->db;
    auto s = db.prepare(
        "SELECT update_index, mask FROM mask_layers WHERE run = ?1 AND member = ?2 AND layer = ?3 "
        "AND update_index > ?4 AND update_index <= ?5 ORDER BY update_index");
    s.bind(1, run).bind(2, member).bind(3, layer).bind(4, from_update).bind(5, to_update);
    MaskBits out = bits;
    int64_t expected = from_update + 1;
    while (s.step()) {
        if (s.int64(0) != expected || s.is_null(1)) return false;
        const auto [data, size] = s.blob(1);
        try {
            store_detail::apply_mask_blob(data, size, out.bits, out.n);  // a keyframe replaces, a delta applies
        } catch (const std::exception& e) {
            db.fail(std::string(e.what()) + " (run " + std::to_string(run) + " member " + std::to_string(member) +
                    " layer " + std::to_string(layer) + " update " + std::to_string(expected) + ")");
        }
        ++expected;
    }
    if (expected != to_update + 1) return false;
    bits = std::move(out);
    return true;
}

std::vector<int8_t> RunStore::mask_bit_history(int64_t run, int64_t member, int64_t layer, int64_t index) const {
    Db& db = *impl_->db;
    auto s = db.prepare(
        "SELECT update_index, mask FROM mask_layers WHERE run = ? AND member = ? AND layer = ? ORDER BY update_index");
    s.bind(1, run).bind(2, member).bind(3, layer);
    std::vector<int8_t> out;
    bool known = false, alive = false;  // the weight's state after the previous update, when the chain holds
    int64_t expected = 0;
    while (s.step()) {
        const int64_t k = s.int64(0);
        if (k < 0) continue;
        if (k != expected) known = false;  // a gap in the chain: the next keyframe tells again
        expected = k + 1;
        if (out.size() <= size_t(k)) out.resize(size_t(k) + 1, -1);
        if (s.is_null(1)) {
            known = false;
            continue;
        }
        const auto [data, size] = s.blob(1);
        try {
            const store_detail::MaskBlobInfo info = store_detail::mask_blob_info(data, size);
            if (index < 0 || index >= info.n) {
                known = false;
                continue;
            }
            const bool set = store_detail::mask_blob_bit(data, size, index);
            if (!info.delta()) {
                alive = set;
                known = true;
            } else if (known) {
                alive = alive != set;
            }
        } catch (const std::exception& e) {
            db.fail(std::string(e.what()) + " (run " + std::to_string(run) + " member " + std::to_string(member) +
                    " layer " + std::to_string(layer) + " update " + std::to_string(k) + ")");
        }
        if (known) out[size_t(k)] = alive ? 1 : 0;
    }
    return out;
}

std::vector<StoredEvent> RunStore::events(int64_t run, int64_t step_from, int64_t step_to,
                                          const std::vector<EventKind>& kinds) const {
    const std::set<EventKind> wanted(kinds.begin(), kinds.end());
    std::vector<StoredEvent> out;
    auto s = impl_->db->prepare(
        "SELECT id, step, member, kind, payload, time FROM events WHERE run = ? AND step BETWEEN ? AND ? ORDER BY id");
    s.bind(1, run).bind(2, step_from).bind(3, step_to);
    while (s.step()) {
        StoredEvent e;
        e.kind = store_detail::parse_column(s, 3, "events.kind", event_kind_from_string);
        if (!wanted.empty() && !wanted.count(e.kind)) continue;
        e.id = s.int64(0);
        e.step = s.int64(1);
        e.member = s.int64(2);
        e.payload = store_detail::parse_json_or_null(s.text(4));
        e.time = s.real_or(5, 0);
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<TicketRecord> RunStore::tickets(int64_t run) const {
    std::vector<TicketRecord> out;
    auto s = impl_->db->prepare(
        "SELECT ticket, member, step, epoch, val_accuracy, reason, checkpoint FROM tickets WHERE run = ? ORDER BY "
        "ticket");
    s.bind(1, run);
    while (s.step()) out.push_back({s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.real(4), s.text(5), s.text(6)});
    return out;
}

std::vector<EvaluationRecord> RunStore::evaluations(int64_t run) const {
    std::vector<EvaluationRecord> out;
    auto s = impl_->db->prepare(
        "SELECT id, member, split, step, metrics, disagreement, kl, time FROM evaluations WHERE run = ? ORDER BY id");
    s.bind(1, run);
    while (s.step()) {
        EvaluationRecord e;
        e.id = s.int64(0);
        e.member = s.int64(1);
        e.split = store_detail::parse_column(s, 2, "evaluations.split", eval_split_from_string);
        e.step = s.int64(3);
        e.metrics = store_detail::parse_json_or_null(s.text(4));
        e.disagreement = store_detail::parse_json_or_null(s.text(5));
        e.kl = store_detail::parse_json_or_null(s.text(6));
        e.time = s.real_or(7, 0);
        out.push_back(std::move(e));
    }
    return out;
}

namespace {

void flatten(const nlohmann::json& j, const std::string& prefix, std::map<std::string, nlohmann::json>& out) {
    if (j.is_object() && !j.empty()) {
        for (auto it = j.begin(); it != j.end(); ++it)
            flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
    } else {
        out[prefix] = j;
    }
}

}  // namespace

std::vector<ConfigDifference> RunStore::config_diff(int64_t run_a, int64_t run_b) const {
    const auto config_of = [&](int64_t run) {
        auto s = impl_->db->prepare("SELECT config_json FROM runs WHERE id = ?");
        s.bind(1, run);
        if (!s.step()) impl_->db->fail("no run " + std::to_string(run));
        std::map<std::string, nlohmann::json> leaves;
        flatten(store_detail::parse_json_or_null(s.text(0)), "", leaves);
        return leaves;
    };
    const auto a = config_of(run_a), b = config_of(run_b);
    std::set<std::string> keys;
    for (const auto& [k, v] : a) keys.insert(k);
    for (const auto& [k, v] : b) keys.insert(k);
    std::vector<ConfigDifference> out;
    for (const auto& k : keys) {
        const auto ia = a.find(k), ib = b.find(k);
        const bool in_a = ia != a.end(), in_b = ib != b.end();
        if (in_a && in_b && ia->second == ib->second) continue;
        out.push_back({k, in_a ? ia->second : nlohmann::json(nullptr), in_b ? ib->second : nlohmann::json(nullptr)});
    }
    return out;
}

}  // namespace ft
