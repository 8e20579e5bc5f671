// SPDX-License-Identifier: GPL-3.0-or-later
// StoreWriter: every event of a run lands in the store, batches are atomic for readers polling the file, the queue
// is bounded, a full disk is reported without damaging the file, a store deleted or replaced under a running
// writer is saved whole, and a resumed run continues its records.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "sim_run.h"
#include "store_test_util.h"

using ft::RunStore;
using ft::StoreError;
using ft::StoreMode;
using ft::StoreWriter;
using store_test::RawDb;
using store_test::TempDir;

namespace {

ft::NewRun new_run(const std::string& name) {
    ft::NewRun r;
    r.name = name;
    r.method = ft::Method::DstEnsemble;
    r.config = {{"method", "dst-ensemble"}};
    r.seeds = {18, 19};
    r.checkpoint_dir = "/ckpt/run";
    r.versions = {{"torch", "1.13.1"}};
    return r;
}

std::vector<ft::EventKind> kinds_of(const std::vector<ft::StoredEvent>& events) {
    std::vector<ft::EventKind> out;
    for (const auto& e : events) out.push_back(e.kind);
    return out;
}

}  // namespace

TEST(StoreWriter, RecordsEverythingARunPublishes) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;  // 2 members x 200 steps, a mask update every 20 steps, 3 layers
    store_test::SimTruth truth;
    int64_t run = 0;
    {
        StoreWriter w(path, new_run("sim"));
        EXPECT_TRUE(w.wants_masks());
        truth = store_test::publish_sim_run(w, spec);
        w.annotate(ft::EventKind::Pause, {{"by", "user"}}, -1, 120);
        w.close();
        EXPECT_FALSE(w.failed()) << w.error();
        EXPECT_EQ(w.error(), "");
        run = w.run_id();
    }
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    const auto r = store.get_run(run);
    EXPECT_EQ(r.name, "sim");
    EXPECT_EQ(r.status, ft::RunStatus::Finished);
    EXPECT_EQ(r.seconds, 12.5);
    EXPECT_GT(r.finished, 0);
    EXPECT_EQ(r.members, 2);
    EXPECT_EQ(r.total_steps, 400);
    EXPECT_EQ(r.steps_per_epoch, 50);
    EXPECT_EQ(r.device, "cpu");
    EXPECT_EQ(r.last_step, 200);
    EXPECT_EQ(r.seeds, (std::vector<int64_t>{18, 19}));
    EXPECT_EQ(nlohmann::json::parse(r.version)["torch"], "1.13.1");

    const auto layers = store.layers(run);
    ASSERT_EQ(layers.size(), 3u);
    EXPECT_EQ(layers[1].name, "fc, \"odd\" name");
    EXPECT_EQ(layers[1].total, 1000);
    EXPECT_EQ(layers[1].shape, (std::vector<int64_t>{1000}));
    EXPECT_DOUBLE_EQ(layers[1].target_density, 0.2);

    for (int64_t m = 0; m < 2; ++m) {
        const auto loss = store.metric_series(run, m, "loss");
        ASSERT_EQ(loss.steps.size(), 200u);
        for (size_t i = 0; i < 200; ++i) {
            ASSERT_EQ(loss.steps[i], int64_t(i) + 1);
            ASSERT_EQ(loss.values[i], truth.loss(m, int64_t(i) + 1));
        }
        EXPECT_EQ(store.metric_series(run, m, "val_accuracy").values, (std::vector<double>{0.55, 0.55, 0.55, 0.55}));
        EXPECT_EQ(store.metric_series(run, m, "lr").values.size(), 200u);
        EXPECT_EQ(store.metric_series(run, m, "prune_rate").values.size(), 200u);

        const auto updates = store.mask_updates(run, m);
        ASSERT_EQ(updates.size(), truth.masks[size_t(m)].size());
        ASSERT_EQ(store.mask_update_count(run, m), int64_t(updates.size()));
        EXPECT_TRUE(updates[0].initial);
        EXPECT_FALSE(updates[1].initial);
        for (size_t k = 0; k < updates.size(); ++k) {
            EXPECT_EQ(updates[k].index, int64_t(k));
            EXPECT_EQ(updates[k].step, truth.update_steps[size_t(m)][k]);
            ASSERT_EQ(updates[k].layers.size(), 3u);
            for (int64_t l = 0; l < 3; ++l) {
                const auto& expected = truth.masks[size_t(m)][k][size_t(l)];
                EXPECT_EQ(updates[k].layers[size_t(l)].active, store_test::popcount(expected));
                EXPECT_TRUE(updates[k].layers[size_t(l)].has_mask);
                const auto got = store.mask_at(run, m, l, int64_t(k));
                EXPECT_EQ(got.n, spec.layer_sizes[size_t(l)]);
                ASSERT_EQ(got.bits, expected) << "member " << m << " update " << k << " layer " << l;
            }
        }
    }

    const auto events = store.events(run);
    using ft::EventKind;
    for (EventKind kind :
         {EventKind::RunStarted, EventKind::Phase, EventKind::Lr, EventKind::MaskUpdate, EventKind::Ticket,
          EventKind::Evaluation, EventKind::Log, EventKind::Finished, EventKind::Pause}) {
        const auto kinds = kinds_of(events);
        EXPECT_NE(std::find(kinds.begin(), kinds.end(), kind), kinds.end()) << to_string(kind);
    }
    for (const auto& e : store.events(run, 50, 100)) {
        EXPECT_GE(e.step, 50);
        EXPECT_LE(e.step, 100);
    }
    const auto updates_in_range = store.events(run, 41, 100, {ft::EventKind::MaskUpdate});
    EXPECT_EQ(updates_in_range.size(), 2u * 3);  // steps 60, 80, 100 of both members
    const auto pause = store.events(run, 0, 1000, {ft::EventKind::Pause});
    ASSERT_EQ(pause.size(), 1u);
    EXPECT_EQ(pause[0].step, 120);
    EXPECT_EQ(pause[0].payload["by"], "user");
    const auto logs = store.events(run, INT64_MIN, INT64_MAX, {ft::EventKind::Log});
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_EQ(logs[0].payload["text"], "a warning with \"quotes\"\nand a newline");
    EXPECT_EQ(logs[0].payload["level"], "warning");

    const auto tickets = store.tickets(run);
    ASSERT_EQ(tickets.size(), 2u);
    EXPECT_EQ(tickets[1].member, 1);
    EXPECT_EQ(tickets[1].step, 200);
    EXPECT_DOUBLE_EQ(tickets[1].val_accuracy, 0.56);
    EXPECT_EQ(tickets[1].checkpoint, "/ckpt/run/ticket-1.json");
    EXPECT_EQ(tickets[1].reason, "best validation");

    const auto evals = store.evaluations(run);
    ASSERT_EQ(evals.size(), 3u);
    EXPECT_EQ(evals[0].member, 0);
    EXPECT_TRUE(evals[0].disagreement.is_null());
    EXPECT_EQ(evals[2].member, -1);
    EXPECT_EQ(evals[2].split, ft::EvalSplit::test());
    EXPECT_EQ(evals[2].metrics["accuracy"], 0.61);
    EXPECT_TRUE(evals[2].metrics["nll"].is_null());  // infinite
    ASSERT_EQ(evals[2].metrics["reliability"].size(), 2u);
    EXPECT_EQ(evals[2].metrics["reliability"][1]["count"], 60);
    EXPECT_EQ(evals[2].disagreement, nlohmann::json({{0.25, 0.25}, {0.25, 0.25}}));
    EXPECT_EQ(evals[2].kl, nlohmann::json({{0.25, 0.25}, {0.25, 0.25}}));

    RawDb raw(path, false);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");
}

