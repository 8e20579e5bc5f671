// SPDX-License-Identifier: GPL-3.0-or-later
// Worker processes: fork, exec and waitpid.
#include "study/local_backend.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace ft::cli {

std::string local_host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

pid_t local_job_pid(const std::string& job) {
    const std::string prefix = "local:" + local_host_name() + ":";
    if (job.rfind(prefix, 0) != 0) return 0;
    try {
        return pid_t(std::stoll(job.substr(prefix.size())));
    } catch (const std::exception&) {
        return 0;  // a damaged row is no live job
    }
}

namespace {

JobEnd end_of(int status) {
    JobEnd e;
    if (WIFEXITED(status)) {
        e.exit_code = WEXITSTATUS(status);
        e.succeeded = e.exit_code == 0;
        e.detail = "exit " + std::to_string(e.exit_code);
    } else if (WIFSIGNALED(status)) {
        e.exit_code = 128 + WTERMSIG(status);
        e.detail = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                   strsignal(WTERMSIG(status)) + ")";
    }
    return e;
}

}  // namespace

LocalBackend::~LocalBackend() {
    for (const auto& [id, pid] : children_) ::kill(pid, SIGTERM);
    for (const auto& [id, pid] : children_) {
        int status = 0;
        while (::waitpid(pid, &status, 0) == -1 && errno == EINTR) {}
    }
}

std::string LocalBackend::start(const JobSpec& job) {
    if (job.argv.empty()) throw std::runtime_error("a job needs a program to run");
    std::vector<char*> argv;
    for (const auto& a : job.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    // Opened before the fork, so a bad log path is this process's error, not a silent child failure.
    const int log = ::open(job.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) throw std::runtime_error(job.log_path + ": cannot write the job's log: " + std::strerror(errno));
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log);
        throw std::runtime_error(std::string("cannot start a worker process: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
        ::execv(argv[0], argv.data());
        const char* why = std::strerror(errno);
        (void)!::write(STDERR_FILENO, "cannot run the worker program: ", 31);
        (void)!::write(STDERR_FILENO, why, std::strlen(why));
        ::_exit(127);
    }
    ::close(log);
    const std::string id = "local:" + local_host_name() + ":" + std::to_string(pid);
    children_[id] = pid;
    return id;
}

std::optional<JobEnd> LocalBackend::poll(const std::string& id) {
    const auto it = children_.find(id);
    if (it == children_.end()) return JobEnd{false, 1, "not a job of this executor"};
    int status = 0;
    const pid_t r = ::waitpid(it->second, &status, WNOHANG);
    if (r == 0) return std::nullopt;
    children_.erase(it);
    if (r < 0) return JobEnd{false, 1, std::string("lost the worker process: ") + std::strerror(errno)};
    return end_of(status);
}

void LocalBackend::cancel(const std::string& id) {
    if (const auto it = children_.find(id); it != children_.end()) ::kill(it->second, SIGTERM);
}

}  // namespace ft::cli
