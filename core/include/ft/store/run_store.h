// SPDX-License-Identifier: GPL-3.0-or-later
// The run store: one SQLite file holding everything runs produce (ARCHITECTURE.md "The run store", rule 6).
// RunStore is the reading and editing side (the GUI's run browser, the CLI's `runs` commands); StoreWriter
// (store_writer.h) is the event sink that records a run while it trains. Plain C++: no torch, no Qt.
//
// One RunStore is one SQLite connection: use it from one thread at a time; give each thread (the GUI thread, a
// loader thread, the writer) its own RunStore. Readers see only committed transactions (WAL), so a reader
// polling a file that a run is writing never sees half of a mask update or half of a batch.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ft/config/run_config.h"
#include "ft/store/event_kind.h"
#include "ft/store/study_records.h"
#include "ft/train/eval_split.h"
#include "ft/train/events.h"
#include "ft/train/run_status.h"

namespace ft {

namespace store_detail {
class Db;
}

// Every store failure: what() names the file first ("<path>: <what went wrong>").
class StoreError : public std::runtime_error {
public:
    StoreError(std::string path, const std::string& message);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

enum class StoreMode {
    ReadOnly,   // never writes, never creates (SQLITE_OPEN_READONLY)
    ReadWrite,  // creates the file when missing; upgrades an older schema of our own
};

// The schema this program writes. A store with a newer schema is refused (StoreError), never touched.
inline constexpr int kStoreSchemaVersion = 4;
// PRAGMA application_id of a FreeTickets store ("FTWB").
inline constexpr int32_t kStoreApplicationId = 0x46545742;
// A run still marked running whose heartbeat is older than this is shown as interrupted.
inline constexpr double kHeartbeatStaleSeconds = 180;

// What a new run starts with.
struct NewRun {
    std::string name;
    Method method = Method::Edst;
    nlohmann::json config = nlohmann::json::object();  // the validated config, as written (config_to_json)
    std::string config_hash;
    nlohmann::json versions = nlohmann::json::object();  // software versions; freetickets, sqlite, zlib are added
    std::vector<int64_t> seeds;                          // one per training run / member
    std::string checkpoint_dir;
};
// The NewRun of a validated config: method, full config JSON, hash and the seeds of its plan's training runs.
NewRun new_run_for(const RunConfig& config, const std::string& name, const std::string& checkpoint_dir = "");

struct RunRecord {
    int64_t id = 0;
    std::string name;
    Method method = Method::Edst;
    // A run marked running whose writer died (its pid is gone on this host, or its heartbeat is older than
    // kHeartbeatStaleSeconds) is reported as interrupted.
    RunStatus status = RunStatus::Running;
    std::string message;  // the error of a failed run
    double created = 0;   // unix seconds
    double finished = 0;  // unix seconds; 0 while running
    double seconds = 0;   // training time reported by the run
    std::string config_json, config_hash;
    std::string version;  // JSON object of software versions
    std::vector<int64_t> seeds;
    std::vector<std::string> tags;
    bool trashed = false;
    std::string checkpoint_dir;
    int64_t pid = 0;  // of the process that writes (or wrote) the run
    std::string host;
    double heartbeat = 0;  // unix seconds of the writer's last sign of life
    std::string device;
    int64_t threads = 0, members = 0, total_steps = 0, steps_per_epoch = 0;
    int64_t last_step = 0;  // highest step stored so far (progress)
    std::string color;      // user-picked colour ("#rrggbb"), empty = automatic
    bool starred = false;
};

struct RunFilter {
    std::string text;                 // substring of the name, method, a tag or the note (ASCII case-insensitive)
    std::optional<Method> method;     // none: every method
    std::optional<RunStatus> status;  // on the reported status (so Interrupted finds dead runs); none: all
    std::string tag;                  // exact
    bool include_trashed = false;
    bool trashed_only = false;
};

struct LayerRecord {
    int64_t index = 0;
    std::string name;
    std::vector<int64_t> shape;
    double target_density = 1;
    int64_t macs_per_weight = 1;
    int64_t total = 0;  // weights in the layer (= bits of its mask)
};

struct MetricKey {
    int64_t member = 0;
    std::string key;
    int64_t count = 0;
};

// A metric over steps. Decimated series keep, per bucket of the step range, the last step, the mean, and the
// min and max (an envelope: a spike is never hidden). Undecimated: mins == maxs == values.
struct MetricSeries {
    std::vector<int64_t> steps;
    std::vector<double> values, mins, maxs;  // NaN where the run reported NaN
};

struct LayerCounts {
    int64_t layer = 0;
    int64_t pruned = 0, regrown = 0, active = 0, total = 0;
    bool has_mask = false;                             // whether the packed mask was stored
    int64_t kept() const { return active - regrown; }  // active before and after the update
};

struct MaskUpdateRecord {
    int64_t index = 0;  // 0 = the initial mask of the member, then 1, 2, ... in order
    int64_t step = 0, epoch = 0;
    double rate = 0;
    bool exploration = false, initial = false;
    double ever_active = 0;
    std::vector<LayerCounts> layers;
};

// A layer's mask: bit i of word i/64 (LSB first), n bits; bits past n are zero.
struct MaskBits {
    std::vector<uint64_t> bits;
    int64_t n = 0;
};

struct StoredEvent {
    int64_t id = 0;
    int64_t step = 0;
    int64_t member = -1;  // -1: the run as a whole
    EventKind kind = EventKind::Log;
    nlohmann::json payload;
    double time = 0;  // unix seconds when it was recorded
};

struct TicketRecord {
    int64_t index = 0;   // ticket / ensemble member index
    int64_t member = 0;  // the training run that produced it
    int64_t step = 0, epoch = 0;
    double val_accuracy = 0;
    std::string reason;
    std::string checkpoint;  // the ticket's checkpoint (checkpoint_dir/ticket-<k>.json), empty when not saved
};

struct EvaluationRecord {
    int64_t id = 0;
    int64_t member = -1;  // -1 = the ensemble
    EvalSplit split;
    int64_t step = 0;
    // {n, accuracy, nll, brier, ece, mce, reliability: [{lo, hi, count, confidence, accuracy}]}; nll is null when
    // infinite.
    nlohmann::json metrics;
    nlohmann::json disagreement, kl;  // matrices (arrays of rows) or null
    double time = 0;
};

struct ConfigDifference {
    std::string key;                  // dotted path of a leaf ("sparse.density"); arrays are leaves
    nlohmann::json value_a, value_b;  // null where the key is absent from that config
};

class RunStore {
public:
    // Opens (ReadWrite: creates when missing) a store. Throws StoreError, naming the file, for a file that is not
    // a FreeTickets store, a store with a newer schema, a read-only file opened ReadWrite, ... The file is never
    // modified before it is known to be ours.
    static RunStore open(const std::string& path, StoreMode mode = StoreMode::ReadWrite);

