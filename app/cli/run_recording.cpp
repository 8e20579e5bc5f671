// SPDX-License-Identifier: GPL-3.0-or-later
#include "run_recording.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

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
    r->sink_ = std::make_unique<RecordingSink>(*r->writer_, !dir.empty());
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
    r->sink_ = std::make_unique<RecordingSink>(*r->writer_, !dir.empty());
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
    if (sink_) sink_->on_event(event);
}

void RunRecording::watch(RunControl& control) {
    // A store that stops recording cancels the run: it writes its checkpoint and returns "cancelled"; the caller
    // reports the error.
    sink_->on_stop([&control](const std::string&) { control.cancel(); });
}

void RunRecording::close() {
    if (writer_) writer_->close();
}

bool RunRecording::failed() const { return writer_ && writer_->failed(); }

std::string RunRecording::error() const { return writer_ ? writer_->error() : std::string(); }

}  // namespace ft::cli
