// SPDX-License-Identifier: GPL-3.0-or-later
// The end-of-run evaluation (see ticket_evaluation.h).
#include "train/ticket_evaluation.h"

#include <chrono>

#include "sparse/mask_ops.h"
#include "train/checkpoint.h"
#include "train/evaluator.h"
#include "train/robustness_eval.h"
#include "train/run_checkpoint.h"

namespace ft {

void load_ticket_states(const std::string& dir, std::vector<Ticket>& tickets) {
    for (size_t k = 0; k < tickets.size(); ++k) {
        Ticket& t = tickets[k];
        if (!t.state.empty()) continue;
        nlohmann::json meta;
        if (dir.empty() || !load_checkpoint(dir, "ticket-" + std::to_string(k), meta, t.state))
            throw std::runtime_error((dir.empty() ? std::string("(no checkpoint folder)") : dir) + "/ticket-" +
                                     std::to_string(k) + ".json: ticket " + std::to_string(k) +
                                     " was never written (has the run finished training?)");
        const TicketMeta saved = TicketMeta::from_json(meta, dir + "/ticket-" + std::to_string(k) + ".json");
        t.index = int64_t(k);
        t.epoch = saved.epoch;
        t.step = saved.step;
        t.val_accuracy = saved.val_accuracy;
        t.reason = saved.reason;
    }
}

nlohmann::json evaluate_tickets(RunContext& ctx, std::vector<Ticket>& tickets, const TicketEvaluationInput& input) {
    const auto started = std::chrono::steady_clock::now();
    const RunConfig& config = ctx.config;
    const DatasetBundle& data = ctx.data;
    const int64_t M = int64_t(tickets.size());
    MemberTrainer evaluator(ctx, 0, ctx.plan.first_seed(), false);  // masks come with each ticket's state
    const auto layers = input.layers.empty() ? evaluator.layer_info() : input.layers;
    const auto labels = labels_of(data.test);
    const BinningOptions bins{config.eval.ece_bins, config.eval.true_bins};
    const int64_t batch = config.train.test_batch_size;

    std::vector<std::vector<float>> member_probs, grid_probs;
    std::vector<MemberResult> members;
    std::vector<std::vector<std::vector<uint64_t>>> ticket_masks;  // [ticket][layer] packed bits
    for (int64_t k = 0; k < M; ++k) {
        const Ticket& t = tickets[size_t(k)];
        evaluator.load_network_state(t.state);
        member_probs.push_back(predict_probabilities(evaluator.model(), data.test, batch, ctx.device));
        if (input.grid) grid_probs.push_back(grid_probabilities(evaluator.model(), *input.grid, batch, ctx.device));
        MemberResult m;
        m.index = k;
        m.seed = ctx.plan.ticket_seed(k);
        m.epoch = t.epoch;
        m.val_accuracy = t.val_accuracy;
        m.test = classification_metrics(member_probs.back(), labels, data.classes, bins);
        if (evaluator.masking()) {
            ticket_masks.emplace_back();
            for (const auto& l : evaluator.masking()->layers()) {
                m.layer_density.push_back(l.mask.mean().item<double>());
                m.layer_active.push_back((l.mask != 0).sum().item<int64_t>());
                ticket_masks.back().push_back(pack_mask(l.mask));
            }
        }
        EvalReport r;
        r.member = k;
        r.split = EvalSplit::test();
        r.metrics = m.test;
        ctx.sink.on_event(r);
        members.push_back(std::move(m));
    }

    EnsembleResult ensemble;
    ensemble.test = classification_metrics(mean_probabilities(member_probs), labels, data.classes, bins);
    // Also for a single member (a 1 x 1 zero matrix), so every summary has the same fields.
    ensemble.disagreement = disagreement_matrix(member_probs, data.classes);
    ensemble.kl = kl_matrix(member_probs, data.classes);
    if (ticket_masks.size() == size_t(M)) ensemble.masks = ticket_mask_distances(ticket_masks, layers);
    ensemble.ever_active = input.ever_active;
    ensemble.mask_updates = input.mask_updates;
    {
        EvalReport r;
        r.member = -1;
        r.split = EvalSplit::test();
        r.metrics = ensemble.test;
        if (M >= 2) {
            r.disagreement = ensemble.disagreement;
            r.kl = ensemble.kl;
        }
        ctx.sink.on_event(r);
    }
    if (input.grid)
        ctx.sink.on_event(
            make_boundary(*input.grid, mean_probabilities(grid_probs), data.classes, -1, input.step, "ensemble"));

    const MemberPredictor predict = [&](const Split& split) {
        std::vector<std::vector<float>> out;
        for (const auto& t : tickets) {
            evaluator.load_network_state(t.state);
            out.push_back(predict_probabilities(evaluator.model(), split, batch, ctx.device));
        }
        return out;
    };
    const auto robustness = evaluate_robustness(config, data, M, predict, ctx.sink, &ctx.control);
    const auto ood = evaluate_ood(input.ood_sets, member_probs, data.classes, predict, ctx.sink);

    auto summary = summary_json(config, ctx.plan, layers, members, ensemble, RunStatus::Finished, input.seconds,
                                input.threads, ctx.device.str());
    summary["robustness"] = robustness_json(robustness);
    summary["ood"] = ood_json(ood);
    summary["run"]["eval_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return summary;
}

}  // namespace ft
