// SPDX-License-Identifier: GPL-3.0-or-later
#include "study/slurm_client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

extern char** environ;

namespace ft::cli {

namespace {

struct ProcessResult {
    int status = 0;  // the exit status, or 128 + the signal that ended the program
    std::string out;
    std::string err;
};

// Slurm's programs retry an unreachable controller for a while (sbatch about 10 s, and a missing slurm.conf
// 60 s) before they give up; past this the cluster is taken as unusable rather than waited for.
constexpr std::chrono::seconds kProgramTimeout{90};
// A controller that is up answers a ping within its MessageTimeout (10 s by default).
constexpr std::chrono::seconds kPingTimeout{15};

std::string join(const std::vector<std::string>& words, const std::string& separator) {
    std::string text;
    for (const auto& w : words) {
        if (!text.empty()) text += separator;
        text += w;
    }
    return text;
}

std::string trimmed(std::string text) {
    const auto not_space = [](unsigned char c) { return !std::isspace(c); };
    text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
    text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
    return text;
}

// Slurm's messages, one per line, as one line: "first; second".
std::string one_line(const std::string& text) {
    std::string line;
    for (char c : trimmed(text)) {
        if (c == '\n') {
            line += "; ";
        } else {
            line += c;
        }
    }
    return line;
}

class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

// Runs `argv` (argv[0] looked up on PATH) with stdin from /dev/null and returns what it printed. No shell is
// involved, so words with spaces or quotes reach the program as they are.
ProcessResult run_program(const std::vector<std::string>& argv, std::chrono::seconds timeout = kProgramTimeout) {
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
    Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
    Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_write.get(), STDERR_FILENO);
    // The child starts with default signal handling and mask, whatever the caller (a training CLI with its own
    // SIGTERM handler) has installed.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int spawn_error = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    out_write.reset();
    err_write.reset();
    if (spawn_error != 0) {
        throw std::runtime_error("cannot run '" + argv[0] + "': " + std::strerror(spawn_error) +
                                 " (is Slurm's client installed and on PATH?)");
    }

    // Both pipes are read together: a program that fills one while we wait on the other would block forever.
    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool timed_out = false;
    std::vector<pollfd> fds{{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
    std::string* sinks[] = {&result.out, &result.err};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            char buffer[4096];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;  // closed (the Fd still owns it); poll ignores negative descriptors
            }
        }
    }
    if (timed_out) ::kill(pid, SIGKILL);
    int wait_status = 0;
    while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {}
    if (timed_out) {
        throw std::runtime_error("'" + join(argv, " ") + "' did not finish within " + std::to_string(timeout.count()) +
                                 " s; killed it (stderr so far: " + trimmed(result.err) + ")");
    }
    result.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
    return result;
}

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
        std::string candidate = dir;
        candidate += '/';
        candidate += program;
        if (::access(candidate.c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

// Job ids travel as one comma-separated squeue argument and as scontrol/scancel words: only digits are taken (the
// ids submit returns; no array tasks), so nothing else can be smuggled into those commands.
// A job id ("1234") or a job array's task ("1234_5").
bool is_job_id(const std::string& id) {
    const auto digits = [](const std::string& t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
    };
    const std::size_t bar = id.find('_');
    return bar == std::string::npos ? digits(id) : digits(id.substr(0, bar)) && digits(id.substr(bar + 1));
}

void check_ids(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        if (!is_job_id(id)) {
            throw std::invalid_argument("Slurm job id '" + id +
                                        "' is not a job id (expected digits, e.g. 1234, or an array task, 1234_5)");
        }
    }
}

// sbatch's output file names are patterns (%j: job id, ...); a literal '%' is written "%%".
std::string escape_filename_pattern(const std::string& path) {
    std::string escaped;
    for (char c : path) {
        escaped += c;
        if (c == '%') escaped += '%';
    }
    return escaped;
}

std::string sanitized_job_name(const std::string& name) {
    std::string clean = name;
    for (char& c : clean) {
        const auto u = static_cast<unsigned char>(c);
        if (!std::isalnum(u) && c != '.' && c != '_' && c != '+' && c != '-' && c != ':') c = '_';
    }
    return clean;
}

// The value of `key` in one `scontrol show job -o` line: the text after the first " key=" up to the next space.
// Only JobName (which submit keeps free of spaces) comes before the keys read here; a key at the line's start
// counts too.
std::optional<std::string> field(const std::string& line, const std::string& key) {
    const std::string needle = key + "=";
    std::size_t at = line.rfind(needle, 0) == 0 ? 0 : line.find(" " + needle);
    if (at == std::string::npos) return std::nullopt;
    if (at != 0) ++at;
    const std::size_t begin = at + needle.size();
    return line.substr(begin, line.find(' ', begin) - begin);
}

}  // namespace

