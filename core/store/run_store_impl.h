// SPDX-License-Identifier: GPL-3.0-or-later
// Private parts of RunStore shared by its translation units (run_store.cpp, store_readers.cpp,
// store_transfer.cpp) and the writer.
#pragma once

#include <memory>
#include <string>

#include "ft/store/run_store.h"
#include "store/sqlite_db.h"

namespace ft {

struct RunStore::Impl {
    std::unique_ptr<store_detail::Db> db;
    StoreMode mode = StoreMode::ReadOnly;

    void require_writable() const;
    void require_run(int64_t run) const;  // throws StoreError "no run N"
    RunRecord load_run(int64_t run) const;
    void update_field(const char* sql, int64_t run, const std::string& value);
};

namespace store_detail {

// The columns of RunRecord, in the order read_run expects.
extern const char* const kRunColumns;
RunRecord read_run(const Stmt& s);  // without seeds and tags
// The status to show: interrupted for a run marked running whose writer is gone.
RunStatus reported_status(const RunRecord& r, double now);
// A column written with to_string, read back with `parse` (run_status_from_string, ...): an unknown name is a
// StoreError naming the file and the column.
template <typename Parse>
auto parse_column(const Stmt& s, int c, const char* column, Parse parse) {
    const std::string text = s.text(c);
    try {
        return parse(text);
    } catch (const std::invalid_argument& e) {
        s.db().fail(std::string(column) + ": " + e.what());
    }
}
std::string this_host();
// Software versions recorded with every run (freetickets, sqlite, zlib), plus `extra`.
nlohmann::json software_versions(const nlohmann::json& extra);
// Compact JSON text for the store (NaN and infinities become null).
std::string json_text(const nlohmann::json& j);
nlohmann::json parse_json_or_null(const std::string& text);

}  // namespace store_detail
}  // namespace ft
