// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a run store file safely, its schema and the forward migrations between schema versions.
#pragma once

#include <memory>
#include <string>

#include "ft/store/run_store.h"
#include "store/sqlite_db.h"

namespace ft::store_detail {

// Opens `path` as a run store. Before anything is written it checks that the file is an SQLite database
// (magic bytes), that its application_id is ours (or that it is a new, empty database) and that its schema is
// not newer than kStoreSchemaVersion. ReadWrite then sets WAL and foreign keys and applies missing migrations
// in one transaction; ReadOnly never writes (SQLITE_OPEN_READONLY, query_only) and needs the current schema.
std::unique_ptr<Db> open_store_db(const std::string& path, StoreMode mode);

// Test hook: creates a new store file at an older schema version (1 .. kStoreSchemaVersion).
void create_store_at_version(const std::string& path, int version);

// The SQL that brings schema version v - 1 to v (v = 1: the initial schema).
const std::string& migration_sql(int version);

}  // namespace ft::store_detail