namespace slurm_detail {

std::string shell_quote(const std::string& word) {
    if (word.find('\0') != std::string::npos) {
        throw std::invalid_argument("a command word contains a NUL byte, which no program argument can hold");
    }
    std::string quoted = "'";
    for (char c : word) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    return quoted + "'";
}

std::optional<SlurmJobState> parse_scontrol_job(const std::string& output, const std::string& id) {
    std::size_t start = 0;
    while (start < output.size()) {
        std::size_t end = output.find('\n', start);
        if (end == std::string::npos) end = output.size();
        const std::string line = output.substr(start, end - start);
        start = end + 1;
        // An array's task is "JobId=<its own id> ArrayJobId=<array> ArrayTaskId=<task>".
        const auto array = field(line, "ArrayJobId");
        const auto task = field(line, "ArrayTaskId");
        const bool is_task = array && task && *array + "_" + *task == id;
        if (field(line, "JobId") != id && !is_task) continue;
        SlurmJobState s;
        s.id = id;
        s.state = field(line, "JobState").value_or("UNKNOWN");
        // Only the state's name is kept, should a flag follow it after a '+'.
        s.state = s.state.substr(0, s.state.find('+'));
        const std::string reason = field(line, "Reason").value_or("None");
        s.reason = reason == "None" ? "" : reason;
        // ExitCode=<status>:<signal>
        const std::string code = field(line, "ExitCode").value_or("0:0");
        const std::size_t colon = code.find(':');
        const int status = std::atoi(code.substr(0, colon).c_str());
        const int signal = colon == std::string::npos ? 0 : std::atoi(code.substr(colon + 1).c_str());
        s.exit_code = signal != 0 ? 128 + signal : status;
        return s;
    }
    return std::nullopt;
}

}  // namespace slurm_detail

SlurmClient::SlurmClient(SlurmOptions options) : options_(std::move(options)) {
    if (options_.cpus_per_task < 0) {
        throw std::invalid_argument("Slurm cpus_per_task is " + std::to_string(options_.cpus_per_task) +
                                    ", expected 0 (the partition's default) or more");
    }
}

std::optional<std::string> SlurmClient::unavailable_reason() {
    for (const char* program : {"sbatch", "squeue", "scontrol", "scancel"}) {
        if (!on_path(program)) {
            return std::string("Slurm's '") + program +
                   "' is not on PATH; install Slurm's client programs (Debian: slurm-client) or load the cluster's "
                   "Slurm module.";
        }
    }
    // A slurm.conf that is missing makes every Slurm program retry for a minute before it says so.
    const char* conf = std::getenv("SLURM_CONF");
    const std::string conf_note = conf != nullptr ? std::string(" (SLURM_CONF=") + conf + ")" : "";
    if (conf != nullptr && !std::filesystem::exists(conf)) {
        return std::string("SLURM_CONF names '") + conf + "', which does not exist; expected a slurm.conf file.";
    }
    ProcessResult ping;
    try {
        ping = run_program({"scontrol", "ping"}, kPingTimeout);
    } catch (const std::exception& e) {
        return std::string("The Slurm controller cannot be asked: ") + e.what() + conf_note + ".";
    }
    if (ping.status == 0 && ping.out.find(" is UP") != std::string::npos) return std::nullopt;
    // One line for the user: the ping's verdict (without its banner) and Slurm's errors.
    std::string said = trimmed(ping.out.substr(0, ping.out.find('\n')));
    const std::string errors = one_line(ping.err);
    if (!said.empty() && !errors.empty()) said += "; ";
    said += errors;
    return "The Slurm controller does not answer: 'scontrol ping' says '" + said + "'" + conf_note + ".";
}

