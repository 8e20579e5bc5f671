// SPDX-License-Identifier: GPL-3.0-or-later
// The run's typed states (run_status.h, phase.h, eval_split.h): every value has one text form that reads back to
// it, JSON holds that text (never the enum's number), and an unknown text is an error naming it and the choices.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "ft/train/eval_split.h"
#include "ft/train/phase.h"
#include "ft/train/run_status.h"

using namespace ft;

namespace {

template <typename F>
std::string error_of(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    ADD_FAILURE() << "no std::invalid_argument";
    return "";
}

}  // namespace

TEST(RunStatus, EveryStatusRoundTrips) {
    std::set<std::string> names;
    for (RunStatus s :
         {RunStatus::Running, RunStatus::Finished, RunStatus::Cancelled, RunStatus::Failed, RunStatus::Interrupted}) {
        EXPECT_EQ(run_status_from_string(to_string(s)), s);
        names.insert(to_string(s));
        EXPECT_EQ(nlohmann::json(s), nlohmann::json(to_string(s)));
        EXPECT_EQ(nlohmann::json(to_string(s)).get<RunStatus>(), s);
    }
    EXPECT_EQ(names, (std::set<std::string>{"running", "finished", "cancelled", "failed", "interrupted"}));
    EXPECT_TRUE(is_final(RunStatus::Interrupted));
    EXPECT_FALSE(is_final(RunStatus::Running));
    EXPECT_TRUE(is_resumable(RunStatus::Cancelled));
    EXPECT_FALSE(is_resumable(RunStatus::Finished));
}

TEST(RunStatus, UnknownTextNamesItAndTheChoices) {
    const std::string e = error_of([] { run_status_from_string("finshed"); });
    EXPECT_EQ(e, "unknown run status \"finshed\"; expected one of {running, finished, cancelled, failed, interrupted}");
    EXPECT_THROW(run_status_from_string("Finished"), std::invalid_argument);  // names are exact
    EXPECT_THROW(nlohmann::json(3).get<RunStatus>(), nlohmann::json::exception);
}

TEST(Phase, EveryPhaseRoundTrips) {
    for (Phase p : {Phase::Training, Phase::Exploration, Phase::Refinement, Phase::Pretraining, Phase::Finetuning}) {
        EXPECT_EQ(phase_from_string(to_string(p)), p);
        EXPECT_EQ(nlohmann::json(p).get<std::string>(), to_string(p));
    }
    EXPECT_EQ(to_string(Phase::Refinement), "refinement");
    EXPECT_NE(error_of([] { phase_from_string("warmup"); }).find("unknown phase \"warmup\"; expected one of {training"),
              std::string::npos);
}

TEST(EvalSplit, EveryFormRoundTrips) {
    const std::vector<std::pair<EvalSplit, std::string>> cases = {
        {EvalSplit::test(), "test"},
        {EvalSplit::corrupted_pooled(), "corrupted"},
        {EvalSplit::corrupted("gaussian_noise", 3), "corrupted/gaussian_noise/3"},
        {EvalSplit::ood("mnist"), "ood/mnist"},
        {EvalSplit::live(true), "val"},
        {EvalSplit::live(true, 2), "val/ticket-2"},
        {EvalSplit::live(false), "test-live"},
        {EvalSplit::live(false, 0), "test-live/ticket-0"},
    };
    for (const auto& [split, text] : cases) {
        EXPECT_EQ(to_string(split), text);
        EXPECT_EQ(eval_split_from_string(text), split) << text;
        EXPECT_EQ(nlohmann::json(split), nlohmann::json(text));
        EXPECT_EQ(nlohmann::json(text).get<EvalSplit>(), split);
    }
    EXPECT_EQ(eval_split_from_string("corrupted/contrast/5").severity, 5);
    EXPECT_EQ(eval_split_from_string("val/ticket-12").ticket, 12);
    EXPECT_EQ(eval_split_from_string("ood/my/set").set, "my/set");  // a set's name may hold '/'
    EXPECT_TRUE(EvalSplit::live(false, 1).is_live());
    EXPECT_FALSE(EvalSplit::test().is_live());
}

TEST(EvalSplit, UnknownFormsAreErrorsListingTheForms) {
    for (const char* bad :
         {"", "train", "corrupted/", "corrupted/contrast", "corrupted/contrast/0", "corrupted/contrast/x",
          "corrupted//3", "ood/", "val/ticket-", "val/ticket-x", "val/3", "test/ticket-1"}) {
        const std::string e = error_of([bad] { eval_split_from_string(bad); });
        EXPECT_NE(e.find("unknown evaluation split \"" + std::string(bad) + "\""), std::string::npos) << e;
        EXPECT_NE(e.find("corrupted/<type>/<severity>"), std::string::npos) << e;
    }
}