    // Movable; a moved-from RunStore may only be destroyed or assigned to.
    RunStore(RunStore&&) noexcept;
    RunStore& operator=(RunStore&&) noexcept;
    ~RunStore();

    const std::string& path() const;
    StoreMode mode() const;

    // --- runs ---
    int64_t create_run(const NewRun& run);
    // seconds < 0 keeps the stored value. A final status also sets the finished time.
    void set_status(int64_t run, RunStatus status, const std::string& message = "", double seconds = -1);
    void set_checkpoint_dir(int64_t run, const std::string& dir);
    void rename_run(int64_t run, const std::string& name);
    void set_color(int64_t run, const std::string& color);
    void set_starred(int64_t run, bool starred);
    std::vector<RunRecord> list_runs(const RunFilter& filter = {}) const;
    std::optional<RunRecord> find_run(int64_t run) const;
    RunRecord get_run(int64_t run) const;  // throws StoreError when there is no such run
    // Writes "interrupted" on runs still marked running whose writer is gone; returns how many (ReadWrite opens
    // do this once).
    int64_t mark_interrupted();

    // --- hygiene ---
    void trash(int64_t run);
    void restore(int64_t run);
    void purge(int64_t run);  // deletes the run and everything it owns, for good
    int64_t purge_trash();    // purges every trashed run; returns how many
    void add_tag(int64_t run, const std::string& tag);
    void remove_tag(int64_t run, const std::string& tag);
    std::vector<std::string> all_tags() const;
    void set_note(int64_t run, const std::string& text);
    std::string get_note(int64_t run) const;
    // Records an event that did not come from the run loop (pause, resume, user_edit, ...).
    int64_t add_event(int64_t run, int64_t step, int64_t member, EventKind kind,
                      const nlohmann::json& payload = nlohmann::json::object());
    void record_ticket(int64_t run, const TicketRecord& ticket);
    int64_t record_evaluation(int64_t run, const EvaluationRecord& evaluation);

