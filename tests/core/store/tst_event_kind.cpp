// SPDX-License-Identifier: GPL-3.0-or-later
// The store's event kinds (event_kind.h): each has one text form (the events table's kind column) that reads
// back to it, JSON holds that text, and an unknown text is an error naming it and the choices.
#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "ft/store/event_kind.h"

using namespace ft;

TEST(EventKind, EveryKindRoundTrips) {
    std::set<std::string> names;
    for (EventKind k :
         {EventKind::RunStarted, EventKind::Phase, EventKind::Lr, EventKind::MaskUpdate, EventKind::Ticket,
          EventKind::Evaluation, EventKind::Log, EventKind::Checkpoint, EventKind::Finished, EventKind::Pause,
          EventKind::Resume, EventKind::StepToMaskUpdate, EventKind::UserEdit}) {
        EXPECT_EQ(event_kind_from_string(to_string(k)), k);
        EXPECT_EQ(nlohmann::json(k), nlohmann::json(to_string(k)));
        names.insert(to_string(k));
    }
    EXPECT_EQ(names.size(), 13u);
    EXPECT_EQ(to_string(EventKind::MaskUpdate), "mask_update");
    EXPECT_EQ(to_string(EventKind::StepToMaskUpdate), "step_to_mask_update");
    EXPECT_TRUE(is_annotation(EventKind::Pause));
    EXPECT_FALSE(is_annotation(EventKind::Ticket));
}

TEST(EventKind, UnknownTextNamesItAndTheChoices) {
    try {
        event_kind_from_string("mask-update");
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("unknown event kind \"mask-update\""), std::string::npos) << what;
        EXPECT_NE(what.find("mask_update"), std::string::npos) << what;
    }
}
