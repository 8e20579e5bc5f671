// SPDX-License-Identifier: GPL-3.0-or-later
// Summary JSON (see summary.h) and the training-cost accounting of spec §7.
#include "train/summary.h"

#include <algorithm>
#include <cmath>

#include "ft/config/config_json.h"
#include "ft/eval/flops.h"

namespace ft {
namespace {

// JSON has no infinity; an infinite NLL (some p(y|x) == 0) is written as null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

// The run's training cost by the method's rule over the plan (spec §7), in units of (f_D x training examples),
// twice: as RigL's idealised algorithm prices the growth rule, and as this run's settings need it. The
// reference's default keeps the momentum of inactive weights (sparse.mask_momentum = false, spec §2.1): those
// buffers accumulate every step's dense gradient, which a sparse implementation would have to compute, so
// every step with mask updates costs 2 f_S + f_D, not RigL's 3 f_S plus a dense gradient every ΔT. Fixed masks
// are exempt: an inactive weight's momentum then never reaches an active weight.
struct TrainingCosts {
    double idealised = 0, computed = 0;
    std::string idealised_rule, computed_rule;
};

TrainingCosts training_costs(const RunConfig& c, const RunPlan& plan, double ratio) {
    StepCosts ideal;
    ideal.dense = dense_step_cost();
    ideal.sparse = static_step_cost(ratio);
    TrainingCosts out;
    switch (c.sparse.growth) {
        case Growth::Gradient:
            ideal.dynamic = dst_step_cost(ratio, c.sparse.update_frequency, true);
            out.idealised_rule = "gradient growth: sparse steps, a dense gradient every sparse.update_frequency steps";
            break;
        case Growth::Random:
            ideal.dynamic = static_step_cost(ratio);
            out.idealised_rule = "random growth: sparse steps only";
            break;
        case Growth::Momentum:
            // Growth scores every inactive weight by its momentum, which only a dense gradient every step keeps.
            ideal.dynamic = dense_gradient_step_cost(ratio);
            out.idealised_rule = "momentum growth: a dense gradient every step (the inactive weights' momentum)";
            break;
    }
    StepCosts as_run = ideal;
    out.computed_rule = out.idealised_rule;
    if (!c.sparse.mask_momentum) {
        as_run.dynamic = dense_gradient_step_cost(ratio);
        out.computed_rule =
            "sparse.mask_momentum = false: a dense gradient every step with mask updates (inactive weights' "
            "momentum)";
    }
    if (!method_traits(plan.method).dynamic) {
        out.idealised_rule = out.computed_rule = "no mask updates: dense or fixed-mask sparse steps";
    }
    out.idealised = training_cost(plan, ideal);
    out.computed = training_cost(plan, as_run);
    return out;
}

int64_t element_count(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (auto s : shape) n *= s;
    return n;
}

nlohmann::json matrix_or_null(const Matrix& m) { return m.empty() ? nlohmann::json(nullptr) : nlohmann::json(m); }

// The top-level diversity block: prediction and mask diversity between the members, the consecutive mask-update
// distances of each training run and the share of weights ever active.
nlohmann::json diversity_json(const EnsembleResult& e) {
    nlohmann::json d = {{"disagreement", matrix_or_null(e.disagreement)},
                        {"kl", matrix_or_null(e.kl)},
                        {"mask_hamming", matrix_or_null(e.masks.hamming)},
                        {"mask_jaccard", matrix_or_null(e.masks.jaccard)}};
    if (!e.disagreement.empty()) {
        d["mean_disagreement"] = mean_off_diagonal(e.disagreement);
        d["mean_kl"] = number(mean_off_diagonal(e.kl));
    }
    if (!e.masks.hamming.empty()) {
        d["mean_mask_hamming"] = mean_off_diagonal(e.masks.hamming);
        d["mean_mask_jaccard"] = mean_off_diagonal(e.masks.jaccard);
        nlohmann::json per_layer = nlohmann::json::array();
        for (size_t l = 0; l < e.masks.layer_names.size(); ++l)
            per_layer.push_back({{"name", e.masks.layer_names[l]},
                                 {"mask_hamming", e.masks.layer_hamming[l]},
                                 {"mask_jaccard", e.masks.layer_jaccard[l]}});
        d["layers"] = per_layer;
    }
    nlohmann::json updates = nlohmann::json::array();
    for (size_t r = 0; r < e.mask_updates.size(); ++r) {
        nlohmann::json steps = nlohmann::json::array(), hamming = nlohmann::json::array(),
                       jaccard = nlohmann::json::array();
        for (const auto& u : e.mask_updates[r]) {
            steps.push_back(u.step);
            hamming.push_back(u.hamming);
            jaccard.push_back(u.jaccard);
        }
        updates.push_back({{"run", r}, {"steps", steps}, {"hamming", hamming}, {"jaccard", jaccard}});
    }
    d["mask_updates"] = updates;
    d["ever_active"] = e.ever_active;
    return d;
}

// Per-layer parameters and forward FLOPs (RigL: MACs per example), with the members' mean active weights.
void add_layer_costs(nlohmann::json& flops, const RunPlan& plan, const std::vector<LayerInfo>& layers,
                     const std::vector<MemberResult>& members) {
    nlohmann::json jl = nlohmann::json::array();
    double active_total = 0, ensemble_active = 0;
    int64_t maskable = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        const int64_t n = element_count(layers[i].shape);
        double active = plan.sparse ? layers[i].target_density * double(n) : double(n);
        double sum = 0;
        int64_t counted = 0;
        for (const auto& m : members)
            if (i < m.layer_active.size()) {
                sum += double(m.layer_active[i]);
                ++counted;
            }
        if (counted > 0) active = sum / double(counted);
        ensemble_active += counted > 0 ? sum : active * double(plan.members);
        active_total += active;
        maskable += n;
        const double dense_flops = double(n) * double(layers[i].macs_per_weight);
        jl.push_back({{"name", layers[i].name},
                      {"params", n},
                      {"active_params", active},
                      {"dense_flops", dense_flops},
                      {"sparse_flops", n > 0 ? dense_flops * active / double(n) : 0.0}});
    }
    flops["layers"] = jl;
    const double M = double(plan.members);
    flops["params"] = {{"maskable", maskable},
                       {"active_per_member", active_total},
                       {"ensemble_active", ensemble_active},
                       {"ensemble_dense", M * double(maskable)},
                       {"note", "maskable weights only (conv and linear); biases and BatchNorm are not counted"}};
}

}  // namespace

