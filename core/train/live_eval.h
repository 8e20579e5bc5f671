// SPDX-License-Identifier: GPL-3.0-or-later
// Live evaluation during training (the GUI's calibration and boundary views): an EvalReport on a fixed subset of
// the validation split (the test split when there is none) every eval.every_epochs epochs of a training run and
// for each ticket when it is captured, plus, on 2-D feature data, the training points once and a decision
// boundary at the same moments. Cheap by construction: one forward pass over eval.live_samples examples.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "train/decision_boundary.h"
#include "train/member_trainer.h"

namespace ft {

class LiveEvaluation {
public:
    explicit LiveEvaluation(RunContext& ctx);
    ~LiveEvaluation();

    // After RunStarted (each session of a resumed run too): DataPoints2D on 2-D data.
    void publish_points();
    // The training member's epoch hook: evaluates `trainer`'s current network when the cadence says so.
    void on_epoch(MemberTrainer& trainer, int64_t run_member, int64_t epochs_done);
    // A ticket just captured by training run `run_member` at `step` (its state must still be in memory).
    void on_ticket(const Ticket& ticket, int64_t run_member, int64_t step);

    const std::optional<BoundaryGrid>& grid() const { return grid_; }
    const EvalSplit& split() const { return split_; }
    // Wall time spent in live evaluation so far (the training loop waits for it): what it costs a run.
    double seconds() const { return seconds_; }

private:
    void evaluate(Model& model, int64_t run_member, int64_t step, const EvalSplit& split, int64_t boundary_member,
                  const std::string& boundary_source);

    RunContext& ctx_;
    Split subset_;
    EvalSplit split_;  // the validation split, or the test split when there is none
    std::optional<BoundaryGrid> grid_;
    std::unique_ptr<MemberTrainer> ticket_model_;  // for ticket states; built on first use
    double seconds_ = 0;
};

}  // namespace ft
