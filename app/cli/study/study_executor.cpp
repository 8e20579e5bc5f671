// SPDX-License-Identifier: GPL-3.0-or-later
// The study executor's loop: decide what each (point, seed) needs, keep the backend busy, follow the jobs through
// the store, and write the outcome back into the study's rows.
#include "study/study_executor.h"

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <utility>

#include "ft/config/config_json.h"
#include "ft/train/run_plan.h"
#include "study/local_backend.h"
#include "study/study_text.h"

namespace ft::cli {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

// "local:HOST:PID" of a live process on this host.
bool local_job_alive(const std::string& job) {
    const pid_t pid = local_job_pid(job);
    return pid > 0 && ::kill(pid, 0) == 0;
}

std::string last_line(const std::string& path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line)) {
        // The progress bar's carriage-return updates are not the reason a run failed.
        if (const auto cr = line.rfind('\r'); cr != std::string::npos) line = line.substr(cr + 1);
        if (!line.empty()) last = line;
    }
    return last;
}

std::optional<int64_t> read_run_id(const std::string& path) {
    std::ifstream in(path);
    int64_t id = 0;
    if (in >> id && id > 0) return id;
    return std::nullopt;
}

struct Task {
    size_t row = 0;  // index in the study's rows
    bool resume = false;
    double weight = 1;  // epochs it trains in all: the progress bar's unit
    int restarts = 0;   // times this execution started it again after it failed
};

struct Active {
    Task task;
    std::string job, id_file, log;
    std::string job_store;     // own-store backends: the store file the job writes, imported when it ends
    bool cancel_sent = false;  // once: a second SIGTERM would also cut short the run's final evaluation
};

class Executor {
public:
    Executor(const StudySpec& spec, RunStore& store, JobBackend& backend, const StudyRunOptions& o, int64_t study)
        : spec_(spec), store_(store), backend_(backend), o_(o), study_(study) {}

    int run(const std::atomic<int>& stop_signal);

private:
    const StudySpec& spec_;
    RunStore& store_;
    JobBackend& backend_;
    const StudyRunOptions& o_;
    int64_t study_;
    StudyRecord record_;
    std::deque<Task> queue_;
    std::vector<Active> active_;
    std::map<int64_t, double> weight_of_point_;
    double total_weight_ = 0, done_weight_ = 0;
    int finished_ = 0, failed_ = 0, skipped_finished_ = 0;
    bool stopping_ = false;

    StudyRunRecord& row(const Task& t) { return record_.runs[t.row]; }
    size_t point_index(int64_t point) const {
        for (size_t i = 0; i < record_.points.size(); ++i)
            if (record_.points[i].point == point) return i;
        return 0;
    }
    std::string stem(const StudyRunRecord& r) const {
        // Appended piece by piece: GCC 12 reports a false -Wrestrict on "p" + std::to_string(...) inlined here.
        std::string name = "p";
        name += std::to_string(r.point);
        name += "-s";
        name += std::to_string(r.seed);
        return (fs::path(o_.work_dir) / name).string();
    }
    // Files of one attempt: its config, run-id file, job store and checkpoints ("p3-s2.a1.json", ...).
    std::string attempt_stem(const StudyRunRecord& r) const { return stem(r) + ".a" + std::to_string(r.attempts); }
    void save(const StudyRunRecord& r) { store_.update_study_run(study_, r); }
    std::optional<int64_t> import_job_store(StudyRunRecord& r, const std::string& job_store);
    void link(StudyRunRecord& r, int64_t run) {
        if (r.run == run) return;
        r.run = run;
        save(r);
        store_.add_tag(run, "study:" + spec_.name);
    }
    void plan();
    // Writes a task's files and says how its job runs; launched() records the job once it started.
    JobSpec prepare(const Task& t, Active& a);
    void launched(Active a, const std::string& job);
    void start_queued();
    int batches_ = 0;
    void finish(Active& a, const JobEnd& end);
    double running_fraction(const Active& a) const;
    void print_progress(Clock::time_point started, bool final_line);
    void say(const std::string& line) {
        if (o_.quiet || !o_.progress) return;
        std::fprintf(o_.progress, "%s%s\n", o_.interactive ? "\r\033[K" : "", line.c_str());
        std::fflush(o_.progress);
    }
};

