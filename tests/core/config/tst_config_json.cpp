// SPDX-License-Identifier: GPL-3.0-or-later
// Config JSON: round trip, unknown keys, wrong types, overrides; every error names field, value and expectation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ft/config/config_json.h"

using namespace ft;
using nlohmann::json;

namespace {
// The single error of a config that must fail, or a test failure.
ConfigError single_error(const json& j) {
    try {
        config_from_json(j, "test.json");
    } catch (const ConfigException& e) {
        EXPECT_EQ(e.errors().size(), 1u) << e.what();
        EXPECT_NE(std::string(e.what()).find("test.json"), std::string::npos) << "the message names the source";
        return e.errors().front();
    }
    ADD_FAILURE() << "config was accepted: " << j.dump();
    return {};
}
}  // namespace

TEST(ConfigJson, EmptyObjectGivesFaithfulDefaults) {
    const RunConfig c = config_from_json(json::object(), "defaults");
    EXPECT_EQ(c.method, Method::Edst);
    EXPECT_DOUBLE_EQ(c.sparse.density, 0.2);
    EXPECT_EQ(c.sparse.init, SparseInit::Erk);
    EXPECT_EQ(c.sparse.update_frequency, 1000);
    EXPECT_DOUBLE_EQ(c.sparse.prune_rate, 0.5);
    EXPECT_EQ(c.sparse.growth, Growth::Gradient);
    EXPECT_DOUBLE_EQ(c.edst.exploration_rate, 0.8);
    EXPECT_TRUE(c.sparse.reset_regrown);
    EXPECT_FALSE(c.sparse.mask_momentum);
    EXPECT_TRUE(c.sparse.update_dense_layers);
    EXPECT_EQ(c.ensemble.seeds, (std::vector<int64_t>{18, 19, 20}));
}

TEST(ConfigJson, RoundTripKeepsEveryField) {
    RunConfig c;
    c.name = "täst \"quoted\"";
    c.method = Method::DstEnsemble;
    c.sparse.density = 0.05;
    c.sparse.init = SparseInit::Uniform;
    c.sparse.growth = Growth::Random;
    c.sparse.prune_schedule = PruneSchedule::Cosine;
    c.train.milestones = {0.3, 0.6, 0.9};
    c.model.name = "mlp";
    c.model.hidden = {8, 4};
    c.data.name = "spirals";
    const json j = config_to_json(c);
    const RunConfig back = config_from_json(j, "roundtrip");
    EXPECT_EQ(config_to_json(back), j);
    EXPECT_EQ(back.name, c.name);
    EXPECT_EQ(j["sparse"]["init"], "uniform");
    EXPECT_EQ(j["method"], "dst-ensemble");
    EXPECT_EQ(config_hash(back), config_hash(c));
}

TEST(ConfigJson, UnknownKeyIsAnErrorNamingIt) {
    const auto e = single_error({{"sparse", {{"densty", 0.1}}}});
    EXPECT_EQ(e.field, "sparse.densty");
    EXPECT_NE(e.expected.find("unknown"), std::string::npos);
}

TEST(ConfigJson, UnknownTopLevelSectionIsAnError) {
    EXPECT_EQ(single_error({{"optimizer", {{"lr", 0.1}}}}).field, "optimizer");
}

TEST(ConfigJson, WrongTypesAreErrors) {
    EXPECT_EQ(single_error({{"sparse", {{"density", "high"}}}}).field, "sparse.density");
    const auto e = single_error({{"sparse", {{"update_frequency", 10.5}}}});
    EXPECT_EQ(e.field, "sparse.update_frequency");
    EXPECT_EQ(e.value, "10.5");
    EXPECT_EQ(e.expected, "an integer");
    EXPECT_EQ(single_error({{"sparse", {{"exact_count", 1}}}}).field, "sparse.exact_count");
    EXPECT_EQ(single_error({{"sparse", 3}}).field, "sparse");
}

