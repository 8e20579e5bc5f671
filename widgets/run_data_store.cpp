// SPDX-License-Identifier: GPL-3.0-or-later
// RunData::load: a stored run, read through the run store's readers into the same structures the live path fills.
// Markers come from the stored events in recording order, so they match the live arrival order.
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ft/config/config_schema.h"
#include "ft/store/run_store.h"
#include "run_data.h"

namespace ftw {

class RunDataLoader {
public:
    static void fill(const ft::RunStore& store, int64_t run, RunData& d);

private:
    static void loadMasks(const ft::RunStore& store, int64_t run, RunData& d);
    static void loadEvents(const ft::RunStore& store, int64_t run, RunData& d);
};

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

double number(const nlohmann::json& j, const char* key, double fallback = 0) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

int64_t integer(const nlohmann::json& j, const char* key, int64_t fallback = 0) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<int64_t>() : fallback;
}

std::string text(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

ft::Matrix matrix(const nlohmann::json& j) {
    ft::Matrix m;
    if (!j.is_array()) return m;
    for (const auto& row : j) {
        std::vector<double> r;
        if (row.is_array())
            for (const auto& v : row) r.push_back(v.is_number() ? v.get<double>() : std::nan(""));
        m.push_back(std::move(r));
    }
    return m;
}

ft::ClassificationMetrics metrics(const nlohmann::json& j) {
    ft::ClassificationMetrics m;
    if (!j.is_object()) return m;
    m.n = integer(j, "n");
    m.accuracy = number(j, "accuracy");
    // The writer stores an infinite NLL as null (JSON has no infinity).
    auto nll = j.find("nll");
    m.nll = nll != j.end() && nll->is_number() ? nll->get<double>() : std::numeric_limits<double>::infinity();
    m.brier = number(j, "brier");
    m.ece = number(j, "ece");
    m.mce = number(j, "mce");
    if (auto r = j.find("reliability"); r != j.end() && r->is_array())
        for (const auto& b : *r)
            m.reliability.push_back({number(b, "lo"), number(b, "hi"), integer(b, "count"), number(b, "confidence"),
                                     number(b, "accuracy")});
    return m;
}

std::optional<ft::OodResult> ood(const nlohmann::json& metrics) {
    auto it = metrics.find("ood");
    if (!metrics.is_object() || it == metrics.end() || !it->is_object()) return std::nullopt;
    // Non-finite scores are written as null.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return ft::OodResult{number(*it, "auroc_msp", nan), number(*it, "fpr95_msp", nan),
                         number(*it, "auroc_entropy", nan), number(*it, "fpr95_entropy", nan)};
}

ft::LogLine::Level level(const std::string& name) {
    if (name == "warning") return ft::LogLine::Warning;
    if (name == "error") return ft::LogLine::Error;
    return ft::LogLine::Info;
}

}  // namespace

void RunDataLoader::loadMasks(const ft::RunStore& store, int64_t run, RunData& d) {
    d.masks_.resize(size_t(d.memberCount()));
    for (int64_t member = 0; member < int64_t(d.masks_.size()); ++member) {
        for (const auto& rec : store.mask_updates(run, member)) {
            MaskUpdateEntry e;
            e.index = rec.index;
            e.step = rec.step;
            e.epoch = rec.epoch;
            e.rate = rec.rate;
            e.exploration = rec.exploration;
            e.initial = rec.initial;
            e.everActive = rec.ever_active;
            for (const auto& l : rec.layers) {
                if (l.layer < 0) continue;
                if (e.layers.size() <= size_t(l.layer)) e.layers.resize(size_t(l.layer) + 1);
                // Counts only: the bits are read when a view asks for them (RunData::maskAt, a MaskSource).
                e.layers[size_t(l.layer)] = LayerMask{l.pruned, l.regrown, l.active, l.total, l.has_mask};
            }
            d.masks_[size_t(member)].push_back(std::move(e));
        }
    }
}

void RunDataLoader::loadEvents(const ft::RunStore& store, int64_t run, RunData& d) {
    // Kinds that are not markers (or are read from their own tables); anything else is an annotation written by
    // StoreWriter::annotate (pause, resume, user_edit, ...).
    static const std::set<std::string> not_markers = {"run_started", "log", "checkpoint", "finished"};
    for (const auto& ev : store.events(run)) {
        const auto& p = ev.payload;
        const std::string kind = ft::to_string(ev.kind);
        if (kind == "mask_update") {
            d.markers_.push_back(
                {MarkerKind::MaskUpdate, ev.member, ev.step,
                 RunData::maskUpdateLabel(integer(p, "index"), flag(p, "initial"), flag(p, "exploration")),
                 flag(p, "exploration")});
        } else if (kind == "phase") {
            d.markers_.push_back({MarkerKind::Phase, ev.member, ev.step,
                                  RunData::phaseLabel(qs(text(p, "phase")), integer(p, "index", -1)), false});
        } else if (kind == "lr") {
            d.markers_.push_back({MarkerKind::LrChange, ev.member, ev.step, RunData::lrLabel(number(p, "lr")), false});
        } else if (kind == "ticket") {
            d.markers_.push_back({MarkerKind::Ticket, ev.member, ev.step,
                                  RunData::ticketLabel(integer(p, "ticket"), number(p, "val_accuracy")), false});
        } else if (kind == "evaluation") {
            d.markers_.push_back({MarkerKind::Evaluation, ev.member, ev.step,
                                  RunData::evaluationLabel(qs(text(p, "split")), ev.member), false});
        } else if (kind == "log") {
            d.logs_.push_back({level(text(p, "level")), qs(text(p, "text"))});
        } else if (!not_markers.count(kind)) {
            const std::string detail = p.is_object() && !p.empty() ? p.dump() : std::string();
            d.markers_.push_back({MarkerKind::Annotation, ev.member, ev.step,
                                  detail.empty() ? qs(kind) : qs(kind) + QStringLiteral(": ") + qs(detail), false});
        }
    }
}

