// SPDX-License-Identifier: GPL-3.0-or-later
// RunData: everything the views know about ONE run, filled either live from the run loop's events (apply) or
// from the run store (load), so that a stored run shows exactly like a live one. GUI thread only; torch-free.
//
// Mask updates keep only their counts; the packed bits (shared, immutable MaskWords that views read in place) live
// in a cache of bounded size: a live run's masks enter it as they arrive, and any mask not in it is read from the
// run's store on demand (a MaskSource), so memory does not grow with a run's history. Metric series are kept at
// full resolution; views decimate to screen resolution.
#pragma once

#include <QColor>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ft/train/events.h"

namespace ft {
class RunStore;
}

namespace ftw {

struct RunInfo {
    ft::Method method = ft::Method::Dense;
    int64_t members = 0;
    int64_t totalSteps = 0;
    int64_t stepsPerEpoch = 0;
    QString device;
    int64_t threads = 0;
};

struct LayerDesc {
    QString name;
    std::vector<int64_t> shape;  // empty when only the mask size is known (a mask update before RunStarted)
    double targetDensity = 1.0;  // ERK (or other) allocation; 1 for dense methods
    int64_t macsPerWeight = 1;
    int64_t total = 0;             // weights = bits of the mask
    bool sparseExecution = false;  // multiplied with its active weights only (sparse.execution = sparse)
};

// A packed mask (bit i of word i/64, LSB first), shared by RunData and every view that shows it.
using MaskWords = std::shared_ptr<const std::vector<uint64_t>>;

struct LayerMask {
    int64_t pruned = 0, regrown = 0, active = 0, total = 0;
    bool captured = false;  // the packed mask exists (RunData::maskAt gives it)
};

// A mask of the store: member, update (MaskUpdateEntry::index, the store's update_index) and layer.
struct MaskKey {
    int64_t member = 0, update = 0;
    int layer = 0;
    bool operator<(const MaskKey& o) const {
        return member != o.member ? member < o.member : update != o.update ? update < o.update : layer < o.layer;
    }
    bool operator==(const MaskKey& o) const { return member == o.member && update == o.update && layer == o.layer; }
};

class MaskSource;

struct MaskUpdateEntry {
    int64_t index = 0;  // 0 = the member's initial mask, then 1, 2, ... (the store's update_index)
    int64_t step = 0, epoch = 0;
    double rate = 0;
    bool exploration = false, initial = false;
    double everActive = 0;
    std::vector<LayerMask> layers;  // indexed like RunData::layers()
};

// One metric of one member over steps, sorted by step, one value per step (a repeated step replaces the value,
// as the store does).
struct Series {
    std::vector<int64_t> steps;
    std::vector<double> values;
    bool empty() const { return steps.empty(); }
};

enum class MarkerKind { MaskUpdate, Phase, LrChange, Ticket, Evaluation, Annotation };

// An event drawn as a marker on the time charts.
struct Marker {
    MarkerKind kind = MarkerKind::Annotation;
    int64_t member = -1;  // -1: the run as a whole (or the ensemble, for evaluations)
    int64_t step = 0;
    QString label;
    bool exploration = false;  // mask updates: an EDST global exploration
};

struct TicketInfo {
    int64_t ticket = 0, member = 0, step = 0, epoch = 0;
    double valAccuracy = 0;
    QString reason;
};

struct Evaluation {
    int64_t member = -1;  // -1 = the ensemble
    QString split;
    int64_t step = 0;  // the last step seen when the report arrived (as the store records it)
    ft::ClassificationMetrics metrics;
    ft::Matrix disagreement, kl;
    std::optional<ft::OodResult> ood;  // "ood/<set>" splits only
};

struct LogEntry {
    ft::LogLine::Level level = ft::LogLine::Info;
    QString text;
};

class RunData : public QObject {
    Q_OBJECT
public:
    explicit RunData(QObject* parent = nullptr);
    ~RunData() override;

    // Live events, in the order the run loop published them. Each call emits changed() once.
    void apply(const ft::Event& event);
    void apply(const std::vector<ft::Event>& events);
    void apply(std::vector<ft::Event>&& events);  // moves packed masks instead of copying them

    // Fills `into` (reset first) from a stored run. Returns false with a message naming the store file and the
    // run when it cannot; `into` is then left empty. Emits changed() once.
    static bool load(const ft::RunStore& store, int64_t run_id, RunData* into, QString* error);

    // Forgets everything; bumps generation() so that results computed for the old contents can be dropped.
    void reset();
    int generation() const { return generation_; }
    // Bumped by every change (apply, load, reset): views cache on it.
    int64_t revision() const { return revision_; }
    // Unique per RunData object in this process (an address can be reused after a delete; this cannot).
    quint64 instanceId() const { return instanceId_; }

    // A marker that is not part of the run loop's stream (pause, resume, a live edit), as StoreWriter::annotate
    // records it.
    void addAnnotation(int64_t step, int64_t member, const QString& kind, const QString& text = {});

    // Who the run is: store id (-1 for a live run not known to a store), name and user colour (invalid = automatic).
    void setIdentity(int64_t run_id, const QString& name, const QColor& color = {});
    int64_t runId() const { return runId_; }
    QString name() const { return name_; }
    // The config the run ran with, as JSON text (the store's record; empty when not known).
    QString configJson() const { return configJson_; }
    void setConfigJson(const QString& json) { configJson_ = json; }
    QColor color() const { return color_; }

