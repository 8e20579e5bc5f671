// SPDX-License-Identifier: GPL-3.0-or-later
// SQLite helpers of the run store (see sqlite_db.h).
#include "store/sqlite_db.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace ft {

StoreError::StoreError(std::string path, const std::string& message)
    : std::runtime_error(path + ": " + message), path_(std::move(path)) {}

namespace store_detail {

double unix_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

std::string describe_sqlite_error(int rc) {
    switch (rc & 0xff) {
        case SQLITE_FULL: return "the disk is full (or the store reached its size limit)";
        case SQLITE_READONLY: return "the file is read-only";
        case SQLITE_NOTADB: return "not a FreeTickets run store (not an SQLite database)";
        case SQLITE_CORRUPT: return "the file is damaged";
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return "the store stayed locked by another writer for too long";
        case SQLITE_CANTOPEN: return "cannot open the file";
        case SQLITE_IOERR: return "input/output error";
        case SQLITE_PERM: return "permission denied";
        case SQLITE_NOMEM: return "out of memory";
        case SQLITE_CONSTRAINT: return "the data breaks a store constraint";
        default: return sqlite3_errstr(rc);
    }
}

Stmt::~Stmt() {
    if (stmt_) db_->give_back(stmt_, owned_);
}

Stmt& Stmt::bind(int i, int64_t v) {
    if (int rc = sqlite3_bind_int64(stmt_, i, v); rc != SQLITE_OK) db_->fail(rc, "binding a value");
    return *this;
}

Stmt& Stmt::bind(int i, double v) {
    const int rc = std::isnan(v) ? sqlite3_bind_null(stmt_, i) : sqlite3_bind_double(stmt_, i, v);
    if (rc != SQLITE_OK) db_->fail(rc, "binding a value");
    return *this;
}

Stmt& Stmt::bind(int i, const std::string& v) {
    if (int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8); rc != SQLITE_OK)
        db_->fail(rc, "binding a value");
    return *this;
}

Stmt& Stmt::bind_null(int i) {
    if (int rc = sqlite3_bind_null(stmt_, i); rc != SQLITE_OK) db_->fail(rc, "binding a value");
    return *this;
}

Stmt& Stmt::bind_blob(int i, const void* data, size_t size) {
    // A zero-length blob is still a blob (not NULL): SQLite needs a non-null pointer for that.
    static const char empty = 0;
    if (int rc = sqlite3_bind_blob64(stmt_, i, size ? data : &empty, size, SQLITE_TRANSIENT); rc != SQLITE_OK)
        db_->fail(rc, "binding a value");
    return *this;
}

Stmt& Stmt::bind_value(int i, const sqlite3_value* v) {
    if (int rc = sqlite3_bind_value(stmt_, i, v); rc != SQLITE_OK) db_->fail(rc, "binding a value");
    return *this;
}

bool Stmt::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string sql = sqlite3_sql(stmt_) ? sqlite3_sql(stmt_) : "";
    sqlite3_reset(stmt_);
    db_->fail(rc, "running \"" + sql.substr(0, 60) + (sql.size() > 60 ? "...\"" : "\""));
}

void Stmt::run() {
    while (step()) {}
}

void Stmt::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

double Stmt::real(int c) const {
    return is_null(c) ? std::numeric_limits<double>::quiet_NaN() : sqlite3_column_double(stmt_, c);
}

std::string Stmt::text(int c) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
    return p ? std::string(p, size_t(sqlite3_column_bytes(stmt_, c))) : std::string();
}

std::pair<const uint8_t*, size_t> Stmt::blob(int c) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, c));
    return {p, size_t(sqlite3_column_bytes(stmt_, c))};
}

Db::Db(sqlite3* handle, std::string path, bool read_only)
    : handle_(handle), path_(std::move(path)), read_only_(read_only) {}

Db::~Db() {
    for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
    sqlite3_close_v2(handle_);
}

Stmt Db::prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end() && !it->second.borrowed) {
        it->second.borrowed = true;
        borrowed_[it->second.stmt] = &it->second;
        return Stmt(*this, it->second.stmt, false);
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(handle_, sql.c_str(), int(sql.size() + 1), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(rc, "preparing \"" + sql.substr(0, 60) + "\"");
    if (!stmt) fail("empty SQL statement");
    if (it != cache_.end()) return Stmt(*this, stmt, true);  // the cached one is in use: a private one
    Cached& cached = cache_[sql];
    cached.stmt = stmt;
    cached.borrowed = true;
    borrowed_[stmt] = &cached;
    return Stmt(*this, stmt, false);
}

void Db::give_back(sqlite3_stmt* stmt, bool owned) {
    if (owned) {
        sqlite3_finalize(stmt);
        return;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (auto it = borrowed_.find(stmt); it != borrowed_.end()) {
        it->second->borrowed = false;
        borrowed_.erase(it);
    }
}

void Db::exec_script(const std::string& sql) {
    const char* tail = sql.c_str();
    while (*tail) {
        sqlite3_stmt* stmt = nullptr;
        const char* next = nullptr;
        int rc = sqlite3_prepare_v2(handle_, tail, -1, &stmt, &next);
        if (rc != SQLITE_OK) fail(rc, "preparing the schema");
        tail = next;
        if (!stmt) continue;  // whitespace or a comment
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {}
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) fail(rc, "updating the schema");
    }
}

bool Db::try_run(const char* sql) noexcept {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle_, sql, -1, &stmt, nullptr) != SQLITE_OK) return false;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {}
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE;
}

int64_t Db::query_int(const std::string& sql) {
    auto s = prepare(sql);
    return s.step() ? s.int64(0) : 0;
}

std::string Db::query_text(const std::string& sql) {
    auto s = prepare(sql);
    return s.step() ? s.text(0) : std::string();
}

void Db::fail(int rc, const std::string& doing) const {
    last_failure_ = rc;
    const int ext = sqlite3_extended_errcode(handle_);
    const char* detail = sqlite3_errmsg(handle_);
    std::string message = describe_sqlite_error(rc) + " while " + doing;
    if (detail && (ext & 0xff) == (rc & 0xff)) message += std::string(" (SQLite: ") + detail + ")";
    throw StoreError(path_, message);
}

Transaction::Transaction(Db& db, bool write) : db_(db) {
    if (db_.in_transaction()) return;
    db_.prepare(write ? "BEGIN IMMEDIATE" : "BEGIN").run();
    owner_ = true;
}

Transaction::~Transaction() {
    if (owner_ && db_.in_transaction()) db_.try_run("ROLLBACK");
}

void Transaction::commit() {
    if (!owner_) return;
    db_.prepare("COMMIT").run();
    owner_ = false;
}

}  // namespace store_detail
}  // namespace ft
