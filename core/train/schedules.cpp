// SPDX-License-Identifier: GPL-3.0-or-later
// EDST timeline (spec §4.1) and the LR / prune-rate schedules (spec §2.4, §3).
#include "ft/train/schedules.h"

#include <algorithm>
#include <cmath>

namespace ft {

EdstSchedule::EdstSchedule(int64_t epochs, int64_t explore_epochs, int64_t members, double lr_explore,
                           double lr_refine_high, double lr_refine_low)
    : epochs_(epochs),
      explore_epochs_(explore_epochs),
      lr_explore_(lr_explore),
      lr_high_(lr_refine_high),
      lr_low_(lr_refine_low) {
    t_re_ = double(epochs - explore_epochs) / double(members);
    for (int64_t k = 0; k < members; ++k)
        lr_low_at_.push_back(static_cast<int64_t>(std::ceil(double(explore_epochs) + double(k) * t_re_ + t_re_ / 2.0)));
    for (int64_t k = 1; k < members; ++k)
        explore_at_.push_back(static_cast<int64_t>(std::ceil(double(explore_epochs) + double(k) * t_re_)));
}

EdstSchedule::EdstSchedule(const RunConfig& c)
    : EdstSchedule(c.train.epochs, c.edst.explore_epochs, c.ensemble.members, c.train.lr, c.edst.lr_refine_high,
                   c.edst.lr_refine_low) {}

EpochAction EdstSchedule::action_after(int64_t e) const {
    auto has = [](const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    if (e == explore_epochs_) return EpochAction::StartRefinement;
    if (has(lr_low_at_, e)) return EpochAction::LowerLr;
    if (has(explore_at_, e)) return EpochAction::Explore;
    return EpochAction::None;
}

int64_t EdstSchedule::ticket_of(int64_t e) const {
    if (e <= explore_epochs_) return -1;
    return static_cast<int64_t>(std::floor(double(e - explore_epochs_ - 1) / t_re_));
}

double EdstSchedule::lr_after(EpochAction action, double current) const {
    switch (action) {
        case EpochAction::StartRefinement:
        case EpochAction::Explore: return lr_high_;
        case EpochAction::LowerLr: return lr_low_;
        case EpochAction::None: return current;
    }
    return current;
}

std::vector<EdstEpoch> EdstSchedule::timeline() const {
    std::vector<EdstEpoch> out;
    double lr = lr_explore_;
    for (int64_t e = 1; e <= epochs_; ++e) {
        EdstEpoch row{e, lr, ticket_of(e), action_after(e)};
        out.push_back(row);
        lr = lr_after(row.action, lr);
    }
    return out;
}

std::vector<int64_t> multistep_milestones(const std::vector<double>& fractions, int64_t epochs) {
    std::vector<int64_t> out;
    out.reserve(fractions.size());
    for (double f : fractions) out.push_back(static_cast<int64_t>(std::floor(f * double(epochs))));
    return out;
}

double multistep_lr(double lr, double gamma, const std::vector<double>& fractions, int64_t epochs, int64_t epoch) {
    for (int64_t m : multistep_milestones(fractions, epochs))
        if (m <= epoch - 1) lr *= gamma;
    return lr;
}

double prune_rate_at(const SparseConfig& c, int64_t iteration, int64_t total_iterations) {
    if (c.prune_schedule == PruneSchedule::Constant || total_iterations <= 0) return c.prune_rate;
    const double progress = std::min(1.0, double(iteration) / double(total_iterations));
    return c.prune_rate_min + (c.prune_rate - c.prune_rate_min) * (1.0 + std::cos(M_PI * progress)) / 2.0;
}

}  // namespace ft
