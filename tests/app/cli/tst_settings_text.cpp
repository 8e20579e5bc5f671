// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets settings` (app/cli/settings_text.cpp): every key of the config schema, its default and valid
// values, and the one-per-line forms the bash completion reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ft/config/config_schema.h"
#include "settings_text.h"

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(SettingsText, KeysAreTheSchemaKeysInOrder) {
    const auto keys = lines(ft::cli::settings_keys());
    const auto& schema = ft::config_schema();
    ASSERT_EQ(keys.size(), schema.size());
    for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(keys[i], schema[i].key);
    EXPECT_NE(std::find(keys.begin(), keys.end(), "sparse.density"), keys.end());
}

TEST(SettingsText, TableHasOneAlignedRowPerKeyWithDefaultAndRange) {
    const auto rows = lines(ft::cli::settings_table());
    ASSERT_EQ(rows.size(), ft::config_schema().size() + 2);  // header and the closing hint
    const size_t type_column = rows[0].find("type");
    bool density = false, growth = false;
    for (size_t i = 1; i + 1 < rows.size(); ++i) {
        const auto& key = ft::config_schema()[i - 1].key;
        EXPECT_EQ(rows[i].rfind(key, 0), 0u) << rows[i];
        EXPECT_NE(rows[i][type_column], ' ') << "type not aligned in: " << rows[i];
        if (key == "sparse.density") {
            density = true;
            EXPECT_NE(rows[i].find("(0, 1]"), std::string::npos) << rows[i];
        }
        if (key == "sparse.growth") {
            growth = true;
            EXPECT_NE(rows[i].find("one of {gradient, random, momentum}"), std::string::npos) << rows[i];
        }
    }
    EXPECT_TRUE(density && growth);
}

TEST(SettingsText, ChoicesOfAKey) {
    EXPECT_EQ(ft::cli::setting_choices("sparse.growth"), "gradient\nrandom\nmomentum\n");
    EXPECT_EQ(ft::cli::setting_choices("eval.true_bins"), "true\nfalse\n");
    EXPECT_EQ(ft::cli::setting_choices("train.lr"), "");  // a free number
    const auto models = lines(ft::cli::setting_choices("model.name"));
    EXPECT_NE(std::find(models.begin(), models.end(), "lenet5"), models.end());
}

TEST(SettingsText, UnknownKeyNamesItAndWhereToLook) {
    try {
        ft::cli::setting_choices("sparse.densty");
        FAIL() << "no error for an unknown key";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("sparse.densty"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("freetickets settings"), std::string::npos) << e.what();
    }
}

}  // namespace
