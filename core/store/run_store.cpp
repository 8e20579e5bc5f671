// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore: opening, runs, status, listing and run hygiene (trash, tags, notes, colour, star).
#include "ft/store/run_store.h"

#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>
#include <set>

#include "ft/config/config_json.h"
#include "ft/train/run_plan.h"
#include "store/run_store_impl.h"
#include "store/schema.h"

namespace ft {

using store_detail::Db;
using store_detail::Stmt;
using store_detail::Transaction;
using store_detail::unix_now;

namespace store_detail {

const char* const kRunColumns =
    "id, name, method, status, message, created, finished, seconds, config_json, config_hash, versions, "
    "checkpoint_dir, host, pid, heartbeat, trashed, device, threads, members, total_steps, steps_per_epoch, "
    "last_step, color, starred";

RunRecord read_run(const Stmt& s) {
    RunRecord r;
    r.id = s.int64(0);
    r.name = s.text(1);
    r.method = parse_column(s, 2, "runs.method", method_from_string);
    r.status = parse_column(s, 3, "runs.status", run_status_from_string);
    r.message = s.text(4);
    r.created = s.real_or(5, 0);
    r.finished = s.real_or(6, 0);
    r.seconds = s.real_or(7, 0);
    r.config_json = s.text(8);
    r.config_hash = s.text(9);
    r.version = s.text(10);
    r.checkpoint_dir = s.text(11);
    r.host = s.text(12);
    r.pid = s.int64(13);
    r.heartbeat = s.real_or(14, 0);
    r.trashed = !s.is_null(15);
    r.device = s.text(16);
    r.threads = s.int64(17);
    r.members = s.int64(18);
    r.total_steps = s.int64(19);
    r.steps_per_epoch = s.int64(20);
    r.last_step = s.int64(21);
    r.color = s.text(22);
    r.starred = s.int64(23) != 0;
    return r;
}

std::string this_host() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

RunStatus reported_status(const RunRecord& r, double now) {
    if (r.status != RunStatus::Running) return r.status;
    // The pid only means something on the machine that wrote it; elsewhere the heartbeat decides.
    if (r.pid > 0 && r.host == this_host() && ::kill(pid_t(r.pid), 0) == -1 && errno == ESRCH)
        return RunStatus::Interrupted;
    if (r.heartbeat > 0 && now - r.heartbeat > kHeartbeatStaleSeconds) return RunStatus::Interrupted;
    return r.status;
}

nlohmann::json software_versions(const nlohmann::json& extra) {
    nlohmann::json v = {{"freetickets", FT_VERSION},
                        {"sqlite", sqlite3_libversion()},
                        {"zlib", zlibVersion()},
                        {"store_schema", kStoreSchemaVersion}};
    if (extra.is_object())
        for (auto it = extra.begin(); it != extra.end(); ++it) v[it.key()] = it.value();
    return v;
}

std::string json_text(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json parse_json_or_null(const std::string& text) {
    if (text.empty()) return nullptr;
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

}  // namespace store_detail

namespace {

std::string lower_ascii(std::string s) {
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool contains_ci(const std::string& haystack, const std::string& needle_lower) {
    return lower_ascii(haystack).find(needle_lower) != std::string::npos;
}

}  // namespace

NewRun new_run_for(const RunConfig& config, const std::string& name, const std::string& checkpoint_dir) {
    NewRun run;
    run.name = name;
    run.method = config.method;
    run.config = config_to_json(config);
    run.config_hash = config_hash(config);
    run.checkpoint_dir = checkpoint_dir;
    // One seed per training run (EDST trains once and captures its tickets along the way).
    for (const auto& r : plan_run(config).runs) run.seeds.push_back(r.seed);
    return run;
}

void RunStore::Impl::require_writable() const {
    if (mode != StoreMode::ReadWrite) db->fail("the store was opened read-only");
}

void RunStore::Impl::require_run(int64_t run) const {
    auto s = db->prepare("SELECT 1 FROM runs WHERE id = ?");
    s.bind(1, run);
    if (!s.step()) db->fail("no run " + std::to_string(run));
}

RunRecord RunStore::Impl::load_run(int64_t run) const {
    Transaction read(*db, false);
    RunRecord r;
    {
        auto s = db->prepare(std::string("SELECT ") + store_detail::kRunColumns + " FROM runs WHERE id = ?");
        s.bind(1, run);
        if (!s.step()) db->fail("no run " + std::to_string(run));
        r = store_detail::read_run(s);
    }
    auto seeds = db->prepare("SELECT seed FROM members WHERE run = ? ORDER BY member");
    seeds.bind(1, run);
    while (seeds.step()) r.seeds.push_back(seeds.int64(0));
    auto tags = db->prepare("SELECT tag FROM tags WHERE run = ? ORDER BY tag");
    tags.bind(1, run);
    while (tags.step()) r.tags.push_back(tags.text(0));
    read.commit();
    r.status = store_detail::reported_status(r, unix_now());
    return r;
}

RunStore::RunStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunStore::RunStore(RunStore&&) noexcept = default;
RunStore& RunStore::operator=(RunStore&&) noexcept = default;
RunStore::~RunStore() = default;

RunStore RunStore::open(const std::string& path, StoreMode mode) {
    auto impl = std::make_unique<Impl>();
    impl->db = store_detail::open_store_db(path, mode);
    impl->mode = mode;
    RunStore store(std::move(impl));
    if (mode == StoreMode::ReadWrite) {
        try {
            store.mark_interrupted();
        } catch (const StoreError&) {
            // Cosmetic (listing reports them as interrupted anyway); a busy or full store must still open.
        }
    }
    return store;
}

const std::string& RunStore::path() const { return impl_->db->path(); }
StoreMode RunStore::mode() const { return impl_->mode; }
store_detail::Db& RunStore::db() { return *impl_->db; }
const store_detail::Db& RunStore::db() const { return *impl_->db; }

int64_t RunStore::create_run(const NewRun& run) {
    impl_->require_writable();
    Db& db = *impl_->db;
    Transaction t(db);
    const double now = unix_now();
    db.prepare(
          "INSERT INTO runs(name, method, status, created, config_json, config_hash, versions, checkpoint_dir, host, "
          "pid, heartbeat, members) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, run.name)
        .bind(2, to_string(run.method))
        .bind(3, now)
        .bind(4, store_detail::json_text(run.config))
        .bind(5, run.config_hash)
        .bind(6, store_detail::json_text(store_detail::software_versions(run.versions)))
        .bind(7, run.checkpoint_dir)
        .bind(8, store_detail::this_host())
        .bind(9, int64_t(getpid()))
        .bind(10, now)
        .bind(11, int64_t(run.seeds.size()))
        .run();
    const int64_t id = db.last_insert_rowid();
    for (size_t m = 0; m < run.seeds.size(); ++m)
        db.prepare("INSERT INTO members(run, member, seed) VALUES (?, ?, ?)")
            .bind(1, id)
            .bind(2, int64_t(m))
            .bind(3, run.seeds[m])
            .run();
    t.commit();
    return id;
}

void RunStore::set_status(int64_t run, RunStatus status, const std::string& message, double seconds) {
    impl_->require_writable();
    auto s = impl_->db->prepare(
        "UPDATE runs SET status = ?1, message = ?2, seconds = COALESCE(?3, seconds), "
        "finished = CASE WHEN ?1 = 'running' THEN NULL ELSE ?4 END WHERE id = ?5");
    s.bind(1, to_string(status)).bind(2, message).bind(4, unix_now()).bind(5, run);
    if (seconds >= 0) s.bind(3, seconds);
    s.run();
    if (impl_->db->changes() == 0) impl_->db->fail("no run " + std::to_string(run));
}

void RunStore::Impl::update_field(const char* sql, int64_t run, const std::string& value) {
    require_writable();
    db->prepare(sql).bind(1, value).bind(2, run).run();
    if (db->changes() == 0) db->fail("no run " + std::to_string(run));
}

void RunStore::set_checkpoint_dir(int64_t run, const std::string& dir) {
    impl_->update_field("UPDATE runs SET checkpoint_dir = ? WHERE id = ?", run, dir);
}

void RunStore::rename_run(int64_t run, const std::string& name) {
    impl_->update_field("UPDATE runs SET name = ? WHERE id = ?", run, name);
}

void RunStore::set_color(int64_t run, const std::string& color) {
    impl_->update_field("UPDATE runs SET color = ? WHERE id = ?", run, color);
}

void RunStore::set_starred(int64_t run, bool starred) {
    impl_->require_writable();
    impl_->db->prepare("UPDATE runs SET starred = ? WHERE id = ?").bind(1, starred).bind(2, run).run();
    if (impl_->db->changes() == 0) impl_->db->fail("no run " + std::to_string(run));
}

std::vector<RunRecord> RunStore::list_runs(const RunFilter& filter) const {
    Db& db = *impl_->db;
    Transaction read(db, false);
    std::vector<RunRecord> runs;
    {
        std::string sql =
            std::string("SELECT ") + store_detail::kRunColumns + " FROM runs WHERE (?1 = '' OR method = ?1)";
        if (filter.trashed_only)
            sql += " AND trashed IS NOT NULL";
        else if (!filter.include_trashed)
            sql += " AND trashed IS NULL";
        sql += " ORDER BY id";
        auto s = db.prepare(sql);
        s.bind(1, filter.method ? to_string(*filter.method) : std::string());
        while (s.step()) runs.push_back(store_detail::read_run(s));
    }
    std::map<int64_t, RunRecord*> by_id;
    for (auto& r : runs) by_id[r.id] = &r;
    {
        auto s = db.prepare("SELECT run, seed FROM members ORDER BY run, member");
        while (s.step())
            if (auto it = by_id.find(s.int64(0)); it != by_id.end()) it->second->seeds.push_back(s.int64(1));
    }
    {
        auto s = db.prepare("SELECT run, tag FROM tags ORDER BY run, tag");
        while (s.step())
            if (auto it = by_id.find(s.int64(0)); it != by_id.end()) it->second->tags.push_back(s.text(1));
    }
    std::map<int64_t, std::string> notes;
    const std::string text = lower_ascii(filter.text);
    if (!text.empty()) {
        auto s = db.prepare("SELECT run, text FROM notes");
        while (s.step()) notes[s.int64(0)] = s.text(1);
    }
    read.commit();

    const double now = unix_now();
    std::vector<RunRecord> out;
    for (auto& r : runs) {
        r.status = store_detail::reported_status(r, now);
        if (filter.status && r.status != *filter.status) continue;
        if (!filter.tag.empty() && std::find(r.tags.begin(), r.tags.end(), filter.tag) == r.tags.end()) continue;
        if (!text.empty()) {
            bool hit =
                contains_ci(r.name, text) || contains_ci(to_string(r.method), text) || contains_ci(notes[r.id], text);
            for (const auto& t : r.tags) hit = hit || contains_ci(t, text);
            if (!hit) continue;
        }
        out.push_back(std::move(r));
    }
    return out;
}

std::optional<RunRecord> RunStore::find_run(int64_t run) const {
    {
        auto s = impl_->db->prepare("SELECT 1 FROM runs WHERE id = ?");
        s.bind(1, run);
        if (!s.step()) return std::nullopt;
    }
    return impl_->load_run(run);
}

RunRecord RunStore::get_run(int64_t run) const { return impl_->load_run(run); }

int64_t RunStore::mark_interrupted() {
    impl_->require_writable();
    Db& db = *impl_->db;
    std::vector<int64_t> gone;
    {
        auto s = db.prepare(std::string("SELECT ") + store_detail::kRunColumns + " FROM runs WHERE status = 'running'");
        const double now = unix_now();
        while (s.step()) {
            const RunRecord r = store_detail::read_run(s);
            if (store_detail::reported_status(r, now) == RunStatus::Interrupted) gone.push_back(r.id);
        }
    }
    if (gone.empty()) return 0;
    Transaction t(db);
    for (int64_t id : gone)
        db.prepare(
              "UPDATE runs SET status = 'interrupted', message = 'the process writing the run stopped before the run "
              "ended' WHERE id = ? AND status = 'running'")
            .bind(1, id)
            .run();
    t.commit();
    return int64_t(gone.size());
}

void RunStore::trash(int64_t run) {
    impl_->require_writable();
    impl_->require_run(run);
    impl_->db->prepare("UPDATE runs SET trashed = ? WHERE id = ? AND trashed IS NULL")
        .bind(1, unix_now())
        .bind(2, run)
        .run();
}

void RunStore::restore(int64_t run) {
    impl_->require_writable();
    impl_->require_run(run);
    impl_->db->prepare("UPDATE runs SET trashed = NULL WHERE id = ?").bind(1, run).run();
}

void RunStore::purge(int64_t run) {
    impl_->require_writable();
    Db& db = *impl_->db;
    Transaction t(db);
    impl_->require_run(run);
    // The blobs first, by their own index; the rest cascades from the run row.
    db.prepare("DELETE FROM mask_layers WHERE run = ?").bind(1, run).run();
    db.prepare("DELETE FROM runs WHERE id = ?").bind(1, run).run();
    t.commit();
}

int64_t RunStore::purge_trash() {
    impl_->require_writable();
    Db& db = *impl_->db;
    Transaction t(db);
    std::vector<int64_t> ids;
    {
        auto s = db.prepare("SELECT id FROM runs WHERE trashed IS NOT NULL");
        while (s.step()) ids.push_back(s.int64(0));
    }
    for (int64_t id : ids) purge(id);
    t.commit();
    return int64_t(ids.size());
}

void RunStore::add_tag(int64_t run, const std::string& tag) {
    impl_->require_writable();
    if (tag.empty()) impl_->db->fail("a tag cannot be empty");
    Transaction t(*impl_->db);
    impl_->require_run(run);
    impl_->db->prepare("INSERT OR IGNORE INTO tags(run, tag) VALUES (?, ?)").bind(1, run).bind(2, tag).run();
    t.commit();
}

void RunStore::remove_tag(int64_t run, const std::string& tag) {
    impl_->require_writable();
    impl_->db->prepare("DELETE FROM tags WHERE run = ? AND tag = ?").bind(1, run).bind(2, tag).run();
}

std::vector<std::string> RunStore::all_tags() const {
    std::vector<std::string> out;
    auto s = impl_->db->prepare("SELECT DISTINCT tag FROM tags ORDER BY tag");
    while (s.step()) out.push_back(s.text(0));
    return out;
}

void RunStore::set_note(int64_t run, const std::string& text) {
    impl_->require_writable();
    Transaction t(*impl_->db);
    impl_->require_run(run);
    if (text.empty())
        impl_->db->prepare("DELETE FROM notes WHERE run = ?").bind(1, run).run();
    else
        impl_->db->prepare("INSERT OR REPLACE INTO notes(run, text, updated) VALUES (?, ?, ?)")
            .bind(1, run)
            .bind(2, text)
            .bind(3, unix_now())
            .run();
    t.commit();
}

std::string RunStore::get_note(int64_t run) const {
    auto s = impl_->db->prepare("SELECT text FROM notes WHERE run = ?");
    s.bind(1, run);
    return s.step() ? s.text(0) : std::string();
}

int64_t RunStore::add_event(int64_t run, int64_t step, int64_t member, EventKind kind, const nlohmann::json& payload) {
    impl_->require_writable();
    Transaction t(*impl_->db);
    impl_->require_run(run);
    impl_->db->prepare("INSERT INTO events(run, step, member, kind, payload, time) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, run)
        .bind(2, step)
        .bind(3, member)
        .bind(4, to_string(kind))
        .bind(5, store_detail::json_text(payload))
        .bind(6, unix_now())
        .run();
    const int64_t id = impl_->db->last_insert_rowid();
    t.commit();
    return id;
}

void RunStore::record_ticket(int64_t run, const TicketRecord& ticket) {
    impl_->require_writable();
    Transaction t(*impl_->db);
    impl_->require_run(run);
    impl_->db
        ->prepare(
            "INSERT OR REPLACE INTO tickets(run, ticket, member, step, epoch, val_accuracy, reason, checkpoint) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, run)
        .bind(2, ticket.index)
        .bind(3, ticket.member)
        .bind(4, ticket.step)
        .bind(5, ticket.epoch)
        .bind(6, ticket.val_accuracy)
        .bind(7, ticket.reason)
        .bind(8, ticket.checkpoint)
        .run();
    t.commit();
}

int64_t RunStore::record_evaluation(int64_t run, const EvaluationRecord& e) {
    impl_->require_writable();
    Transaction t(*impl_->db);
    impl_->require_run(run);
    auto s = impl_->db->prepare(
        "INSERT INTO evaluations(run, member, split, step, metrics, disagreement, kl, time) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, run)
        .bind(2, e.member)
        .bind(3, to_string(e.split))
        .bind(4, e.step)
        .bind(5, store_detail::json_text(e.metrics));
    if (!e.disagreement.is_null()) s.bind(6, store_detail::json_text(e.disagreement));
    if (!e.kl.is_null()) s.bind(7, store_detail::json_text(e.kl));
    s.bind(8, e.time > 0 ? e.time : unix_now());
    s.run();
    const int64_t id = impl_->db->last_insert_rowid();
    t.commit();
    return id;
}

}  // namespace ft