    // --- readers ---
    std::vector<LayerRecord> layers(int64_t run) const;
    std::vector<MetricKey> metric_keys(int64_t run) const;
    // max_points <= 0 or >= the number of points: every point.
    MetricSeries metric_series(int64_t run, int64_t member, const std::string& key, int64_t max_points = 0) const;
    int64_t mask_update_count(int64_t run, int64_t member) const;
    std::vector<MaskUpdateRecord> mask_updates(int64_t run, int64_t member) const;
    // The mask of layer `layer` (index in layers()) after update `update_index`, reconstructed exactly.
    MaskBits mask_at(int64_t run, int64_t member, int64_t layer, int64_t update_index) const;
    // `bits` (the layer's mask after update `from_update`, `n` bits) brought forward to update `to_update` by
    // applying the stored masks in between, which costs one decode per update instead of a keyframe chain each.
    // False (bits untouched) when a mask in between was not stored; then mask_at is the way.
    bool mask_advance(int64_t run, int64_t member, int64_t layer, int64_t from_update, int64_t to_update,
                      MaskBits& bits) const;
    // One weight's state after every stored update of the layer, by update index: 1 alive, 0 dead, -1 unknown (no
    // mask stored there). Decodes only as far as that weight in each stored mask: cheap next to mask_at per update.
    std::vector<int8_t> mask_bit_history(int64_t run, int64_t member, int64_t layer, int64_t index) const;
    // Events with step_from <= step <= step_to, in recording order; kinds empty = all kinds.
    std::vector<StoredEvent> events(int64_t run, int64_t step_from = INT64_MIN, int64_t step_to = INT64_MAX,
                                    const std::vector<EventKind>& kinds = {}) const;
    std::vector<TicketRecord> tickets(int64_t run) const;
    std::vector<EvaluationRecord> evaluations(int64_t run) const;
    // Only the leaves that differ, sorted by key.
    std::vector<ConfigDifference> config_diff(int64_t run_a, int64_t run_b) const;

    // --- evaluation results (store_evaluation.cpp) ---
    // The run's summary JSON (the one `freetickets train --out` writes; StoreWriter records it from RunFinished),
    // or null when none was recorded. set_summary replaces it (`freetickets eval`).
    nlohmann::json summary(int64_t run) const;
    void set_summary(int64_t run, const nlohmann::json& summary);
    // The training points of a run on 2-D feature data (the DataPoints2D event), or nullopt.
    std::optional<DataPoints2D> data_points(int64_t run) const;
    // The run's decision-boundary grids in recording order; `source` ("ticket", "ensemble", "live") filters, empty
    // = all of them.
    std::vector<DecisionBoundary> decision_boundaries(int64_t run, const std::string& source = "") const;
    // Writes run-loop events into an existing run in one transaction, exactly as a StoreWriter would (used by
    // `freetickets eval` for its evaluation reports). A RunFinished among them sets the run's status like the
    // writer does; leave it out to keep the status.
    void record_events(int64_t run, const std::vector<Event>& events);

    // --- studies (study_tables.cpp) ---
    // A new study, its points and one pending row per point and seed. A study of that name already in the store
    // is a StoreError (resume it instead).
    int64_t create_study(const std::string& name, const nlohmann::json& spec,
                         const std::vector<StudyPointRecord>& points, const std::vector<int64_t>& seeds);
    std::optional<int64_t> find_study(const std::string& name) const;
    std::vector<StudyRecord> list_studies() const;  // oldest first, with points and runs
    StudyRecord get_study(int64_t study) const;     // throws StoreError "no study N"
    void set_study_state(int64_t study, StudyState state, const std::string& message = "");
    // Who executes the study now (pid 0: nobody); the host is this machine's.
    void set_study_executor(int64_t study, const std::string& executor, int64_t pid);
    void request_study_cancel(int64_t study, bool cancel = true);
    // Writes the row of (run.point, run.seed); throws StoreError when the study has no such row.
    void update_study_run(int64_t study, const StudyRunRecord& run);
    // The study's own rows; its runs stay in the store.
    void delete_study(int64_t study);
    // The studies a run belongs to (name and point label), for the run browser.
    std::vector<std::pair<std::string, std::string>> studies_of_run(int64_t run) const;

    // --- transfer ---
    // Copies runs (with everything they own) from another store file, which is opened read-only. Returns the new
    // ids, in the source's order. Runs still running in the source arrive as interrupted.
    std::vector<int64_t> import_from(const std::string& other_path, bool include_trashed = false);
    // Long format, header "run,member,layer,step,key,value": metrics (layer empty), per-layer mask counts
    // (pruned, regrown, active, total), evaluation metrics ("<split>.<metric>").
    void export_csv(int64_t run, std::ostream& out) const;
    // The run, its config, members, layers, metrics, mask update counts, events, tickets, evaluations, tags and
    // note (masks themselves are not included).
    nlohmann::json export_json(int64_t run) const;

private:
    friend class StoreWriter;
    struct Impl;
    explicit RunStore(std::unique_ptr<Impl> impl);
    store_detail::Db& db();
    const store_detail::Db& db() const;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ft
