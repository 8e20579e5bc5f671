// SPDX-License-Identifier: GPL-3.0-or-later
// Every shipped preset is a valid config, and the ones the issue names exist.
#include <gtest/gtest.h>

#include "ft/config/config_json.h"
#include "ft/config/presets.h"

using namespace ft;

TEST(Presets, RequiredPresetsExist) {
    for (const char* name :
         {"fashion-edst", "fashion-dst-ensemble", "fashion-dense", "fashion-deep-ensemble", "spirals-teach",
          "cifar10-wrn28-10-edst", "cifar10-wrn28-10-dst", "cifar10-wrn28-10-dense"})
        EXPECT_TRUE(has_preset(name)) << name;
    EXPECT_TRUE(has_preset(default_preset()));
}

TEST(Presets, EveryPresetValidatesAndNamesItself) {
    for (const auto& name : preset_names()) {
        std::vector<std::string> warnings;
        RunConfig c;
        EXPECT_NO_THROW(c = config_from_json(preset_json(name), name, &warnings)) << name;
        EXPECT_EQ(c.name, name);
        EXPECT_FALSE(c.description.empty()) << name;
    }
}

TEST(Presets, MethodsMatchTheirNames) {
    EXPECT_EQ(config_from_json(preset_json("fashion-edst"), "").method, Method::Edst);
    EXPECT_EQ(config_from_json(preset_json("fashion-dst-ensemble"), "").method, Method::DstEnsemble);
    EXPECT_EQ(config_from_json(preset_json("fashion-dense"), "").method, Method::Dense);
    EXPECT_EQ(config_from_json(preset_json("fashion-deep-ensemble"), "").method, Method::DeepEnsemble);
    const auto paper = config_from_json(preset_json("cifar10-wrn28-10-edst"), "");
    EXPECT_EQ(paper.train.epochs, 450);
    EXPECT_EQ(paper.edst.explore_epochs, 150);
    EXPECT_EQ(paper.ensemble.members, 3);
}

TEST(Presets, UnknownPresetListsTheKnownOnes) {
    try {
        preset_json("nope");
        FAIL();
    } catch (const ConfigException& e) {
        EXPECT_NE(std::string(e.what()).find("fashion-edst"), std::string::npos);
    }
}