namespace {

void write_script(const std::filesystem::path& path, const std::string& job_name, const std::string& body) {
    std::ofstream script(path, std::ios::trunc);
    if (!script) throw std::runtime_error("cannot write the batch script '" + path.string() + "'");
    script << "#!/bin/sh\n"
           << "# Written by freetickets for Slurm job '" << sanitized_job_name(job_name) << "'.\n"
           << "# exec: the program replaces this shell, so Slurm's SIGTERM (scancel, preemption, time limit)\n"
           << "# reaches it directly and it can checkpoint before the SIGKILL that follows.\n"
           << body;
    if (!script.flush()) throw std::runtime_error("cannot write the batch script '" + path.string() + "'");
}

std::string command_words(const std::vector<std::string>& command) {
    std::string words;
    for (const auto& w : command) {
        words += ' ';
        words += slurm_detail::shell_quote(w);
    }
    return words;
}

}  // namespace

std::string SlurmClient::sbatch(const std::string& job_name, std::vector<std::string> flags, const std::string& workdir,
                                const std::string& script) {
    std::vector<std::string> argv{"sbatch", "--parsable", "--job-name=" + sanitized_job_name(job_name)};
    argv.insert(argv.end(), flags.begin(), flags.end());
    if (!workdir.empty()) argv.push_back("--chdir=" + workdir);
    if (!options_.partition.empty()) argv.push_back("--partition=" + options_.partition);
    if (!options_.time_limit.empty()) argv.push_back("--time=" + options_.time_limit);
    if (options_.cpus_per_task > 0) argv.push_back("--cpus-per-task=" + std::to_string(options_.cpus_per_task));
    if (!options_.gres.empty()) argv.push_back("--gres=" + options_.gres);
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    argv.push_back(script);

    const ProcessResult r = run_program(argv);
    // --parsable prints "<id>" or "<id>;<cluster>".
    std::string id = trimmed(r.out.substr(0, r.out.find_first_of(";\n")));
    if (r.status != 0 || id.find('_') != std::string::npos || !is_job_id(id)) {
        throw std::runtime_error("sbatch refused Slurm job '" + job_name + "' (exit " + std::to_string(r.status) +
                                 "): " + one_line(r.err + "\n" + r.out) + " [" + join(argv, " ") + "]");
    }
    return id;
}

std::string SlurmClient::submit(const std::string& job_name, const std::vector<std::string>& command,
                                const std::string& workdir, const std::string& log_path) {
    if (command.empty()) throw std::invalid_argument("Slurm job '" + job_name + "' has an empty command");
    if (job_name.empty()) throw std::invalid_argument("a Slurm job needs a name; the name is empty");
    if (log_path.empty()) throw std::invalid_argument("Slurm job '" + job_name + "' has an empty log path");

    const std::filesystem::path log = std::filesystem::absolute(log_path);
    std::filesystem::create_directories(log.parent_path());
    const std::filesystem::path script_path = log.string() + ".sbatch";
    write_script(script_path, job_name, "exec" + command_words(command) + "\n");
    return sbatch(job_name, {"--output=" + escape_filename_pattern(log.string()), "--open-mode=append"}, workdir,
                  script_path.string());
}

std::vector<std::string> SlurmClient::submit_array(const std::string& job_name,
                                                   const std::vector<std::vector<std::string>>& commands,
                                                   const std::string& workdir,
                                                   const std::vector<std::string>& log_paths,
                                                   const std::string& script_path) {
    if (job_name.empty()) throw std::invalid_argument("a Slurm job needs a name; the name is empty");
    if (commands.empty()) throw std::invalid_argument("Slurm job array '" + job_name + "' has no tasks");
    if (log_paths.size() != commands.size())
        throw std::invalid_argument("Slurm job array '" + job_name + "': " + std::to_string(commands.size()) +
                                    " commands but " + std::to_string(log_paths.size()) + " log paths");
    if (script_path.empty()) throw std::invalid_argument("Slurm job array '" + job_name + "' has no script path");
    // One script for every task: the task's number picks its command, and its output goes to its own log (sbatch's
    // --output cannot name a file per task other than by number).
    std::string body = "case \"$SLURM_ARRAY_TASK_ID\" in\n";
    for (std::size_t i = 0; i < commands.size(); ++i) {
        if (commands[i].empty())
            throw std::invalid_argument("Slurm job array '" + job_name + "': task " + std::to_string(i) +
                                        " has an empty command");
        if (log_paths[i].empty())
            throw std::invalid_argument("Slurm job array '" + job_name + "': task " + std::to_string(i) +
                                        " has an empty log path");
        const std::filesystem::path log = std::filesystem::absolute(log_paths[i]);
        std::filesystem::create_directories(log.parent_path());
        body += std::to_string(i) + ") exec >>" + slurm_detail::shell_quote(log.string()) + " 2>&1; exec" +
                command_words(commands[i]) + " ;;\n";
    }
    body += "*) echo \"no task $SLURM_ARRAY_TASK_ID in this array\" >&2; exit 2 ;;\nesac\n";
    const std::filesystem::path script = std::filesystem::absolute(script_path);
    std::filesystem::create_directories(script.parent_path());
    write_script(script, job_name, body);
    const std::string array = sbatch(
        job_name, {"--array=0-" + std::to_string(commands.size() - 1), "--output=/dev/null"}, workdir, script.string());
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < commands.size(); ++i) ids.push_back(array + "_" + std::to_string(i));
    return ids;
}

