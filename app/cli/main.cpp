// freetickets: the headless twin of the workbench. Same core, same configs.
//   freetickets train [PRESET|CONFIG.json] [--set key=value ...] [--out summary.json]
//   freetickets resume CHECKPOINT_DIR
//   freetickets presets list | presets show NAME
//   freetickets bench [--model ...]
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "ft/config/config_json.h"
#include "ft/config/presets.h"
#include "ft/train/bench.h"
#include "ft/train/experiment.h"
#include "progress_printer.h"
#include "result_table.h"

namespace fs = std::filesystem;
using namespace ft;

namespace {

RunControl* g_control = nullptr;

extern "C" void on_interrupt(int) {
    // Only async-signal-safe work here: flag the run; the loop checkpoints and returns.
    if (g_control) g_control->cancel();
}

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

// A preset name or a path to a JSON file.
nlohmann::json load_config_source(const std::string& source, std::string& label) {
    if (has_preset(source)) {
        label = "preset " + source;
        return preset_json(source);
    }
    const bool json_name = source.size() > 5 && source.substr(source.size() - 5) == ".json";
    if (fs::exists(source) || source.find('/') != std::string::npos || json_name) {
        label = source;
        return read_json_file(source);
    }
    label = "preset " + source;
    return preset_json(source);  // throws, listing the presets
}

int run_and_report(const RunConfig& config, RunOptions options, const std::string& out_path, bool quiet) {
    RunControl control;
    g_control = &control;
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    cli::ProgressPrinter progress(stderr, isatty(fileno(stderr)) != 0, quiet);
    if (!quiet && !options.checkpoint_dir.empty())
        std::fprintf(stderr, "checkpoints: %s\n", options.checkpoint_dir.c_str());
    const auto summary = run_experiment(config, progress, control, options);
    g_control = nullptr;
    if (!out_path.empty()) {
        std::ofstream out(out_path);
        out << summary.dump(2) << "\n";
        if (!out) throw std::runtime_error(out_path + ": cannot write the summary");
    }
    if (summary["run"]["status"] == "cancelled") {
        std::fprintf(stderr, "cancelled. Resume with: freetickets resume %s\n", options.checkpoint_dir.c_str());
        return 130;
    }
    std::cout << cli::result_table(summary);
    return 0;
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
    train->add_option("config", source, "Preset name (see `presets list`) or a config JSON file")->capture_default_str();
    train->add_option("--set", overrides, "Override one setting, e.g. --set sparse.density=0.1 (repeatable)");
    train->add_option("--out", out_path, "Write the summary JSON here");
    train->add_option("--checkpoint-dir", checkpoint_dir, "Checkpoint folder (default: under $XDG_DATA_HOME/freetickets)");
    train->add_flag("--no-checkpoint", no_checkpoint, "Write no checkpoints (a cancelled run cannot be resumed)");
    train->add_flag("--dry-run", dry_run, "Validate and print the full config, then exit");
    train->add_flag("-q,--quiet", quiet, "No progress output");

    // resume
    auto* resume = app.add_subcommand("resume", "Continue a cancelled or interrupted run from its last checkpoint");
    std::string resume_dir;
    resume->add_option("checkpoint_dir", resume_dir, "The run's checkpoint folder")->required();
    resume->add_option("--out", out_path, "Write the summary JSON here");
    resume->add_flag("-q,--quiet", quiet, "No progress output");

    // presets
    auto* presets = app.add_subcommand("presets", "List or show the built-in presets");
    presets->require_subcommand(1);
    auto* presets_list = presets->add_subcommand("list", "List the presets with their descriptions");
    auto* presets_show = presets->add_subcommand("show", "Print a preset as a full config (every field)");
    std::string show_name;
    presets_show->add_option("name", show_name, "Preset name")->required();

    // bench
    auto* bench = app.add_subcommand("bench", "Print training throughput and mask-update cost as JSON");
    BenchOptions bo;
    bench->add_option("--model", bo.model, "Model to train")->capture_default_str();
    bench->add_option("--density", bo.density, "Density (1 = dense)")->capture_default_str();
    bench->add_option("--batch", bo.batch, "Batch size")->capture_default_str();
    bench->add_option("--steps", bo.steps, "Timed steps")->capture_default_str();
    bench->add_option("--update-every", bo.update_every, "Mask update period (0 = never)")->capture_default_str();
    bench->add_option("--threads", bo.threads, "Threads (0 = all cores)")->capture_default_str();
    bench->add_option("--device", bo.device, "cpu, cuda, cuda:N")->capture_default_str();
    bench->add_option("--update-model", bo.update_model, "Model whose layers the update benchmark prunes and grows")->capture_default_str();
    bench->add_option("--update-repeats", bo.update_repeats, "Repeats of the update benchmark (0 = skip)")->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    try {
        if (*train) {
            std::string label;
            nlohmann::json j = load_config_source(source, label);
            for (const auto& o : overrides) apply_override(j, o);
            std::vector<std::string> warnings;
            const RunConfig config = config_from_json(j, label, &warnings);
            for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
            if (dry_run) {
                std::cout << config_to_json(config).dump(2) << "\n";
                return 0;
            }
            RunOptions options;
            if (!no_checkpoint) options.checkpoint_dir = checkpoint_dir.empty() ? default_checkpoint_dir(config.name) : checkpoint_dir;
            return run_and_report(config, options, out_path, quiet);
        }
        if (*resume) {
            const RunConfig config = checkpoint_config(resume_dir);
            RunOptions options;
            options.checkpoint_dir = resume_dir;
            options.resume = true;
            return run_and_report(config, options, out_path, quiet);
        }
        if (*presets_list) {
            for (const auto& name : preset_names()) {
                const auto j = preset_json(name);
                std::printf("%-26s %s\n", name.c_str(), j.value("description", std::string()).c_str());
            }
            return 0;
        }
        if (*presets_show) {
            std::cout << config_to_json(config_from_json(preset_json(show_name), "preset " + show_name)).dump(2) << "\n";
            return 0;
        }
        if (*bench) {
            std::cout << run_bench(bo).dump(2) << "\n";
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
