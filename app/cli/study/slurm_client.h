// SPDX-License-Identifier: GPL-3.0-or-later
// A thin client for a Slurm cluster: submits a batch job per command (or one job array for several), asks for job
// states and cancels jobs, by running Slurm's own programs (sbatch, squeue, scontrol, scancel) found on PATH. The
// cluster is whatever those programs talk to (SLURM_CONF, or the system's slurm.conf). No Qt, no torch: the CLI's
// study executor uses it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ft::cli {

// How every job of one client is submitted; each field maps onto one sbatch flag, and an empty (or zero) field
// leaves that flag out, so the cluster's defaults apply.
struct SlurmOptions {
    std::string partition;                // --partition
    std::string time_limit;               // --time, in any form sbatch takes ("30", "1:00:00", "2-00:00:00")
    int cpus_per_task = 0;                // --cpus-per-task
    std::string gres;                     // --gres ("gpu:1")
    std::vector<std::string> extra_args;  // appended verbatim after the flags above, one argv word each
};

struct SlurmJobState {
    std::string id;
    // Slurm's name for the state (PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED,
    // NODE_FAIL, OUT_OF_MEMORY, ...), or UNKNOWN once the controller has forgotten the job (MinJobAge after it
    // ended; without accounting there is nothing else to ask).
    std::string state;
    // A finished job's exit status, or 128 + the signal number when a signal ended it (as a shell reports it);
    // 0 while the job is live.
    int exit_code = 0;
    std::string reason;  // Slurm's reason (Resources, Priority, NonZeroExitCode, ...); empty when it has none
};

class SlurmClient {
public:
    explicit SlurmClient(SlurmOptions options);

    // nullopt when sbatch, squeue, scontrol and scancel are on PATH and the controller answers `scontrol ping`;
    // otherwise a sentence for the user saying what is missing or what Slurm said.
    static std::optional<std::string> unavailable_reason();

    // Writes a batch script `<log_path>.sbatch` that runs `command` (each word shell-quoted, started with `exec`
    // so that the program itself gets Slurm's signals) and submits it with `sbatch --parsable`: job name
    // `job_name` (characters other than letters, digits and ._+-: become '_'), working folder `workdir`, stdout and
    // stderr appended to `log_path` (its folder is created). Returns the job id. Throws std::invalid_argument for an
    // empty command, name or log path, and std::runtime_error quoting sbatch's error when sbatch refuses the job.
    std::string submit(const std::string& job_name, const std::vector<std::string>& command, const std::string& workdir,
                       const std::string& log_path);

    // A job array of one task per command, submitted with one sbatch (`--array=0-N`); task i runs commands[i] with
    // its stdout and stderr appended to log_paths[i]. The batch script is written to `script_path`. Returns the
    // tasks' ids ("<array>_<i>"), which states() and cancel() take like job ids. Throws as submit() does.
    std::vector<std::string> submit_array(const std::string& job_name,
                                          const std::vector<std::vector<std::string>>& commands,
                                          const std::string& workdir, const std::vector<std::string>& log_paths,
                                          const std::string& script_path);

    // One state per id (a job's or an array task's), in the order given: squeue for the live jobs, scontrol for the
    // finished ones (their exit code); UNKNOWN for ids neither knows. Throws std::invalid_argument for an id that is
    // not a job id, and std::runtime_error when Slurm cannot be asked.
    std::vector<SlurmJobState> states(const std::vector<std::string>& ids);

    // scancel: each job gets SIGTERM, then SIGKILL after the cluster's KillWait, so the program can checkpoint;
    // the state becomes CANCELLED. Jobs that have already ended are left alone. Throws std::runtime_error quoting
    // scancel when it fails.
    void cancel(const std::vector<std::string>& ids);

    // True for every state a job never leaves (COMPLETED, FAILED, CANCELLED, TIMEOUT, PREEMPTED, NODE_FAIL,
    // OUT_OF_MEMORY, BOOT_FAIL, DEADLINE, REVOKED, UNKNOWN); false for PENDING, RUNNING, COMPLETING, requeued,
    // suspended and held jobs.
    static bool finished(const std::string& state);

    // COMPLETED with exit code 0.
    static bool succeeded(const SlurmJobState& s);

    const SlurmOptions& options() const { return options_; }

private:
    SlurmOptions options_;
    // sbatch --parsable with the name, `flags`, the folder and this client's options; the new job's id.
    std::string sbatch(const std::string& job_name, std::vector<std::string> flags, const std::string& workdir,
                       const std::string& script);
};

namespace slurm_detail {
// `word` as one sh word: single-quoted, each ' written as '\''. Throws std::invalid_argument for a NUL byte.
std::string shell_quote(const std::string& word);
// The state, exit code and reason of the job `id` in `scontrol show job -o` output (one line per job);
// nullopt when no line is that job's.
std::optional<SlurmJobState> parse_scontrol_job(const std::string& output, const std::string& id);
}  // namespace slurm_detail

}  // namespace ft::cli
