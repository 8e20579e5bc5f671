// SPDX-License-Identifier: GPL-3.0-or-later
// The `study` subcommands: parsing their options, opening the store and calling the executor or the text.
#include "study/study_commands.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "ft/store/run_store.h"
#include "ft/study/study_results.h"
#include "ft/study/study_spec.h"
#include "store_paths.h"
#include "study/local_backend.h"
#include "study/slurm_backend.h"
#include "study/study_executor.h"
#include "study/study_text.h"

namespace ft::cli {
namespace fs = std::filesystem;
namespace {

std::atomic<int> g_study_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler may only touch lock-free atomics");

// Only the flag: the executor loop sees it within one poll and stops its jobs (each checkpoints).
extern "C" void on_study_signal(int sig) { g_study_signal.store(sig); }

std::string self_program() {
    std::error_code ec;
    const auto p = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw std::runtime_error("cannot find this program's own path (/proc/self/exe): " + ec.message());
    return p.string();
}

// A study named by its id or its name.
int64_t resolve_study(const RunStore& store, const std::string& target) {
    if (!target.empty() && target.find_first_not_of("0123456789") == std::string::npos) {
        const int64_t id = std::stoll(target);
        store.get_study(id);  // throws "no study N", naming the store
        return id;
    }
    if (auto id = store.find_study(target)) return *id;
    std::string known;
    for (const auto& s : store.list_studies()) known += (known.empty() ? "" : ", ") + s.name;
    throw std::invalid_argument("no study \"" + target + "\" in " + store.path() +
                                (known.empty() ? " (it has none)" : "; it has: " + known));
}

std::vector<std::string> split_commas(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ','))
        if (!part.empty()) out.push_back(part);
    return out;
}

int cores() { return std::max(1, int(std::thread::hardware_concurrency())); }

}  // namespace

std::unique_ptr<StudyCommands> add_study_commands(CLI::App& app) {
    auto c = std::make_unique<StudyCommands>();
    c->study = app.add_subcommand("study", "Studies: grids over settings and seeds, run locally or on Slurm");
    c->study->require_subcommand(1);
    const std::string db_help = "Run store (default: $XDG_DATA_HOME/freetickets/runs.sqlite)";

    c->run_ =
        c->study->add_subcommand("run", "Run a study file (again: finished runs are skipped, stopped ones resumed)");
    c->run_->add_option("file", c->file, "A study file (JSON: name, base, grid or points, seeds), or a shipped study")
        ->required();
    c->run_->add_option("--executor", c->executor, "local (worker processes here) or slurm")
        ->capture_default_str()
        ->check(CLI::IsMember({"local", "slurm"}));
    c->run_->add_option("--jobs", c->jobs, "Runs at once (local)")->capture_default_str()->check(CLI::Range(1, 256));
    c->run_->add_option("--threads", c->threads, "Threads per run (default: the cores / --jobs)")
        ->check(CLI::Range(1, 1024));
    c->run_->add_option("--partition", c->partition, "Slurm partition");
    c->run_->add_option("--time", c->time_limit, "Slurm time limit per run, e.g. 2:00:00");
    c->run_->add_option("--cpus-per-task", c->cpus_per_task, "Slurm CPUs per run (default: --threads)")
        ->check(CLI::Range(1, 1024));
    c->run_->add_option("--gres", c->gres, "Slurm generic resources per run, e.g. gpu:1 for CUDA runs");
    c->run_->add_option("--sbatch-arg", c->sbatch_args, "One more sbatch argument (repeatable)")
        ->allow_extra_args(false);
    c->run_->add_flag("-q,--quiet", c->quiet, "No progress output");
    c->run_->add_option("--db", c->db, db_help);

    c->list = c->study->add_subcommand("list", "The studies in the store");
    c->list->add_flag("--json", c->json, "As JSON");
    c->list->add_option("--db", c->db, db_help);

    c->show = c->study->add_subcommand("show", "A study's points: mean, std and n over seeds of each metric");
    c->show->add_option("study", c->target, "Study id or name")->required();
    c->show->add_flag("--json", c->json, "As JSON: points[] {settings, runs[], metrics {accuracy {mean, std, n}}}");
    c->show->add_option("--format", c->format, "table or markdown")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "markdown"}));
    c->show->add_option("--metrics", c->metrics,
                        "Comma-separated metrics (accuracy, nll, ece, brier, ticket_accuracy, ticket_nll, "
                        "corrupted_accuracy, corrupted_nll, corrupted_ece, ood_auroc, train_flops, seconds)");
    c->show->add_option("--db", c->db, db_help);

    c->export_ = c->study->add_subcommand("export", "Write a study's results as CSV and/or JSON");
    c->export_->add_option("study", c->target, "Study id or name")->required();
    c->export_->add_option("--csv", c->csv_out, "CSV file (- for standard output)");
    c->export_->add_option("--json", c->json_out, "JSON file (- for standard output)");
    c->export_->add_option("--db", c->db, db_help);

    c->cancel = c->study->add_subcommand("cancel", "Stop a study: its running runs checkpoint and end as cancelled");
    c->cancel->add_option("study", c->target, "Study id or name")->required();
    c->cancel->add_option("--db", c->db, db_help);

    c->remove = c->study->add_subcommand("delete", "Forget a study (its runs stay in the store)");
    c->remove->add_option("study", c->target, "Study id or name")->required();
    c->remove->add_option("--db", c->db, db_help);
    return c;
}