std::vector<SlurmJobState> SlurmClient::states(const std::vector<std::string>& ids) {
    check_ids(ids);
    if (ids.empty()) return {};

    // squeue knows the live jobs; --states=all also lists finished ones the controller still holds, and --array
    // lists an array's pending tasks one per line (not folded into "1234_[5-9]").
    std::map<std::string, SlurmJobState> seen;
    const ProcessResult q = run_program(
        {"squeue", "--noheader", "--states=all", "--array", "--jobs=" + join(ids, ","), "--format=%i|%T|%r"});
    // For a single id it has forgotten, squeue fails with "Invalid job id specified" (for several it lists the
    // others): that is an answer, not an error.
    if (q.status != 0 && q.err.find("Invalid job id") == std::string::npos) {
        throw std::runtime_error("squeue failed (exit " + std::to_string(q.status) + "): " + trimmed(q.err));
    }
    if (q.status == 0) {
        std::size_t start = 0;
        while (start < q.out.size()) {
            std::size_t end = q.out.find('\n', start);
            if (end == std::string::npos) end = q.out.size();
            const std::string line = q.out.substr(start, end - start);
            start = end + 1;
            const std::size_t bar1 = line.find('|');
            const std::size_t bar2 = line.find('|', bar1 == std::string::npos ? bar1 : bar1 + 1);
            if (bar2 == std::string::npos) continue;
            SlurmJobState s;
            s.id = line.substr(0, bar1);
            s.state = line.substr(bar1 + 1, bar2 - bar1 - 1);
            s.reason = line.substr(bar2 + 1);
            if (s.reason == "None") s.reason.clear();
            seen[s.id] = s;
        }
    }

    std::vector<SlurmJobState> result;
    result.reserve(ids.size());
    for (const auto& id : ids) {
        auto it = seen.find(id);
        if (it != seen.end() && !finished(it->second.state)) {
            result.push_back(it->second);
            continue;
        }
        // Finished (or not listed): scontrol has the exit code for as long as the controller keeps the job.
        const ProcessResult c = run_program({"scontrol", "--oneliner", "show", "job", id});
        if (c.status != 0) {
            if (c.err.find("Invalid job id") == std::string::npos) {
                throw std::runtime_error("scontrol show job " + id + " failed (exit " + std::to_string(c.status) +
                                         "): " + trimmed(c.err));
            }
            result.push_back({id, "UNKNOWN", 0, ""});
            continue;
        }
        auto parsed = slurm_detail::parse_scontrol_job(c.out, id);
        result.push_back(parsed ? *parsed : SlurmJobState{id, "UNKNOWN", 0, ""});
    }
    return result;
}

void SlurmClient::cancel(const std::vector<std::string>& ids) {
    check_ids(ids);
    if (ids.empty()) return;
    std::vector<std::string> argv{"scancel"};
    argv.insert(argv.end(), ids.begin(), ids.end());
    const ProcessResult r = run_program(argv);
    if (r.status != 0) {
        throw std::runtime_error("scancel " + join(ids, " ") + " failed (exit " + std::to_string(r.status) +
                                 "): " + trimmed(r.err));
    }
}

bool SlurmClient::finished(const std::string& state) {
    static const std::set<std::string> terminal{"BOOT_FAIL", "CANCELLED", "COMPLETED",     "DEADLINE",
                                                "FAILED",    "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED",
                                                "REVOKED",   "TIMEOUT",   "UNKNOWN"};
    return terminal.count(state) != 0;
}

bool SlurmClient::succeeded(const SlurmJobState& s) { return s.state == "COMPLETED" && s.exit_code == 0; }

}  // namespace ft::cli
