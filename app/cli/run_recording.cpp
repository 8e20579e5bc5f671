// SPDX-License-Identifier: GPL-3.0-or-later
#include "run_recording.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <variant>

#include "ft/store/run_store.h"
#include "store_paths.h"

namespace fs = std::filesystem;

namespace ft::cli {
namespace {

std::string absolute(const std::string& path) {
    return path.empty() ? path : fs::absolute(path).lexically_normal().string();
}

}  // namespace

StoreWriterOptions writer_options_from_environment() {
    StoreWriterOptions options;
    if (const char* pages = std::getenv("FT_STORE_MAX_PAGES"); pages && *pages) {
        const std::string text = pages;
        size_t used = 0;
        long long n = 0;
        try {
            n = std::stoll(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != text.size() || n <= 0)
            throw std::invalid_argument("FT_STORE_MAX_PAGES = \"" + text +
                                        "\": expected a positive page count (a test hook that caps the run store "
                                        "file; unset it for normal use)");
        options.max_page_count = n;
    }
    return options;
}

RunRecording::RunRecording(std::string path, int64_t run, std::string checkpoint_dir)
    : path_(std::move(path)), run_(run), checkpoint_dir_(std::move(checkpoint_dir)) {}

RunRecording::~RunRecording() { close(); }

std::unique_ptr<RunRecording> RunRecording::create(const std::string& path, const RunConfig& config,
                                                   const std::string& checkpoint_dir, bool derive_checkpoint_dir) {
    const StoreWriterOptions options = writer_options_from_environment();
    const std::string store_path = absolute(path);
    int64_t run = 0;
    std::string dir = absolute(checkpoint_dir);
    {
        // Opening checks the file first: a file that is not a store, a newer store or a read-only file is refused
        // here, before any training and without a byte of it changed.
        RunStore store = RunStore::open(store_path, StoreMode::ReadWrite);
        run = store.create_run(new_run_for(config, config.name, dir));
        if (dir.empty() && derive_checkpoint_dir) {
            dir = run_checkpoint_dir(store_path, run);
            store.set_checkpoint_dir(run, dir);
        }
    }
    std::unique_ptr<RunRecording> r(new RunRecording(store_path, run, dir));
    r->writer_ = std::make_unique<StoreWriter>(store_path, run, options);
    return r;
}

std::unique_ptr<RunRecording> RunRecording::resume(const std::string& path, int64_t run) {
    const StoreWriterOptions options = writer_options_from_environment();
    const std::string store_path = absolute(path);
    std::string dir;
    {
        RunStore store = RunStore::open(store_path, StoreMode::ReadWrite);
        dir = store.get_run(run).checkpoint_dir;
    }
    std::unique_ptr<RunRecording> r(new RunRecording(store_path, run, dir));
    r->writer_ = std::make_unique<StoreWriter>(store_path, run, options);
    return r;
}

std::string RunRecording::resume_command() const {
    std::string command = "freetickets resume " + std::to_string(run_);
    if (path_ == absolute(default_store_path(false))) return command;
    // Quoted for a POSIX shell when the path needs it.
    if (path_.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") ==
        std::string::npos)
        return command + " --db " + path_;
    std::string quoted = "'";
    for (char c : path_) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return command + " --db " + quoted + "'";
}

void RunRecording::on_event(const Event& event) {
    if (!writer_) return;
    writer_->on_event(event);
    // Between an epoch's end and its checkpoint the run loop publishes the epoch's metrics and, at some epochs, a
    // ticket, the EDST exploration update or the next phase. Those are committed before the loop goes on, so that
    // when the process is killed just after the checkpoint, every step the checkpoint covers is in the store;
    // resuming replays everything after it, so the metrics and mask updates have no gap. One commit per epoch
    // (a few at ticket and phase changes); none during the steps, in the final evaluation (no checkpoint follows
    // it) or for a run without checkpoints. Live evaluation reports and decision boundaries are not waited for:
    // the few published right before a kill may be missing.
    if (std::holds_alternative<EpochEnd>(event))
        at_epoch_end_ = true;
    else if (std::holds_alternative<StepMetrics>(event) || std::holds_alternative<Checkpointed>(event) ||
             std::holds_alternative<RunFinished>(event))
        at_epoch_end_ = false;
    const auto* update = std::get_if<MaskUpdate>(&event);
    const bool structural = std::holds_alternative<EpochEnd>(event) || std::holds_alternative<TicketCaptured>(event) ||
                            std::holds_alternative<PhaseChange>(event) || (update && update->exploration);
    if (at_epoch_end_ && structural && !checkpoint_dir_.empty()) writer_->flush();
    if (!cancelled_ && control_ && writer_->failed()) {
        // Stop training: the loop writes a checkpoint and returns "cancelled"; the caller reports the error.
        cancelled_ = true;
        control_->cancel();
    }
}

void RunRecording::close() {
    if (writer_) writer_->close();
}

bool RunRecording::failed() const { return writer_ && writer_->failed(); }

std::string RunRecording::error() const { return writer_ ? writer_->error() : std::string(); }

}  // namespace ft::cli