    bool started() const { return started_; }
    const RunInfo& info() const { return info_; }
    const std::vector<LayerDesc>& layers() const { return layers_; }
    // Members known so far: max(RunStarted.members, 1 + highest member seen in any event).
    int memberCount() const;
    int64_t lastStep() const { return lastStep_; }

    const Series* series(int64_t member, const QString& key) const;  // null when there is no such series
    QStringList metricKeys(int64_t member) const;
    // Every (member, key) with data, sorted.
    std::vector<std::pair<int64_t, QString>> allSeries() const;

    const std::vector<MaskUpdateEntry>& maskUpdates(int64_t member) const;
    // The packed mask of `layer` after the update at position `updatePos` of maskUpdates(member). Null when it was
    // not captured, or while it is being read from the store: masksArrived() follows, and maskAt gives it then.
    MaskWords maskAt(int64_t member, int64_t updatePos, int layer) const;
    // Asks for a mask ahead of need (the scrubber's neighbours); nothing is returned.
    void prefetchMask(int64_t member, int64_t updatePos, int layer) const;
    // Reads masks not in memory from `source` (owned; null: none). The cache keeps at most `budgetBytes`.
    void setMaskSource(MaskSource* source);
    MaskSource* maskSource() const;
    void setMaskBudget(size_t budgetBytes);
    size_t maskBytes() const { return cacheBytes_; }
    // Masks read from the store so far (tests: lazy loading reads only what is shown).
    int64_t maskReads() const;
    // One weight's state after each update of `member` (by position in maskUpdates): 1 alive, 0 dead, -1 unknown.
    // From the store when it has been read (historyArrived() follows a first call), else from the masks in memory.
    std::vector<int8_t> weightHistory(int64_t member, int layer, int64_t index) const;
    const std::vector<Marker>& markers() const { return markers_; }
    const std::vector<TicketInfo>& tickets() const { return tickets_; }  // sorted by ticket index
    const std::vector<Evaluation>& evaluations() const { return evaluations_; }
    const std::vector<LogEntry>& logs() const { return logs_; }

    // 2-D data (synthetic sets only): the training points and the latest decision boundary per (source, member).
    bool hasDataPoints() const { return hasPoints_; }
    const ft::DataPoints2D& dataPoints() const { return points_; }
    const std::vector<ft::DecisionBoundary>& boundaries() const { return boundaries_; }

    // None before RunStarted (or before a stored run's record is read).
    std::optional<ft::RunStatus> status() const { return status_; }
    QString statusMessage() const { return statusMessage_; }
    double seconds() const { return seconds_; }
    bool finished() const { return status_ && ft::is_final(*status_); }

    // Marker text, shared by the live and the stored path so that both read the same.
    static QString maskUpdateLabel(int64_t index, bool initial, bool exploration);
    static QString phaseLabel(const QString& phase, int64_t index);
    static QString lrLabel(double lr);
    static QString ticketLabel(int64_t ticket, double val_accuracy);
    static QString evaluationLabel(const QString& split, int64_t member);

signals:
    void changed();
    // Masks asked for by maskAt/prefetchMask have arrived (views that draw masks refresh; nothing else changed).
    void masksArrived();
    // A weight's history asked for by weightHistory has been read from the store.
    void historyArrived();

private:
    // `movable`: the same event, when its packed masks may be moved out instead of copied.
    void applyOne(const ft::Event& event, ft::Event* movable);
    void applyMaskUpdate(const ft::MaskUpdate& u, ft::MaskUpdate* movable);
    void seen(int64_t step);
    void noteMember(int64_t member);
    Series& seriesFor(int64_t member, const char* key);
    void putMetric(int64_t member, const char* key, int64_t step, double value);
    void addBoundary(ft::DecisionBoundary b);
    void addTicket(const TicketInfo& t);
    void bump();
    void cacheMask(const MaskKey& key, MaskWords bits) const;
    const MaskUpdateEntry* entryAt(int64_t member, int64_t updatePos) const;

    int generation_ = 0;
    int64_t revision_ = 0;
    quint64 instanceId_ = 0;
    int64_t runId_ = -1;
    QString name_;
    QColor color_;
    QString configJson_;

    bool started_ = false;
    RunInfo info_;
    std::vector<LayerDesc> layers_;
    int64_t maxMember_ = -1;
    int64_t lastStep_ = 0;
    std::map<std::pair<int64_t, std::string>, Series> series_;
    std::vector<std::vector<MaskUpdateEntry>> masks_;  // [member][update]
    struct CachedMask {
        MaskWords bits;
        uint64_t lastUse = 0;
    };
    mutable std::map<MaskKey, CachedMask> cache_;
    std::set<MaskKey> unavailable_;  // the store could not give them: not asked for again
    struct StoredHistory {
        int64_t member = -1, index = -1;
        int layer = -1;
        std::vector<int8_t> byUpdate;  // by update index
    };
    StoredHistory history_;
    mutable size_t cacheBytes_ = 0;
    mutable uint64_t useClock_ = 0;
    size_t cacheBudget_ = size_t(256) << 20;
    QPointer<MaskSource> source_;
    std::vector<Marker> markers_;
    std::vector<TicketInfo> tickets_;
    std::vector<Evaluation> evaluations_;
    std::vector<LogEntry> logs_;
    bool hasPoints_ = false;
    ft::DataPoints2D points_;
    std::vector<ft::DecisionBoundary> boundaries_;
    std::optional<ft::RunStatus> status_;
    QString statusMessage_;
    double seconds_ = 0;

    friend class RunDataLoader;
};

}  // namespace ftw
