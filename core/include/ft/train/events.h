// SPDX-License-Identifier: GPL-3.0-or-later
// The run loop's event stream (ARCHITECTURE.md rule 3): plain value types, published to EventSinks. Sinks (store
// writer, CLI progress, GUI bridge) must not block training: they copy what they need and return.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ft/eval/calibration.h"
#include "ft/eval/diversity.h"
#include "ft/eval/ood.h"
#include "ft/train/eval_split.h"
#include "ft/train/phase.h"
#include "ft/train/run_plan.h"
#include "ft/train/run_status.h"

namespace ft {

struct LayerInfo {
    std::string name;
    std::vector<int64_t> shape;
    double target_density = 1.0;  // allocation (ERK, ...) or 1 for dense methods
    int64_t macs_per_weight = 1;
    // How the layer multiplies: sparse (its active weights only) or masked (sparse.execution).
    SparseExecution execution = SparseExecution::Masked;
};

struct RunStarted {
    Method method = Method::Edst;
    RunPlan plan;  // members, training runs, seeds, stages, steps (total_steps: over all runs and stages)
    std::vector<LayerInfo> layers;
    std::string device;
    int64_t threads = 1;
};

struct StepMetrics {
    int64_t member = 0;
    int64_t step = 0;     // global iteration of this member, 1-based after the step
    int64_t epoch = 0;    // 1-based
    double loss = 0;      // mini-batch loss
    double accuracy = 0;  // mini-batch accuracy
    double lr = 0;
    double prune_rate = 0;
};

struct PhaseChange {
    int64_t member = 0;
    int64_t step = 0;
    int64_t epoch = 0;
    Phase phase = Phase::Training;
    int64_t index = -1;  // the ticket the phase competes for (EDST: the refinement phase), -1 for none
};

struct LrChange {
    int64_t member = 0;
    int64_t step = 0;
    int64_t epoch = 0;
    double lr = 0;
};

struct LayerUpdate {
    std::string name;
    int64_t pruned = 0, regrown = 0, active = 0, total = 0;
    std::vector<uint64_t> bits;  // the mask after the update, packed (empty unless masks are captured)
};

struct MaskUpdate {
    int64_t member = 0;
    int64_t step = 0;
    int64_t epoch = 0;
    double rate = 0;
    bool exploration = false;  // EDST global exploration with rate q
    bool initial = false;      // the initial mask
    double ever_active = 0;    // share of maskable weights active at some point so far (ITOP exploration rate)
    std::vector<LayerUpdate> layers;
};

struct EpochEnd {
    int64_t member = 0;
    int64_t epoch = 0;
    int64_t step = 0;
    double train_loss = 0, train_accuracy = 0;
    double val_loss = 0, val_accuracy = 0;  // 0 when there is no validation split
    double lr = 0;
    double seconds = 0;
};

struct TicketCaptured {
    int64_t member = 0;  // run member that produced it
    int64_t ticket = 0;  // ticket / ensemble member index
    int64_t step = 0;
    int64_t epoch = 0;
    double val_accuracy = 0;
    std::string reason;  // "best validation", "last epoch (no validation)", ...
};

// Splits (eval_split.h): the test set (final, every ticket and the ensemble); each corrupted set and all of them
// pooled, after training; out-of-distribution sets (the scores in `ood`; of `metrics` only n is set, the OoD
// set's size: calibration views skip these); live during training (member = the training run): the validation
// split (or the test split without one) at the evaluation cadence, and the same for ticket k at its capture,
// both on the first eval.live_samples examples.
struct EvalReport {
    int64_t member = -1;  // -1 = the ensemble
    EvalSplit split;
    ClassificationMetrics metrics;
    Matrix disagreement, kl;                      // for the ensemble report with >= 2 members
    std::optional<OodResult> ood = std::nullopt;  // out-of-distribution scores ("ood/<set>" splits only)
};

struct LogLine {
    enum Level { Info, Warning, Error } level = Info;
    std::string text;
};

struct Checkpointed {
    std::string path;
    int64_t member = 0, epoch = 0, step = 0;
};

struct RunFinished {
    RunStatus status = RunStatus::Finished;  // finished, cancelled or failed
    std::string message;                     // error text of a failed run
    double seconds = 0;
    std::string summary = "";  // the summary JSON (text) of a finished or cancelled run; empty when it failed
};

// 2-D feature data only (the synthetic sets): the training points, published once after RunStarted so that a
// view can draw them under a decision boundary.
struct DataPoints2D {
    std::vector<float> x, y;  // feature 0 and feature 1, as the network sees them (normalised)
    std::vector<int32_t> label;
    int64_t classes = 2;
};

// 2-D feature data only: a network's class probabilities on a regular grid over the data's extent. Published at
// each ticket capture (source "ticket", member = ticket index), for the final ensemble (member -1, source
// "ensemble") and at the live evaluation cadence (source "live", member = the training run).
struct DecisionBoundary {
    int64_t member = 0;
    int64_t step = 0;
    std::string source;
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    int64_t resolution = 0;  // grid points per axis
    int64_t classes = 2;
    std::vector<float> probs;  // [resolution (y, from y_min) x resolution (x, from x_min) x classes], row-major
};

using Event = std::variant<RunStarted, StepMetrics, PhaseChange, LrChange, MaskUpdate, EpochEnd, TicketCaptured,
                           EvalReport, LogLine, Checkpointed, RunFinished, DataPoints2D, DecisionBoundary>;

class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void on_event(const Event& event) = 0;
    // Whether MaskUpdate events should carry packed masks (costly for big layers); default no.
    virtual bool wants_masks() const { return false; }
};

// Forwards every event to several sinks, in order.
class EventFanout : public EventSink {
public:
    void add(EventSink* sink) { sinks_.push_back(sink); }
    void on_event(const Event& event) override {
        for (auto* s : sinks_) s->on_event(event);
    }
    bool wants_masks() const override {
        for (auto* s : sinks_)
            if (s->wants_masks()) return true;
        return false;
    }

private:
    std::vector<EventSink*> sinks_;
};

// Keeps every event in memory (tests, small runs).
class EventRecorder : public EventSink {
public:
    explicit EventRecorder(bool masks = false) : masks_(masks) {}
    void on_event(const Event& event) override {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.push_back(event);
    }
    bool wants_masks() const override { return masks_; }
    std::vector<Event> events() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return events_;
    }
    template <typename T>
    std::vector<T> of_type() const {
        std::vector<T> out;
        for (const auto& e : events())
            if (const auto* v = std::get_if<T>(&e)) out.push_back(*v);
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::vector<Event> events_;
    bool masks_;
};

}  // namespace ft