TEST(StoreWriter, KeyframesBoundTheReconstructionChain) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.members = 1;
    spec.steps = 100;
    spec.update_every = 2;  // 51 updates
    store_test::SimTruth truth;
    ft::StoreWriterOptions options;
    options.keyframe_interval = 8;
    int64_t run = 0;
    {
        StoreWriter w(path, new_run("k"), options);
        truth = store_test::publish_sim_run(w, spec);
        w.close();
        run = w.run_id();
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.text("SELECT group_concat(update_index) FROM (SELECT update_index FROM mask_layers WHERE run = " +
                       std::to_string(run) + " AND layer = 0 AND keyframe = 1 ORDER BY update_index)"),
              "0,8,16,24,32,40,48");
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    for (int64_t k = 0; k <= 50; ++k)
        for (int64_t l = 0; l < 3; ++l)
            ASSERT_EQ(store.mask_at(run, 0, l, k).bits, truth.masks[0][size_t(k)][size_t(l)]);
}

TEST(StoreWriter, NanAndInfiniteMetricsAreKept) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    StoreWriter w(path, new_run("diverged"));
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    w.on_event(ft::StepMetrics{0, 1, 1, 2.3, 0.1, 0.1, 0.5});
    w.on_event(ft::StepMetrics{0, 2, 1, inf, 0.1, 0.1, 0.5});
    w.on_event(ft::StepMetrics{0, 3, 1, nan, nan, 0.1, 0.5});
    w.flush();
    EXPECT_FALSE(w.failed()) << w.error();
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    const auto loss = store.metric_series(w.run_id(), 0, "loss");
    ASSERT_EQ(loss.values.size(), 3u);
    EXPECT_EQ(loss.values[0], 2.3);
    EXPECT_EQ(loss.values[1], inf);
    EXPECT_TRUE(std::isnan(loss.values[2]));
    EXPECT_EQ(store.get_run(w.run_id()).status, ft::RunStatus::Running);  // flushed, still open
    w.on_event(ft::RunFinished{ft::RunStatus::Failed, "loss is NaN", 1.0});
    w.close();
    const auto r = store.get_run(w.run_id());
    EXPECT_EQ(r.status, ft::RunStatus::Failed);
    EXPECT_EQ(r.message, "loss is NaN");
}

