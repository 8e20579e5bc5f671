// SPDX-License-Identifier: GPL-3.0-or-later
// Event -> rows mapping of the store writer (see event_rows.h).
#include "store/event_rows.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "store/float_blob.h"
#include "store/mask_codec.h"
#include "store/run_store_impl.h"

namespace ft::store_detail {
namespace {

nlohmann::json metrics_json(const ClassificationMetrics& m) {
    nlohmann::json j;
    j["n"] = m.n;
    j["accuracy"] = m.accuracy;
    // JSON has no infinity: an infinite NLL is written as null (as in the summary JSON).
    j["nll"] = std::isfinite(m.nll) ? nlohmann::json(m.nll) : nlohmann::json(nullptr);
    j["brier"] = m.brier;
    j["ece"] = m.ece;
    j["mce"] = m.mce;
    j["reliability"] = nlohmann::json::array();
    for (const auto& b : m.reliability)
        j["reliability"].push_back(
            {{"lo", b.lo}, {"hi", b.hi}, {"count", b.count}, {"confidence", b.confidence}, {"accuracy", b.accuracy}});
    return j;
}

nlohmann::json ood_json(const OodResult& o) {
    const auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    return {{"auroc_msp", num(o.auroc_msp)},
            {"fpr95_msp", num(o.fpr95_msp)},
            {"auroc_entropy", num(o.auroc_entropy)},
            {"fpr95_entropy", num(o.fpr95_entropy)}};
}

nlohmann::json matrix_json(const Matrix& m) { return m.empty() ? nlohmann::json(nullptr) : nlohmann::json(m); }

const char* level_name(LogLine::Level l) {
    switch (l) {
        case LogLine::Warning: return "warning";
        case LogLine::Error: return "error";
        default: return "info";
    }
}

int64_t element_count(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (auto s : shape) n *= s;
    return n;
}

struct EncodedLayer {
    std::vector<uint8_t> blob;  // empty: no mask stored
    bool keyframe = false;
    std::string error;
};

}  // namespace

EventRows::EventRows(Db& db, int64_t run, int64_t keyframe_interval)
    : db_(db), run_(run), keyframe_interval_(keyframe_interval < 1 ? 1 : keyframe_interval) {
    auto s = db_.prepare("SELECT last_step, checkpoint_dir FROM runs WHERE id = ?");
    s.bind(1, run_);
    if (!s.step()) db_.fail("no run " + std::to_string(run_));
    last_step_ = s.int64(0);
    checkpoint_dir_ = s.text(1);
}

int64_t EventRows::next_update_index(int64_t member, Pending& p) {
    if (auto it = p.next_update.find(member); it != p.next_update.end()) return it->second++;
    int64_t next = 0;
    if (auto it = next_update_.find(member); it != next_update_.end()) {
        next = it->second;
    } else {  // first update of this member by this writer (a resumed run continues the numbering)
        auto s =
            db_.prepare("SELECT COALESCE(max(update_index) + 1, 0) FROM mask_updates WHERE run = ? AND member = ?");
        s.bind(1, run_).bind(2, member);
        if (s.step()) next = s.int64(0);
    }
    p.next_update[member] = next + 1;
    return next;
}

const EventRows::MaskState* EventRows::mask_state(const LayerKey& key, const Pending& p) const {
    if (auto it = p.masks.find(key); it != p.masks.end()) return &it->second;
    if (auto it = masks_.find(key); it != masks_.end()) return &it->second;
    return nullptr;
}

void EventRows::metric(int64_t member, const char* key, int64_t step, double value) {
    db_.prepare("INSERT OR REPLACE INTO metrics(run, member, key, step, value) VALUES (?, ?, ?, ?, ?)")
        .bind(1, run_)
        .bind(2, member)
        .bind(3, key)
        .bind(4, step)
        .bind(5, value)
        .run();
}

void EventRows::event(int64_t step, int64_t member, EventKind kind, const nlohmann::json& payload, double time) {
    db_.prepare("INSERT INTO events(run, step, member, kind, payload, time) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, run_)
        .bind(2, step)
        .bind(3, member)
        .bind(4, to_string(kind))
        .bind(5, json_text(payload))
        .bind(6, time)
        .run();
}

void EventRows::write_batch(const std::vector<QueuedEvent>& batch) {
    Pending p;
    p.last_step = last_step_;
    p.checkpoint_dir = checkpoint_dir_;
    Transaction t(db_);
    for (const auto& q : batch) {
        if (const auto* e = std::get_if<Event>(&q.item))
            write(*e, q.time, p);
        else
            write(std::get<Annotation>(q.item), q.time, p);
    }
    db_.prepare("UPDATE runs SET last_step = max(last_step, ?), heartbeat = ? WHERE id = ?")
        .bind(1, p.last_step)
        .bind(2, unix_now())
        .bind(3, run_)
        .run();
    t.commit();
    // Committed: the batch's view of update indices and previous masks becomes the writer's.
    for (auto& [m, next] : p.next_update) next_update_[m] = next;
    for (auto& [key, state] : p.masks) masks_[key] = std::move(state);
    last_step_ = p.last_step;
    checkpoint_dir_ = p.checkpoint_dir;
}

void EventRows::heartbeat(double now) {
    // A run that was shown as interrupted while this process was stopped comes back to running.
    db_.prepare(
           "UPDATE runs SET heartbeat = ?, status = 'running', message = '' WHERE id = ? AND status IN ('running', "
           "'interrupted')")
        .bind(1, now)
        .bind(2, run_)
        .run();
}

void EventRows::write(const Annotation& a, double time, Pending& p) {
    event(a.step < 0 ? p.last_step : a.step, a.member, a.kind, a.payload, time);
}

void EventRows::write(const Event& e, double time, Pending& p) {
    const auto seen = [&p](int64_t step) { p.last_step = std::max(p.last_step, step); };
    if (const auto* m = std::get_if<StepMetrics>(&e)) {
        seen(m->step);
        metric(m->member, "loss", m->step, m->loss);
        metric(m->member, "accuracy", m->step, m->accuracy);
        metric(m->member, "lr", m->step, m->lr);
        metric(m->member, "prune_rate", m->step, m->prune_rate);
    } else if (const auto* u = std::get_if<MaskUpdate>(&e)) {
        seen(u->step);
        write_mask_update(*u, time, p);
    } else if (const auto* ee = std::get_if<EpochEnd>(&e)) {
        seen(ee->step);
        metric(ee->member, "train_loss", ee->step, ee->train_loss);
        metric(ee->member, "train_accuracy", ee->step, ee->train_accuracy);
        metric(ee->member, "val_loss", ee->step, ee->val_loss);
        metric(ee->member, "val_accuracy", ee->step, ee->val_accuracy);
        metric(ee->member, "epoch_seconds", ee->step, ee->seconds);
        metric(ee->member, "epoch", ee->step, double(ee->epoch));
    } else if (const auto* s = std::get_if<RunStarted>(&e)) {
        db_.prepare(
               "UPDATE runs SET method = CASE WHEN method = '' THEN ? ELSE method END, members = ?, total_steps = ?, "
               "steps_per_epoch = ?, device = ?, threads = ? WHERE id = ?")
            .bind(1, to_string(s->method))
            .bind(2, s->plan.members)
            .bind(3, s->plan.total_steps)
            .bind(4, s->plan.steps_per_epoch)
            .bind(5, s->device)
            .bind(6, s->threads)
            .bind(7, run_)
            .run();
        nlohmann::json names = nlohmann::json::array();
        for (size_t i = 0; i < s->layers.size(); ++i) {
            const auto& l = s->layers[i];
            names.push_back(l.name);
            db_.prepare(
                   "INSERT OR REPLACE INTO layers(run, layer, name, shape, target_density, macs_per_weight, total) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)")
                .bind(1, run_)
                .bind(2, int64_t(i))
                .bind(3, l.name)
                .bind(4, json_text(nlohmann::json(l.shape)))
                .bind(5, l.target_density)
                .bind(6, l.macs_per_weight)
                .bind(7, element_count(l.shape))
                .run();
        }
        event(p.last_step, -1, EventKind::RunStarted,
              {{"method", to_string(s->method)},
               {"members", s->plan.members},
               {"total_steps", s->plan.total_steps},
               {"steps_per_epoch", s->plan.steps_per_epoch},
               {"device", s->device},
               {"threads", s->threads},
               {"layers", names}},
              time);
    } else if (const auto* ph = std::get_if<PhaseChange>(&e)) {
        seen(ph->step);
        event(ph->step, ph->member, EventKind::Phase,
              {{"phase", to_string(ph->phase)}, {"index", ph->index}, {"epoch", ph->epoch}}, time);
    } else if (const auto* lr = std::get_if<LrChange>(&e)) {
        seen(lr->step);
        event(lr->step, lr->member, EventKind::Lr, {{"lr", lr->lr}, {"epoch", lr->epoch}}, time);
    } else if (const auto* tk = std::get_if<TicketCaptured>(&e)) {
        seen(tk->step);
        const std::string checkpoint =
            p.checkpoint_dir.empty() ? "" : p.checkpoint_dir + "/ticket-" + std::to_string(tk->ticket) + ".json";
        db_.prepare(
               "INSERT OR REPLACE INTO tickets(run, ticket, member, step, epoch, val_accuracy, reason, checkpoint) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, run_)
            .bind(2, tk->ticket)
            .bind(3, tk->member)
            .bind(4, tk->step)
            .bind(5, tk->epoch)
            .bind(6, tk->val_accuracy)
            .bind(7, tk->reason)
            .bind(8, checkpoint)
            .run();
        event(
            tk->step, tk->member, EventKind::Ticket,
            {{"ticket", tk->ticket}, {"epoch", tk->epoch}, {"val_accuracy", tk->val_accuracy}, {"reason", tk->reason}},
            time);
    } else if (const auto* ev = std::get_if<EvalReport>(&e)) {
        auto metrics = metrics_json(ev->metrics);
        if (ev->ood) metrics["ood"] = ood_json(*ev->ood);
        auto s = db_.prepare(
            "INSERT INTO evaluations(run, member, split, step, metrics, disagreement, kl, time) VALUES (?, ?, ?, ?, ?, "
            "?, "
            "?, ?)");
        s.bind(1, run_)
            .bind(2, ev->member)
            .bind(3, to_string(ev->split))
            .bind(4, p.last_step)
            .bind(5, json_text(metrics));
        if (!ev->disagreement.empty()) s.bind(6, json_text(matrix_json(ev->disagreement)));
        if (!ev->kl.empty()) s.bind(7, json_text(matrix_json(ev->kl)));
        s.bind(8, time).run();
        nlohmann::json payload = {{"split", to_string(ev->split)},
                                  {"accuracy", ev->metrics.accuracy},
                                  {"nll", metrics["nll"]},
                                  {"ece", ev->metrics.ece},
                                  {"brier", ev->metrics.brier}};
        if (ev->ood) payload["ood"] = metrics["ood"];
        event(p.last_step, ev->member, EventKind::Evaluation, payload, time);
    } else if (const auto* log = std::get_if<LogLine>(&e)) {
        event(p.last_step, -1, EventKind::Log, {{"level", level_name(log->level)}, {"text", log->text}}, time);
    } else if (const auto* c = std::get_if<Checkpointed>(&e)) {
        seen(c->step);
        if (p.checkpoint_dir.empty() && !c->path.empty()) {
            p.checkpoint_dir = c->path;
            db_.prepare("UPDATE runs SET checkpoint_dir = ? WHERE id = ? AND checkpoint_dir = ''")
                .bind(1, c->path)
                .bind(2, run_)
                .run();
        }
        event(c->step, c->member, EventKind::Checkpoint, {{"path", c->path}, {"epoch", c->epoch}}, time);
    } else if (const auto* f = std::get_if<RunFinished>(&e)) {
        // A run loop never finishes as running; should one, the run is stored as failed, saying so.
        const bool known = is_final(f->status);
        const std::string status = to_string(known ? f->status : RunStatus::Failed);
        const std::string message =
            known ? f->message : "run finished with status \"" + to_string(f->status) + "\": " + f->message;
        db_.prepare("UPDATE runs SET status = ?, message = ?, seconds = ?, finished = ? WHERE id = ?")
            .bind(1, status)
            .bind(2, message)
            .bind(3, f->seconds)
            .bind(4, time)
            .bind(5, run_)
            .run();
        event(p.last_step, -1, EventKind::Finished, {{"status", status}, {"message", message}, {"seconds", f->seconds}},
              time);
        if (!f->summary.empty()) write_summary(f->summary, time);
    } else if (const auto* d = std::get_if<DataPoints2D>(&e)) {
        write_data_points(*d);
    } else if (const auto* b = std::get_if<DecisionBoundary>(&e)) {
        seen(b->step);
        write_boundary(*b);
    }
}

void EventRows::write_summary(const std::string& summary, double time) {
    // Stored as given when it is JSON; a summary that does not parse is a bug upstream, kept readable as a string.
    auto j = nlohmann::json::parse(summary, nullptr, false);
    if (j.is_discarded()) j = nlohmann::json{{"unparsed", summary}};
    db_.prepare("INSERT OR REPLACE INTO summaries(run, summary, updated) VALUES (?, ?, ?)")
        .bind(1, run_)
        .bind(2, json_text(j))
        .bind(3, time)
        .run();
}

void EventRows::write_data_points(const DataPoints2D& d) {
    // A resumed run publishes its points again: the latest copy replaces the earlier one.
    const auto x = le_blob(d.x), y = le_blob(d.y), label = le_blob(d.label);
    auto s =
        db_.prepare("INSERT OR REPLACE INTO data_points(run, classes, count, x, y, label) VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, run_).bind(2, d.classes).bind(3, int64_t(d.label.size()));
    s.bind_blob(4, x.data(), x.size()).bind_blob(5, y.data(), y.size()).bind_blob(6, label.data(), label.size());
    s.run();
}

void EventRows::write_boundary(const DecisionBoundary& b) {
    const auto probs = le_blob(b.probs);
    auto s = db_.prepare(
        "INSERT INTO decision_boundaries(run, member, step, source, x_min, x_max, y_min, y_max, resolution, classes, "
        "probs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, run_).bind(2, b.member).bind(3, b.step).bind(4, b.source).bind(5, b.x_min).bind(6, b.x_max);
    s.bind(7, b.y_min).bind(8, b.y_max).bind(9, b.resolution).bind(10, b.classes);
    s.bind_blob(11, probs.data(), probs.size());
    s.run();
}

void EventRows::write_mask_update(const MaskUpdate& u, double time, Pending& p) {
    const int64_t index = next_update_index(u.member, p);
    db_.prepare(
           "INSERT INTO mask_updates(run, member, update_index, step, epoch, rate, exploration, initial, ever_active) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, run_)
        .bind(2, u.member)
        .bind(3, index)
        .bind(4, u.step)
        .bind(5, u.epoch)
        .bind(6, u.rate)
        .bind(7, u.exploration)
        .bind(8, u.initial)
        .bind(9, u.ever_active)
        .run();
    int64_t pruned = 0, regrown = 0, active = 0, total = 0;
    nlohmann::json errors = nlohmann::json::array();
    for (size_t i = 0; i < u.layers.size(); ++i) {
        const LayerUpdate& l = u.layers[i];
        const LayerKey key{u.member, int64_t(i)};
        pruned += l.pruned;
        regrown += l.regrown;
        active += l.active;
        total += l.total;
        db_.prepare("INSERT OR IGNORE INTO layers(run, layer, name, total) VALUES (?, ?, ?, ?)")
            .bind(1, run_)
            .bind(2, int64_t(i))
            .bind(3, l.name)
            .bind(4, l.total)
            .run();

        EncodedLayer enc;
        if (!l.bits.empty()) {
            const MaskState* previous = mask_state(key, p);
            // A keyframe when there is nothing to diff against (first update, a resumed writer, a layer whose
            // mask was not captured last time) or every keyframe_interval updates, which bounds reconstruction.
            enc.keyframe =
                !previous || previous->n != l.total || index - previous->keyframe_index >= keyframe_interval_;
            try {
                enc.blob = encode_mask(l.bits, l.total, enc.keyframe ? nullptr : &previous->bits);
            } catch (const std::exception& ex) {
                enc.blob.clear();
                enc.error = ex.what();
            }
            if (!enc.blob.empty()) {
                MaskState next;
                next.bits = l.bits;
                next.n = l.total;
                next.keyframe_index = enc.keyframe ? index : previous->keyframe_index;
                p.masks[key] = std::move(next);
            }
        }
        if (enc.blob.empty()) p.masks[key] = MaskState{};  // the chain is broken: the next capture is a keyframe
        if (!enc.error.empty()) errors.push_back({{"layer", l.name}, {"error", enc.error}});

        auto s = db_.prepare(
            "INSERT INTO mask_layers(run, member, update_index, layer, pruned, regrown, active, total, keyframe, mask) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, run_).bind(2, u.member).bind(3, index).bind(4, int64_t(i)).bind(5, l.pruned).bind(6, l.regrown);
        s.bind(7, l.active).bind(8, l.total).bind(9, !enc.blob.empty() && enc.keyframe);
        if (!enc.blob.empty()) s.bind_blob(10, enc.blob.data(), enc.blob.size());
        s.run();
    }
    metric(u.member, "ever_active", u.step, u.ever_active);
    if (total > 0) metric(u.member, "density", u.step, double(active) / double(total));
    nlohmann::json payload = {{"index", index},       {"epoch", u.epoch},
                              {"rate", u.rate},       {"exploration", u.exploration},
                              {"initial", u.initial}, {"ever_active", u.ever_active},
                              {"pruned", pruned},     {"regrown", regrown},
                              {"active", active},     {"total", total}};
    if (!errors.empty()) payload["mask_errors"] = errors;
    event(u.step, u.member, EventKind::MaskUpdate, payload, time);
}

}  // namespace ft::store_detail
