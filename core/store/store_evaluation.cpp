// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's evaluation results (schema 3): the run summary, the training points and decision boundaries of 2-D
// runs, and recording run-loop events outside a StoreWriter (`freetickets eval`).
#include "ft/store/run_store.h"
#include "store/event_rows.h"
#include "store/float_blob.h"
#include "store/run_store_impl.h"

namespace ft {

using store_detail::Db;
using store_detail::Transaction;

nlohmann::json RunStore::summary(int64_t run) const {
    auto s = impl_->db->prepare("SELECT summary FROM summaries WHERE run = ?");
    s.bind(1, run);
    if (!s.step()) return nullptr;
    return store_detail::parse_json_or_null(s.text(0));
}

void RunStore::set_summary(int64_t run, const nlohmann::json& summary) {
    impl_->require_writable();
    Transaction t(*impl_->db);
    impl_->require_run(run);
    impl_->db->prepare("INSERT OR REPLACE INTO summaries(run, summary, updated) VALUES (?, ?, ?)")
        .bind(1, run)
        .bind(2, store_detail::json_text(summary))
        .bind(3, store_detail::unix_now())
        .run();
    t.commit();
}

std::optional<DataPoints2D> RunStore::data_points(int64_t run) const {
    Db& db = *impl_->db;
    auto s = db.prepare("SELECT classes, count, x, y, label FROM data_points WHERE run = ?");
    s.bind(1, run);
    if (!s.step()) return std::nullopt;
    DataPoints2D d;
    d.classes = s.int64(0);
    const int64_t count = s.int64(1);
    const auto where = "data points of run " + std::to_string(run);
    try {
        auto [xd, xs] = s.blob(2);
        auto [yd, ys] = s.blob(3);
        auto [ld, ls] = s.blob(4);
        d.x = store_detail::from_le_blob<float>(xd, xs, where + ", x");
        d.y = store_detail::from_le_blob<float>(yd, ys, where + ", y");
        d.label = store_detail::from_le_blob<int32_t>(ld, ls, where + ", label");
    } catch (const std::runtime_error& e) {
        db.fail(e.what());
    }
    if (int64_t(d.x.size()) != count || int64_t(d.y.size()) != count || int64_t(d.label.size()) != count)
        db.fail(where + ": " + std::to_string(count) + " points announced but x, y and label hold " +
                std::to_string(d.x.size()) + ", " + std::to_string(d.y.size()) + " and " +
                std::to_string(d.label.size()));
    return d;
}

std::vector<DecisionBoundary> RunStore::decision_boundaries(int64_t run, const std::string& source) const {
    Db& db = *impl_->db;
    std::vector<DecisionBoundary> out;
    auto s = db.prepare(
        "SELECT id, member, step, source, x_min, x_max, y_min, y_max, resolution, classes, probs FROM "
        "decision_boundaries WHERE run = ?1 AND (?2 = '' OR source = ?2) ORDER BY id");
    s.bind(1, run).bind(2, source);
    while (s.step()) {
        DecisionBoundary b;
        b.member = s.int64(1);
        b.step = s.int64(2);
        b.source = s.text(3);
        b.x_min = s.real(4);
        b.x_max = s.real(5);
        b.y_min = s.real(6);
        b.y_max = s.real(7);
        b.resolution = s.int64(8);
        b.classes = s.int64(9);
        const auto where = "decision boundary " + std::to_string(s.int64(0)) + " of run " + std::to_string(run);
        try {
            auto [data, size] = s.blob(10);
            b.probs = store_detail::from_le_blob<float>(data, size, where);
        } catch (const std::runtime_error& e) {
            db.fail(e.what());
        }
        if (int64_t(b.probs.size()) != b.resolution * b.resolution * b.classes)
            db.fail(where + ": holds " + std::to_string(b.probs.size()) + " probabilities, expected resolution^2 x " +
                    "classes = " + std::to_string(b.resolution * b.resolution * b.classes));
        out.push_back(std::move(b));
    }
    return out;
}

void RunStore::record_events(int64_t run, const std::vector<Event>& events) {
    impl_->require_writable();
    impl_->require_run(run);
    store_detail::EventRows rows(*impl_->db, run, 16);
    std::vector<store_detail::QueuedEvent> batch;
    batch.reserve(events.size());
    const double now = store_detail::unix_now();
    for (const auto& e : events) batch.push_back({e, now});
    rows.write_batch(batch);
}

}  // namespace ft
