// SPDX-License-Identifier: GPL-3.0-or-later
// StoreWriter: bounded queue on the training side, one background thread writing batches in transactions.
#include "ft/store/store_writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "store/event_rows.h"
#include "store/run_store_impl.h"

namespace ft {

using store_detail::QueuedEvent;

struct StoreWriter::Impl {
    StoreWriterOptions options;
    RunStore store;
    std::string path;
    int64_t run = 0;
    std::unique_ptr<store_detail::EventRows> rows;

    mutable std::mutex mutex;
    std::condition_variable work;   // writer thread: a batch is due, a flush, or stop
    std::condition_variable space;  // producers: room in the queue
    std::condition_variable done;   // flush(): events committed
    std::deque<QueuedEvent> queue;
    int64_t enqueued = 0, written = 0;
    size_t queued_bytes = 0;  // packed mask data waiting in the queue
    bool flush_requested = false, stopping = false, finished_seen = false;
    std::atomic<bool> failed{false}, closed{false};
    // The file at `path` is no longer the one open here (deleted or replaced while the run was recorded). Writing
    // goes on into the open file, which close() saves under a new name.
    std::atomic<bool> lost{false};
    std::string error;
    std::string recovered;    // where close() saved a lost file
    std::string lost_reason;  // what happened to it ("<path>: the store file was deleted while run 3 ...")
    std::thread thread;
    dev_t device = 0;
    ino_t inode = 0;