void Executor::plan() {
    for (size_t p = 0; p < spec_.points.size(); ++p) {
        const RunConfig c = study_run_config(spec_, p, spec_.seeds.front());
        weight_of_point_[int64_t(p)] = double(std::max<int64_t>(plan_run(c).total_epochs, 1));
    }
    for (size_t i = 0; i < record_.runs.size(); ++i) {
        auto& r = record_.runs[i];
        const double weight = weight_of_point_[r.point];
        // A job an earlier executor started and a Slurm job still running: followed again, not started twice.
        if (r.state == StudyState::Running && !r.job.empty() && backend_.adopt(r.job)) {
            total_weight_ += weight;
            Active a;
            a.task = {i, false, weight};
            a.job = r.job;
            a.log = stem(r) + ".log";
            a.job_store = attempt_stem(r) + ".sqlite";
            active_.push_back(std::move(a));
            continue;
        }
        // A run an earlier executor started but did not live to link: its run-id file (or, for jobs with a store
        // of their own, that store) says which run it is.
        if (r.attempts > 0 && r.state != StudyState::Finished && backend_.own_store()) {
            // Its job ended without this executor importing it (killed, or stopped by `study cancel`).
            if (fs::exists(attempt_stem(r) + ".sqlite") && (!r.run || r.state != StudyState::Pending))
                import_job_store(r, attempt_stem(r) + ".sqlite");
        } else if (!r.run && r.attempts > 0) {
            if (auto id = read_run_id(attempt_stem(r) + ".run-id"); id && store_.find_run(*id)) {
                link(r, *id);
            }
        }
        std::optional<RunRecord> run = r.run ? store_.find_run(*r.run) : std::nullopt;
        if (run && run->status == RunStatus::Finished) {
            if (r.state != StudyState::Finished) {
                r.state = StudyState::Finished;
                r.job.clear();
                save(r);
            }
            ++skipped_finished_;
            continue;
        }
        total_weight_ += weight;
        const bool resumable = run && (run->status == RunStatus::Cancelled || run->status == RunStatus::Interrupted) &&
                               !run->checkpoint_dir.empty() && fs::exists(run->checkpoint_dir);
        queue_.push_back({i, resumable, weight});
    }
    // Seed by seed: every point gets its first result before any gets its third, so a study read part-way (or
    // stopped) compares all its points. Within a seed the longest runs go first, so the study does not end with
    // one long run on one worker while the others idle.
    auto seed_rank = [&](const Task& t) {
        const int64_t seed = record_.runs[t.row].seed;
        return std::find(spec_.seeds.begin(), spec_.seeds.end(), seed) - spec_.seeds.begin();
    };
    std::stable_sort(queue_.begin(), queue_.end(), [&](const Task& a, const Task& b) {
        const auto ra = seed_rank(a), rb = seed_rank(b);
        return ra != rb ? ra < rb : a.weight > b.weight;
    });
}

