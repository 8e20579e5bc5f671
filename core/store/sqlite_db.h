// SPDX-License-Identifier: GPL-3.0-or-later
// Thin RAII layer over the SQLite C API for the run store: a connection with a prepared-statement cache,
// borrowed statements that reset themselves, and transactions. Every SQL text is prepared and every value is
// bound (never spliced into SQL). Errors become StoreError naming the file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

#include "ft/store/run_store.h"

namespace ft::store_detail {

class Db;

// A statement borrowed from Db's cache: reset and unbound when it goes out of scope.
class Stmt {
public:
    // owned: a statement outside the cache (the cached one was in use), finalized instead of returned.
    Stmt(Db& db, sqlite3_stmt* stmt, bool owned) : db_(&db), stmt_(stmt), owned_(owned) {}
    ~Stmt();
    Stmt(Stmt&& o) noexcept : db_(o.db_), stmt_(std::exchange(o.stmt_, nullptr)), owned_(o.owned_) {}
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;
    Stmt& operator=(Stmt&&) = delete;

    // 1-based parameter index. A NaN double is stored as NULL (SQLite has no NaN) and read back as NaN.
    Stmt& bind(int i, int64_t v);
    Stmt& bind(int i, int v) { return bind(i, int64_t{v}); }
    Stmt& bind(int i, bool v) { return bind(i, int64_t{v ? 1 : 0}); }
    Stmt& bind(int i, double v);
    Stmt& bind(int i, const std::string& v);
    Stmt& bind(int i, const char* v) { return bind(i, std::string(v)); }
    Stmt& bind_null(int i);
    Stmt& bind_blob(int i, const void* data, size_t size);
    Stmt& bind_value(int i, const sqlite3_value* v);

    bool step();  // true: a row is available
    void run();   // steps to the end
    void reset();

    int columns() const { return sqlite3_column_count(stmt_); }
    const Db& db() const { return *db_; }
    bool is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }
    int64_t int64(int c) const { return sqlite3_column_int64(stmt_, c); }
    double real(int c) const;  // NULL -> NaN
    double real_or(int c, double fallback) const { return is_null(c) ? fallback : sqlite3_column_double(stmt_, c); }
    std::string text(int c) const;
    std::pair<const uint8_t*, size_t> blob(int c) const;
    sqlite3_value* value(int c) const { return sqlite3_column_value(stmt_, c); }
    const char* name(int c) const { return sqlite3_column_name(stmt_, c); }

private:
    Db* db_;
    sqlite3_stmt* stmt_;
    bool owned_;
};

class Db {
public:
    Db(sqlite3* handle, std::string path, bool read_only);
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Cached: the same SQL text is prepared once per connection. Borrowing a statement that is already borrowed
    // (nested use of the same SQL) gets a fresh one, so the outer use is never reset under its feet.
    Stmt prepare(const std::string& sql);
    // Runs every statement of a script (schema migrations); each is prepared and stepped, nothing is bound.
    void exec_script(const std::string& sql);
    // For cleanup paths (destructors, after a failure): never throws, says whether it worked.
    bool try_run(const char* sql) noexcept;
    // A single-value query (pragmas, counts).
    int64_t query_int(const std::string& sql);
    std::string query_text(const std::string& sql);

    int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(handle_); }
    int64_t changes() const { return sqlite3_changes(handle_); }
    bool in_transaction() const { return sqlite3_get_autocommit(handle_) == 0; }

    [[noreturn]] void fail(int rc, const std::string& doing) const;
    [[noreturn]] void fail(const std::string& message) const {
        last_failure_ = 0;
        throw StoreError(path_, message);
    }

    // The SQLite result code of the last fail(rc, ...) (0 for other failures).
    int last_failure() const { return last_failure_; }

    sqlite3* handle() const { return handle_; }
    const std::string& path() const { return path_; }
    bool read_only() const { return read_only_; }

private:
    sqlite3* handle_;
    std::string path_;
    bool read_only_;
    mutable int last_failure_ = 0;
    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        bool borrowed = false;
    };
    std::unordered_map<std::string, Cached> cache_;
    std::unordered_map<sqlite3_stmt*, Cached*> borrowed_;

    friend class Stmt;
    void give_back(sqlite3_stmt* stmt, bool owned);
};

// BEGIN IMMEDIATE (write) or BEGIN (read snapshot) ... COMMIT; rolls back when destroyed uncommitted. Nested
// use inside an open transaction is a no-op, so helpers can be composed.
class Transaction {
public:
    explicit Transaction(Db& db, bool write = true);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Db& db_;
    bool owner_ = false;
};

// A readable message for an SQLite result code ("the disk is full", "the file is read-only", ...).
std::string describe_sqlite_error(int rc);

double unix_now();

}  // namespace ft::store_detail
