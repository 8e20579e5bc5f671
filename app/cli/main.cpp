// SPDX-License-Identifier: GPL-3.0-or-later
// freetickets: the headless twin of the workbench. Same core, same configs.
//   freetickets train [PRESET|CONFIG.json | --preset NAME] [--set key=value ...] [--out summary.json] [--db FILE]
//   freetickets resume RUN|CHECKPOINT_DIR
//   freetickets runs list|show|diff|export|delete|restore|purge|tag|note|import (runs_commands.h)
//   freetickets presets list [--names] | presets show NAME
//   freetickets settings [--keys | --choices KEY] (settings_text.h)
//   freetickets bench [--model ...] | bench --store (store_bench.h)
//   freetickets eval RUN | compare RUN... | export RUN --tickets DIR (eval_commands.h)
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <CLI/CLI.hpp>

#include "eval_commands.h"
#include "ft/config/config_json.h"
#include "ft/config/presets.h"
#include "ft/train/bench.h"
#include "ft/train/experiment.h"
#include "progress_printer.h"
#include "result_table.h"
#include "resume_target.h"
#include "run_recording.h"
#include "runs_commands.h"
#include "settings_text.h"
#include "store_bench.h"
#include "store_paths.h"
#include "study/study_commands.h"

namespace fs = std::filesystem;
using namespace ft;

