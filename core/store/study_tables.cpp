// SPDX-License-Identifier: GPL-3.0-or-later
// The study tables of the run store (schema version 4): studies, their points and the run of each point and seed.
#include <stdexcept>

#include "ft/store/run_store.h"
#include "store/run_store_impl.h"

namespace ft {

using store_detail::json_text;
using store_detail::parse_json_or_null;
using store_detail::Stmt;
using store_detail::Transaction;
using store_detail::unix_now;

std::string to_string(StudyState s) {
    switch (s) {
        case StudyState::Pending: return "pending";
        case StudyState::Running: return "running";
        case StudyState::Finished: return "finished";
        case StudyState::Failed: return "failed";
        case StudyState::Cancelled: return "cancelled";
    }
    return "pending";
}

StudyState study_state_from_string(const std::string& text) {
    for (auto s :
         {StudyState::Pending, StudyState::Running, StudyState::Finished, StudyState::Failed, StudyState::Cancelled})
        if (to_string(s) == text) return s;
    throw std::invalid_argument("\"" + text +
                                "\" is not a study state (pending, running, finished, failed, cancelled)");
}

namespace {

void require_study(store_detail::Db& db, int64_t study) {
    auto s = db.prepare("SELECT 1 FROM studies WHERE id = ?");
    s.bind(1, study);
    if (!s.step()) db.fail("no study " + std::to_string(study));
}

StudyRecord read_study(const Stmt& s) {
    StudyRecord r;
    r.id = s.int64(0);
    r.name = s.text(1);
    r.spec = parse_json_or_null(s.text(2));
    r.created = s.real_or(3, 0);
    r.state = store_detail::parse_column(s, 4, "studies.state", study_state_from_string);
    r.message = s.text(5);
    r.executor = s.text(6);
    r.host = s.text(7);
    r.pid = s.int64(8);
    r.cancel_requested = s.int64(9) != 0;
    return r;
}

void load_children(store_detail::Db& db, StudyRecord& r) {
    auto p = db.prepare("SELECT point, label, method, settings FROM study_points WHERE study = ? ORDER BY point");
    p.bind(1, r.id);
    while (p.step()) {
        StudyPointRecord point;
        point.point = p.int64(0);
        point.label = p.text(1);
        point.method = p.text(2);
        point.settings = parse_json_or_null(p.text(3));
        if (!point.settings.is_object()) point.settings = nlohmann::json::object();
        r.points.push_back(std::move(point));
    }
    auto q = db.prepare(
        "SELECT point, seed, run, state, attempts, message, job FROM study_runs WHERE study = ? "
        "ORDER BY point, seed");
    q.bind(1, r.id);
    while (q.step()) {
        StudyRunRecord run;
        run.point = q.int64(0);
        run.seed = q.int64(1);
        if (!q.is_null(2)) run.run = q.int64(2);
        run.state = store_detail::parse_column(q, 3, "study_runs.state", study_state_from_string);
        run.attempts = q.int64(4);
        run.message = q.text(5);
        run.job = q.text(6);
        r.runs.push_back(std::move(run));
    }
}

constexpr const char* kStudyColumns =
    "id, name, spec, created, state, message, executor, host, pid, cancel_requested FROM studies";

}  // namespace

int64_t RunStore::create_study(const std::string& name, const nlohmann::json& spec,
                               const std::vector<StudyPointRecord>& points, const std::vector<int64_t>& seeds) {
    impl_->require_writable();
    auto& db = *impl_->db;
    if (name.empty()) db.fail("a study needs a name");
    Transaction t(db);
    if (find_study(name)) db.fail("a study named \"" + name + "\" is already in the store");
    const double now = unix_now();
    db.prepare("INSERT INTO studies(name, spec, created, updated) VALUES (?, ?, ?, ?)")
        .bind(1, name)
        .bind(2, json_text(spec))
        .bind(3, now)
        .bind(4, now)
        .run();
    const int64_t id = db.last_insert_rowid();
    for (const auto& p : points) {
        db.prepare("INSERT INTO study_points(study, point, label, method, settings) VALUES (?, ?, ?, ?, ?)")
            .bind(1, id)
            .bind(2, p.point)
            .bind(3, p.label)
            .bind(4, p.method)
            .bind(5, json_text(p.settings))
            .run();
        for (const int64_t seed : seeds)
            db.prepare("INSERT INTO study_runs(study, point, seed, updated) VALUES (?, ?, ?, ?)")
                .bind(1, id)
                .bind(2, p.point)
                .bind(3, seed)
                .bind(4, now)
                .run();
    }
    t.commit();
    return id;
}

std::optional<int64_t> RunStore::find_study(const std::string& name) const {
    auto s = impl_->db->prepare("SELECT id FROM studies WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return s.int64(0);
}

std::vector<StudyRecord> RunStore::list_studies() const {
    auto& db = *impl_->db;
    Transaction t(db, false);  // one snapshot: a study and its rows as one executor step left them
    std::vector<StudyRecord> out;
    {
        auto s = db.prepare(std::string("SELECT ") + kStudyColumns + " ORDER BY id");
        while (s.step()) out.push_back(read_study(s));
    }
    for (auto& r : out) load_children(db, r);
    return out;
}

StudyRecord RunStore::get_study(int64_t study) const {
    auto& db = *impl_->db;
    Transaction t(db, false);
    StudyRecord r;
    {
        auto s = db.prepare(std::string("SELECT ") + kStudyColumns + " WHERE id = ?");
        s.bind(1, study);
        if (!s.step()) db.fail("no study " + std::to_string(study));
        r = read_study(s);
    }
    load_children(db, r);
    return r;
}

void RunStore::set_study_state(int64_t study, StudyState state, const std::string& message) {
    impl_->require_writable();
    auto& db = *impl_->db;
    Transaction t(db);
    require_study(db, study);
    db.prepare("UPDATE studies SET state = ?, message = ?, updated = ? WHERE id = ?")
        .bind(1, to_string(state))
        .bind(2, message)
        .bind(3, unix_now())
        .bind(4, study)
        .run();
    t.commit();
}

void RunStore::set_study_executor(int64_t study, const std::string& executor, int64_t pid) {
    impl_->require_writable();
    auto& db = *impl_->db;
    Transaction t(db);
    require_study(db, study);
    db.prepare("UPDATE studies SET executor = ?, host = ?, pid = ?, updated = ? WHERE id = ?")
        .bind(1, executor)
        .bind(2, store_detail::this_host())
        .bind(3, pid)
        .bind(4, unix_now())
        .bind(5, study)
        .run();
    t.commit();
}

void RunStore::request_study_cancel(int64_t study, bool cancel) {
    impl_->require_writable();
    auto& db = *impl_->db;
    Transaction t(db);
    require_study(db, study);
    db.prepare("UPDATE studies SET cancel_requested = ?, updated = ? WHERE id = ?")
        .bind(1, cancel)
        .bind(2, unix_now())
        .bind(3, study)
        .run();
    t.commit();
}

void RunStore::update_study_run(int64_t study, const StudyRunRecord& run) {
    impl_->require_writable();
    auto& db = *impl_->db;
    Transaction t(db);
    if (run.run) impl_->require_run(*run.run);
    auto s = db.prepare(
        "UPDATE study_runs SET run = ?, state = ?, attempts = ?, message = ?, job = ?, updated = ? "
        "WHERE study = ? AND point = ? AND seed = ?");
    if (run.run)
        s.bind(1, *run.run);
    else
        s.bind_null(1);
    s.bind(2, to_string(run.state))
        .bind(3, run.attempts)
        .bind(4, run.message)
        .bind(5, run.job)
        .bind(6, unix_now())
        .bind(7, study)
        .bind(8, run.point)
        .bind(9, run.seed);
    s.run();
    if (db.changes() != 1)
        db.fail("study " + std::to_string(study) + " has no point " + std::to_string(run.point) + " with seed " +
                std::to_string(run.seed));
    t.commit();
}

void RunStore::delete_study(int64_t study) {
    impl_->require_writable();
    auto& db = *impl_->db;
    Transaction t(db);
    require_study(db, study);
    // study_points cascades from studies and study_runs from study_points.
    db.prepare("DELETE FROM studies WHERE id = ?").bind(1, study).run();
    t.commit();
}

std::vector<std::pair<std::string, std::string>> RunStore::studies_of_run(int64_t run) const {
    std::vector<std::pair<std::string, std::string>> out;
    auto s = impl_->db->prepare(
        "SELECT s.name, p.label FROM study_runs r JOIN studies s ON s.id = r.study "
        "JOIN study_points p ON p.study = r.study AND p.point = r.point WHERE r.run = ? ORDER BY s.id");
    s.bind(1, run);
    while (s.step()) out.emplace_back(s.text(0), s.text(1));
    return out;
}

}  // namespace ft