TEST(ConfigJson, UnknownEnumValuesListTheChoices) {
    const auto e = single_error({{"sparse", {{"growth", "magic"}}}});
    EXPECT_EQ(e.field, "sparse.growth");
    EXPECT_EQ(e.value, "\"magic\"");
    EXPECT_EQ(e.expected, "one of {gradient, random, momentum}");
    EXPECT_EQ(single_error({{"method", "lottery"}}).field, "method");
    EXPECT_EQ(single_error({{"sparse", {{"init", "SNIP"}}}}).field, "sparse.init");
    EXPECT_EQ(single_error({{"sparse", {{"prune_schedule", "linear"}}}}).field, "sparse.prune_schedule");
}

TEST(ConfigJson, SeveralErrorsAreReportedTogether) {
    try {
        config_from_json({{"sparse", {{"density", 2.0}, {"prune_rate", -1.0}}}}, "x.json");
        FAIL();
    } catch (const ConfigException& e) {
        EXPECT_EQ(e.errors().size(), 2u);
    }
}

TEST(ConfigOverride, SetsNumbersStringsAndLists) {
    json j = json::object();
    apply_override(j, "sparse.density=0.1");
    apply_override(j, "sparse.growth=random");
    apply_override(j, "ensemble.seeds=[1,2,3]");
    apply_override(j, "name=my run");
    const RunConfig c = config_from_json(j, "--set");
    EXPECT_DOUBLE_EQ(c.sparse.density, 0.1);
    EXPECT_EQ(c.sparse.growth, Growth::Random);
    EXPECT_EQ(c.ensemble.seeds, (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(c.name, "my run");
}

TEST(ConfigOverride, ListsMayBeCommaSeparatedAsTheFormWritesThem) {
    json j = json::object();
    apply_override(j, "model.name=mlp");
    apply_override(j, "model.hidden=2000,2000");
    apply_override(j, "train.milestones=0.5, 0.75");
    apply_override(j, "ensemble.seeds=[4,5]");
    const RunConfig c = config_from_json(j, "--set");
    EXPECT_EQ(c.model.hidden, (std::vector<int64_t>{2000, 2000}));
    EXPECT_EQ(c.train.milestones, (std::vector<double>{0.5, 0.75}));
    EXPECT_EQ(c.ensemble.seeds, (std::vector<int64_t>{4, 5}));
    // Anything else in a list field is refused with the field, the value and what was expected; nothing clamped.
    json bad = json::object();
    apply_override(bad, "model.name=mlp");
    apply_override(bad, "model.hidden=2000,abc");
    try {
        (void)config_from_json(bad, "--set");
        FAIL() << "a list with a word in it was accepted";
    } catch (const ConfigException& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("model.hidden"), std::string::npos) << what;
        EXPECT_NE(what.find("2000,abc"), std::string::npos) << what;
        EXPECT_NE(what.find("a list of integers"), std::string::npos) << what;
    }
    json fraction = json::object();
    apply_override(fraction, "model.name=mlp");
    apply_override(fraction, "model.hidden=20.5,3");
    try {
        (void)config_from_json(fraction, "--set");
        FAIL() << "a width of 20.5 was accepted";
    } catch (const ConfigException& e) {
        EXPECT_NE(std::string(e.what()).find("a list of integers"), std::string::npos) << e.what();
    }
}

TEST(ConfigOverride, UnknownKeyAndMissingValueAreErrors) {
    json j = json::object();
    EXPECT_THROW(apply_override(j, "sparse.dens=0.1"), ConfigException);
    EXPECT_THROW(apply_override(j, "sparse.density"), ConfigException);
    EXPECT_THROW(apply_override(j, "=3"), ConfigException);
}

// Found by fuzz_config: a --set value that is not JSON is kept as a string of the shell's bytes; invalid UTF-8 in
// it made the error message itself throw (nlohmann's type_error) instead of naming the setting.
TEST(ConfigOverride, AValueWithInvalidUtf8IsAConfigErrorNamingTheSetting) {
    json j = json::object();
    apply_override(j, "model.hidden=[8,8]\xbf");
    try {
        config_from_json(j, "--set");
        FAIL() << "a list setting given a string was accepted";
    } catch (const ConfigException& e) {
        ASSERT_EQ(e.errors().size(), 1u);
        EXPECT_EQ(e.errors()[0].field, "model.hidden");
        EXPECT_EQ(e.errors()[0].value, "\"[8,8]\xef\xbf\xbd\"");  // the bad byte shown as U+FFFD
    }
}

// Found by fuzz_config: `--set sparse.density=0.1` on a config whose "sparse" is not an object threw nlohmann's
// type_error ("cannot use operator[] with a string argument") instead of naming the section.
TEST(ConfigOverride, ASectionThatIsNotAnObjectIsAConfigErrorNamingIt) {
    json j = json::parse(R"({"sparse": "dst"})");
    try {
        apply_override(j, "sparse.density=0.1");
        FAIL() << "a setting was put into a string";
    } catch (const ConfigException& e) {
        ASSERT_EQ(e.errors().size(), 1u);
        EXPECT_EQ(e.errors()[0].field, "sparse");
        EXPECT_EQ(e.errors()[0].value, "\"dst\"");
        EXPECT_NE(e.errors()[0].expected.find("sparse.density"), std::string::npos);
    }
    json top = json::array();
    EXPECT_THROW(apply_override(top, "sparse.density=0.1"), ConfigException);
}

// Found by fuzz_config: a number beyond double (1e999) is nlohmann's out_of_range, not a parse_error, and escaped
// both the file reader and --set with nlohmann's own message.
TEST(ConfigOverride, ANumberBeyondDoubleIsAConfigErrorNotAJsonException) {
    json j = json::object();
    apply_override(j, "train.lr=1e999");
    try {
        config_from_json(j, "--set");
        FAIL() << "1e999 was accepted as a learning rate";
    } catch (const ConfigException& e) {
        ASSERT_EQ(e.errors().size(), 1u);
        EXPECT_EQ(e.errors()[0].field, "train.lr");
    }
    const auto path = (std::filesystem::temp_directory_path() / "ft_config_huge_number.json").string();
    std::ofstream(path) << R"({"train": {"lr": 1e999}})";
    try {
        read_json_file(path);
        FAIL();
    } catch (const ConfigException& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    }
    std::filesystem::remove(path);
}

TEST(ConfigFile, MissingFileAndBadSyntaxNameTheFile) {
    const auto dir = std::filesystem::temp_directory_path() / "ft_config_test";
    std::filesystem::create_directories(dir);
    const auto bad = (dir / "bad.json").string();
    std::ofstream(bad) << "{\"sparse\": {\"density\": 0.2,}";
    try {
        read_json_file(bad);
        FAIL();
    } catch (const ConfigException& e) {
        EXPECT_NE(std::string(e.what()).find(bad), std::string::npos);
    }
    const auto missing = (dir / "missing.json").string();
    try {
        read_json_file(missing);
        FAIL();
    } catch (const ConfigException& e) {
        EXPECT_NE(std::string(e.what()).find(missing), std::string::npos);
    }
}

TEST(ConfigJson, MethodNamesRoundTripAndUnknownOnesAreErrors) {
    for (Method m : {Method::Dense, Method::DeepEnsemble, Method::Static, Method::StaticEnsemble, Method::Dst,
                     Method::DstEnsemble, Method::Edst, Method::PfEnsemble}) {
        EXPECT_EQ(method_from_string(to_string(m)), m);
        EXPECT_EQ(nlohmann::json(m), nlohmann::json(to_string(m)));  // JSON holds the name, never the number
        EXPECT_EQ(nlohmann::json(to_string(m)).get<Method>(), m);
    }
    EXPECT_EQ(to_string(Method::StaticEnsemble), "static-ensemble");
    try {
        method_from_string("edts");
        FAIL() << "no error";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("unknown method \"edts\"; expected one of {dense, deep-ensemble"),
                  std::string::npos)
            << e.what();
    }
    // The config reader names the field.
    try {
        config_from_json({{"method", "edts"}}, "x.json");
        FAIL() << "no error";
    } catch (const ConfigException& e) {
        EXPECT_NE(std::string(e.what()).find("method = \"edts\": expected one of {dense"), std::string::npos)
            << e.what();
    }
}