TEST(StoreWriter, ClosedWithoutAnEndTheRunIsInterruptedAndCanBeResumed) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.members = 1;
    spec.steps = 40;
    spec.finish = false;
    store_test::SimTruth first;
    int64_t run = 0;
    {
        StoreWriter w(path, new_run("resumable"));
        first = store_test::publish_sim_run(w, spec);  // updates 0, 1, 2
        run = w.run_id();
    }  // destroyed without RunFinished
    EXPECT_EQ(RunStore::open(path, StoreMode::ReadOnly).get_run(run).status, ft::RunStatus::Interrupted);

    // `freetickets resume`: a new writer on the same run. The trainer publishes its (random) initial mask again,
    // then restores the checkpoint and goes on.
    store_test::SimSpec more = spec;
    more.seed = 99;
    more.finish = true;
    store_test::SimTruth second;
    {
        StoreWriter w(path, run);
        EXPECT_EQ(RunStore::open(path, StoreMode::ReadOnly).get_run(run).status, ft::RunStatus::Running);
        second = store_test::publish_sim_run(w, more);  // updates 3, 4, 5 (3 is a fresh keyframe)
        w.close();
        EXPECT_FALSE(w.failed()) << w.error();
    }
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    EXPECT_EQ(store.get_run(run).status, ft::RunStatus::Finished);
    ASSERT_EQ(store.mask_update_count(run, 0), 6);
    for (int64_t k = 0; k < 6; ++k) {
        const auto& truth = k < 3 ? first.masks[0][size_t(k)] : second.masks[0][size_t(k - 3)];
        for (int64_t l = 0; l < 3; ++l) ASSERT_EQ(store.mask_at(run, 0, l, k).bits, truth[size_t(l)]) << k;
    }
    EXPECT_EQ(store.metric_series(run, 0, "loss").values.size(), 40u);  // replayed steps replace, never duplicate
    EXPECT_THROW(StoreWriter(path, int64_t{4242}), StoreError);
}

