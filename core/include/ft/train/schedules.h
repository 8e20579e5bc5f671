// SPDX-License-Identifier: GPL-3.0-or-later
// The EDST phase and learning-rate timeline of spec §4.1 (minestone_calculation and the end-of-epoch rules),
// as a pure function of (E, t_ex, M): testable without training.
#pragma once

#include <cstdint>
#include <vector>

#include "ft/config/run_config.h"

namespace ft {

enum class EpochAction { None, StartRefinement, LowerLr, Explore };

struct EdstEpoch {
    int64_t epoch = 0;                       // 1-based
    double lr = 0;                           // the LR used while training this epoch
    int64_t ticket = -1;                     // refinement phase (ticket) this epoch belongs to; -1 during exploration
    EpochAction action = EpochAction::None;  // applied at the end of this epoch
};

class EdstSchedule {
public:
    EdstSchedule(int64_t epochs, int64_t explore_epochs, int64_t members, double lr_explore, double lr_refine_high,
                 double lr_refine_low);
    explicit EdstSchedule(const RunConfig& config);

    double refine_epochs() const { return t_re_; }                        // t_re = (E - t_ex) / M, a float
    const std::vector<int64_t>& lr_low_at() const { return lr_low_at_; }  // ceil(t_ex + k t_re + t_re / 2), k = 0..M-1
    const std::vector<int64_t>& explore_at() const { return explore_at_; }  // ceil(t_ex + k t_re), k = 1..M-1
    // The first matching rule of spec §4.1 at the end of epoch e.
    EpochAction action_after(int64_t epoch) const;
    // floor((e - t_ex - 1) / t_re) for e > t_ex, else -1.
    int64_t ticket_of(int64_t epoch) const;
    // Every epoch 1..E with its LR, ticket and end-of-epoch action.
    std::vector<EdstEpoch> timeline() const;
    // LR after applying `action` to the current LR.
    double lr_after(EpochAction action, double current) const;

private:
    int64_t epochs_, explore_epochs_;
    double lr_explore_, lr_high_, lr_low_;
    double t_re_;
    std::vector<int64_t> lr_low_at_, explore_at_;
};

// MultiStepLR as the reference steps it once per epoch: the LR of epoch e (1-based) is
// lr * gamma^(number of milestones m <= e - 1), milestones = floor(f * E) for each fraction f.
double multistep_lr(double lr, double gamma, const std::vector<double>& fractions, int64_t epochs, int64_t epoch);
std::vector<int64_t> multistep_milestones(const std::vector<double>& fractions, int64_t epochs);

// The prune rate at iteration t (0-based) under config.sparse.prune_schedule: constant p, or cosine from p to
// prune_rate_min over total_iterations (CosineDecay of the reference, spec §2.4).
double prune_rate_at(const SparseConfig& config, int64_t iteration, int64_t total_iterations);

}  // namespace ft