JobSpec Executor::prepare(const Task& t, Active& a) {
    auto& r = row(t);
    const bool own = backend_.own_store();
    a.task = t;
    a.log = stem(r) + ".log";
    JobSpec job;
    job.name = spec_.name + "/p" + std::to_string(r.point) + "-s" + std::to_string(r.seed);
    job.log_path = a.log;
    if (t.resume && own) {
        // The job's own store still holds the stopped run; the resumed job goes on writing it.
        a.job_store = attempt_stem(r) + ".sqlite";
        const auto job_run = read_run_id(attempt_stem(r) + ".run-id");
        if (!job_run) throw std::runtime_error(attempt_stem(r) + ".run-id: no run id to resume");
        job.argv = {o_.program, "resume", std::to_string(*job_run), "--db", a.job_store, "-q"};
    } else if (t.resume) {
        job.argv = {o_.program, "resume", std::to_string(*r.run), "--db", o_.store_path, "-q"};
    } else {
        ++r.attempts;
        auto config = study_run_config_json(spec_, size_t(r.point), r.seed);
        config["threads"] = o_.threads;
        const std::string config_path = attempt_stem(r) + ".json";
        std::ofstream(config_path) << config.dump(2) << "\n";
        a.id_file = attempt_stem(r) + ".run-id";
        fs::remove(a.id_file);
        if (own) {
            a.job_store = attempt_stem(r) + ".sqlite";
            fs::remove(a.job_store);
            job.argv = {o_.program,         "train",
                        config_path,        "--db",
                        a.job_store,        "-q",
                        "--run-id-file",    a.id_file,
                        "--checkpoint-dir", attempt_stem(r) + ".checkpoints"};
        } else {
            job.argv = {o_.program, "train", config_path, "--db", o_.store_path, "-q", "--run-id-file", a.id_file};
            r.run.reset();
        }
    }
    return job;
}

void Executor::launched(Active a, const std::string& job) {
    auto& r = row(a.task);
    const Task& t = a.task;
    const bool own = backend_.own_store();
    a.job = job;
    r.state = StudyState::Running;
    r.job = a.job;
    r.message.clear();
    save(r);
    say("started " + record_.points[point_index(r.point)].label + ", seed " + std::to_string(r.seed) +
        (t.resume         ? " (resumed)"
         : r.attempts > 1 ? " (retry " + std::to_string(r.attempts - 1) + ")"
                          : "") +
        (own ? " as " + a.job : ""));
    active_.push_back(std::move(a));
}

void Executor::start_queued() {
    std::vector<Active> starting;
    std::vector<JobSpec> jobs;
    auto failed_to_start = [this](const Task& t, const std::string& why) {
        auto& r = row(t);
        r.state = StudyState::Failed;
        r.message = why;
        ++failed_;
        save(r);
        say("FAILED to start: " + why);
    };
    while (!stopping_ && !queue_.empty() && int(active_.size() + jobs.size()) < backend_.capacity()) {
        const Task t = queue_.front();
        queue_.pop_front();
        try {
            Active a;
            jobs.push_back(prepare(t, a));
            starting.push_back(std::move(a));
        } catch (const std::exception& e) {
            failed_to_start(t, e.what());
        }
    }
    if (jobs.empty()) return;
    if (jobs.size() == 1 || !backend_.starts_batches()) {
        for (size_t i = 0; i < jobs.size(); ++i) {
            try {
                launched(std::move(starting[i]), backend_.start(jobs[i]));
            } catch (const std::exception& e) {
                failed_to_start(starting[i].task, e.what());
            }
        }
        return;
    }
    // Jobs that can start together start as one batch (on Slurm, one job array: one sbatch, one queue entry).
    std::string file = "batch-";
    file += std::to_string(::getpid());
    file += '-';
    file += std::to_string(++batches_);
    file += ".sbatch";
    const std::string script = (fs::path(o_.work_dir) / file).string();
    std::vector<std::string> ids;
    try {
        ids = backend_.start_batch(jobs, script);
    } catch (const std::exception& e) {
        for (const auto& a : starting) failed_to_start(a.task, e.what());
        return;
    }
    for (size_t i = 0; i < starting.size(); ++i) launched(std::move(starting[i]), ids[i]);
}

std::optional<int64_t> Executor::import_job_store(StudyRunRecord& r, const std::string& job_store) {
    // The job's store is the run's whole record: an earlier import of it (a stopped attempt) is replaced.
    const auto ids = store_.import_from(job_store, true);
    if (ids.empty()) return std::nullopt;
    const int64_t id = ids.back();
    if (r.run && *r.run != id && store_.find_run(*r.run)) {
        store_.trash(*r.run);
        store_.purge(*r.run);
    }
    r.run.reset();
    link(r, id);
    return id;
}

