// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore's readers (store_readers.cpp): decimated metric series, config diffs and masks at any update.
#include <gtest/gtest.h>

#include "run_store_fixtures.h"

TEST(RunStore, DecimationKeepsEveryBucketsMinAndMax) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    const int64_t steps = 10000;
    int64_t run = 0;
    {
        ft::StoreWriter w(path, named("spiky"));
        for (int64_t s = 1; s <= steps; ++s) {
            double loss = 1.0 + 0.001 * double(s % 7);
            if (s == 5003) loss = 100.0;  // a spike
            if (s == 7777) loss = -5.0;   // a dip
            if (s == 9001) loss = std::numeric_limits<double>::quiet_NaN();
            w.on_event(ft::StepMetrics{0, s, 1, loss, 0.5, 0.1, 0.5});
        }
        w.close();
        run = w.run_id();
    }
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    const auto all = store.metric_series(run, 0, "loss");
    ASSERT_EQ(all.steps.size(), size_t(steps));
    EXPECT_EQ(all.values[5002], 100.0);
    EXPECT_TRUE(std::isnan(all.values[9000]));
    ASSERT_EQ(all.mins.size(), size_t(steps));
    EXPECT_EQ(all.mins[5002], 100.0);
    EXPECT_EQ(all.maxs[7776], -5.0);

    for (int64_t points : {1, 7, 50, 333}) {
        const auto d = store.metric_series(run, 0, "loss", points);
        ASSERT_LE(int64_t(d.steps.size()), points);
        ASSERT_GE(int64_t(d.steps.size()), points / 2);
        ASSERT_EQ(d.values.size(), d.steps.size());
        double top = -1e9, bottom = 1e9;
        bool nan_bucket = false;
        for (size_t i = 0; i < d.steps.size(); ++i) {
            if (i) {
                EXPECT_GT(d.steps[i], d.steps[i - 1]);
            }
            top = std::max(top, d.maxs[i]);
            bottom = std::min(bottom, d.mins[i]);
            if (std::isnan(d.values[i])) {
                nan_bucket = true;
                continue;
            }
            EXPECT_LE(d.mins[i], d.values[i]);
            EXPECT_GE(d.maxs[i], d.values[i]);
        }
        EXPECT_EQ(top, 100.0) << points << " points";    // the spike is never hidden
        EXPECT_EQ(bottom, -5.0) << points << " points";  // nor the dip
        EXPECT_TRUE(nan_bucket) << "the diverged step stays visible";
        EXPECT_EQ(d.steps.back(), steps);
    }
    EXPECT_TRUE(store.metric_series(run, 0, "no such key", 10).steps.empty());
    EXPECT_TRUE(store.metric_series(run, 3, "loss", 10).steps.empty());
}

TEST(RunStore, ConfigDiffListsOnlyDifferingLeaves) {
    TempDir dir;
    auto store = RunStore::open(dir.file("runs.ftdb"));
    ft::NewRun a = named("a"), b = named("b");
    a.config = {{"method", "edst"},
                {"sparse", {{"density", 0.2}, {"growth", "gradient"}}},
                {"train", {{"epochs", 250}, {"milestones", {0.5, 0.75}}}},
                {"old_key", 1}};
    b.config = {{"method", "edst"},
                {"sparse", {{"density", 0.1}, {"growth", "gradient"}}},
                {"train", {{"epochs", 250}, {"milestones", {0.5, 0.8}}}},
                {"new", {{"key", "x"}}}};
    const int64_t ia = store.create_run(a), ib = store.create_run(b);
    const auto diff = store.config_diff(ia, ib);
    ASSERT_EQ(diff.size(), 4u);
    EXPECT_EQ(diff[0].key, "new.key");
    EXPECT_TRUE(diff[0].value_a.is_null());
    EXPECT_EQ(diff[0].value_b, "x");
    EXPECT_EQ(diff[1].key, "old_key");
    EXPECT_EQ(diff[1].value_a, 1);
    EXPECT_TRUE(diff[1].value_b.is_null());
    EXPECT_EQ(diff[2].key, "sparse.density");
    EXPECT_EQ(diff[2].value_a, 0.2);
    EXPECT_EQ(diff[2].value_b, 0.1);
    EXPECT_EQ(diff[3].key, "train.milestones");
    EXPECT_EQ(diff[3].value_b, nlohmann::json({0.5, 0.8}));
    EXPECT_TRUE(store.config_diff(ia, ia).empty());
    EXPECT_THROW(store.config_diff(ia, 999), StoreError);
}

TEST(RunStore, MaskOfAnyUpdateOfAMillionWeightLayer) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.members = 1;
    spec.steps = 32;
    spec.update_every = 1;
    spec.steps_per_epoch = 32;
    spec.layer_sizes = {1000000};
    spec.density = 0.1;
    spec.move = 0.5;
    store_test::SimTruth truth;
    const int64_t run = write_sim(path, spec, &truth);
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    ASSERT_EQ(store.mask_update_count(run, 0), 33);
    double worst = 0, total = 0;
    for (int64_t k = 0; k <= 32; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto m = store.mask_at(run, 0, 0, k);
        const double s = seconds_since(t0);
        worst = std::max(worst, s);
        total += s;
        ASSERT_EQ(m.n, 1000000);
        ASSERT_EQ(m.bits, truth.masks[0][size_t(k)][0]) << "update " << k;
    }
    RawDb raw(path, false);
    const double bytes =
        double(raw.integer("SELECT sum(length(mask)) FROM mask_layers WHERE run = " + std::to_string(run)));
    std::printf(
        "[ timing ] mask of a 1M-weight layer at an update: mean %.1f ms, worst %.1f ms (keyframe every 16); "
        "stored %.0f B per update\n",
        total / 33 * 1000, worst * 1000, bytes / 33);
    EXPECT_THROW(store.mask_at(run, 0, 0, 33), StoreError);
    EXPECT_THROW(store.mask_at(run, 0, 1, 0), StoreError);
    EXPECT_THROW(store.mask_at(run, 1, 0, 0), StoreError);
}
