// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers for the run store tests: a temporary folder, file snapshots, raw SQLite access (to craft files the store
// must refuse) and deterministic masks.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace store_test {

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ft-store-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::set<std::string> entries() const {
        std::set<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(path_)) out.insert(e.path().filename().string());
        return out;
    }

private:
    std::filesystem::path path_;
};

inline std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

// Raw SQLite, outside the store's API: to craft foreign files and to look behind the store's back.
class RawDb {
public:
    explicit RawDb(const std::string& path, bool create = true) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), nullptr) !=
            SQLITE_OK)
            throw std::runtime_error("cannot open " + path);
        sqlite3_busy_timeout(db_, 5000);
    }
    ~RawDb() { sqlite3_close_v2(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    void exec(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string message = err ? err : "?";
            sqlite3_free(err);
            throw std::runtime_error(sql + ": " + message);
        }
    }
    std::string text(const std::string& sql) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) throw std::runtime_error(sql);
        std::string out;
        if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
            out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        return out;
    }
    int64_t integer(const std::string& sql) { return std::stoll(text(sql).empty() ? "0" : text(sql)); }

private:
    sqlite3* db_ = nullptr;
};

inline std::vector<uint64_t> random_mask(int64_t n, double density, std::mt19937_64& rng) {
    std::vector<uint64_t> bits(size_t((n + 63) / 64), 0);
    std::bernoulli_distribution on(density);
    for (int64_t i = 0; i < n; ++i)
        if (on(rng)) bits[size_t(i / 64)] |= uint64_t{1} << (i % 64);
    return bits;
}

inline int64_t popcount(const std::vector<uint64_t>& bits) {
    int64_t c = 0;
    for (auto w : bits) c += __builtin_popcountll(w);
    return c;
}

inline bool bit(const std::vector<uint64_t>& bits, int64_t i) { return (bits[size_t(i / 64)] >> (i % 64)) & 1; }
inline void set_bit(std::vector<uint64_t>& bits, int64_t i, bool v) {
    if (v)
        bits[size_t(i / 64)] |= uint64_t{1} << (i % 64);
    else
        bits[size_t(i / 64)] &= ~(uint64_t{1} << (i % 64));
}

// A DST prune-and-regrow step: `fraction` of the active weights are pruned and as many inactive ones regrown.
inline std::vector<uint64_t> prune_regrow(const std::vector<uint64_t>& mask, int64_t n, double fraction,
                                          std::mt19937_64& rng) {
    std::vector<int64_t> active, inactive;
    for (int64_t i = 0; i < n; ++i) (bit(mask, i) ? active : inactive).push_back(i);
    std::shuffle(active.begin(), active.end(), rng);
    std::shuffle(inactive.begin(), inactive.end(), rng);
    const size_t k = std::min(size_t(double(active.size()) * fraction), inactive.size());
    auto out = mask;
    for (size_t j = 0; j < k; ++j) {
        set_bit(out, active[j], false);
        set_bit(out, inactive[j], true);
    }
    return out;
}

}  // namespace store_test