MaskDiversity ticket_mask_distances(const std::vector<std::vector<std::vector<uint64_t>>>& masks,
                                    const std::vector<LayerInfo>& layers) {
    MaskDiversity out;
    const size_t M = masks.size();
    auto square = [M] { return Matrix(M, std::vector<double>(M, 0.0)); };
    out.hamming = square();
    out.jaccard = square();
    for (const auto& l : layers) {
        out.layer_names.push_back(l.name);
        out.layer_hamming.push_back(square());
        out.layer_jaccard.push_back(square());
    }
    for (size_t i = 0; i < M; ++i) {
        for (size_t j = 0; j < M; ++j) {
            // Global: Hamming weighted by layer size; Jaccard from pooled intersection and union counts.
            double differ = 0, both = 0, either = 0, total = 0;
            for (size_t l = 0; l < layers.size(); ++l) {
                const int64_t n = element_count(layers[l].shape);
                const auto d = mask_distance(masks[i][l], masks[j][l], n);
                out.layer_hamming[l][i][j] = d.hamming;
                out.layer_jaccard[l][i][j] = d.jaccard;
                int64_t a = 0, b = 0, ab = 0;
                for (size_t w = 0; w < masks[i][l].size(); ++w) {
                    a += __builtin_popcountll(masks[i][l][w]);
                    b += __builtin_popcountll(masks[j][l][w]);
                    ab += __builtin_popcountll(masks[i][l][w] & masks[j][l][w]);
                }
                differ += d.hamming * double(n);
                both += double(ab);
                either += double(a + b - ab);
                total += double(n);
            }
            out.hamming[i][j] = total > 0 ? differ / total : 0.0;
            out.jaccard[i][j] = either > 0 ? both / either : 1.0;
        }
    }
    return out;
}

nlohmann::json metrics_json(const ClassificationMetrics& m, bool with_reliability) {
    nlohmann::json j = {{"n", m.n},     {"accuracy", m.accuracy}, {"nll", number(m.nll)},
                        {"ece", m.ece}, {"mce", m.mce},           {"brier", m.brier}};
    if (with_reliability) {
        j["reliability"] = nlohmann::json::array();
        for (const auto& b : m.reliability)
            j["reliability"].push_back({{"lo", b.lo},
                                        {"hi", b.hi},
                                        {"count", b.count},
                                        {"confidence", b.confidence},
                                        {"accuracy", b.accuracy}});
    }
    return j;
}

