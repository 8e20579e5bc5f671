// SPDX-License-Identifier: GPL-3.0-or-later
// Slurm jobs for a study: submit, follow through squeue/scontrol, cancel with scancel.
#include "study/slurm_backend.h"

#include <filesystem>

namespace ft::cli {
namespace {

constexpr const char* kPrefix = "slurm:";

std::string job_of(const std::string& id) { return id.rfind(kPrefix, 0) == 0 ? id.substr(6) : id; }

}  // namespace

std::string SlurmBackend::start(const JobSpec& job) {
    const std::string dir = std::filesystem::path(job.log_path).parent_path().string();
    const std::string id = client_.submit(job.name, job.argv, dir, job.log_path);
    last_[id] = {id, "PENDING", 0, ""};
    return kPrefix + id;
}

std::vector<std::string> SlurmBackend::start_batch(const std::vector<JobSpec>& jobs, const std::string& batch_script) {
    if (jobs.size() == 1) return {start(jobs.front())};
    std::vector<std::vector<std::string>> commands;
    std::vector<std::string> logs;
    for (const auto& j : jobs) {
        commands.push_back(j.argv);
        logs.push_back(j.log_path);
    }
    // The array's name: what its jobs' names share ("<study>/p3-s2" -> "<study>").
    const std::string& first = jobs.front().name;
    const std::string name = first.substr(0, first.rfind('/'));
    const std::string dir = std::filesystem::path(batch_script).parent_path().string();
    std::vector<std::string> ids = client_.submit_array(name, commands, dir, logs, batch_script);
    for (auto& id : ids) {
        last_[id] = {id, "PENDING", 0, ""};
        id = kPrefix + id;
    }
    return ids;
}

void SlurmBackend::refresh() {
    const auto now = std::chrono::steady_clock::now();
    if (now - asked_ < std::chrono::seconds(2)) return;
    asked_ = now;
    std::vector<std::string> live;
    for (const auto& [id, state] : last_)
        if (!SlurmClient::finished(state.state)) live.push_back(id);
    if (live.empty()) return;
    for (auto& s : client_.states(live)) last_[s.id] = s;
}

std::optional<JobEnd> SlurmBackend::poll(const std::string& id) {
    const std::string job = job_of(id);
    const auto it = last_.find(job);
    if (it == last_.end()) return JobEnd{false, 1, "not a job of this executor"};
    refresh();
    const SlurmJobState& s = last_[job];
    if (!SlurmClient::finished(s.state)) return std::nullopt;
    JobEnd end;
    end.succeeded = SlurmClient::succeeded(s);
    end.exit_code = s.exit_code;
    end.detail = "Slurm job " + job + " " + s.state + ", exit " + std::to_string(s.exit_code) +
                 (s.reason.empty() || s.reason == "None" ? "" : " (" + s.reason + ")");
    last_.erase(job);
    return end;
}

bool SlurmBackend::adopt(const std::string& id) {
    if (id.rfind(kPrefix, 0) != 0) return false;
    const std::string job = job_of(id);
    const auto s = client_.states({job});
    if (s.empty() || SlurmClient::finished(s.front().state)) return false;
    last_[job] = s.front();
    return true;
}

void SlurmBackend::cancel(const std::string& id) { client_.cancel({job_of(id)}); }

}  // namespace ft::cli
