// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

namespace ft::cli {
namespace {

// Columns are padded by code points, not bytes, so that non-ASCII names keep the table aligned.
size_t display_width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string pad(const std::string& s, size_t width, bool right) {
    const size_t w = display_width(s);
    if (w >= width) return s;
    return right ? std::string(width - w, ' ') + s : s + std::string(width - w, ' ');
}

// At most `width` code points; longer text ends in "…".
std::string clip(const std::string& s, size_t width) {
    if (display_width(s) <= width) return s;
    std::string out;
    size_t n = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80 && ++n > width - 1) break;
        out += s[i];
    }
    return out + "…";
}

std::string fixed(double v, int digits) {
    if (!std::isfinite(v)) return std::isnan(v) ? "nan" : "inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
    return out;
}

std::string progress_text(const RunRecord& r) {
    if (r.total_steps <= 0) return "-";
    const double share = std::min(1.0, double(r.last_step) / double(r.total_steps));
    return std::to_string(int(std::floor(share * 100))) + "%";
}

// Prints rows as aligned columns; `right` marks the numeric columns.
std::string columns(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
    std::vector<size_t> width(right.size(), 0);
    for (const auto& row : rows)
        for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
            const bool last = c + 1 == row.size();
            line += (c ? "  " : "") + (last && !right[c] ? row[c] : pad(row[c], width[c], right[c]));
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();  // an empty last column
        out += line + "\n";
    }
    return out;
}

std::string json_text(const nlohmann::json& v) {
    if (v.is_null()) return "-";
    if (v.is_string()) return v.get<std::string>();
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string metric_text(const nlohmann::json& m, const char* key) {
    if (!m.contains(key)) return "-";
    const auto& v = m[key];
    if (v.is_null()) return "inf";  // an infinite NLL is stored as null
    return v.is_number() ? fixed(v.get<double>(), 4) : json_text(v);
}

}  // namespace

std::string local_time(double unix_seconds) {
    if (unix_seconds <= 0) return "-";
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string printable(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else
            out += char(c);
    }
    return out;
}

std::string runs_table(const std::vector<RunRecord>& runs) {
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"id", "name", "method", "status", "created", "seconds", "progress", "tags"});
    for (const auto& r : runs) {
        std::vector<std::string> tags;
        for (const auto& t : r.tags) tags.push_back(printable(t));
        rows.push_back({std::to_string(r.id), clip(printable(r.name), 40), to_string(r.method),
                        to_string(r.status) + (r.trashed ? " (trash)" : ""), local_time(r.created), fixed(r.seconds, 1),
                        progress_text(r), join(tags, ", ")});
    }
    return columns(rows, {true, false, false, false, false, true, true, false});
}

nlohmann::json run_list_json(const RunRecord& r) {
    return {{"id", r.id},
            {"name", r.name},
            {"method", r.method},
            {"status", r.status},
            {"message", r.message},
            {"created", r.created},
            {"finished", r.finished},
            {"seconds", r.seconds},
            {"last_step", r.last_step},
            {"total_steps", r.total_steps},
            {"progress", r.total_steps > 0 ? std::min(1.0, double(r.last_step) / double(r.total_steps)) : 0.0},
            {"members", r.members},
            {"tags", r.tags},
            {"trashed", r.trashed},
            {"checkpoint_dir", r.checkpoint_dir},
            {"config_hash", r.config_hash}};
}

