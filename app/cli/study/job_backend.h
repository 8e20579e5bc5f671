// SPDX-License-Identifier: GPL-3.0-or-later
// Where a study's runs execute: worker processes on this machine (LocalBackend) or Slurm jobs (SlurmBackend).
// The study executor (study_executor.h) asks a backend to start, follow and cancel jobs; each job is one
// `freetickets train` or `freetickets resume` process.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ft::cli {

struct JobSpec {
    std::string name;               // for the scheduler and the log ("<study>/p3-s2")
    std::vector<std::string> argv;  // argv[0] is the freetickets program
    std::string log_path;           // stdout and stderr of the job
};

struct JobEnd {
    bool succeeded = false;  // the program exited 0
    int exit_code = 0;       // of the program; 128 + N when signal N ended it
    std::string detail;      // how it ended, in words ("exit 1", "killed by signal 9", "TIMEOUT")
};

class JobBackend {
public:
    virtual ~JobBackend() = default;
    virtual std::string name() const = 0;  // "local", "slurm"
    virtual int capacity() const = 0;      // jobs this backend runs at once
    // True when each job writes a store file of its own (another host may run it), which the executor imports
    // into the study's store when the job ends; false when jobs write the study's store directly.
    virtual bool own_store() const { return false; }
    // Follows a job an earlier executor started (its id as start returned it); false when this backend cannot.
    virtual bool adopt(const std::string& id) {
        (void)id;
        return false;
    }
    // Starts a job; returns its id as the study records it ("local:HOST:PID", "slurm:ID"). Throws
    // std::runtime_error when it cannot start.
    virtual std::string start(const JobSpec& job) = 0;
    // True when start_batch() starts several jobs as one (a Slurm job array).
    virtual bool starts_batches() const { return false; }
    // Starts the jobs as one batch, all or none; one id per job, in order. `batch_script`: where the one script
    // for them all is written. Throws std::runtime_error when they cannot start.
    virtual std::vector<std::string> start_batch(const std::vector<JobSpec>& jobs, const std::string& batch_script) {
        (void)jobs;
        (void)batch_script;
        throw std::logic_error("the " + name() + " backend starts jobs one by one");
    }
    // Nullopt while the job runs.
    virtual std::optional<JobEnd> poll(const std::string& id) = 0;
    // Asks the job to stop (SIGTERM: the run checkpoints and ends as cancelled).
    virtual void cancel(const std::string& id) = 0;
};

}  // namespace ft::cli