    Impl(RunStore s, StoreWriterOptions o) : options(o), store(std::move(s)), path(store.path()) {
        options.queue_capacity = std::max<size_t>(options.queue_capacity, 1);
        options.batch_events = std::clamp<size_t>(options.batch_events, 1, options.queue_capacity);
    }
    void loop();
    void fail(const std::string& message);
    void push(QueuedEvent&& q);
    void remember_file();
    void check_file();
    void rescue();
};

namespace {

void apply_test_limits(store_detail::Db& db, const StoreWriterOptions& options) {
    if (options.max_page_count > 0)
        db.prepare("PRAGMA max_page_count = " + std::to_string(options.max_page_count)).run();
}

}  // namespace

StoreWriter::StoreWriter(const std::string& path, int64_t run_id, StoreWriterOptions options)
    : impl_(std::make_unique<Impl>(RunStore::open(path, StoreMode::ReadWrite), options)) {
    auto& db = impl_->store.db();
    impl_->run = run_id;
    // Resuming: this process now writes the run.
    db.prepare(
          "UPDATE runs SET status = 'running', message = '', finished = NULL, pid = ?, host = ?, heartbeat = ? "
          "WHERE id = ?")
        .bind(1, int64_t(getpid()))
        .bind(2, store_detail::this_host())
        .bind(3, store_detail::unix_now())
        .bind(4, run_id)
        .run();
    if (db.changes() == 0) db.fail("no run " + std::to_string(run_id) + " to continue");
    apply_test_limits(db, options);
    impl_->remember_file();
    impl_->rows = std::make_unique<store_detail::EventRows>(db, run_id, options.keyframe_interval);
    impl_->thread = std::thread([impl = impl_.get()] { impl->loop(); });
}

StoreWriter::StoreWriter(const std::string& path, const NewRun& run, StoreWriterOptions options)
    : impl_(std::make_unique<Impl>(RunStore::open(path, StoreMode::ReadWrite), options)) {
    impl_->run = impl_->store.create_run(run);
    auto& db = impl_->store.db();
    apply_test_limits(db, options);
    impl_->remember_file();
    impl_->rows = std::make_unique<store_detail::EventRows>(db, impl_->run, options.keyframe_interval);
    impl_->thread = std::thread([impl = impl_.get()] { impl->loop(); });
}

StoreWriter::~StoreWriter() { close(); }

int64_t StoreWriter::run_id() const { return impl_->run; }
const std::string& StoreWriter::path() const { return impl_->path; }

static size_t mask_bytes(const QueuedEvent& q) {
    size_t bytes = 0;
    if (const auto* e = std::get_if<Event>(&q.item))
        if (const auto* u = std::get_if<MaskUpdate>(e))
            for (const auto& l : u->layers) bytes += l.bits.size() * sizeof(uint64_t);
    return bytes;
}

void StoreWriter::Impl::push(QueuedEvent&& q) {
    const size_t bytes = mask_bytes(q);
    std::unique_lock<std::mutex> lock(mutex);
    // Full: wait for the writer to take the next batch, which happens as soon as the current one commits.
    const auto room = [&] {
        return queue.size() < options.queue_capacity &&
               (queue.empty() || queued_bytes + bytes <= options.queue_mask_bytes);
    };
    if (!room()) {
        flush_requested = true;  // do not wait for the flush interval: write what is queued now
        work.notify_one();
        space.wait(lock, [&] { return room() || failed || stopping; });
    }
    if (failed || stopping) return;
    queue.push_back(std::move(q));
    queued_bytes += bytes;
    ++enqueued;
    if (queue.size() >= options.batch_events) work.notify_one();
}

void StoreWriter::on_event(const Event& event) {
    if (impl_->failed || impl_->closed) return;
    impl_->push(QueuedEvent{event, store_detail::unix_now()});
}

void StoreWriter::annotate(EventKind kind, const nlohmann::json& payload, int64_t member, int64_t step) {
    if (impl_->failed || impl_->closed) return;
    impl_->push(QueuedEvent{store_detail::Annotation{kind, payload, member, step}, store_detail::unix_now()});
}

void StoreWriter::flush() {
    if (impl_->closed) return;
    std::unique_lock<std::mutex> lock(impl_->mutex);
    const int64_t target = impl_->enqueued;
    impl_->flush_requested = true;
    impl_->work.notify_one();
    impl_->done.wait(lock, [&] { return impl_->written >= target || impl_->failed || impl_->stopping; });
}

void StoreWriter::close() {
    if (impl_->closed.exchange(true)) return;
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stopping = true;
    }
    impl_->work.notify_all();
    impl_->space.notify_all();
    if (impl_->thread.joinable()) impl_->thread.join();
    if (!impl_->failed && !impl_->finished_seen) {
        // Closed before the run loop reported an end: nobody will write this run any more.
        try {
            impl_->store.db()
                .prepare(
                    "UPDATE runs SET status = 'interrupted', message = 'the run stopped before it finished' WHERE id = "
                    "? AND status = 'running'")
                .bind(1, impl_->run)
                .run();
        } catch (const StoreError&) {}
    }
    if (impl_->lost) impl_->rescue();
    impl_->rows.reset();
    impl_->store = RunStore(nullptr);  // closes the connection (and checkpoints the WAL when it is the last one)
}

bool StoreWriter::failed() const { return impl_->failed || impl_->lost; }

bool StoreWriter::lost_file() const { return impl_->lost; }

std::string StoreWriter::recovered_path() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->recovered;
}

std::string StoreWriter::error() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->error;
}

int64_t StoreWriter::events_written() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->written;
}

void StoreWriter::Impl::fail(const std::string& message) {
    {
        std::lock_guard<std::mutex> lock(mutex);
        error = message;
        queue.clear();
        queued_bytes = 0;
        failed = true;
    }
    space.notify_all();
    done.notify_all();
    // Best effort: tell readers why the run stopped being recorded (may fail too, e.g. on a full disk).
    try {
        store.db()
            .prepare("UPDATE runs SET status = 'failed', message = ? WHERE id = ? AND status = 'running'")
            .bind(1, "the run store stopped recording: " + message)
            .bind(2, run)
            .run();
    } catch (const StoreError&) {}
}

// The end of a lost file's message until close() says where it was saved instead.
constexpr const char* kSavedWhenItEnds = " (all it holds is saved beside it when the run ends)";

void StoreWriter::Impl::remember_file() {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        device = st.st_dev;
        inode = st.st_ino;
    }
}

