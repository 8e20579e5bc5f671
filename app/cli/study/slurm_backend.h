// SPDX-License-Identifier: GPL-3.0-or-later
// Study jobs as Slurm batch jobs: runs that start together go as one job array, a run on its own as one job. Each job
// writes a store file of its own in the study's folder, which must be shared with the compute nodes; the executor
// imports it into the study's store when the job ends, so SQLite is never written from two hosts.
#pragma once

#include <chrono>
#include <map>

#include "study/job_backend.h"
#include "study/slurm_client.h"

namespace ft::cli {

class SlurmBackend : public JobBackend {
public:
    SlurmBackend(SlurmOptions options, int jobs) : client_(std::move(options)), jobs_(jobs) {}
    std::string name() const override { return "slurm"; }
    int capacity() const override { return jobs_; }
    bool own_store() const override { return true; }
    std::string start(const JobSpec& job) override;
    bool starts_batches() const override { return true; }
    std::vector<std::string> start_batch(const std::vector<JobSpec>& jobs, const std::string& batch_script) override;
    std::optional<JobEnd> poll(const std::string& id) override;
    void cancel(const std::string& id) override;
    bool adopt(const std::string& id) override;

private:
    SlurmClient client_;
    int jobs_;
    // One squeue/scontrol round for all jobs at most every few seconds, however often the executor polls.
    std::map<std::string, SlurmJobState> last_;
    std::chrono::steady_clock::time_point asked_{};
    void refresh();
};

}  // namespace ft::cli