TEST(StoreWriter, BoundedQueueStoresEveryEvent) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    ft::StoreWriterOptions options;
    options.queue_capacity = 64;
    options.batch_events = 32;
    options.flush_interval = std::chrono::milliseconds(5);
    const int64_t steps = 20000;
    StoreWriter w(path, new_run("many"), options);
    double worst_wait = 0;
    for (int64_t s = 1; s <= steps; ++s) {
        const auto t0 = std::chrono::steady_clock::now();
        w.on_event(ft::StepMetrics{s % 3, s, 1, double(s), 0.5, 0.1, 0.5});
        worst_wait = std::max(worst_wait, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    w.close();
    EXPECT_FALSE(w.failed()) << w.error();
    EXPECT_EQ(w.events_written(), steps);
    std::printf("[ timing ] %lld step events through a 64-event queue: longest wait of the producer %.1f ms\n",
                static_cast<long long>(steps), worst_wait * 1000);
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    int64_t total = 0;
    for (int64_t m = 0; m < 3; ++m) total += int64_t(store.metric_series(w.run_id(), m, "loss").steps.size());
    EXPECT_EQ(total, steps);
    w.on_event(ft::StepMetrics{0, steps + 1, 1, 0, 0, 0, 0});  // after close: ignored, never blocks
    w.close();                                                 // idempotent
}

TEST(StoreWriter, MaskBytesInTheQueueAreBoundedToo) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    ft::StoreWriterOptions options;
    options.queue_mask_bytes = 1;  // each mask update waits until the queue is empty
    store_test::SimSpec spec;
    spec.steps = 100;
    spec.update_every = 5;
    store_test::SimTruth truth;
    int64_t run = 0;
    {
        StoreWriter w(path, new_run("big masks"), options);
        truth = store_test::publish_sim_run(w, spec);
        w.close();
        EXPECT_FALSE(w.failed()) << w.error();
        run = w.run_id();
    }
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    ASSERT_EQ(store.mask_update_count(run, 1), 21);
    EXPECT_EQ(store.mask_at(run, 1, 1, 20).bits, truth.masks[1][20][1]);
}

