// SPDX-License-Identifier: GPL-3.0-or-later
// RunStore transfer: import of runs from another store file (new ids), export of one run as CSV and JSON.
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <ostream>
#include <set>

#include "ft/store/run_store.h"
#include "store/run_store_impl.h"

namespace ft {

using store_detail::Db;
using store_detail::Stmt;
using store_detail::Transaction;

namespace {

std::vector<std::string> table_columns(Db& db, const std::string& table) {
    std::vector<std::string> out;
    auto s = db.prepare("SELECT name FROM pragma_table_info(?)");
    s.bind(1, table);
    while (s.step()) out.push_back(s.text(0));
    return out;
}

std::string quoted(const std::string& identifier) { return "\"" + identifier + "\""; }

// Columns present in both stores (an older source lacks newer columns, which then take their defaults), minus
// `skip`. Names come from the schemas, never from user data.
std::vector<std::string> shared_columns(Db& src, Db& dst, const std::string& table,
                                        const std::vector<std::string>& skip) {
    const auto have = table_columns(src, table);
    std::vector<std::string> out;
    for (const auto& c : table_columns(dst, table)) {
        if (std::find(skip.begin(), skip.end(), c) != skip.end()) continue;
        if (std::find(have.begin(), have.end(), c) != have.end()) out.push_back(c);
    }
    return out;
}

// Copies every row of `table` owned by src_run (column `run`) to dst_run.
void copy_owned_rows(Db& src, Db& dst, const std::string& table, int64_t src_run, int64_t dst_run) {
    const auto cols = shared_columns(src, dst, table, {"id", "run"});
    std::string list, marks;
    for (const auto& c : cols) {
        list += ", " + quoted(c);
        marks += ", ?";
    }
    auto read = src.prepare("SELECT run" + list + " FROM " + quoted(table) + " WHERE run = ?");
    auto write = dst.prepare("INSERT INTO " + quoted(table) + "(run" + list + ") VALUES (?" + marks + ")");
    read.bind(1, src_run);
    while (read.step()) {
        write.bind(1, dst_run);
        for (int c = 1; c <= int(cols.size()); ++c) write.bind_value(c + 1, read.value(c));
        write.run();
        write.reset();
    }
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string number(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
    return std::string(buf, r.ptr);
}

}  // namespace

std::vector<int64_t> RunStore::import_from(const std::string& other_path, bool include_trashed) {
    impl_->require_writable();
    struct stat a {
    }, b{};
    if (::stat(other_path.c_str(), &a) == 0 && ::stat(path().c_str(), &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        impl_->db->fail("cannot import a store into itself");
    RunStore other = RunStore::open(other_path, StoreMode::ReadOnly);  // errors name the other file
    Db& src = *other.impl_->db;
    Db& dst = *impl_->db;

    Transaction snapshot(src, false);
    Transaction t(dst);
    std::vector<std::pair<int64_t, RunStatus>> runs;  // id, reported status
    {
        auto s = src.prepare(std::string("SELECT ") + store_detail::kRunColumns + " FROM runs" +
                             (include_trashed ? "" : " WHERE trashed IS NULL") + " ORDER BY id");
        const double now = store_detail::unix_now();
        while (s.step()) {
            const RunRecord r = store_detail::read_run(s);
            runs.emplace_back(r.id, store_detail::reported_status(r, now));
        }
    }
    const auto run_cols = shared_columns(src, dst, "runs", {"id"});
    std::string list, marks;
    for (const auto& c : run_cols) {
        list += (list.empty() ? "" : ", ") + quoted(c);
        marks += marks.empty() ? "?" : ", ?";
    }
    std::vector<int64_t> ids;
    for (const auto& [old_id, status] : runs) {
        {
            auto read = src.prepare("SELECT " + list + " FROM runs WHERE id = ?");
            read.bind(1, old_id);
            if (!read.step()) continue;
            std::string insert = "INSERT INTO runs(";
            insert += list;
            insert += ") VALUES (";
            insert += marks;
            insert += ")";
            auto write = dst.prepare(insert);
            for (int c = 0; c < int(run_cols.size()); ++c) write.bind_value(c + 1, read.value(c));
            write.run();
        }
        const int64_t id = dst.last_insert_rowid();
        if (status == RunStatus::Running || status == RunStatus::Interrupted) {
            // Nobody will ever write this copy: a run that was running (or died) in the source is interrupted here.
            dst.prepare(
                   "UPDATE runs SET status = 'interrupted', pid = 0, message = CASE WHEN message = '' THEN ? ELSE "
                   "message END WHERE id = ?")
                .bind(1, status == RunStatus::Running ? "imported while it was running" : "the run was interrupted")
                .bind(2, id)
                .run();
        }
        // Parents before children (mask_layers references mask_updates).
        for (const char* table : {"members", "layers", "metrics", "events", "mask_updates", "mask_layers", "tickets",
                                  "evaluations", "tags", "notes", "summaries", "data_points", "decision_boundaries"})
            copy_owned_rows(src, dst, table, old_id, id);
        // Read the copy back, still inside the transaction, as any reader later would: a foreign file whose rows
        // pass SQLite's constraints but not the readers (an unknown evaluation split or event kind, a damaged
        // shape or summary) is refused whole, rather than imported as a run nobody can open.
        try {
            get_run(id);
            layers(id);
            metric_keys(id);
            events(id);
            tickets(id);
            evaluations(id);
            summary(id);
        } catch (const StoreError& e) {
            throw StoreError(other_path,
                             "run " + std::to_string(old_id) + " cannot be read, so nothing was imported: " + e.what());
        }
        ids.push_back(id);
    }
    t.commit();
    snapshot.commit();
    return ids;
}

void RunStore::export_csv(int64_t run, std::ostream& out) const {
    Db& db = *impl_->db;
    Transaction read(db, false);
    impl_->require_run(run);
    const std::string r = std::to_string(run);
    out << "run,member,layer,step,key,value\n";
    {
        auto s = db.prepare("SELECT member, key, step, value FROM metrics WHERE run = ? ORDER BY member, key, step");
        s.bind(1, run);
        while (s.step())
            out << r << ',' << s.int64(0) << ",," << s.int64(2) << ',' << csv_field(s.text(1)) << ','
                << number(s.real(3)) << '\n';
    }
    std::map<int64_t, std::string> names;
    for (const auto& l : layers(run)) names[l.index] = l.name;
    {
        auto s = db.prepare(
            "SELECT l.member, l.layer, u.step, l.pruned, l.regrown, l.active, l.total FROM mask_layers l "
            "JOIN mask_updates u ON u.run = l.run AND u.member = l.member AND u.update_index = l.update_index "
            "WHERE l.run = ? ORDER BY l.member, l.update_index, l.layer");
        s.bind(1, run);
        while (s.step()) {
            const auto it = names.find(s.int64(1));
            const std::string layer = csv_field(it != names.end() ? it->second : std::to_string(s.int64(1)));
            std::string head = r;  // run,member,layer,step
            head += ',';
            head += std::to_string(s.int64(0));
            head += ',';
            head += layer;
            head += ',';
            head += std::to_string(s.int64(2));
            const char* keys[] = {"pruned", "regrown", "active", "total"};
            for (int k = 0; k < 4; ++k) out << head << ',' << keys[k] << ',' << s.int64(3 + k) << '\n';
        }
    }
    for (const auto& e : evaluations(run)) {
        if (!e.metrics.is_object()) continue;
        for (auto it = e.metrics.begin(); it != e.metrics.end(); ++it) {
            if (!it.value().is_number() && !it.value().is_null()) continue;  // reliability bins: see export_json
            const double v = it.value().is_number() ? it.value().get<double>() : INFINITY;  // null = infinite NLL
            out << r << ',' << e.member << ",," << e.step << ',' << csv_field(to_string(e.split) + "." + it.key())
                << ',' << number(v) << '\n';
        }
    }
    read.commit();
}

nlohmann::json RunStore::export_json(int64_t run) const {
    Db& db = *impl_->db;
    Transaction read(db, false);
    const RunRecord r = get_run(run);
    nlohmann::json j;
    j["format"] = "freetickets-run";
    j["format_version"] = 1;
    j["run"] = {{"id", r.id},
                {"name", r.name},
                {"method", r.method},
                {"status", r.status},
                {"message", r.message},
                {"created", r.created},
                {"finished", r.finished},
                {"seconds", r.seconds},
                {"config_hash", r.config_hash},
                {"versions", store_detail::parse_json_or_null(r.version)},
                {"seeds", r.seeds},
                {"tags", r.tags},
                {"trashed", r.trashed},
                {"checkpoint_dir", r.checkpoint_dir},
                {"device", r.device},
                {"threads", r.threads},
                {"members", r.members},
                {"total_steps", r.total_steps},
                {"steps_per_epoch", r.steps_per_epoch},
                {"last_step", r.last_step},
                {"color", r.color},
                {"starred", r.starred}};
    j["config"] = store_detail::parse_json_or_null(r.config_json);
    j["note"] = get_note(run);

    j["layers"] = nlohmann::json::array();
    for (const auto& l : layers(run))
        j["layers"].push_back({{"index", l.index},
                               {"name", l.name},
                               {"shape", l.shape},
                               {"target_density", l.target_density},
                               {"macs_per_weight", l.macs_per_weight},
                               {"total", l.total}});

    nlohmann::json metrics = nlohmann::json::object();
    std::set<int64_t> members;
    for (const auto& k : metric_keys(run)) {
        members.insert(k.member);
        const auto series = metric_series(run, k.member, k.key);
        metrics[std::to_string(k.member)][k.key] = {{"steps", series.steps}, {"values", series.values}};
    }
    j["metrics"] = metrics;

    {
        auto s = db.prepare("SELECT DISTINCT member FROM mask_updates WHERE run = ?");
        s.bind(1, run);
        while (s.step()) members.insert(s.int64(0));
    }
    nlohmann::json masks = nlohmann::json::object();
    for (int64_t m : members) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& u : mask_updates(run, m)) {
            nlohmann::json layers_json = nlohmann::json::array();
            for (const auto& l : u.layers)
                layers_json.push_back({{"layer", l.layer},
                                       {"pruned", l.pruned},
                                       {"regrown", l.regrown},
                                       {"active", l.active},
                                       {"total", l.total},
                                       {"has_mask", l.has_mask}});
            list.push_back({{"index", u.index},
                            {"step", u.step},
                            {"epoch", u.epoch},
                            {"rate", u.rate},
                            {"exploration", u.exploration},
                            {"initial", u.initial},
                            {"ever_active", u.ever_active},
                            {"layers", layers_json}});
        }
        if (!list.empty()) masks[std::to_string(m)] = list;
    }
    j["mask_updates"] = masks;

    j["events"] = nlohmann::json::array();
    for (const auto& e : events(run))
        j["events"].push_back(
            {{"step", e.step}, {"member", e.member}, {"kind", e.kind}, {"payload", e.payload}, {"time", e.time}});
    j["tickets"] = nlohmann::json::array();
    for (const auto& t : tickets(run))
        j["tickets"].push_back({{"index", t.index},
                                {"member", t.member},
                                {"step", t.step},
                                {"epoch", t.epoch},
                                {"val_accuracy", t.val_accuracy},
                                {"reason", t.reason},
                                {"checkpoint", t.checkpoint}});
    j["evaluations"] = nlohmann::json::array();
    for (const auto& e : evaluations(run))
        j["evaluations"].push_back({{"member", e.member},
                                    {"split", e.split},
                                    {"step", e.step},
                                    {"metrics", e.metrics},
                                    {"disagreement", e.disagreement},
                                    {"kl", e.kl},
                                    {"time", e.time}});
    j["summary"] = summary(run);
    if (const auto points = data_points(run))
        j["data_points"] = {{"classes", points->classes}, {"x", points->x}, {"y", points->y}, {"label", points->label}};
    j["decision_boundaries"] = nlohmann::json::array();
    for (const auto& b : decision_boundaries(run))
        j["decision_boundaries"].push_back({{"member", b.member},
                                            {"step", b.step},
                                            {"source", b.source},
                                            {"x_min", b.x_min},
                                            {"x_max", b.x_max},
                                            {"y_min", b.y_min},
                                            {"y_max", b.y_max},
                                            {"resolution", b.resolution},
                                            {"classes", b.classes},
                                            {"probs", b.probs}});
    read.commit();
    return j;
}

}  // namespace ft
