// SPDX-License-Identifier: GPL-3.0-or-later
// The SQLite wrapper (sqlite_db.cpp): statement caching under nested use.
#include <gtest/gtest.h>

#include "run_store_fixtures.h"

TEST(RunStore, NestedUseOfOneStatementDoesNotResetTheOuterOne) {
    TempDir dir;
    auto db = ft::store_detail::open_store_db(dir.file("runs.ftdb"), StoreMode::ReadWrite);
    db->exec_script("CREATE TEMP TABLE n(x); INSERT INTO n VALUES (1), (2), (3);");
    const std::string sql = "SELECT x FROM n ORDER BY x";
    std::vector<int64_t> outer, inner;
    auto a = db->prepare(sql);
    while (a.step()) {
        outer.push_back(a.int64(0));
        auto b = db->prepare(sql);  // the same SQL while `a` is mid-iteration
        while (b.step()) inner.push_back(b.int64(0));
    }
    EXPECT_EQ(outer, (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(inner.size(), 9u);
}