nlohmann::json summary_json(const RunConfig& config, const RunPlan& plan, const std::vector<LayerInfo>& layers_in,
                            const std::vector<MemberResult>& members, const EnsembleResult& ensemble, RunStatus status,
                            double seconds, int64_t threads, const std::string& device) {
    nlohmann::json out;
    out["run"] = {{"name", config.name},
                  {"method", to_string(config.method)},
                  {"status", to_string(status)},
                  {"seconds", seconds},
                  {"device", device},
                  {"threads", threads},
                  {"version", FT_VERSION},
                  {"config_hash", config_hash(config)}};
    out["config"] = config_to_json(config);

    // A layer cannot have more than all of its weights active: an allocation above 1 (or a broken one) keeps the
    // whole layer, and the summary of a run, cancelled or not, must never fail on it.
    std::vector<LayerInfo> layers(layers_in);
    for (auto& l : layers)
        l.target_density = std::isfinite(l.target_density) ? std::clamp(l.target_density, 0.0, 1.0) : 1.0;

    // Densities: of the tickets when there are any (PF's global pruning is not an allocation), else the target.
    std::vector<LayerCost> costs;
    nlohmann::json jl = nlohmann::json::array();
    int64_t maskable = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        int64_t n = 1;
        for (auto s : layers[i].shape) n *= s;
        double density = plan.sparse ? layers[i].target_density : 1.0;
        if (!members.empty() && i < members[0].layer_density.size()) density = members[0].layer_density[i];
        maskable += n;
        costs.push_back({layers[i].name, n, layers[i].macs_per_weight, density});
        jl.push_back({{"name", layers[i].name},
                      {"shape", layers[i].shape},
                      {"density", density},
                      {"weights", n},
                      {"macs_per_weight", layers[i].macs_per_weight},
                      {"execution", to_string(layers[i].execution)}});
    }
    out["model"] = {{"name", config.model.name}, {"layers", jl}, {"maskable_weights", maskable}};

    out["members"] = nlohmann::json::array();
    for (const auto& m : members) {
        nlohmann::json jm = {{"index", m.index},
                             {"seed", m.seed},
                             {"epoch", m.epoch},
                             {"val_accuracy", m.val_accuracy},
                             {"test", metrics_json(m.test, false)}};
        out["members"].push_back(jm);
    }
    if (!members.empty()) {
        out["ensemble"] = {{"members", members.size()}, {"test", metrics_json(ensemble.test, true)}};
        if (!ensemble.disagreement.empty())
            out["ensemble"]["diversity"] = {{"disagreement", ensemble.disagreement},
                                            {"kl", ensemble.kl},
                                            {"mean_disagreement", mean_off_diagonal(ensemble.disagreement)},
                                            {"mean_kl", number(mean_off_diagonal(ensemble.kl))}};
        if (!ensemble.masks.hamming.empty()) {
            auto& d = out["ensemble"]["diversity"];
            d["mask_hamming"] = ensemble.masks.hamming;
            d["mask_jaccard"] = ensemble.masks.jaccard;
            d["mean_mask_hamming"] = mean_off_diagonal(ensemble.masks.hamming);
            d["mean_mask_jaccard"] = mean_off_diagonal(ensemble.masks.jaccard);
            nlohmann::json per_layer = nlohmann::json::array();
            for (size_t l = 0; l < ensemble.masks.layer_names.size(); ++l)
                per_layer.push_back({{"name", ensemble.masks.layer_names[l]},
                                     {"mask_hamming", ensemble.masks.layer_hamming[l]},
                                     {"mask_jaccard", ensemble.masks.layer_jaccard[l]}});
            d["layers"] = per_layer;
        }
        if (!ensemble.ever_active.empty()) out["ensemble"]["ever_active"] = ensemble.ever_active;
    }

    out["diversity"] = diversity_json(ensemble);

    const double ratio = costs.empty() ? 1.0 : sparse_forward_ratio(costs);
    // Spec §7 compares every method with the dense baseline's schedule (250 epochs on CIFAR). Without
    // eval.flops_reference_epochs the reference is a dense run as long as this one, which for EDST (450 epochs)
    // is not that baseline: the summary says which it is.
    const bool own_length = config.eval.flops_reference_epochs <= 0;
    const int64_t reference_epochs = own_length ? config.train.epochs : config.eval.flops_reference_epochs;
    const double reference_cost = double(reference_epochs) * dense_step_cost();
    const TrainingCosts train = training_costs(config, plan, ratio);
    out["flops"] = {
        {"sparse_forward_ratio", ratio},
        // The idealised figure, under the name older summaries and their readers (compare, study show) use.
        {"train_vs_dense", train.idealised / reference_cost},
        {"train_vs_dense_idealised", train.idealised / reference_cost},
        {"train_vs_dense_computed", train.computed / reference_cost},
        {"train_idealised_rule", train.idealised_rule},
        {"train_computed_rule", train.computed_rule},
        {"inference_vs_dense", double(plan.members) * ratio},
        {"reference_epochs", reference_epochs},
        {"reference_source", own_length ? "train.epochs" : "eval.flops_reference_epochs"},
        {"reference_schedule", "one dense run of " + std::to_string(reference_epochs) + " epochs" +
                                   (own_length ? " (this run's train.epochs: eval.flops_reference_epochs = 0)"
                                               : " (eval.flops_reference_epochs)")},
        {"convention",
         "RigL (spec 7): dense step 3 f_D, sparse 3 f_S; idealised: the growth rule's own need for dense "
         "gradients; computed: what this run's settings need (2 f_S + f_D for every step that keeps inactive "
         "weights' momentum)"}};
    add_layer_costs(out["flops"], plan, layers, members);
    return out;
}

}  // namespace ft