void Executor::finish(Active& a, const JobEnd& end) {
    auto& r = row(a.task);
    std::string import_error;
    if (!a.job_store.empty()) {
        if (fs::exists(a.job_store)) {
            try {
                import_job_store(r, a.job_store);
            } catch (const std::exception& e) {
                import_error = std::string("its store could not be imported: ") + e.what();
            }
        } else {
            import_error = "the job wrote no store (" + a.job_store + ")";
        }
    } else if (!a.id_file.empty()) {
        if (auto id = read_run_id(a.id_file)) link(r, *id);
    }
    const std::optional<RunRecord> run = r.run ? store_.find_run(*r.run) : std::nullopt;
    const std::string& label = record_.points[point_index(r.point)].label;
    r.job.clear();
    if (run && run->status == RunStatus::Finished && end.succeeded) {
        r.state = StudyState::Finished;
        ++finished_;
        done_weight_ += a.task.weight;
        save(r);
        say("finished " + label + ", seed " + std::to_string(r.seed));
        return;
    }
    if (stopping_) {
        r.state = StudyState::Cancelled;
        save(r);
        return;
    }
    std::string why = !import_error.empty()          ? import_error
                      : run && !run->message.empty() ? run->message
                                                     : last_line(a.log);
    if (why.empty()) why = end.detail;
    r.message = why + " (" + end.detail + "; log: " + a.log + ")";
    const bool can_resume = run && (run->status == RunStatus::Cancelled || run->status == RunStatus::Interrupted) &&
                            !run->checkpoint_dir.empty();
    if (a.task.restarts < o_.retries) {
        // Once more: from its checkpoint when the run stopped part-way (killed, preempted), else from the start.
        r.state = StudyState::Pending;
        save(r);
        say("failed " + label + ", seed " + std::to_string(r.seed) + ": " + why + "; trying once more");
        Task again = a.task;
        again.resume = can_resume;
        ++again.restarts;
        queue_.push_back(again);
        return;
    }
    r.state = StudyState::Failed;
    ++failed_;
    done_weight_ += a.task.weight;
    save(r);
    say("FAILED " + label + ", seed " + std::to_string(r.seed) + ": " + r.message);
}

// Steps done over the run's whole plan: one "loss" point per step of each training run (the members of an ensemble
// count their steps from 0 each, so the highest step alone says how far the current member is, not the run).
double plan_fraction(const RunStore& store, const RunRecord& run) {
    if (run.total_steps <= 0) return 0;
    int64_t done = 0;
    for (const auto& k : store.metric_keys(run.id))
        if (k.key == "loss") done += k.count;
    return std::clamp(double(done) / double(run.total_steps), 0.0, 1.0);
}

double Executor::running_fraction(const Active& a) const {
    const auto& r = record_.runs[a.task.row];
    try {
        if (!a.job_store.empty()) {
            if (!fs::exists(a.job_store)) return 0;
            const auto job_store = RunStore::open(a.job_store, StoreMode::ReadOnly);
            const auto runs = job_store.list_runs();
            return runs.empty() ? 0 : plan_fraction(job_store, runs.back());
        }
        if (!r.run) return 0;
        const auto run = store_.find_run(*r.run);
        return run ? plan_fraction(store_, *run) : 0;
    } catch (const std::exception&) {
        return 0;  // a store its job is creating right now
    }
}

void Executor::print_progress(Clock::time_point started, bool final_line) {
    if (o_.quiet || !o_.progress) return;
    double done = done_weight_;
    for (const auto& a : active_) done += a.task.weight * running_fraction(a);
    StudyProgress p;
    p.fraction = total_weight_ > 0 ? done / total_weight_ : 1.0;
    p.finished = finished_ + skipped_finished_;
    p.failed = failed_;
    p.running = int(active_.size());
    p.total = int(record_.runs.size());
    p.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (o_.interactive)
        std::fprintf(o_.progress, "\r\033[K%s%s", study_progress_line(p).c_str(), final_line ? "\n" : "");
    else
        std::fprintf(o_.progress, "%s\n", study_progress_line(p).c_str());
    std::fflush(o_.progress);
}

