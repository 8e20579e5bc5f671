// SPDX-License-Identifier: GPL-3.0-or-later
// The readers under fuzzing take file paths, as they do in use: each input is written to a file of a private
// folder (on /dev/shm when there is one, so the disk is not worn), which goes when the process ends.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace fuzz {

class Scratch {
public:
    Scratch() {
        const std::filesystem::path base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
        std::string tmpl = (base / "ft-fuzz-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) std::abort();
        dir_ = tmpl;
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    // Writes `size` bytes to `name` in the folder and returns its path.
    std::string write(const std::string& name, const uint8_t* data, size_t size) const {
        const std::string p = path(name);
        FILE* f = std::fopen(p.c_str(), "wb");
        if (!f) std::abort();
        if (size && std::fwrite(data, 1, size, f) != size) std::abort();
        std::fclose(f);
        return p;
    }

private:
    std::filesystem::path dir_;
};

// One per process: the folder outlives every input.
inline const Scratch& scratch() {
    static const Scratch s;
    return s;
}

}  // namespace fuzz
