// SPDX-License-Identifier: GPL-3.0-or-later
// The evaluation at the end of a run, shared by run_experiment and evaluate_checkpoint: every ticket and the
// probability-mean ensemble on the test set (spec §6.1, §6.2), prediction and mask diversity (§6.4), corruption
// robustness (§6.3), out-of-distribution detection (§6.5), the ensemble's decision boundary on 2-D data, and the
// summary JSON with the cost accounting (§7).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/decision_boundary.h"
#include "train/member_trainer.h"
#include "train/ood_eval.h"
#include "train/summary.h"

namespace ft {

struct TicketEvaluationInput {
    std::vector<LayerInfo> layers;                              // empty: taken from a freshly built network
    std::vector<double> ever_active;                            // per training run
    std::vector<std::vector<MaskUpdateDistance>> mask_updates;  // per training run
    std::vector<OodSet> ood_sets;
    const BoundaryGrid* grid = nullptr;  // 2-D data: publish the ensemble's decision boundary
    int64_t step = 0;                    // the run's last step (for the boundary event)
    double seconds = 0;                  // training time
    int64_t threads = 1;
};

// Fills the states of tickets that are not in memory from <dir>/ticket-<k>.json (with their epoch, step,
// validation accuracy and reason). Throws std::runtime_error naming the file of a ticket that was never written.
void load_ticket_states(const std::string& dir, std::vector<Ticket>& tickets);

// Evaluates `tickets` (states in memory), publishes the EvalReports and the ensemble's boundary, and returns the
// summary JSON (summary.h fields, plus robustness, ood and run.eval_seconds).
nlohmann::json evaluate_tickets(RunContext& ctx, std::vector<Ticket>& tickets, const TicketEvaluationInput& input);

}  // namespace ft