int Executor::run(const std::atomic<int>& stop_signal) {
    record_ = store_.get_study(study_);
    fs::create_directories(o_.work_dir);
    plan();
    store_.request_study_cancel(study_, false);
    store_.set_study_state(study_, StudyState::Running);
    store_.set_study_executor(study_, backend_.name(), ::getpid());
    if (skipped_finished_ > 0)
        say(std::to_string(skipped_finished_) + " of " + std::to_string(record_.runs.size()) +
            " runs already finished; " + std::to_string(queue_.size()) + " to run");
    const auto started = Clock::now();
    auto last_cancel_check = started, last_print = started;
    bool cancelled_by_user = false;
    while (!queue_.empty() || !active_.empty()) {
        if (!stopping_ && stop_signal.load() != 0) stopping_ = true;
        const auto now = Clock::now();
        if (!stopping_ && now - last_cancel_check > std::chrono::seconds(1)) {
            last_cancel_check = now;
            if (store_.get_study(study_).cancel_requested) stopping_ = cancelled_by_user = true;
        }
        if (stopping_) {
            for (auto& a : active_)
                if (!std::exchange(a.cancel_sent, true)) backend_.cancel(a.job);
            queue_.clear();
        }
        start_queued();
        for (size_t i = 0; i < active_.size();) {
            auto& a = active_[i];
            auto& r = row(a.task);
            if (!r.run && !a.id_file.empty() && a.job_store.empty())
                if (auto id = read_run_id(a.id_file)) link(r, *id);
            if (auto end = backend_.poll(a.job)) {
                finish(a, *end);
                active_.erase(active_.begin() + std::ptrdiff_t(i));
            } else {
                ++i;
            }
        }
        if (Clock::now() - last_print > std::chrono::seconds(o_.interactive ? 1 : 30)) {
            last_print = Clock::now();
            print_progress(started, false);
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(o_.poll_seconds));
    }
    print_progress(started, true);
    store_.set_study_executor(study_, backend_.name(), 0);
    if (stopping_) {
        store_.set_study_state(study_, StudyState::Cancelled,
                               cancelled_by_user ? "cancelled (study cancel)" : "stopped by a signal");
        store_.request_study_cancel(study_, false);
        if (cancelled_by_user) return 3;
        return 128 + stop_signal.load();
    }
    if (failed_ > 0) {
        store_.set_study_state(study_, StudyState::Failed,
                               std::to_string(failed_) + " of " + std::to_string(record_.runs.size()) + " runs failed");
        return 1;
    }
    store_.set_study_state(study_, StudyState::Finished);
    return 0;
}

}  // namespace

int64_t open_study(const StudySpec& spec, RunStore& store) {
    if (const auto id = store.find_study(spec.name)) {
        const StudyRecord r = store.get_study(*id);
        if (r.spec != spec.json)
            throw std::runtime_error("the store " + store.path() + " already has a study named \"" + spec.name +
                                     "\" from a different study file; rename the study (its \"name\") to start a "
                                     "new one, or `freetickets study delete " +
                                     std::to_string(*id) + "` first");
        if (r.pid > 0 && local_job_alive("local:" + r.host + ":" + std::to_string(r.pid)) && r.pid != ::getpid())
            throw std::runtime_error("study \"" + spec.name + "\" is being executed by process " +
                                     std::to_string(r.pid) + " on " + r.host +
                                     "; follow it with `freetickets study show " + std::to_string(*id) +
                                     "`, or stop it with `freetickets study cancel " + std::to_string(*id) + "`");
        return *id;
    }
    std::vector<StudyPointRecord> points;
    for (size_t p = 0; p < spec.points.size(); ++p)
        points.push_back({int64_t(p), spec.points[p].label, to_string(spec.points[p].method), spec.points[p].swept});
    return store.create_study(spec.name, spec.json, points, spec.seeds);
}

int execute_study(const StudySpec& spec, RunStore& store, JobBackend& backend, const StudyRunOptions& options,
                  const std::atomic<int>& stop_signal) {
    const int64_t id = open_study(spec, store);
    Executor e(spec, store, backend, options, id);
    return e.run(stop_signal);
}

}  // namespace ft::cli
