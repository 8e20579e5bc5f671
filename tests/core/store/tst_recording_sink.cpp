// SPDX-License-Identifier: GPL-3.0-or-later
// RecordingSink: a store that stops recording (here a full disk) stops the run exactly once, with the writer's
// error, at the epoch end where the sink commits.
#include <gtest/gtest.h>

#include "ft/store/recording_sink.h"
#include "run_store_fixtures.h"

using ft::StoreWriter;

TEST(RecordingSink, AStoreThatStopsRecordingStopsTheRunOnce) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    { RunStore::open(path).create_run(named("an earlier run")); }
    ft::StoreWriterOptions options;
    options.max_page_count = RawDb(path, false).integer("PRAGMA page_count") + 40;
    StoreWriter w(path, named("filling"), options);
    ft::RecordingSink sink(w, true);
    int stops = 0;
    std::string why;
    sink.on_stop([&](const std::string& e) {
        ++stops;
        why = e;
    });
    for (int64_t s = 1; s <= 100000 && !sink.stopped(); ++s) {
        sink.on_event(ft::StepMetrics{0, s, 1, 0.5, 0.5, 0.1, 0.5});
        // An epoch end every 50 steps commits at once (as a checkpoint follows it), so the failure shows there.
        if (s % 50 == 0) sink.on_event(ft::EpochEnd{0, s / 50, s});
    }
    ASSERT_TRUE(sink.stopped());
    for (int i = 0; i < 10; ++i) sink.on_event(ft::EpochEnd{0, 9999, 9999});
    EXPECT_EQ(stops, 1);
    EXPECT_NE(why.find("disk is full"), std::string::npos) << why;
    w.close();
}
