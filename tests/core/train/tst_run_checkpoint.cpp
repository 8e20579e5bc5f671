// SPDX-License-Identifier: GPL-3.0-or-later
// The checkpoint folder's JSON files as versioned structs: they round-trip, and a file of another version, a
// missing field or a field of the wrong type is refused with an error naming the file, the field and the value.
#include <gtest/gtest.h>

#include <string>

#include "train/run_checkpoint.h"

using namespace ft;

namespace {

RunCheckpoint sample() {
    RunCheckpoint c;
    c.config = {{"method", "edst"}, {"train", {{"epochs", 18}}}};
    c.run = 1;
    c.stage = 1;
    c.trainer = {{"step", 420}, {"epoch", 3}};
    c.seconds = 12.5;
    c.tickets_done = {0, 2};
    c.ever_active = {0.25, 0.5};
    c.mask_updates = {{{200, 0.125, 0.75}, {400, 0.0625, 0.875}}, {}};
    return c;
}

// The message of the CheckpointFormatError `f` throws; fails the test if it throws nothing.
template <typename F>
std::string error_of(F f) {
    try {
        f();
    } catch (const CheckpointFormatError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no CheckpointFormatError";
    return "";
}

}  // namespace

TEST(RunCheckpoint, RoundTripsEveryField) {
    const RunCheckpoint c = sample();
    const RunCheckpoint back = RunCheckpoint::from_json(c.to_json(), "state.json");
    EXPECT_EQ(back.version, RunCheckpoint::kVersion);
    EXPECT_EQ(back.config, c.config);
    EXPECT_EQ(back.run, 1);
    EXPECT_EQ(back.stage, 1);
    EXPECT_EQ(back.trainer, c.trainer);
    EXPECT_EQ(back.seconds, 12.5);
    EXPECT_EQ(back.tickets_done, (std::vector<int64_t>{0, 2}));
    EXPECT_EQ(back.ever_active, c.ever_active);
    ASSERT_EQ(back.mask_updates.size(), 2u);
    ASSERT_EQ(back.mask_updates[0].size(), 2u);
    EXPECT_EQ(back.mask_updates[0][1].step, 400);
    EXPECT_EQ(back.mask_updates[0][1].hamming, 0.0625);
    EXPECT_EQ(back.mask_updates[0][1].jaccard, 0.875);
    EXPECT_TRUE(back.mask_updates[1].empty());
}

// The keys are the format-1 keys the hand-written code used, so a checkpoint written before the struct resumes.
TEST(RunCheckpoint, WritesTheFormat1Keys) {
    const auto j = sample().to_json();
    for (const char* key : {"format", "config", "run_member", "stage", "trainer", "seconds", "tickets_done",
                            "ever_active", "mask_updates"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j["format"], 1);
    EXPECT_EQ(j["run_member"], 1);
    EXPECT_EQ(j["mask_updates"][0][0], nlohmann::json({200, 0.125, 0.75}));
}

TEST(RunCheckpoint, RefusesAnotherVersionNamingFileFieldAndValue) {
    auto j = sample().to_json();
    j["format"] = 2;
    const std::string e = error_of([&] { RunCheckpoint::from_json(j, "/ckpt/state.json"); });
    EXPECT_NE(e.find("/ckpt/state.json"), std::string::npos) << e;
    EXPECT_NE(e.find("format = 2"), std::string::npos) << e;
    EXPECT_NE(e.find("expected 1"), std::string::npos) << e;
}

TEST(RunCheckpoint, RefusesMissingAndMistypedFields) {
    auto missing = sample().to_json();
    missing.erase("run_member");
    const std::string e1 = error_of([&] { RunCheckpoint::from_json(missing, "a/state.json"); });
    EXPECT_NE(e1.find("a/state.json: run_member is missing"), std::string::npos) << e1;

    auto no_version = sample().to_json();
    no_version.erase("format");
    EXPECT_NE(error_of([&] { RunCheckpoint::from_json(no_version, "s.json"); }).find("format is missing"),
              std::string::npos);

    auto mistyped = sample().to_json();
    mistyped["stage"] = "two";
    const std::string e2 = error_of([&] { RunCheckpoint::from_json(mistyped, "s.json"); });
    EXPECT_NE(e2.find("s.json: stage = \"two\": expected an integer >= 0"), std::string::npos) << e2;

    auto negative = sample().to_json();
    negative["run_member"] = -1;
    EXPECT_NE(error_of([&] { RunCheckpoint::from_json(negative, "s.json"); }).find("run_member = -1"),
              std::string::npos);

    auto bad_updates = sample().to_json();
    bad_updates["mask_updates"] = nlohmann::json::parse(R"([[["x"]]])");
    EXPECT_NE(error_of([&] { RunCheckpoint::from_json(bad_updates, "s.json"); }).find("mask_updates = "),
              std::string::npos);

    EXPECT_NE(error_of([&] { RunCheckpoint::from_json(nlohmann::json::array(), "s.json"); }).find("JSON object"),
              std::string::npos);
}

TEST(TrainingRecord, RoundTripsAndReadsOlderRecords) {
    TrainingRecord r;
    r.seconds = 3.5;
    r.step = 900;
    r.ever_active = {0.75};
    r.mask_updates = {{{100, 0.5, 0.25}}};
    const TrainingRecord back = TrainingRecord::from_json(r.to_json(), "training.json");
    EXPECT_EQ(back.seconds, 3.5);
    EXPECT_EQ(back.step, 900);
    EXPECT_EQ(back.ever_active, r.ever_active);
    ASSERT_EQ(back.mask_updates.size(), 1u);
    EXPECT_EQ(back.mask_updates[0][0].step, 100);
    // A record without a step (older folders read state.json instead) says so with -1.
    const TrainingRecord old = TrainingRecord::from_json({{"seconds", 2.0}}, "state.json");
    EXPECT_EQ(old.step, -1);
    EXPECT_EQ(old.seconds, 2.0);
    auto newer = r.to_json();
    newer["format"] = 7;
    EXPECT_NE(
        error_of([&] { TrainingRecord::from_json(newer, "x/training.json"); }).find("x/training.json: format = 7"),
        std::string::npos);
}

TEST(TicketMeta, RoundTrips) {
    const TicketMeta t{2, 17, 4242, 0.875, "best validation accuracy", 19};
    const TicketMeta back = TicketMeta::from_json(t.to_json(), "ticket-2.json");
    EXPECT_EQ(back.ticket, 2);
    EXPECT_EQ(back.epoch, 17);
    EXPECT_EQ(back.step, 4242);
    EXPECT_EQ(back.val_accuracy, 0.875);
    EXPECT_EQ(back.reason, "best validation accuracy");
    EXPECT_EQ(back.seed, 19);
    auto bad = t.to_json();
    bad["epoch"] = "x";
    EXPECT_NE(error_of([&] { TicketMeta::from_json(bad, "ticket-2.json"); }).find("ticket-2.json: epoch = \"x\""),
              std::string::npos);
}
