// SPDX-License-Identifier: GPL-3.0-or-later
// The config schema lists every field the JSON writer writes, with the right type, default and allowed values, and
// states each range in validate()'s own words.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "ft/config/config_json.h"
#include "ft/config/config_schema.h"
#include "ft/config/validation.h"

using namespace ft;
using nlohmann::json;

namespace {

void collect_leaves(const json& node, const std::string& prefix, std::set<std::string>& out) {
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_object())
            collect_leaves(*it, key, out);
        else
            out.insert(key);
    }
}

}  // namespace

TEST(ConfigSchema, ListsExactlyTheFieldsOfAConfig) {
    std::set<std::string> leaves;
    collect_leaves(config_to_json(RunConfig{}), "", leaves);
    std::set<std::string> keys;
    for (const auto& f : config_schema()) EXPECT_TRUE(keys.insert(f.key).second) << "duplicate " << f.key;
    EXPECT_EQ(keys, leaves);
}

TEST(ConfigSchema, DefaultsAreThoseOfTheWriter) {
    const json defaults = config_to_json(RunConfig{});
    for (const auto& f : config_schema()) {
        const json* d = json_at(defaults, f.key);
        ASSERT_NE(d, nullptr) << f.key;
        EXPECT_EQ(f.default_value, *d) << f.key;
    }
    EXPECT_EQ(find_field_schema("sparse.density")->default_value, json(RunConfig{}.sparse.density));
}

TEST(ConfigSchema, TypesAndSections) {
    EXPECT_EQ(find_field_schema("sparse.density")->type, FieldType::Number);
    EXPECT_EQ(find_field_schema("sparse.density")->section, "sparse");
    EXPECT_EQ(find_field_schema("sparse.update_frequency")->type, FieldType::Integer);
    EXPECT_EQ(find_field_schema("sparse.exact_count")->type, FieldType::Bool);
    EXPECT_EQ(find_field_schema("ensemble.seeds")->type, FieldType::IntegerList);
    EXPECT_EQ(find_field_schema("train.milestones")->type, FieldType::NumberList);
    EXPECT_EQ(find_field_schema("device")->type, FieldType::String);
    EXPECT_EQ(find_field_schema("device")->section, "");
    EXPECT_EQ(find_field_schema("method")->type, FieldType::Choice);
    EXPECT_EQ(find_field_schema("no.such.key"), nullptr);
}

TEST(ConfigSchema, ChoicesAreTheNamesTheReaderAccepts) {
    const auto* method = find_field_schema("method");
    ASSERT_NE(method, nullptr);
    EXPECT_TRUE(method->closed_choices);
    EXPECT_EQ(method->choices, (std::vector<std::string>{"dense", "deep-ensemble", "static", "static-ensemble", "dst",
                                                         "dst-ensemble", "edst", "pf-ensemble"}));
    // Each choice of each enum field is read back by config_from_json.
    for (const auto& f : config_schema()) {
        if (f.type != FieldType::Choice) continue;
        EXPECT_FALSE(f.choices.empty()) << f.key;
        for (const auto& c : f.choices) {
            json j = json::object();
            set_json_at(j, f.key, c);
            // The one choice that needs another setting with it (validation.cpp says why).
            if (f.key == "sparse.execution" && c == "sparse") set_json_at(j, "sparse.mask_momentum", true);
            EXPECT_NO_THROW(config_from_json(j, "test")) << f.key << " = " << c;
        }
    }
    const auto* model = find_field_schema("model.name");
    EXPECT_TRUE(model->closed_choices);
    EXPECT_EQ(model->choices.size(), model_specs().size());
    EXPECT_FALSE(find_field_schema("device")->closed_choices);
}

TEST(ConfigSchema, RangesAreValidationsOwnText) {
    EXPECT_EQ(find_field_schema("sparse.density")->range, "a number in (0, 1]");
    EXPECT_EQ(find_field_schema("sparse.update_frequency")->range, "an integer >= 1");
    EXPECT_EQ(find_field_schema("train.momentum")->range, "a number in [0, 1)");
    EXPECT_EQ(find_field_schema("ensemble.seeds")->range, "at least one integer seed");
    EXPECT_EQ(find_field_schema("train.milestones")->range, "increasing fractions in (0, 1)");
    EXPECT_EQ(find_field_schema("device")->range, "one of {auto, cpu, cuda, cuda:N}");
    EXPECT_EQ(find_field_schema("sparse.growth")->range, "one of {gradient, random, momentum}");
    EXPECT_TRUE(find_field_schema("sparse.exact_count")->range.empty());
    // A range that depends on another field follows it.
    RunConfig c;
    c.train.epochs = 40;
    EXPECT_NE(field_range("edst.explore_epochs", c).find("[1, 40)"), std::string::npos)
        << field_range("edst.explore_epochs", c);
}

TEST(ConfigSchema, JsonAtAndSetJsonAt) {
    json j = json::object();
    set_json_at(j, "sparse.density", 0.3);
    set_json_at(j, "threads", 2);
    ASSERT_NE(json_at(j, "sparse.density"), nullptr);
    EXPECT_EQ(*json_at(j, "sparse.density"), 0.3);
    EXPECT_EQ(*json_at(j, "threads"), 2);
    EXPECT_EQ(json_at(j, "sparse.growth"), nullptr);
    EXPECT_EQ(json_at(j, "threads.x"), nullptr);
}