TEST(StoreWriter, ConcurrentReaderNeverSeesAHalfWrittenUpdate) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    store_test::SimSpec spec;
    spec.members = 2;
    spec.steps = 3000;
    spec.update_every = 25;  // 121 updates per member, 3 layers each
    spec.steps_per_epoch = 500;
    ft::StoreWriterOptions options;
    options.batch_events = 97;  // batches end at arbitrary events
    options.flush_interval = std::chrono::milliseconds(2);

    // The truth is generated up front (same seed), so the reader can check every mask it sees.
    store_test::SimTruth truth;
    {
        ft::EventRecorder recorder(true);
        truth = store_test::publish_sim_run(recorder, spec);
    }
    StoreWriter writer(path, new_run("live"), options);
    const int64_t run = writer.run_id();
    std::atomic<bool> done{false};
    std::atomic<int64_t> polls{0}, masks_checked{0}, mid_run_polls{0};
    std::string reader_error;
    std::thread reader([&] {
        try {
            auto store = RunStore::open(path, StoreMode::ReadOnly);  // its own connection
            int64_t seen_steps = 0;
            while (true) {
                const bool last_round = done.load();
                const auto runs = store.list_runs();
                if (runs.size() != 1)
                    throw std::runtime_error("list_runs saw " + std::to_string(runs.size()) + " runs");
                const auto series = store.metric_series(run, 0, "loss", 50);
                if (!series.steps.empty()) {
                    if (series.steps.back() < seen_steps) throw std::runtime_error("the series went back in time");
                    seen_steps = series.steps.back();
                }
                for (int64_t m = 0; m < 2; ++m) {
                    const auto updates = store.mask_updates(run, m);
                    for (const auto& u : updates)
                        if (u.layers.size() != 3)
                            throw std::runtime_error("update " + std::to_string(u.index) + " has " +
                                                     std::to_string(u.layers.size()) + " of 3 layers");
                    if (updates.empty()) continue;
                    const int64_t k = updates.back().index;
                    for (int64_t l = 0; l < 3; ++l)
                        if (store.mask_at(run, m, l, k).bits != truth.masks[size_t(m)][size_t(k)][size_t(l)])
                            throw std::runtime_error("mask of update " + std::to_string(k) + " differs");
                    masks_checked += 3;
                    if (m == 1 && k > 0 && k < 120) ++mid_run_polls;  // caught the run halfway
                }
                ++polls;
                if (last_round) break;
            }
        } catch (const std::exception& e) {
            reader_error = e.what();
        }
    });
    // Publish at a pace the reader can interleave with (a real run is far slower still).
    struct Paced : ft::EventSink {
        ft::EventSink& to;
        int64_t n = 0;
        explicit Paced(ft::EventSink& s) : to(s) {}
        void on_event(const ft::Event& e) override {
            to.on_event(e);
            if (++n % 200 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        bool wants_masks() const override { return to.wants_masks(); }
    } paced(writer);
    store_test::publish_sim_run(paced, spec);
    writer.close();
    done = true;
    reader.join();
    EXPECT_FALSE(writer.failed()) << writer.error();
    EXPECT_EQ(reader_error, "");
    EXPECT_GT(mid_run_polls.load(), 0) << "the reader never overlapped the writer";
    std::printf(
        "[ info ] the reader polled %lld times (%lld mid-run) and checked %lld masks while the run was "
        "written\n",
        static_cast<long long>(polls.load()), static_cast<long long>(mid_run_polls.load()),
        static_cast<long long>(masks_checked.load()));
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    EXPECT_EQ(store.get_run(run).status, ft::RunStatus::Finished);
    EXPECT_EQ(store.mask_update_count(run, 1), 121);
}

TEST(StoreWriter, FullDiskIsReportedAndTheFileStaysSound) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    { RunStore::open(path).create_run(new_run("an earlier run")); }
    const int64_t pages = RawDb(path, false).integer("PRAGMA page_count");
    ft::StoreWriterOptions options;
    options.batch_events = 100;
    options.queue_capacity = 200;
    options.max_page_count = pages + 40;  // about 160 KB more, then "disk full"
    StoreWriter w(path, new_run("filling"), options);
    const int64_t run = w.run_id();
    const auto t0 = std::chrono::steady_clock::now();
    int64_t published = 0;
    for (int64_t s = 1; s <= 100000 && !w.failed(); ++s, ++published)
        w.on_event(ft::StepMetrics{0, s, 1, 1.0 / double(s), 0.5, 0.1, 0.5});
    w.flush();
    ASSERT_TRUE(w.failed());
    const std::string error = w.error();
    EXPECT_EQ(error.rfind(path, 0), 0u) << error;  // names the file
    EXPECT_NE(error.find("disk is full"), std::string::npos) << error;
    w.on_event(ft::StepMetrics{0, 1, 1, 0, 0, 0, 0});  // refused at once, never blocks
    w.close();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_LT(seconds, 10.0);

    RawDb raw(path, false);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    auto store = RunStore::open(path, StoreMode::ReadOnly);
    ASSERT_EQ(store.list_runs().size(), 2u);
    const auto r = store.get_run(run);
    EXPECT_EQ(r.status, ft::RunStatus::Failed);
    EXPECT_NE(r.message.find("stopped recording"), std::string::npos) << r.message;
    // Whole batches only: every committed step has its four metrics, steps 1..N without a gap.
    const auto loss = store.metric_series(run, 0, "loss");
    ASSERT_GT(loss.steps.size(), 100u);
    EXPECT_LT(int64_t(loss.steps.size()), published);
    EXPECT_EQ(loss.steps.size() % 100, 0u);
    for (size_t i = 0; i < loss.steps.size(); ++i) ASSERT_EQ(loss.steps[i], int64_t(i) + 1);
    EXPECT_EQ(store.metric_series(run, 0, "prune_rate").steps.size(), loss.steps.size());
    EXPECT_EQ(r.last_step, int64_t(loss.steps.size()));
    std::printf("[ info ] disk full after %zu committed steps: %s\n", loss.steps.size(), error.c_str());
}

