// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers of the study tests: a scratch folder, a tiny study file and waiting for a condition.
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace study_test {

class Folder {
public:
    Folder() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ft-study-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~Folder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string write(const std::string& name, const nlohmann::json& j) const {
        std::ofstream(file(name)) << j.dump(2) << "\n";
        return file(name);
    }

private:
    std::filesystem::path path_;
};

// Two points (EDST on two spirals at densities 0.1 and 0.3, 2 tickets, one thread) and `seeds` seeds; a run
// takes about `epochs` / 40 seconds.
inline nlohmann::json tiny_study(const std::string& name, int seeds, int epochs = 40) {
    nlohmann::json s = {
        {"name", name},
        {"set",
         {{"train.epochs", epochs}, {"edst.explore_epochs", epochs / 2}, {"ensemble.members", 2}, {"threads", 1}}},
        {"points",
         {{{"label", "d0.1"}, {"base", "spirals-teach"}, {"set", {{"sparse.density", 0.1}}}},
          {{"label", "d0.3"}, {"base", "spirals-teach"}, {"set", {{"sparse.density", 0.3}}}}}},
        {"seeds", nlohmann::json::array()}};
    for (int i = 1; i <= seeds; ++i) s["seeds"].push_back(i);
    return s;
}

// Polls `ready` every 50 ms for up to `seconds`; true once it holds.
inline bool wait_for(const std::function<bool()>& ready, double seconds = 120) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

}  // namespace study_test
