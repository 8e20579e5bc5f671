// SPDX-License-Identifier: GPL-3.0-or-later
// Study jobs as child processes of this one. A child gets SIGTERM when its parent dies (so an executor killed
// outright leaves checkpointed, resumable runs, not orphans writing the store).
#pragma once

#include <sys/types.h>

#include <map>

#include "study/job_backend.h"

namespace ft::cli {

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