namespace {

// Publishes steps until `until` holds (at most `limit` seconds); the number published.
int64_t publish_steps_until(StoreWriter& w, int64_t first, const std::function<bool()>& until, double limit = 10) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit);
    int64_t s = first;
    while (!until() && std::chrono::steady_clock::now() < end) {
        w.on_event(ft::StepMetrics{0, s++, 1, 0.5, 0.5, 0.1, 0.5});
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return s - first;
}

}  // namespace

TEST(StoreWriter, ADeletedStoreIsNoticedAndSavedWithTheWholeRun) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    { RunStore::open(path).create_run(new_run("an earlier run")); }
    StoreWriter w(path, new_run("orphaned"));
    const int64_t run = w.run_id();
    const int64_t before = publish_steps_until(
        w, 1, [] { return false; }, 0.3);
    w.flush();
    // As `rm runs.ftdb*` would: the file and its WAL and shared-memory files.
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    const int64_t during = publish_steps_until(w, before + 1, [&] { return w.failed(); });
    ASSERT_TRUE(w.lost_file()) << "not noticed within 10 s";
    EXPECT_TRUE(w.failed());
    EXPECT_NE(w.error().find(path + ": the store file was deleted while run"), std::string::npos) << w.error();
    // Recording goes on (the run loop needs a step or two to stop): none of these steps is lost.
    for (int64_t s = before + during + 1; s <= before + during + 20; ++s)
        w.on_event(ft::StepMetrics{0, s, 1, 0.5, 0.5, 0.1, 0.5});
    w.on_event(ft::RunFinished{ft::RunStatus::Cancelled, "", 3.0});
    w.close();
    const std::string saved = path + ".recovered";
    EXPECT_EQ(w.recovered_path(), saved);
    EXPECT_NE(w.error().find("is saved in " + saved), std::string::npos) << w.error();
    EXPECT_FALSE(std::filesystem::exists(path));  // never written back over what the user removed
    RawDb raw(saved, false);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    auto store = RunStore::open(saved, StoreMode::ReadOnly);
    EXPECT_EQ(store.list_runs().size(), 2u);  // the earlier run too
    const auto loss = store.metric_series(run, 0, "loss");
    ASSERT_EQ(int64_t(loss.steps.size()), before + during + 20);
    for (size_t i = 0; i < loss.steps.size(); ++i) ASSERT_EQ(loss.steps[i], int64_t(i) + 1);
    EXPECT_EQ(store.get_run(run).status, ft::RunStatus::Cancelled);
}

TEST(StoreWriter, AReplacedStoreIsNoticedAndSavedBesideAnEarlierRescue) {
    TempDir dir;
    const std::string path = dir.file("runs.ftdb");
    StoreWriter w(path, new_run("replaced"));
    std::ofstream(path + ".recovered") << "an earlier rescue, kept";
    std::ofstream(dir.file("other")) << "not a store";
    std::filesystem::rename(dir.file("other"), path);
    publish_steps_until(w, 1, [&] { return w.failed(); });
    ASSERT_TRUE(w.lost_file());
    EXPECT_NE(w.error().find("was replaced by another file"), std::string::npos) << w.error();
    w.close();
    EXPECT_EQ(w.recovered_path(), path + ".recovered-2");
    EXPECT_EQ(RunStore::open(path + ".recovered-2", StoreMode::ReadOnly).list_runs().size(), 1u);
    std::ifstream kept(path + ".recovered");
    std::string text;
    std::getline(kept, text);
    EXPECT_EQ(text, "an earlier rescue, kept");
}
