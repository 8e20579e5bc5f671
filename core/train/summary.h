// SPDX-License-Identifier: GPL-3.0-or-later
// The summary JSON of a run: what `freetickets train --out` writes and what tests and the README read.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ft/config/run_config.h"
#include "ft/eval/calibration.h"
#include "ft/eval/diversity.h"
#include "ft/train/events.h"
#include "ft/train/run_plan.h"
#include "ft/train/run_status.h"

namespace ft {

struct MemberResult {
    int64_t index = 0, seed = 0, epoch = 0;
    double val_accuracy = 0;
    ClassificationMetrics test;
    std::vector<double> layer_density;  // of the ticket's masks (sparse methods)
    std::vector<int64_t> layer_active;  // active weights per layer of the ticket's masks (sparse methods)
};

// Distance between the masks before and after one mask update (global over the maskable layers): the normalised
// Hamming distance and the Jaccard index of the active sets.
struct MaskUpdateDistance {
    int64_t step = 0;
    double hamming = 0, jaccard = 1;
};

// Mask distances between tickets (spec §6.4): normalised Hamming and Jaccard, globally and per layer.
struct MaskDiversity {
    Matrix hamming, jaccard;
    std::vector<std::string> layer_names;
    std::vector<Matrix> layer_hamming, layer_jaccard;
};
MaskDiversity ticket_mask_distances(const std::vector<std::vector<std::vector<uint64_t>>>& masks,
                                    const std::vector<LayerInfo>& layers);

struct EnsembleResult {
    ClassificationMetrics test;
    Matrix disagreement, kl;
    MaskDiversity masks;                                        // empty for dense methods
    std::vector<double> ever_active;                            // per training run (sparse methods)
    std::vector<std::vector<MaskUpdateDistance>> mask_updates;  // per training run (dynamic sparse methods)
};

nlohmann::json metrics_json(const ClassificationMetrics& m, bool with_reliability);

// Fields: run {name, method, status, seconds, device, threads, version, config_hash}, config, model {name,
// layers[] {name, shape, density, weights, macs_per_weight}, maskable_weights}, members[] {index, seed, epoch,
// val_accuracy, test {accuracy, nll, ece, mce, brier}}, ensemble {members, test {..., reliability[] {lo, hi,
// count, confidence, accuracy}}, diversity {disagreement, kl, mean_disagreement, mean_kl}}, diversity
// {disagreement, kl, mask_hamming, mask_jaccard, their means, layers[], mask_updates[] {run, steps, hamming,
// jaccard}, ever_active}, flops {sparse_forward_ratio, train_vs_dense (= train_vs_dense_idealised),
// train_vs_dense_idealised, train_vs_dense_computed, train_idealised_rule, train_computed_rule,
// inference_vs_dense, reference_epochs, reference_source ("eval.flops_reference_epochs" or "train.epochs"),
// reference_schedule, params {maskable, active_per_member, ensemble_active, ensemble_dense}, layers[] {name,
// params, active_params, dense_flops, sparse_flops}}. Robustness and OoD are added by evaluate_tickets
// (ticket_evaluation.h). Layer densities above 1 count as 1: the summary never throws on an allocation.
// FLOPs follow RigL: one multiply-accumulate counts as one FLOP, per example, maskable layers only.
// The training cost comes from the plan and the method's rule (run_plan.h, training_cost).
nlohmann::json summary_json(const RunConfig& config, const RunPlan& plan, const std::vector<LayerInfo>& layers,
                            const std::vector<MemberResult>& members, const EnsembleResult& ensemble, RunStatus status,
                            double seconds, int64_t threads, const std::string& device);

}  // namespace ft
