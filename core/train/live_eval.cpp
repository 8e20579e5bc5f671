// SPDX-License-Identifier: GPL-3.0-or-later
// Live evaluation during training (see live_eval.h).
#include "train/live_eval.h"

#include <chrono>

#include "train/checkpoint.h"
#include "train/evaluator.h"

namespace ft {

namespace {

Split first(const Split& s, int64_t limit) {
    const int64_t n = limit > 0 ? std::min(limit, s.size()) : s.size();
    return {s.x.narrow(0, 0, n), s.y.narrow(0, 0, n)};
}

}  // namespace

LiveEvaluation::LiveEvaluation(RunContext& ctx) : ctx_(ctx) {
    const bool has_val = ctx.data.validation.size() > 0;
    split_ = EvalSplit::live(has_val);
    subset_ = first(has_val ? ctx.data.validation : ctx.data.test, ctx.config.eval.live_samples);
    if (has_2d_features(ctx.data) && ctx.data.train.size() > 0)
        grid_ = boundary_grid(ctx.data.train.x, ctx.config.eval.boundary_resolution);
}

LiveEvaluation::~LiveEvaluation() = default;

void LiveEvaluation::publish_points() {
    if (grid_) ctx_.sink.on_event(data_points(ctx_.data.train, ctx_.data.classes));
}

void LiveEvaluation::evaluate(Model& model, int64_t run_member, int64_t step, const EvalSplit& split,
                              int64_t boundary_member, const std::string& boundary_source) {
    const auto& c = ctx_.config;
    if (subset_.size() > 0) {
        const auto probs = predict_probabilities(model, subset_, c.train.test_batch_size, ctx_.device);
        EvalReport r;
        r.member = run_member;
        r.split = split;
        r.metrics = classification_metrics(probs, labels_of(subset_), ctx_.data.classes,
                                           BinningOptions{c.eval.ece_bins, c.eval.true_bins});
        ctx_.sink.on_event(r);
    }
    if (grid_)
        ctx_.sink.on_event(make_boundary(*grid_,
                                         grid_probabilities(model, *grid_, c.train.test_batch_size, ctx_.device),
                                         ctx_.data.classes, boundary_member, step, boundary_source));
}

namespace {

// Adds the wall time of a scope to a counter.
class AddElapsed {
public:
    explicit AddElapsed(double& total) : total_(total) {}
    ~AddElapsed() { total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }
    AddElapsed(const AddElapsed&) = delete;
    AddElapsed& operator=(const AddElapsed&) = delete;

private:
    double& total_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

void LiveEvaluation::on_epoch(MemberTrainer& trainer, int64_t run_member, int64_t epochs_done) {
    const int64_t every = ctx_.config.eval.every_epochs;
    if (every <= 0 || epochs_done % every != 0) return;
    AddElapsed timed(seconds_);
    evaluate(trainer.model(), run_member, trainer.step(), split_, run_member, "live");
}

void LiveEvaluation::on_ticket(const Ticket& ticket, int64_t run_member, int64_t step) {
    if (ticket.state.empty()) return;
    AddElapsed timed(seconds_);
    if (!ticket_model_) {
        // The training's random stream must stay exactly as it was, so a run with live evaluation trains the same
        // network: a reseeding trainer would reseed every generator, and only the CPU's could be put back (on
        // CUDA, random growth changed after the first ticket).
        ticket_model_ =
            std::make_unique<MemberTrainer>(ctx_, 0, ctx_.plan.first_seed(), false, Seeding::KeepGenerators);
    }
    ticket_model_->load_network_state(ticket.state);
    evaluate(ticket_model_->model(), run_member, step,
             EvalSplit::live(split_.kind == SplitKind::Validation, ticket.index), ticket.index, "ticket");
}

}  // namespace ft