void StoreWriter::Impl::check_file() {
    if (lost || inode == 0) return;
    struct stat st {};
    const bool gone = ::stat(path.c_str(), &st) != 0;
    if (!gone && st.st_dev == device && st.st_ino == inode) return;
    std::lock_guard<std::mutex> lock(mutex);
    lost_reason = path + (gone ? ": the store file was deleted" : ": the store file was replaced by another file") +
                  " while run " + std::to_string(run) + " was being recorded";
    error = lost_reason + kSavedWhenItEnds;
    lost = true;
}

void StoreWriter::Impl::rescue() {
    // The open connection still reads the whole store (the WAL's pages included): copy it to a new file next to
    // the lost one, never over an existing file.
    std::string target = path + ".recovered";
    for (int n = 2; std::filesystem::exists(target); ++n) target = path + ".recovered-" + std::to_string(n);
    std::string outcome;
    try {
        store.db().prepare("VACUUM INTO ?").bind(1, target).run();
        outcome = "; everything it held, this run to its end included, is saved in " + target + " (move it back to " +
                  path + " to go on using it)";
        std::lock_guard<std::mutex> lock(mutex);
        recovered = target;
    } catch (const std::exception& e) {
        outcome = std::string("; saving what it held to ") + target + " failed too: " + e.what();
    }
    std::lock_guard<std::mutex> lock(mutex);
    error = lost_reason + outcome;
}

void StoreWriter::Impl::loop() {
    using clock = std::chrono::steady_clock;
    auto last_heartbeat = clock::now();
    auto last_file_check = clock::now();
    auto next_flush = clock::now() + options.flush_interval;
    std::vector<QueuedEvent> batch;
    int busy_retries = 0;
    while (true) {
        batch.clear();
        {
            std::unique_lock<std::mutex> lock(mutex);
            work.wait_until(lock, std::min(next_flush, last_heartbeat + options.heartbeat_interval),
                            [&] { return stopping || flush_requested || queue.size() >= options.batch_events; });
            if (queue.empty() && stopping) break;
            const bool due =
                stopping || flush_requested || queue.size() >= options.batch_events || clock::now() >= next_flush;
            if (due) {
                const size_t take = std::min(queue.size(), options.batch_events);
                for (size_t i = 0; i < take; ++i) {
                    queued_bytes -= mask_bytes(queue.front());
                    batch.push_back(std::move(queue.front()));
                    queue.pop_front();
                }
                if (queue.empty()) flush_requested = false;
                next_flush = clock::now() + options.flush_interval;
            }
        }
        space.notify_all();
        try {
            if (!batch.empty()) {
                for (const auto& q : batch)
                    if (const auto* e = std::get_if<Event>(&q.item); e && std::holds_alternative<RunFinished>(*e))
                        finished_seen = true;
                // A busy store (another writer holding the lock past the busy timeout) is retried, not fatal.
                while (true) {
                    try {
                        rows->write_batch(batch);
                        busy_retries = 0;
                        break;
                    } catch (const StoreError&) {
                        const int code = store.db().last_failure() & 0xff;
                        if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || ++busy_retries > 5) throw;
                    }
                }
                last_heartbeat = clock::now();  // the batch wrote the heartbeat too
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    written += int64_t(batch.size());
                }
                done.notify_all();
            }
            if (clock::now() - last_heartbeat >= options.heartbeat_interval) {
                if (!finished_seen) rows->heartbeat(store_detail::unix_now());
                last_heartbeat = clock::now();
            }
            // Once a second: is the file at the path still the one open here? (A deleted store goes on accepting
            // writes into its unlinked file, which vanishes with the connection.)
            if (clock::now() - last_file_check >= std::chrono::seconds(1)) {
                check_file();
                last_file_check = clock::now();
            }
        } catch (const std::exception& e) {
            fail(std::string(e.what()) + " (run " + std::to_string(run) + "; everything up to step " +
                 std::to_string(rows->last_step()) + " is stored)");
            return;
        }
    }
    done.notify_all();
}

}  // namespace ft
