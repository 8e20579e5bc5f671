// SPDX-License-Identifier: GPL-3.0-or-later
// Study jobs as child processes of this one. A child gets SIGTERM when its parent dies (so an executor killed
// outright leaves checkpointed, resumable runs, not orphans writing the store).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "study/job_backend.h"

namespace ft::cli {

// This host's name, as local job ids and a study's executor row name it.
std::string local_host_name();

// The pid of a job id "local:HOST:PID" started on this host, or 0 for any other id (another host, a Slurm job).
pid_t local_job_pid(const std::string& job);

class LocalBackend : public JobBackend {
public:
    explicit LocalBackend(int jobs) : jobs_(jobs) {}
    ~LocalBackend() override;  // stops (SIGTERM) and reaps children still running
    std::string name() const override { return "local"; }
    int capacity() const override { return jobs_; }
    std::string start(const JobSpec& job) override;
    std::optional<JobEnd> poll(const std::string& id) override;
    void cancel(const std::string& id) override;

private:
    int jobs_;
    std::map<std::string, pid_t> children_;
};

}  // namespace ft::cli
