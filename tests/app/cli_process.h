// SPDX-License-Identifier: GPL-3.0-or-later
// Running the freetickets binary from a test as a user would: exact argv bytes (no shell), its own environment
// additions, stdout and stderr captured in files, optionally as an unprivileged user (so that file permissions
// hold when the tests run as root). FREETICKETS_BIN is the binary's path (a compile definition).
#pragma once

#include <grp.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace cli_test {

struct Command {
    std::vector<std::string> args;           // after the program name
    std::map<std::string, std::string> env;  // added to (or replacing in) the test's environment
    std::string out_file, err_file;          // where stdout and stderr go
    bool as_nobody = false;                  // drop root to uid/gid 65534 first (no effect when not root)
};

struct Outcome {
    int rc = -1;  // exit status, or 128 + signal
    std::string out, err;
};

inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline pid_t spawn(const Command& c) {
    const pid_t pid = fork();
    if (pid != 0) return pid;
    // Child: only what exec needs.
    for (const auto& [k, v] : c.env) setenv(k.c_str(), v.c_str(), 1);
    if (c.as_nobody && geteuid() == 0) {
        if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(126);
    }
    const auto redirect = [](const std::string& file, int fd) {
        if (file.empty()) return;
        FILE* f = std::fopen(file.c_str(), "wb");
        if (!f) _exit(126);
        dup2(fileno(f), fd);
    };
    redirect(c.out_file, 1);
    redirect(c.err_file, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(FREETICKETS_BIN));
    for (const auto& a : c.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(FREETICKETS_BIN, argv.data());
    _exit(127);
}

inline int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

inline Outcome finish(pid_t pid, const Command& c) {
    int status = 0;
    waitpid(pid, &status, 0);
    Outcome o;
    o.rc = exit_code(status);
    if (!c.out_file.empty()) o.out = read_text(c.out_file);
    if (!c.err_file.empty()) o.err = read_text(c.err_file);
    return o;
}

inline Outcome run(const Command& c) { return finish(spawn(c), c); }

// The tiny config of these tests: EDST on two spirals, 2 tickets, 40 epochs of 29 steps, one thread (so that a
// resumed run ends with exactly the numbers of an uninterrupted one). About a second of training.
inline std::vector<std::string> tiny_train(const std::vector<std::string>& extra) {
    std::vector<std::string> a = {
        "train", "spirals-teach",      "--set", "train.epochs=40", "--set", "edst.explore_epochs=20",
        "--set", "ensemble.members=2", "--set", "threads=1",       "-q"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

}  // namespace cli_test