void RunDataLoader::fill(const ft::RunStore& store, int64_t run, RunData& d) {
    const ft::RunRecord r = store.get_run(run);
    d.runId_ = r.id;
    d.name_ = qs(r.name);
    d.configJson_ = qs(r.config_json);
    d.color_ = r.color.empty() ? QColor() : QColor(qs(r.color));
    d.started_ = r.members > 0 || r.total_steps > 0;
    d.info_ = RunInfo{r.method, r.members, r.total_steps, r.steps_per_epoch, qs(r.device), r.threads};
    d.status_ = r.status;
    d.statusMessage_ = qs(r.message);
    d.seconds_ = r.seconds;
    d.lastStep_ = r.last_step;

    // The store keeps the config, not the execution of each layer: sparse.execution = sparse runs the Linear
    // layers (2-D weights) of a sparse run sparse unless the allocation made them dense; convolutions masked. Under
    // auto only the summary (model.layers[].execution) knows, once the run has one.
    bool sparse_linear = false;
    std::map<std::string, bool> summary_sparse;
    try {
        const auto config = nlohmann::json::parse(r.config_json);
        const auto* e = ft::json_at(config, "sparse.execution");
        const std::string execution = e && e->is_string() ? e->get<std::string>() : "masked";
        sparse_linear = execution == "sparse" && r.method != ft::Method::Dense && r.method != ft::Method::DeepEnsemble;
        if (execution == "auto")
            if (const auto summary = store.summary(run); summary.is_object())
                if (const auto* layers = ft::json_at(summary, "model.layers"); layers && layers->is_array())
                    for (const auto& l : *layers)
                        if (l.is_object() && l.value("name", nlohmann::json()).is_string())
                            summary_sparse[l["name"].get<std::string>()] = l.value("execution", "") == "sparse";
    } catch (const std::exception&) {
        // An unreadable config or summary shows every layer as masked; the run's other data still loads.
    }
    for (const auto& l : store.layers(run)) {
        if (l.index < 0) continue;
        if (d.layers_.size() <= size_t(l.index)) d.layers_.resize(size_t(l.index) + 1);
        const auto from_summary = summary_sparse.find(l.name);
        const bool sparse = from_summary != summary_sparse.end()
                                ? from_summary->second
                                : sparse_linear && l.shape.size() == 2 && l.target_density < 1;
        d.layers_[size_t(l.index)] =
            LayerDesc{qs(l.name), l.shape, l.target_density, l.macs_per_weight, l.total, sparse};
    }
    for (const auto& k : store.metric_keys(run)) {
        d.noteMember(k.member);
        ft::MetricSeries s = store.metric_series(run, k.member, k.key);
        Series& out = d.series_[{k.member, k.key}];
        out.steps = std::move(s.steps);
        out.values = std::move(s.values);
    }
    for (const auto& t : store.tickets(run)) {
        d.noteMember(t.member);
        d.tickets_.push_back({t.index, t.member, t.step, t.epoch, t.val_accuracy, qs(t.reason)});
    }
    for (const auto& e : store.evaluations(run)) {
        d.noteMember(e.member);
        d.evaluations_.push_back({e.member, qs(ft::to_string(e.split)), e.step, metrics(e.metrics),
                                  matrix(e.disagreement), matrix(e.kl), ood(e.metrics)});
    }
    if (auto points = store.data_points(run)) {
        d.hasPoints_ = true;
        d.points_ = std::move(*points);
    }
    for (auto& b : store.decision_boundaries(run)) d.addBoundary(std::move(b));
    loadEvents(store, run, d);
    loadMasks(store, run, d);
}

bool RunData::load(const ft::RunStore& store, int64_t run_id, RunData* into, QString* error) {
    if (!into) {
        if (error) *error = QStringLiteral("RunData::load: no RunData to fill");
        return false;
    }
    bool ok = true;
    {
        const QSignalBlocker quiet(into);  // one changed() at the end, not one per step
        into->reset();
        try {
            RunDataLoader::fill(store, run_id, *into);
        } catch (const std::exception& e) {
            ok = false;
            into->reset();
            // A StoreError names the file first; other failures (a malformed payload) get the file added.
            const QString what = QString::fromUtf8(e.what());
            const QString where = dynamic_cast<const ft::StoreError*>(&e) ? QString() : qs(store.path()) + ": ";
            if (error) *error = QStringLiteral("%1cannot load run %2: %3").arg(where, QString::number(run_id), what);
        }
        into->bump();
    }
    emit into->changed();
    return ok;
}

}  // namespace ftw