std::string run_details(const RunStore& store, const RunRecord& r) {
    std::ostringstream out;
    out << "run " << r.id << "  " << printable(r.name) << "  (" << to_string(r.method) << ")"
        << (r.trashed ? "  [in the trash]" : "") << "\n";
    out << "status       " << to_string(r.status) << (r.message.empty() ? "" : ": " + printable(r.message)) << "\n";
    out << "created      " << local_time(r.created) << "   finished " << local_time(r.finished) << "   "
        << fixed(r.seconds, 1) << " s of training\n";
    out << "progress     step " << r.last_step << " of " << r.total_steps << " (" << progress_text(r) << "), "
        << r.members << " member(s), " << (r.device.empty() ? "-" : r.device) << ", " << r.threads << " thread(s)\n";

    nlohmann::json c = nlohmann::json::object();
    try {
        c = nlohmann::json::parse(r.config_json);
    } catch (const std::exception&) {}
    const auto at = [&c](const char* section, const char* key) {
        return c.contains(section) && c[section].contains(key) ? json_text(c[section][key]) : std::string("-");
    };
    out << "config       model " << at("model", "name");
    if (c.contains("model") && c["model"].contains("hidden") && !c["model"]["hidden"].empty())
        out << " " << json_text(c["model"]["hidden"]);
    out << ", data " << at("data", "name") << ", density " << at("sparse", "density") << ", epochs "
        << at("train", "epochs") << ", batch " << at("train", "batch_size") << ", lr " << at("train", "lr")
        << ", members " << at("ensemble", "members") << ", threads "
        << (c.contains("threads") ? json_text(c["threads"]) : "-") << "\n";
    out << "config hash  " << (r.config_hash.empty() ? "-" : r.config_hash) << "\n";
    std::vector<std::string> seeds;
    for (auto s : r.seeds) seeds.push_back(std::to_string(s));
    out << "seeds        " << (seeds.empty() ? "-" : join(seeds, ", ")) << "\n";
    out << "checkpoints  " << (r.checkpoint_dir.empty() ? "-" : r.checkpoint_dir) << "\n";
    std::vector<std::string> tags;
    for (const auto& t : r.tags) tags.push_back(printable(t));
    out << "tags         " << (tags.empty() ? "-" : join(tags, ", ")) << "\n";

    const auto tickets = store.tickets(r.id);
    if (!tickets.empty()) {
        std::vector<std::vector<std::string>> rows = {{"ticket", "member", "epoch", "step", "val. accuracy", "reason"}};
        for (const auto& t : tickets)
            rows.push_back({std::to_string(t.index), std::to_string(t.member), std::to_string(t.epoch),
                            std::to_string(t.step), fixed(t.val_accuracy, 4), printable(t.reason)});
        out << "\ntickets\n" << columns(rows, {true, true, true, true, true, false});
    }

    // The latest final evaluation of each (member, split): a resumed or re-evaluated run may hold several. Live
    // evaluations during training, per-corruption and OoD rows stay in `runs export`. Rows sort by the split's
    // name ("corrupted" before "test").
    const auto evaluations = store.evaluations(r.id);
    std::map<std::pair<std::string, int64_t>, const EvaluationRecord*> latest;
    size_t others = 0;
    for (const auto& e : evaluations) {
        if (e.split == EvalSplit::test() || e.split == EvalSplit::corrupted_pooled())
            latest[{to_string(e.split), e.member}] = &e;
        else
            ++others;
    }
    if (!latest.empty()) {
        std::vector<std::vector<std::string>> rows = {{"split", "member", "step", "accuracy", "NLL", "ECE", "Brier"}};
        for (const auto& [key, e] : latest) {
            if (key.second < 0) continue;  // the ensemble goes last
            rows.push_back({printable(to_string(e->split)), std::to_string(e->member), std::to_string(e->step),
                            metric_text(e->metrics, "accuracy"), metric_text(e->metrics, "nll"),
                            metric_text(e->metrics, "ece"), metric_text(e->metrics, "brier")});
        }
        for (const auto& [key, e] : latest)
            if (key.second < 0)
                rows.push_back({printable(to_string(e->split)), "ensemble", std::to_string(e->step),
                                metric_text(e->metrics, "accuracy"), metric_text(e->metrics, "nll"),
                                metric_text(e->metrics, "ece"), metric_text(e->metrics, "brier")});
        out << "\nevaluations (latest)\n" << columns(rows, {false, true, true, true, true, true, true});
    }
    if (others > 0)
        out << (latest.empty() ? "\n" : "") << "(" << others
            << " more evaluation rows: live, per corruption and OoD; see `freetickets runs export`)\n";

    const std::string note = store.get_note(r.id);
    if (!note.empty()) {
        // Shown as it is, indented, so that a multi-line note reads as one block.
        out << "\nnote\n";
        std::istringstream lines(note);
        std::string line;
        while (std::getline(lines, line)) out << "  " << line << "\n";
    }
    return out.str();
}

std::string config_diff_text(const std::vector<ConfigDifference>& diff, int64_t run_a, int64_t run_b) {
    if (diff.empty())
        return "runs " + std::to_string(run_a) + " and " + std::to_string(run_b) + " have the same config\n";
    std::vector<std::vector<std::string>> rows = {
        {"key", "run " + std::to_string(run_a), "run " + std::to_string(run_b)}};
    // JSON spelling, so that an empty string or "1" vs 1 stays visible.
    const auto value = [](const nlohmann::json& v) {
        return v.is_null() ? std::string("(absent)") : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    for (const auto& d : diff) rows.push_back({d.key, printable(value(d.value_a)), printable(value(d.value_b))});
    return columns(rows, {false, false, false});
}

}  // namespace ft::cli
