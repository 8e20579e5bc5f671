// SPDX-License-Identifier: GPL-3.0-or-later
// The EDST timeline of spec §4.1 (README configuration) and the LR / prune-rate schedules, checked on the
// schedules themselves, without training.
#include <gtest/gtest.h>

#include "ft/train/schedules.h"

using namespace ft;

TEST(EdstSchedule, ReadmeConfigurationMatchesSpecTimeline) {
    // E = 450, t_ex = 150, M = 3 -> t_re = 100 (spec §4.1 table).
    const EdstSchedule s(450, 150, 3, 0.1, 0.01, 0.001);
    EXPECT_DOUBLE_EQ(s.refine_epochs(), 100.0);
    EXPECT_EQ(s.lr_low_at(), (std::vector<int64_t>{200, 300, 400}));
    EXPECT_EQ(s.explore_at(), (std::vector<int64_t>{250, 350}));
    const auto t = s.timeline();
    ASSERT_EQ(t.size(), 450u);
    struct Window {
        int64_t first, last;
        double lr;
        int64_t ticket;
    };
    const Window windows[] = {{1, 150, 0.1, -1},    {151, 200, 0.01, 0}, {201, 250, 0.001, 0}, {251, 300, 0.01, 1},
                              {301, 350, 0.001, 1}, {351, 400, 0.01, 2}, {401, 450, 0.001, 2}};
    for (const auto& w : windows) {
        for (int64_t e = w.first; e <= w.last; ++e) {
            EXPECT_DOUBLE_EQ(t[size_t(e - 1)].lr, w.lr) << "epoch " << e;
            EXPECT_EQ(t[size_t(e - 1)].ticket, w.ticket) << "epoch " << e;
        }
    }
    for (const auto& row : t) {
        EpochAction expected = EpochAction::None;
        if (row.epoch == 150) expected = EpochAction::StartRefinement;
        if (row.epoch == 200 || row.epoch == 300 || row.epoch == 400) expected = EpochAction::LowerLr;
        if (row.epoch == 250 || row.epoch == 350) expected = EpochAction::Explore;
        EXPECT_EQ(row.action, expected) << "epoch " << row.epoch;
    }
}

TEST(EdstSchedule, FractionalRefinementLengthRoundsUpLikeTheReference) {
    // CLI defaults of the reference: E = 320, t_ex = 150, M = 3 -> t_re = 56.67.
    const EdstSchedule s(320, 150, 3, 0.1, 0.01, 0.001);
    EXPECT_NEAR(s.refine_epochs(), 170.0 / 3.0, 1e-12);
    EXPECT_EQ(s.lr_low_at(), (std::vector<int64_t>{179, 235, 292}));
    EXPECT_EQ(s.explore_at(), (std::vector<int64_t>{207, 264}));
    EXPECT_EQ(s.ticket_of(150), -1);
    EXPECT_EQ(s.ticket_of(151), 0);
    // floor((207 - 151) / 56.67) = 0: the exploration epoch 207 still belongs to ticket 0, 208 starts ticket 1.
    EXPECT_EQ(s.ticket_of(207), 0);
    EXPECT_EQ(s.ticket_of(208), 1);
    EXPECT_EQ(s.ticket_of(264), 1);
    EXPECT_EQ(s.ticket_of(265), 2);
}

TEST(EdstSchedule, ExplorationEpochClosesItsTicketWindow) {
    // The exploration at the end of epoch explore_at[k-1] must be the last epoch of ticket k-1.
    const EdstSchedule s(30, 12, 3, 0.1, 0.01, 0.001);
    for (size_t k = 0; k < s.explore_at().size(); ++k) {
        const int64_t e = s.explore_at()[k];
        EXPECT_EQ(s.ticket_of(e), int64_t(k)) << "explore epoch " << e;
        EXPECT_EQ(s.ticket_of(e + 1), int64_t(k + 1)) << "epoch after exploration " << e + 1;
    }
}

TEST(MultiStepLr, DropsAtHalfAndThreeQuartersOf250Epochs) {
    const std::vector<double> f = {0.5, 0.75};
    EXPECT_EQ(multistep_milestones(f, 250), (std::vector<int64_t>{125, 187}));
    EXPECT_DOUBLE_EQ(multistep_lr(0.1, 0.1, f, 250, 1), 0.1);
    EXPECT_DOUBLE_EQ(multistep_lr(0.1, 0.1, f, 250, 125), 0.1);
    EXPECT_NEAR(multistep_lr(0.1, 0.1, f, 250, 126), 0.01, 1e-15);
    EXPECT_NEAR(multistep_lr(0.1, 0.1, f, 250, 187), 0.01, 1e-15);
    EXPECT_NEAR(multistep_lr(0.1, 0.1, f, 250, 188), 0.001, 1e-15);
    EXPECT_NEAR(multistep_lr(0.1, 0.1, f, 250, 250), 0.001, 1e-15);
}

TEST(PruneRate, ConstantIgnoresProgress) {
    SparseConfig c;
    EXPECT_DOUBLE_EQ(prune_rate_at(c, 0, 1000), 0.5);
    EXPECT_DOUBLE_EQ(prune_rate_at(c, 999, 1000), 0.5);
}

TEST(PruneRate, CosineDecaysFromRateToMinimum) {
    SparseConfig c;
    c.prune_schedule = PruneSchedule::Cosine;
    EXPECT_DOUBLE_EQ(prune_rate_at(c, 0, 1000), 0.5);
    EXPECT_NEAR(prune_rate_at(c, 500, 1000), (0.5 + 0.005) / 2, 1e-12);
    EXPECT_NEAR(prune_rate_at(c, 1000, 1000), 0.005, 1e-12);
    EXPECT_GT(prune_rate_at(c, 100, 1000), prune_rate_at(c, 200, 1000));
}
