// SPDX-License-Identifier: GPL-3.0-or-later
#include "store_paths.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace fs = std::filesystem;

namespace ft::cli {

std::string data_dir() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    const fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home && *home ? home : ".") / ".local" / "share";
    return (base / "freetickets").string();
}

std::string default_store_path(bool create_folder) {
    const fs::path dir = data_dir();
    if (create_folder) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        // Not fatal here: opening the store then fails with a message that names the file.
    }
    return (dir / "runs.sqlite").string();
}

std::string store_path_or_default(const std::string& db_option, bool create_folder) {
    return db_option.empty() ? default_store_path(create_folder) : db_option;
}

std::string run_checkpoint_dir(const std::string& store_path, int64_t run) {
    const fs::path store = fs::absolute(store_path);
    const std::string stem = store.stem().string();
    const std::string name = (stem == "runs" ? std::string() : stem + "-") + "run-" + std::to_string(run);
    const fs::path base = store.parent_path() / "checkpoints";
    fs::path dir = base / name;
    std::error_code ec;
    for (int k = 2; fs::exists(dir, ec) && !fs::is_empty(dir, ec); ++k) dir = base / (name + "." + std::to_string(k));
    return dir.string();
}

std::optional<int64_t> parse_run_id(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    for (char c : text)
        if (c < '0' || c > '9') return std::nullopt;
    const int64_t id = std::stoll(text);
    if (id <= 0) return std::nullopt;
    return id;
}

int64_t require_run_id(const std::string& text) {
    if (auto id = parse_run_id(text)) return *id;
    throw std::invalid_argument("RUN: expected a run id (a positive integer), got \"" + text + "\"");
}

}  // namespace ft::cli
