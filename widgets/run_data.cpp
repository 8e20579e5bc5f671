// SPDX-License-Identifier: GPL-3.0-or-later
// RunData: the live path (events in arrival order). The rules for steps, indices and metric keys follow the store
// writer (core/store/event_rows.cpp) so that a run loaded from the store equals the same run applied live.
#include "run_data.h"

#include <algorithm>
#include <atomic>
#include <type_traits>

#include "mask_source.h"

namespace ftw {
namespace {

int64_t elementCount(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

}  // namespace

RunData::RunData(QObject* parent) : QObject(parent) {
    static std::atomic<quint64> next{1};
    instanceId_ = next++;
}
RunData::~RunData() = default;

void RunData::bump() { ++revision_; }

void RunData::reset() {
    ++generation_;
    started_ = false;
    info_ = RunInfo{};
    layers_.clear();
    maxMember_ = -1;
    lastStep_ = 0;
    series_.clear();
    masks_.clear();
    cache_.clear();
    cacheBytes_ = 0;
    unavailable_.clear();
    history_ = StoredHistory{};
    delete source_;
    markers_.clear();
    tickets_.clear();
    evaluations_.clear();
    logs_.clear();
    hasPoints_ = false;
    points_ = ft::DataPoints2D{};
    boundaries_.clear();
    status_.reset();
    statusMessage_.clear();
    seconds_ = 0;
    runId_ = -1;
    name_.clear();
    color_ = QColor();
    configJson_.clear();
    bump();
    emit changed();
}

void RunData::setIdentity(int64_t run_id, const QString& name, const QColor& color) {
    runId_ = run_id;
    name_ = name;
    color_ = color;
    bump();
    emit changed();
}

int RunData::memberCount() const { return int(std::max<int64_t>(info_.members, maxMember_ + 1)); }

void RunData::noteMember(int64_t member) { maxMember_ = std::max(maxMember_, member); }

void RunData::seen(int64_t step) { lastStep_ = std::max(lastStep_, step); }

const Series* RunData::series(int64_t member, const QString& key) const {
    auto it = series_.find({member, key.toStdString()});
    return it == series_.end() ? nullptr : &it->second;
}

QStringList RunData::metricKeys(int64_t member) const {
    QStringList out;
    for (const auto& [k, s] : series_)
        if (k.first == member && !s.empty()) out << QString::fromStdString(k.second);
    return out;
}

std::vector<std::pair<int64_t, QString>> RunData::allSeries() const {
    std::vector<std::pair<int64_t, QString>> out;
    for (const auto& [k, s] : series_)
        if (!s.empty()) out.emplace_back(k.first, QString::fromStdString(k.second));
    return out;
}

const std::vector<MaskUpdateEntry>& RunData::maskUpdates(int64_t member) const {
    static const std::vector<MaskUpdateEntry> none;
    if (member < 0 || member >= int64_t(masks_.size())) return none;
    return masks_[size_t(member)];
}

const MaskUpdateEntry* RunData::entryAt(int64_t member, int64_t updatePos) const {
    const auto& updates = maskUpdates(member);
    return updatePos >= 0 && updatePos < int64_t(updates.size()) ? &updates[size_t(updatePos)] : nullptr;
}

MaskWords RunData::maskAt(int64_t member, int64_t updatePos, int layer) const {
    const MaskUpdateEntry* e = entryAt(member, updatePos);
    if (!e || layer < 0 || size_t(layer) >= e->layers.size() || !e->layers[size_t(layer)].captured) return nullptr;
    const MaskKey key{member, e->index, layer};
    if (auto it = cache_.find(key); it != cache_.end()) {
        it->second.lastUse = ++useClock_;
        return it->second.bits;
    }
    if (source_ && !unavailable_.count(key)) source_->request(key);
    return nullptr;
}

void RunData::prefetchMask(int64_t member, int64_t updatePos, int layer) const {
    const MaskUpdateEntry* e = entryAt(member, updatePos);
    if (!source_ || !e || layer < 0 || size_t(layer) >= e->layers.size() || !e->layers[size_t(layer)].captured) return;
    const MaskKey key{member, e->index, layer};
    if (!cache_.count(key) && !unavailable_.count(key)) source_->request(key);
}

void RunData::cacheMask(const MaskKey& key, MaskWords bits) const {
    if (!bits) return;
    auto& slot = cache_[key];
    if (slot.bits) cacheBytes_ -= slot.bits->size() * sizeof(uint64_t);
    slot.bits = std::move(bits);
    slot.lastUse = ++useClock_;
    cacheBytes_ += slot.bits->size() * sizeof(uint64_t);
    // Least recently used first; the mask just added stays even when it alone is over the budget.
    while (cacheBytes_ > cacheBudget_ && cache_.size() > 1) {
        auto oldest = cache_.end();
        for (auto it = cache_.begin(); it != cache_.end(); ++it)
            if (!(it->first == key) && (oldest == cache_.end() || it->second.lastUse < oldest->second.lastUse))
                oldest = it;
        if (oldest == cache_.end()) break;
        cacheBytes_ -= oldest->second.bits->size() * sizeof(uint64_t);
        cache_.erase(oldest);
    }
}

void RunData::setMaskSource(MaskSource* source) {
    if (source_ == source) return;
    delete source_;
    source_ = source;
    if (!source_) return;
    source_->setParent(this);
    connect(source_, &MaskSource::historyArrived, this,
            [this](qint64 member, int layer, qint64 index, const std::vector<int8_t>& values) {
                history_ = StoredHistory{member, index, layer, values};
                emit historyArrived();
            });
    connect(source_, &MaskSource::arrived, this, [this](const MaskKey& key, const MaskWords& bits) {
        if (bits)
            cacheMask(key, bits);
        else
            unavailable_.insert(key);
        emit masksArrived();
    });
}

void RunData::setMaskBudget(size_t budgetBytes) { cacheBudget_ = budgetBytes; }

int64_t RunData::maskReads() const { return source_ ? source_->reads() : 0; }

MaskSource* RunData::maskSource() const { return source_; }

std::vector<int8_t> RunData::weightHistory(int64_t member, int layer, int64_t index) const {
    const auto& updates = maskUpdates(member);
    std::vector<int8_t> out(updates.size(), -1);
    const bool stored = history_.member == member && history_.layer == layer && history_.index == index;
    if (!stored && source_) source_->requestHistory(member, layer, index);
    for (size_t k = 0; k < updates.size(); ++k) {
        if (layer < 0 || size_t(layer) >= updates[k].layers.size()) continue;
        const LayerMask& m = updates[k].layers[size_t(layer)];
        if (!m.captured || index < 0 || index >= m.total) continue;
        if (stored && updates[k].index >= 0 && size_t(updates[k].index) < history_.byUpdate.size() &&
            history_.byUpdate[size_t(updates[k].index)] >= 0) {
            out[k] = history_.byUpdate[size_t(updates[k].index)];
            continue;
        }
        // Not read from the store (yet): what the masks in memory say, without asking for more of them.
        if (auto it = cache_.find(MaskKey{member, updates[k].index, layer}); it != cache_.end())
            out[k] = ((*it->second.bits)[size_t(index >> 6)] >> (index & 63)) & 1;
    }
    return out;
}

Series& RunData::seriesFor(int64_t member, const char* key) { return series_[{member, std::string(key)}]; }

void RunData::putMetric(int64_t member, const char* key, int64_t step, double value) {
    Series& s = seriesFor(member, key);
    if (s.steps.empty() || step > s.steps.back()) {
        s.steps.push_back(step);
        s.values.push_back(value);
        return;
    }
    // Out of order or repeated (a resumed run): keep one value per step, sorted, as the store's primary key does.
    auto it = std::lower_bound(s.steps.begin(), s.steps.end(), step);
    const auto i = size_t(it - s.steps.begin());
    if (it != s.steps.end() && *it == step) {
        s.values[i] = value;
    } else {
        s.steps.insert(it, step);
        s.values.insert(s.values.begin() + std::ptrdiff_t(i), value);
    }
}

QString RunData::maskUpdateLabel(int64_t index, bool initial, bool exploration) {
    if (initial) return tr("initial mask");
    return exploration ? tr("exploration (mask update %1)").arg(index) : tr("mask update %1").arg(index);
}

QString RunData::phaseLabel(const QString& phase, int64_t index) {
    return index >= 0 ? QStringLiteral("%1 %2").arg(phase, QString::number(index)) : phase;
}

QString RunData::lrLabel(double lr) { return tr("lr %1").arg(lr, 0, 'g', 4); }

QString RunData::ticketLabel(int64_t ticket, double val_accuracy) {
    return tr("ticket %1 (val %2)").arg(ticket).arg(val_accuracy, 0, 'f', 3);
}

QString RunData::evaluationLabel(const QString& split, int64_t member) {
    return member < 0 ? tr("%1 evaluation (ensemble)").arg(split)
                      : tr("%1 evaluation (member %2)").arg(split, QString::number(member));
}

void RunData::addAnnotation(int64_t step, int64_t member, const QString& kind, const QString& text) {
    markers_.push_back({MarkerKind::Annotation, member, step < 0 ? lastStep_ : step,
                        text.isEmpty() ? kind : kind + QStringLiteral(": ") + text, false});
    bump();
    emit changed();
}

void RunData::addTicket(const TicketInfo& t) {
    auto it = std::lower_bound(tickets_.begin(), tickets_.end(), t.ticket,
                               [](const TicketInfo& a, int64_t k) { return a.ticket < k; });
    if (it != tickets_.end() && it->ticket == t.ticket)
        *it = t;  // captured again (a resumed run): the store keeps the latest too
    else
        tickets_.insert(it, t);
}

void RunData::addBoundary(ft::DecisionBoundary b) {
    for (auto& old : boundaries_)
        if (old.source == b.source && old.member == b.member) {
            old = std::move(b);
            return;
        }
    boundaries_.push_back(std::move(b));
}

void RunData::applyMaskUpdate(const ft::MaskUpdate& u, ft::MaskUpdate* movable) {
    seen(u.step);
    noteMember(u.member);
    if (u.member < 0) return;
    if (masks_.size() <= size_t(u.member)) masks_.resize(size_t(u.member) + 1);
    auto& history = masks_[size_t(u.member)];

    MaskUpdateEntry e;
    e.index = int64_t(history.size());
    e.step = u.step;
    e.epoch = u.epoch;
    e.rate = u.rate;
    e.exploration = u.exploration;
    e.initial = u.initial;
    e.everActive = u.ever_active;
    int64_t active = 0, total = 0;
    for (size_t i = 0; i < u.layers.size(); ++i) {
        const ft::LayerUpdate& l = u.layers[i];
        if (layers_.size() <= i) {  // a mask update before RunStarted: the store also learns the layer here
            LayerDesc d;
            d.name = QString::fromStdString(l.name);
            d.total = l.total;
            layers_.push_back(d);
        }
        LayerMask m{l.pruned, l.regrown, l.active, l.total, false};
        active += l.active;
        total += l.total;
        if (!l.bits.empty()) {
            const size_t expected = size_t((l.total + 63) / 64);
            if (l.bits.size() != expected) {
                logs_.push_back(
                    {ft::LogLine::Warning,
                     QStringLiteral("mask of layer \"%1\" at update %2 of member %3 has %4 words, "
                                    "expected %5 for %6 weights; it is not shown")
                         .arg(QString::fromStdString(l.name), QString::number(e.index), QString::number(u.member),
                              QString::number(l.bits.size()), QString::number(expected), QString::number(l.total))});
            } else {
                m.captured = true;
                cacheMask({u.member, e.index, int(i)}, std::make_shared<const std::vector<uint64_t>>(
                                                           movable ? std::move(movable->layers[i].bits) : l.bits));
            }
        }
        e.layers.push_back(std::move(m));
    }
    putMetric(u.member, "ever_active", u.step, u.ever_active);
    if (total > 0) putMetric(u.member, "density", u.step, double(active) / double(total));
    markers_.push_back(
        {MarkerKind::MaskUpdate, u.member, u.step, maskUpdateLabel(e.index, u.initial, u.exploration), u.exploration});
    history.push_back(std::move(e));
}

void RunData::applyOne(const ft::Event& event, ft::Event* movable) {
    std::visit(
        [&](const auto& e) {
            using T = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<T, ft::RunStarted>) {
                started_ = true;
                info_.method = e.method;
                info_.members = e.plan.members;
                info_.totalSteps = e.plan.total_steps;
                info_.stepsPerEpoch = e.plan.steps_per_epoch;
                info_.device = QString::fromStdString(e.device);
                info_.threads = e.threads;
                if (layers_.size() < e.layers.size()) layers_.resize(e.layers.size());
                for (size_t i = 0; i < e.layers.size(); ++i) {
                    const auto& l = e.layers[i];
                    layers_[i] = LayerDesc{QString::fromStdString(l.name),
                                           l.shape,
                                           l.target_density,
                                           l.macs_per_weight,
                                           elementCount(l.shape),
                                           l.execution == ft::SparseExecution::Sparse};
                }
                if (!status_) status_ = ft::RunStatus::Running;
            } else if constexpr (std::is_same_v<T, ft::StepMetrics>) {
                seen(e.step);
                noteMember(e.member);
                putMetric(e.member, "loss", e.step, e.loss);
                putMetric(e.member, "accuracy", e.step, e.accuracy);
                putMetric(e.member, "lr", e.step, e.lr);
                putMetric(e.member, "prune_rate", e.step, e.prune_rate);
            } else if constexpr (std::is_same_v<T, ft::PhaseChange>) {
                seen(e.step);
                noteMember(e.member);
                markers_.push_back({MarkerKind::Phase, e.member, e.step,
                                    phaseLabel(QString::fromStdString(ft::to_string(e.phase)), e.index), false});
            } else if constexpr (std::is_same_v<T, ft::LrChange>) {
                seen(e.step);
                noteMember(e.member);
                markers_.push_back({MarkerKind::LrChange, e.member, e.step, lrLabel(e.lr), false});
            } else if constexpr (std::is_same_v<T, ft::MaskUpdate>) {
                applyMaskUpdate(e, movable ? std::get_if<ft::MaskUpdate>(movable) : nullptr);
            } else if constexpr (std::is_same_v<T, ft::EpochEnd>) {
                seen(e.step);
                noteMember(e.member);
                putMetric(e.member, "train_loss", e.step, e.train_loss);
                putMetric(e.member, "train_accuracy", e.step, e.train_accuracy);
                putMetric(e.member, "val_loss", e.step, e.val_loss);
                putMetric(e.member, "val_accuracy", e.step, e.val_accuracy);
                putMetric(e.member, "epoch_seconds", e.step, e.seconds);
                putMetric(e.member, "epoch", e.step, double(e.epoch));
            } else if constexpr (std::is_same_v<T, ft::TicketCaptured>) {
                seen(e.step);
                noteMember(e.member);
                addTicket({e.ticket, e.member, e.step, e.epoch, e.val_accuracy, QString::fromStdString(e.reason)});
                markers_.push_back(
                    {MarkerKind::Ticket, e.member, e.step, ticketLabel(e.ticket, e.val_accuracy), false});
            } else if constexpr (std::is_same_v<T, ft::EvalReport>) {
                noteMember(e.member);
                const QString split = QString::fromStdString(ft::to_string(e.split));
                evaluations_.push_back({e.member, split, lastStep_, e.metrics, e.disagreement, e.kl, e.ood});
                markers_.push_back(
                    {MarkerKind::Evaluation, e.member, lastStep_, evaluationLabel(split, e.member), false});
            } else if constexpr (std::is_same_v<T, ft::LogLine>) {
                logs_.push_back({e.level, QString::fromStdString(e.text)});
            } else if constexpr (std::is_same_v<T, ft::Checkpointed>) {
                seen(e.step);
            } else if constexpr (std::is_same_v<T, ft::RunFinished>) {
                status_ = e.status;
                statusMessage_ = QString::fromStdString(e.message);
                seconds_ = e.seconds;
            } else if constexpr (std::is_same_v<T, ft::DataPoints2D>) {
                hasPoints_ = true;
                if (movable)
                    points_ = std::move(std::get<ft::DataPoints2D>(*movable));
                else
                    points_ = e;
            } else if constexpr (std::is_same_v<T, ft::DecisionBoundary>) {
                seen(e.step);
                if (movable)
                    addBoundary(std::move(std::get<ft::DecisionBoundary>(*movable)));
                else
                    addBoundary(e);
            }
        },
        event);
}

void RunData::apply(const ft::Event& event) {
    applyOne(event, nullptr);
    bump();
    emit changed();
}

void RunData::apply(const std::vector<ft::Event>& events) {
    for (const auto& e : events) applyOne(e, nullptr);
    bump();
    emit changed();
}

void RunData::apply(std::vector<ft::Event>&& events) {
    for (auto& e : events) applyOne(e, &e);
    bump();
    emit changed();
}

}  // namespace ftw