int StudyCommands::run() {
    if (run_->parsed()) {
        std::vector<std::string> warnings;
        const StudySpec spec = load_study(file, &warnings);
        for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
        const std::string path = store_path_or_default(db, true);
        RunStore store = RunStore::open(path, StoreMode::ReadWrite);
        const bool slurm = executor == "slurm";
        if (slurm)
            if (auto why = SlurmClient::unavailable_reason()) throw std::invalid_argument("--executor slurm: " + *why);
        // Slurm queues what it cannot run yet, so every run is submitted unless --jobs says otherwise.
        const int at_once = slurm && run_->count("--jobs") == 0 ? int(spec.run_count()) : jobs;
        StudyRunOptions o;
        o.store_path = fs::absolute(path).string();
        o.program = self_program();
        o.work_dir = o.store_path + ".studies/" + spec.name;
        o.threads = threads > 0 ? threads : slurm ? std::max(1, cpus_per_task) : std::max(1, cores() / jobs);
        o.quiet = quiet;
        o.interactive = ::isatty(STDERR_FILENO) != 0;
        if (!slurm && jobs * o.threads > cores())
            std::fprintf(stderr,
                         "warning: --jobs %d x %d threads = %d threads on %d cores: runs will slow each other\n", jobs,
                         o.threads, jobs * o.threads, cores());
        if (!quiet)
            std::fprintf(stderr, "study \"%s\": %zu points x %zu seeds = %zu runs; %d at once, %d threads each; %s\n",
                         spec.name.c_str(), spec.points.size(), spec.seeds.size(), spec.run_count(), at_once, o.threads,
                         path.c_str());
        std::unique_ptr<JobBackend> backend;
        if (slurm) {
            SlurmOptions so;
            so.partition = partition;
            so.time_limit = time_limit;
            so.cpus_per_task = cpus_per_task > 0 ? cpus_per_task : o.threads;
            so.gres = gres;
            so.extra_args = sbatch_args;
            backend = std::make_unique<SlurmBackend>(so, at_once);
        } else {
            backend = std::make_unique<LocalBackend>(jobs);
        }
        g_study_signal.store(0);
        std::signal(SIGINT, on_study_signal);
        std::signal(SIGTERM, on_study_signal);
        const int code = execute_study(spec, store, *backend, o, g_study_signal);
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        const int64_t id = *store.find_study(spec.name);
        if (!quiet) std::cout << study_table(study_results(store, id), default_study_columns(), "table");
        if (code == 3)
            std::fprintf(stderr, "study cancelled; run it again to resume: freetickets study run %s\n", file.c_str());
        if (code > 128)
            std::fprintf(stderr, "study stopped; run it again to resume: freetickets study run %s\n", file.c_str());
        return code;
    }
    const std::string path = store_path_or_default(db, false);
    if (list->parsed()) {
        if (!fs::exists(path)) {
            std::cout << (json ? "[]\n" : study_list_table({}));
            return 0;
        }
        RunStore store = RunStore::open(path, StoreMode::ReadOnly);
        std::vector<StudyResults> all;
        for (const auto& s : store.list_studies()) all.push_back(study_results(store, s.id));
        if (json) {
            nlohmann::json j = nlohmann::json::array();
            for (const auto& r : all) {
                auto one = study_results_json(r);
                one.erase("points");
                one.erase("spec");
                j.push_back(one);
            }
            std::cout << j.dump(2) << "\n";
        } else {
            std::cout << study_list_table(all);
        }
        return 0;
    }
    if (show->parsed() || export_->parsed()) {
        RunStore store = RunStore::open(path, StoreMode::ReadOnly);
        const auto results = study_results(store, resolve_study(store, target));
        if (show->parsed()) {
            if (json)
                std::cout << study_results_json(results).dump(2) << "\n";
            else
                std::cout << study_table(results, metrics.empty() ? default_study_columns() : split_commas(metrics),
                                         format);
            return 0;
        }
        if (csv_out.empty() && json_out.empty())
            throw std::invalid_argument("study export: give --csv FILE and/or --json FILE");
        auto write = [](const std::string& out, const std::string& text) {
            if (out == "-") {
                std::cout << text;
                return;
            }
            std::ofstream f(out);
            f << text;
            if (!f) throw std::runtime_error(out + ": cannot write the file");
        };
        if (!csv_out.empty()) write(csv_out, study_csv(results));
        if (!json_out.empty()) write(json_out, study_results_json(results).dump(2) + "\n");
        return 0;
    }
    RunStore store = RunStore::open(path, StoreMode::ReadWrite);
    const int64_t id = resolve_study(store, target);
    if (remove->parsed()) {
        const auto r = store.get_study(id);
        if (r.pid > 0)
            throw std::invalid_argument("study " + std::to_string(id) + " is being executed (process " +
                                        std::to_string(r.pid) + " on " + r.host + "); cancel it first");
        store.delete_study(id);
        std::printf("deleted study %lld \"%s\"; its %zu runs stay in the store\n", (long long)id, r.name.c_str(),
                    r.runs.size());
        return 0;
    }
    // cancel: the executor sees the request within a second and stops its jobs; with no executor alive, the jobs
    // it left are stopped here.
    store.request_study_cancel(id, true);
    const auto r = store.get_study(id);
    if (r.pid > 0 && r.host == local_host_name() && ::kill(pid_t(r.pid), 0) == 0) {
        std::printf("asked the executor (process %lld) to stop study %lld; its running runs checkpoint first\n",
                    (long long)r.pid, (long long)id);
        return 0;
    }
    int stopped = 0;
    for (auto row : r.runs) {
        if (row.state != StudyState::Running) continue;
        if (const pid_t pid = local_job_pid(row.job); pid > 0) {
            if (::kill(pid, SIGTERM) == 0) ++stopped;
        } else if (row.job.rfind("slurm:", 0) == 0) {
            SlurmClient({}).cancel({row.job.substr(6)});
            ++stopped;
        }
        row.state = StudyState::Cancelled;
        row.job.clear();
        store.update_study_run(id, row);
    }
    store.set_study_state(id, StudyState::Cancelled, "cancelled (study cancel)");
    store.request_study_cancel(id, false);
    store.set_study_executor(id, r.executor, 0);
    std::printf("study %lld cancelled (no executor was running; %d runs stopped)\n", (long long)id, stopped);
    return 0;
}

}  // namespace ft::cli