namespace {

// The run a signal stops, and the last signal that came (0: none). Lock-free atomics only: the handler may touch
// nothing else.
std::atomic<RunControl*> g_control{nullptr};
std::atomic<int> g_signal{0};
static_assert(std::atomic<RunControl*>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
    // Only async-signal-safe work here: flag the run; the loop checkpoints at its next step and returns. A second
    // signal (Ctrl-C again during the final evaluation) flags it again, which stops the evaluation too.
    g_signal.store(sig);
    if (RunControl* c = g_control.load()) c->cancel_from_signal();
}

// Points the signal handler at a run for as long as it trains, also when training throws.
struct SignalTarget {
    explicit SignalTarget(RunControl& control) {
        g_control.store(&control);
        std::signal(SIGINT, on_stop_signal);
        std::signal(SIGTERM, on_stop_signal);
    }
    ~SignalTarget() { g_control.store(nullptr); }
    SignalTarget(const SignalTarget&) = delete;
    SignalTarget& operator=(const SignalTarget&) = delete;
};

// The default checkpoint location follows the XDG base directory convention.
std::string default_checkpoint_dir(const std::string& name) {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : ".") / ".local" / "share";
    char stamp[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
    return (base / "freetickets" / "checkpoints" / ((name.empty() ? "run" : name) + "-" + stamp)).string();
}

// recording: the run store side (null with --no-db).
int run_and_report(const RunConfig& config, const RunOptions& options, const std::string& out_path, bool quiet,
                   cli::RunRecording* recording = nullptr) {
    RunControl control;
    std::optional<SignalTarget> signals(std::in_place, control);
    cli::ProgressPrinter progress(stderr, isatty(fileno(stderr)) != 0, quiet);
    EventFanout sinks;
    sinks.add(&progress);
    if (recording) {
        recording->watch(control);  // a failing store cancels the run, which checkpoints first
        sinks.add(recording);
        std::fprintf(stderr, "run %lld in %s\n", (long long)recording->run_id(), recording->path().c_str());
    }
    if (!quiet && !options.checkpoint_dir.empty())
        std::fprintf(stderr, "checkpoints: %s\n", options.checkpoint_dir.c_str());
    const auto summary = run_experiment(config, sinks, control, options);
    signals.reset();
    if (recording) recording->close();
    if (!out_path.empty()) {
        std::ofstream out(out_path);
        out << summary.dump(2) << "\n";
        if (!out) throw std::runtime_error(out_path + ": cannot write the summary");
    }
    const std::string resume_hint =
        recording ? recording->resume_command() : "freetickets resume " + options.checkpoint_dir;
    if (recording && recording->failed()) {
        std::fprintf(stderr, "error: %s\n", recording->error().c_str());
        if (summary["run"]["status"] == "cancelled" && !options.checkpoint_dir.empty())
            std::fprintf(stderr, "training stopped at its last checkpoint (%s). Once the store is fixed: %s\n",
                         options.checkpoint_dir.c_str(), resume_hint.c_str());
        return 1;
    }
    if (summary["run"]["status"] == "cancelled") {
        // 128 + the signal, as a shell reports a process that the signal ended: 130 for SIGINT, 143 for SIGTERM.
        const int sig = g_signal.load();
        std::fprintf(stderr, "%s. Resume with: %s\n", sig == SIGTERM ? "stopped by SIGTERM" : "cancelled",
                     resume_hint.c_str());
        return 128 + (sig ? sig : SIGINT);
    }
    std::cout << cli::result_table(summary);
    return 0;
}

// --checkpoint-every: seconds, a finite number >= 0 (CLI11's own checks let "nan" through).
std::string check_checkpoint_seconds(std::string& text) {
    try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && std::isfinite(v) && v >= 0) return "";
    } catch (const std::exception&) {}
    return "--checkpoint-every = " + text + ": expected a number of seconds >= 0 (0: a checkpoint every epoch)";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"freetickets: dynamic sparse training and FreeTickets ensembles (DST, EDST) from the command line"};
    app.set_version_flag("--version", std::string("freetickets ") + FT_VERSION);
    app.require_subcommand(1);

    // train
    auto* train = app.add_subcommand("train", "Train one experiment and print its result table");
    std::string source = default_preset();
    std::vector<std::string> overrides;
    std::string out_path, checkpoint_dir;
    bool no_checkpoint = false, quiet = false, dry_run = false;
    std::string preset_name;
    auto* config_option = train->add_option("config", source, "Preset name (see `presets list`) or a config JSON file")
                              ->capture_default_str();
    // The workbench's --preset spelling, for scripts that drive both programs.
    train->add_option("--preset", preset_name, "Preset name (see `presets list`), instead of CONFIG")
        ->excludes(config_option);
    // One value per --set, so that `train --set k=v PRESET` leaves PRESET to the positional argument.
    train->add_option("--set", overrides, "Override one setting, e.g. --set sparse.density=0.1 (repeatable)")
        ->allow_extra_args(false);
    train->add_option("--out", out_path, "Write the summary JSON here");
    train->add_option("--checkpoint-dir", checkpoint_dir,
                      "Checkpoint folder (default: under $XDG_DATA_HOME/freetickets)");
    train->add_flag("--no-checkpoint", no_checkpoint, "Write no checkpoints (a cancelled run cannot be resumed)");
    // A checkpoint of a large model costs seconds; with epochs of seconds that is most of the run.
    double checkpoint_seconds = 0;
    const std::string checkpoint_every_help =
        "At most one epoch-end checkpoint per SECONDS of training (phase ends, tickets, Ctrl-C and SIGTERM always "
        "write one); 0: every epoch";
    train->add_option("--checkpoint-every", checkpoint_seconds, checkpoint_every_help)
        ->type_name("SECONDS")
        ->check(CLI::Validator(check_checkpoint_seconds, "", ""))
        ->capture_default_str();
    train->add_flag("--dry-run", dry_run, "Validate and print the full config, then exit");
    train->add_flag("-q,--quiet", quiet, "No progress output");
    std::string db_path;
    bool no_db = false;
    train->add_flag("--no-db", no_db, "Do not record the run in a store");
    std::string run_id_file;
    train->add_option("--run-id-file", run_id_file,
                      "Write the new run's id to this file once it is recorded (scripts)");
    train
        ->add_option("--db", db_path,
                     "Run store to record the run in (default: $XDG_DATA_HOME/freetickets/runs.sqlite)")
        ->excludes("--no-db");

    // resume
    auto* resume = app.add_subcommand("resume", "Continue a cancelled or interrupted run from its last checkpoint");
    std::string resume_dir;
    resume->add_option("run", resume_dir, "A run id in the store, or the run's checkpoint folder")->required();
    resume->add_option("--out", out_path, "Write the summary JSON here");
    resume->add_flag("-q,--quiet", quiet, "No progress output");
    resume->add_option("--checkpoint-every", checkpoint_seconds, checkpoint_every_help)
        ->type_name("SECONDS")
        ->check(CLI::Validator(check_checkpoint_seconds, "", ""))
        ->capture_default_str();
    resume->add_flag("--no-db", no_db, "Do not record the resumed run (give a checkpoint folder)");
    resume->add_option("--db", db_path, "Run store of the run (default: $XDG_DATA_HOME/freetickets/runs.sqlite)")
        ->excludes("--no-db");

    // presets
    auto* presets = app.add_subcommand("presets", "List or show the built-in presets");
    presets->require_subcommand(1);
    auto* presets_list = presets->add_subcommand("list", "List the presets with their descriptions");
    bool names_only = false;
    presets_list->add_flag("--names", names_only, "Only the names, one per line");
    auto* presets_show = presets->add_subcommand("show", "Print a preset as a full config (every field)");
    std::string show_name;
    presets_show->add_option("name", show_name, "Preset name")->required();

    // settings
    auto* settings = app.add_subcommand("settings", "List every setting that --set takes: type, default, valid values");
    bool keys_only = false;
    std::string choices_of;
    auto* keys_flag = settings->add_flag("--keys", keys_only, "Only the keys, one per line");
    settings->add_option("--choices", choices_of, "The values KEY accepts, one per line (none for free values)")
        ->excludes(keys_flag);

    // bench
    auto* bench = app.add_subcommand("bench", "Print training throughput and mask-update cost as JSON");
    BenchOptions bo;
    bench->add_option("--model", bo.model, "Model to train")->capture_default_str();
    bench->add_option("--density", bo.density, "Density (1 = dense)")->capture_default_str();
    bench->add_option("--batch", bo.batch, "Batch size")->capture_default_str();
    bench->add_option("--steps", bo.steps, "Timed training steps (0 = none: inference only)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    bench->add_option("--update-every", bo.update_every, "Mask update period (0 = never)")->capture_default_str();
    bench->add_option("--threads", bo.threads, "Threads (0 = all cores)")->capture_default_str();
    bench->add_option("--device", bo.device, "cpu, cuda, cuda:N")->capture_default_str();
    bench->add_option("--hidden", bo.hidden, "--model mlp only: hidden widths on 1x28x28 inputs, e.g. 1200,1200")
        ->delimiter(',');
    bench
        ->add_option("--exec", bo.exec,
                     "masked (dense weights x mask), sparse (Linear and Conv2d layers: active weights only) or auto "
                     "(per layer, the faster)")
        ->capture_default_str()
        ->check(CLI::IsMember({"masked", "sparse", "auto"}));
    bench
        ->add_option("--inference-examples", bo.inference_examples,
                     "Examples a 3-ticket ensemble and one dense model predict, in batches of up to 500 (0 = skip)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    bench->add_option("--update-model", bo.update_model, "Model whose layers the update benchmark prunes and grows")
        ->capture_default_str();
    bench->add_option("--update-repeats", bo.update_repeats, "Repeats of the update benchmark (0 = skip)")
        ->capture_default_str();
    bool bench_store = false;
    bench->add_flag("--store", bench_store, "Time the run store instead (1,000 runs, masks of a LeNet-5-sized run)");

    auto runs_commands = cli::add_runs_commands(app);  // runs list, show, ...

    auto eval_commands = cli::add_eval_commands(app);  // eval, compare

    auto study_commands = cli::add_study_commands(app);  // study run, list, show, ...

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; every usage error exits 2, as a bad setting does (README: exit codes).
        return app.exit(e) == 0 ? 0 : 2;
    }

    try {
        if (*train) {
            std::string label;
            nlohmann::json j;
            if (!preset_name.empty()) {
                label = "preset " + preset_name;
                j = preset_json(preset_name);  // throws, listing the presets
            } else {
                j = config_source_json(source, label);
            }
            for (const auto& o : overrides) apply_override(j, o);
            std::vector<std::string> warnings;
            const RunConfig config = config_from_json(j, label, &warnings);
            for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
            if (dry_run) {
                std::cout << config_to_json(config).dump(2) << "\n";
                return 0;
            }
            RunOptions options;
            options.checkpoint_every_seconds = checkpoint_seconds;
            std::unique_ptr<cli::RunRecording> recording;
            if (!no_db) {  // the store is checked (and a bad file refused) before any training
                recording = cli::RunRecording::create(cli::store_path_or_default(db_path, true), config,
                                                      no_checkpoint ? "" : checkpoint_dir, !no_checkpoint);
                options.checkpoint_dir = recording->checkpoint_dir();
                if (!run_id_file.empty()) {
                    std::ofstream id_out(run_id_file);
                    id_out << recording->run_id() << "\n";
                    if (!id_out) throw std::runtime_error(run_id_file + ": cannot write the run id");
                }
            } else if (!no_checkpoint) {
                options.checkpoint_dir = checkpoint_dir.empty() ? default_checkpoint_dir(config.name) : checkpoint_dir;
            }
            return run_and_report(config, options, out_path, quiet, recording.get());
        }
        if (*resume) {
            const auto target = cli::resolve_resume_target(
                resume_dir, no_db ? "" : cli::store_path_or_default(db_path, false), !db_path.empty());
            if (!target.note.empty()) std::fprintf(stderr, "%s\n", target.note.c_str());
            std::unique_ptr<cli::RunRecording> recording;
            if (target.run_id) recording = cli::RunRecording::resume(target.store_path, target.run_id);
            RunOptions options;
            options.checkpoint_every_seconds = checkpoint_seconds;
            options.checkpoint_dir = target.checkpoint_dir;
            options.resume = target.from_checkpoint;
            return run_and_report(target.config, options, out_path, quiet, recording.get());
        }
        if (runs_commands->selected()) return runs_commands->run();
        if (*presets_list) {
            for (const auto& name : preset_names()) {
                if (names_only) {
                    std::printf("%s\n", name.c_str());
                    continue;
                }
                const auto j = preset_json(name);
                std::printf("%-26s %s\n", name.c_str(), j.value("description", std::string()).c_str());
            }
            return 0;
        }
        if (*presets_show) {
            std::cout << config_to_json(config_from_json(preset_json(show_name), "preset " + show_name)).dump(2)
                      << "\n";
            return 0;
        }
        if (*settings) {
            std::cout << (keys_only             ? cli::settings_keys()
                          : !choices_of.empty() ? cli::setting_choices(choices_of)
                                                : cli::settings_table());
            return 0;
        }
        if (eval_commands->selected()) return eval_commands->run();
        if (study_commands->selected()) return study_commands->run();
        if (*bench) {
            std::cout << (bench_store ? cli::run_store_bench({}) : run_bench(bo)).dump(2) << "\n";
            return 0;
        }
    } catch (const ConfigException& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
