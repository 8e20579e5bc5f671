// SPDX-License-Identifier: GPL-3.0-or-later
// The store's schema (schema.cpp): an older store is migrated forward in place.
#include <gtest/gtest.h>

#include "run_store_fixtures.h"

TEST(RunStore, MigratesAVersion1Store) {
    TempDir dir;
    const std::string path = dir.file("old.ftdb");
    ft::store_detail::create_store_at_version(path, 1);
    {
        RawDb raw(path, false);
        EXPECT_EQ(raw.integer("PRAGMA user_version"), 1);
        raw.exec("INSERT INTO runs(name, method, status, created) VALUES ('old run', 'dst', 'finished', 1700000000)");
    }
    const std::string before = store_test::file_bytes(path);
    EXPECT_THROW(RunStore::open(path, StoreMode::ReadOnly), StoreError);  // read-only never upgrades
    EXPECT_EQ(store_test::file_bytes(path), before);
    {
        auto store = RunStore::open(path);
        const auto runs = store.list_runs();
        ASSERT_EQ(runs.size(), 1u);
        EXPECT_EQ(runs[0].name, "old run");
        EXPECT_EQ(runs[0].color, "");
        EXPECT_FALSE(runs[0].starred);
        store.set_starred(runs[0].id, true);
    }
    RawDb raw(path, false);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), ft::kStoreSchemaVersion);
    EXPECT_EQ(raw.integer("PRAGMA application_id"), ft::kStoreApplicationId);
    EXPECT_EQ(raw.text("SELECT value FROM store_info WHERE key = 'upgraded_by'"), "FreeTickets Workbench " FT_VERSION);
    EXPECT_EQ(raw.integer("SELECT starred FROM runs"), 1);
}
