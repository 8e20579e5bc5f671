// SPDX-License-Identifier: GPL-3.0-or-later
// Formatting studies for the terminal, markdown and CSV.
#include "study/study_text.h"

#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>

#include "progress_printer.h"

namespace ft::cli {
namespace {

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

// Digits that suit a metric: FLOPs ratios and seconds need fewer than probabilities.
int digits_of(const std::string& key) {
    if (key == "seconds") return 1;
    if (key == "train_flops") return 3;
    return 4;
}

std::string cell(const StudyPointResult& p, const std::string& key) {
    const auto it = p.stats.find(key);
    if (it == p.stats.end()) return "";
    const int d = digits_of(key);
    std::string s = fixed(it->second.mean, d);
    if (key == "train_flops") s += "x";
    if (it->second.n > 1) s += " ± " + fixed(it->second.std, d);
    return s;
}

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

std::string csv_number(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

// Display width in characters (UTF-8: continuation bytes do not count), for aligning "±".
size_t width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

std::string pad(const std::string& s, size_t w, bool right) {
    const size_t n = width(s);
    if (n >= w) return s;
    return right ? std::string(w - n, ' ') + s : s + std::string(w - n, ' ');
}

std::string aligned(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
    std::vector<size_t> w(rows.front().size(), 0);
    for (const auto& r : rows)
        for (size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], width(r[c]));
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (size_t c = 0; c < r.size(); ++c) line += (c ? "  " : "") + pad(r[c], w[c], right[c]);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
    return out;
}

}  // namespace

std::string study_progress_line(const StudyProgress& p) {
    constexpr int kWidth = 20;
    const double f = std::clamp(std::isfinite(p.fraction) ? p.fraction : 0.0, 0.0, 1.0);
    const int filled = int(std::lround(f * kWidth));
    std::string bar(1, '[');
    bar.append(size_t(filled), '#').append(size_t(kWidth - filled), '.').push_back(']');
    const double eta = f > 0 && f < 1 ? p.elapsed_seconds * (1 - f) / f : (f >= 1 ? 0.0 : NAN);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3d%%", int(std::floor(f * 100)));
    return bar + " " + pct + "  " + std::to_string(p.finished) + "/" + std::to_string(p.total) + " runs finished, " +
           std::to_string(p.running) + " running, " + std::to_string(p.failed) + " failed  elapsed " +
           clock_text(p.elapsed_seconds) + "  ETA " + clock_text(eta);
}

std::string study_list_table(const std::vector<StudyResults>& studies) {
    if (studies.empty()) return "no studies in this store (start one with `freetickets study run FILE.json`)\n";
    std::vector<std::vector<std::string>> rows = {{"id", "name", "state", "points", "finished", "failed", "executor"}};
    for (const auto& s : studies)
        rows.push_back({std::to_string(s.study.id), s.study.name, to_string(s.study.state),
                        std::to_string(s.points.size()), std::to_string(s.finished) + "/" + std::to_string(s.total()),
                        std::to_string(s.failed), s.study.executor});
    return aligned(rows, {true, false, false, true, true, true, false});
}

std::vector<std::string> default_study_columns() {
    return {"accuracy", "nll", "ece", "ticket_accuracy", "corrupted_accuracy", "ood_auroc", "train_flops", "seconds"};
}

std::string study_table(const StudyResults& r, const std::vector<std::string>& metrics, const std::string& format) {
    if (format != "table" && format != "markdown")
        throw std::invalid_argument("--format " + format + ": expected one of {table, markdown, csv, json}");
    std::vector<std::string> header = {"point", "method", "runs"};
    for (const auto& key : metrics) {
        const StudyMetric* m = find_study_metric(key);
        if (!m) {
            std::string known;
            for (const auto& k : study_metrics()) known += (known.empty() ? "" : ", ") + std::string(k.key);
            throw std::invalid_argument("--metrics: \"" + key + "\" is not a study metric; expected one of {" + known +
                                        "}");
        }
        header.push_back(m->header);
    }
    const bool md = format == "markdown";
    std::vector<std::vector<std::string>> rows = {header};
    for (const auto& p : r.points) {
        std::vector<std::string> row = {p.point.label, p.point.method,
                                        std::to_string(p.finished) + "/" + std::to_string(p.runs.size())};
        for (const auto& key : metrics) row.push_back(cell(p, key));
        rows.push_back(std::move(row));
    }
    std::string head = "study " + std::to_string(r.study.id) + " \"" + r.study.name +
                       "\": " + to_string(r.study.state) + ", " + std::to_string(r.finished) + " of " +
                       std::to_string(r.total()) + " runs finished";
    if (r.failed) head += ", " + std::to_string(r.failed) + " failed";
    if (r.running) head += ", " + std::to_string(r.running) + " running";
    if (!r.study.message.empty()) head += " (" + r.study.message + ")";
    head += "\nmean ± std over seeds; runs: finished of planned\n\n";
    if (!md) {
        std::vector<bool> right(header.size(), true);
        right[0] = right[1] = false;
        std::string failures;
        for (const auto& p : r.points)
            for (const auto& run : p.runs)
                if (run.row.state == StudyState::Failed)
                    failures +=
                        "  " + p.point.label + ", seed " + std::to_string(run.row.seed) + ": " + run.row.message + "\n";
        return head + aligned(rows, right) + (failures.empty() ? "" : "\nfailed runs:\n" + failures);
    }
    std::string out = head;
    for (size_t i = 0; i < rows.size(); ++i) {
        out += "|";
        for (const auto& c : rows[i]) out += " " + c + " |";
        out += "\n";
        if (i == 0) {
            out += "|";
            for (size_t c = 0; c < header.size(); ++c) out += c < 2 ? "---|" : "---:|";
            out += "\n";
        }
    }
    return out;
}

std::string study_csv(const StudyResults& r) {
    std::set<std::string> keys;
    for (const auto& p : r.points)
        for (const auto& [key, value] : p.point.settings.items()) keys.insert(key);
    std::string out = "point,label,method";
    for (const auto& k : keys) out.append(",").append(csv_cell(k));
    for (const auto& m : study_metrics())
        for (const char* suffix : {"_mean", "_std", "_n"}) out.append(",").append(m.key).append(suffix);
    out += "\n";
    for (const auto& p : r.points) {
        out += std::to_string(p.point.point) + "," + csv_cell(p.point.label) + "," + csv_cell(p.point.method);
        for (const auto& k : keys) {
            out += ",";
            if (p.point.settings.contains(k)) {
                const auto& v = p.point.settings[k];
                out += csv_cell(v.is_string() ? v.get<std::string>() : v.dump());
            }
        }
        for (const auto& m : study_metrics()) {
            const auto it = p.stats.find(m.key);
            if (it == p.stats.end())
                out += ",,,0";
            else
                out.append(",")
                    .append(csv_number(it->second.mean))
                    .append(",")
                    .append(csv_number(it->second.std))
                    .append(",")
                    .append(std::to_string(it->second.n));
        }
        out += "\n";
    }
    return out;
}

}  // namespace ft::cli
