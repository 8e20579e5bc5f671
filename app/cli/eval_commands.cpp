// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets eval`, `freetickets compare` and `freetickets export` (see eval_commands.h).
#include "eval_commands.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "ft/config/config_json.h"
#include "ft/store/run_store.h"
#include "ft/train/experiment.h"
#include "ft/train/run_plan.h"
#include "ft/train/ticket_export.h"
#include "result_table.h"
#include "store_paths.h"

namespace ft::cli {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<int64_t> run_id(const std::string& text) { return parse_run_id(text); }

// Events kept in memory, to be written into the store in one transaction at the end.
struct Collect : EventSink {
    std::vector<Event> events;
    void on_event(const Event& e) override {
        if (const auto* log = std::get_if<LogLine>(&e)) {
            if (!quiet) std::fprintf(stderr, "%s\n", log->text.c_str());
            return;
        }
        events.push_back(e);
    }
    bool quiet = false;
};

// The run to evaluate: its config, its checkpoint folder and, when the store knows it, its id.
struct Target {
    json config;
    std::string checkpoint_dir;
    std::optional<int64_t> run;
};

Target resolve(const std::string& target, const std::string& db) {
    Target t;
    std::error_code ec;
    if (fs::is_directory(target, ec)) {
        t.checkpoint_dir = fs::absolute(target).lexically_normal().string();
        t.config = config_to_json(checkpoint_config(t.checkpoint_dir));
        if (fs::exists(db, ec)) {  // record there too when the store knows this folder
            auto store = RunStore::open(db, StoreMode::ReadOnly);
            for (const auto& r : store.list_runs(RunFilter{"", {}, {}, "", true, false}))
                if (!r.checkpoint_dir.empty() &&
                    fs::weakly_canonical(r.checkpoint_dir, ec) == fs::weakly_canonical(target, ec))
                    t.run = r.id;
        }
        return t;
    }
    const auto id = run_id(target);
    if (!id)
        throw std::runtime_error(target +
                                 ": neither a run id (an integer, see `freetickets runs list`) nor a checkpoint "
                                 "folder");
    auto store = RunStore::open(db, StoreMode::ReadOnly);
    const auto r = store.find_run(*id);
    if (!r) throw std::runtime_error(db + ": no run " + std::to_string(*id));
    if (r->checkpoint_dir.empty())
        throw std::runtime_error(db + ": run " + std::to_string(*id) +
                                 " has no checkpoint folder (trained with --no-checkpoint?), so its tickets are gone");
    t.checkpoint_dir = r->checkpoint_dir;
    t.config = json::parse(r->config_json);
    t.run = *id;
    return t;
}

int run_eval_command(const EvalCommands& c) {
    Target t = resolve(c.target, c.db);
    for (const auto& o : c.overrides) {
        if (o.rfind("eval.", 0) != 0)
            throw ConfigException("--set", {{o.substr(0, o.find('=')), "\"" + o + "\"",
                                             "an eval.* setting (the tickets are trained; only their evaluation can "
                                             "change)"}});
        apply_override(t.config, o);
    }
    std::vector<std::string> warnings;
    const RunConfig config = config_from_json(t.config, t.checkpoint_dir + "/state.json", &warnings);
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (!c.quiet)
        std::fprintf(stderr, "evaluating the %lld tickets in %s\n", (long long)plan_run(config).members,
                     t.checkpoint_dir.c_str());
    Collect sink;
    sink.quiet = c.quiet;
    RunControl control;
    const json summary = evaluate_checkpoint(config, t.checkpoint_dir, sink, control);
    if (t.run) {
        auto store = RunStore::open(c.db);
        store.record_events(*t.run, sink.events);
        store.set_summary(*t.run, summary);
        if (!c.quiet)
            std::fprintf(stderr, "recorded %zu evaluation events and the summary in run %lld of %s\n",
                         sink.events.size(), (long long)*t.run, c.db.c_str());
    } else if (!c.quiet) {
        std::fprintf(stderr, "no run in %s uses this folder: nothing recorded in the store\n", c.db.c_str());
    }
    if (!c.out.empty()) {
        std::ofstream out(c.out);
        out << summary.dump(2) << "\n";
        if (!out) throw std::runtime_error(c.out + ": cannot write the summary");
    }
    std::cout << result_table(summary);
    return 0;
}

json load_summary(const std::string& target, const std::string& db, std::string& label) {
    std::error_code ec;
    if (fs::is_regular_file(target, ec)) {
        label = fs::path(target).stem().string();
        json j = read_json_file(target);
        if (!j.is_object() || !j.contains("run"))
            throw std::runtime_error(target + ": not a summary JSON (no \"run\" object; write one with --out)");
        return j;
    }
    const auto id = run_id(target);
    if (!id) throw std::runtime_error(target + ": neither a summary JSON file nor a run id");
    auto store = RunStore::open(db, StoreMode::ReadOnly);
    const auto r = store.find_run(*id);
    if (!r) throw std::runtime_error(db + ": no run " + std::to_string(*id));
    json j = store.summary(*id);
    if (j.is_null())
        throw std::runtime_error(db + ": run " + std::to_string(*id) + " (" + to_string(r->status) +
                                 ") has no summary; a finished run gets one, or run `freetickets eval " + target + "`");
    label = std::to_string(*id) + (r->name.empty() ? "" : " " + r->name);
    return j;
}

int run_compare_command(const EvalCommands& c) {
    std::vector<json> summaries;
    std::vector<std::string> labels;
    for (const auto& target : c.runs) {
        std::string label;
        summaries.push_back(load_summary(target, c.db, label));
        labels.push_back(label);
    }
    std::cout << comparison_table(summaries, labels, c.format);
    return 0;
}

// --- the comparison table ---

const json* at(const json& j, std::initializer_list<const char*> path) {
    const json* node = &j;
    for (const char* key : path) {
        if (!node->is_object()) return nullptr;
        auto it = node->find(key);
        if (it == node->end()) return nullptr;
        node = &*it;
    }
    return node;
}

std::optional<double> number_at(const json& j, std::initializer_list<const char*> path) {
    const json* v = at(j, path);
    if (!v || !v->is_number()) return std::nullopt;
    return v->get<double>();
}

std::string fixed(std::optional<double> v, int digits) {
    if (!v) return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, *v);
    return buf;
}

std::string count_text(std::optional<double> v) {
    if (!v) return "";
    char buf[64];
    const double x = *v;
    if (x >= 1e6)
        std::snprintf(buf, sizeof buf, "%.2fM", x / 1e6);
    else if (x >= 1e3)
        std::snprintf(buf, sizeof buf, "%.1fk", x / 1e3);
    else
        std::snprintf(buf, sizeof buf, "%.0f", x);
    return buf;
}

struct Column {
    const char* header;
    bool numeric;
};

const std::vector<Column>& columns() {
    static const std::vector<Column> c = {{"run", false},
                                          {"method", false},
                                          {"M", true},
                                          {"density", true},
                                          {"accuracy", true},
                                          {"NLL", true},
                                          {"ECE", true},
                                          {"c-accuracy", true},
                                          {"c-NLL", true},
                                          {"c-ECE", true},
                                          {"OoD AUROC", true},
                                          {"train FLOPs ideal", true},
                                          {"train FLOPs computed", true},
                                          {"FLOPs ref epochs", true},
                                          {"params active", true},
                                          {"params total", true}};
    return c;
}

// The row's cells; `csv` keeps full precision and plain numbers.
std::vector<std::string> row(const json& s, const std::string& label, bool csv) {
    const json* method = at(s, {"run", "method"});
    const std::string m = method && method->is_string() ? method->get<std::string>() : "";
    std::optional<double> density = number_at(s, {"config", "sparse", "density"});
    if (m == "dense" || m == "deep-ensemble") density = 1.0;
    // OoD: the mean AUROC (maximum softmax probability) of the ensemble over the OoD sets.
    std::optional<double> auroc;
    if (const json* sets = at(s, {"ood", "sets"}); sets && sets->is_array() && !sets->empty()) {
        double sum = 0;
        int n = 0;
        for (const auto& set : *sets)
            if (auto a = number_at(set, {"ensemble", "auroc_msp"})) {
                sum += *a;
                ++n;
            }
        if (n > 0) auroc = sum / n;
    }
    const int d = csv ? 6 : 4;
    auto num = [&](std::optional<double> v, int digits) {
        if (!v) return std::string();
        if (!csv) return fixed(v, digits);
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, *v);
        return std::string(buf, r.ptr);
    };
    // Training FLOPs relative to the dense reference: the idealised figure (RigL's algorithm; train_vs_dense, the
    // one older summaries have) and the computed one (what the run's settings need); empty when absent.
    auto times = [&](std::optional<double> v) { return csv ? num(v, 3) : v ? fixed(v, 3) + "x" : std::string(); };
    const auto active = number_at(s, {"flops", "params", "ensemble_active"});
    const auto total = number_at(s, {"flops", "params", "ensemble_dense"});
    return {label,
            m,
            num(number_at(s, {"ensemble", "members"}), 0),
            num(density, 2),
            num(number_at(s, {"ensemble", "test", "accuracy"}), d),
            num(number_at(s, {"ensemble", "test", "nll"}), d),
            num(number_at(s, {"ensemble", "test", "ece"}), d),
            num(number_at(s, {"robustness", "pooled", "ensemble", "accuracy"}), d),
            num(number_at(s, {"robustness", "pooled", "ensemble", "nll"}), d),
            num(number_at(s, {"robustness", "pooled", "ensemble", "ece"}), d),
            num(auroc, d),
            times(number_at(s, {"flops", "train_vs_dense"})),
            times(number_at(s, {"flops", "train_vs_dense_computed"})),
            num(number_at(s, {"flops", "reference_epochs"}), 0),
            csv ? num(active, 0) : count_text(active),
            csv ? num(total, 0) : count_text(total)};
}

std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
}

std::string markdown_cell(const std::string& s) {
    std::string out;
    for (char ch : s) out += ch == '|' ? std::string("\\|") : ch == '\n' ? std::string(" ") : std::string(1, ch);
    return out.empty() ? "-" : out;
}

int run_export_command(const EvalCommands& c) {
    const Target t = resolve(c.export_target, c.db);
    std::vector<std::string> warnings;
    const RunConfig config = config_from_json(t.config, t.checkpoint_dir + "/state.json", &warnings);
    for (const auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    const TicketExport done = export_tickets(config, t.checkpoint_dir, c.tickets_dir);
    for (const auto& e : done.tickets)
        std::printf("ticket %lld: %s/%s%s%s (density %.4f, validation accuracy %.4f)\n", (long long)e.index,
                    done.folder.c_str(), e.weights.c_str(), e.masks.empty() ? "" : ", masks in ", e.masks.c_str(),
                    e.density, e.val_accuracy);
    std::printf("manifest: %s/tickets.json; load them in Python with %s/freetickets_models.py\n", done.folder.c_str(),
                done.folder.c_str());
    return 0;
}

}  // namespace

std::string comparison_table(const std::vector<json>& summaries, const std::vector<std::string>& labels,
                             const std::string& format) {
    if (format != "table" && format != "csv" && format != "markdown")
        throw std::invalid_argument("--format " + format + ": expected one of {table, csv, markdown}");
    const bool csv = format == "csv";
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < summaries.size(); ++i) rows.push_back(row(summaries[i], labels[i], csv));
    const auto& cols = columns();
    std::string out;
    if (csv) {
        for (size_t c = 0; c < cols.size(); ++c) out += (c ? "," : "") + csv_cell(cols[c].header);
        out += "\n";
        for (const auto& r : rows) {
            for (size_t c = 0; c < r.size(); ++c) out += (c ? "," : "") + csv_cell(r[c]);
            out += "\n";
        }
        return out;
    }
    if (format == "markdown") {
        out += "|";
        for (const auto& c : cols) out += " " + std::string(c.header) + " |";
        out += "\n|";
        for (const auto& c : cols) out += c.numeric ? "---:|" : "---|";
        out += "\n";
        for (const auto& r : rows) {
            out += "|";
            for (const auto& cell : r) out += " " + markdown_cell(cell) + " |";
            out += "\n";
        }
        return out;
    }
    std::vector<size_t> width(cols.size());
    for (size_t c = 0; c < cols.size(); ++c) {
        width[c] = std::string(cols[c].header).size();
        for (const auto& r : rows) width[c] = std::max(width[c], r[c].empty() ? size_t(1) : r[c].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (size_t c = 0; c < cols.size(); ++c) {
            const std::string cell = cells[c].empty() ? "-" : cells[c];
            const std::string pad(width[c] - cell.size(), ' ');
            l += (c ? "  " : "") + (cols[c].numeric ? pad + cell : cell + pad);
        }
        while (!l.empty() && l.back() == ' ') l.pop_back();
        return l + "\n";
    };
    std::vector<std::string> header;
    header.reserve(cols.size());
    for (const auto& c : cols) header.emplace_back(c.header);
    out += line(header);
    for (const auto& r : rows) out += line(r);
    out +=
        "c- = corrupted test sets, pooled; OoD AUROC: maximum softmax probability, mean over the OoD sets; "
        "train FLOPs relative to one dense run of \"FLOPs ref epochs\" epochs: ideal = RigL's idealised "
        "algorithm, computed = what the run's settings need (a dense gradient every step while inactive weights keep "
        "momentum); params: maskable weights of all members\n";
    return out;
}

int EvalCommands::run() {
    if (eval && eval->parsed()) return run_eval_command(*this);
    if (exporter && exporter->parsed()) return run_export_command(*this);
    return run_compare_command(*this);
}

std::unique_ptr<EvalCommands> add_eval_commands(CLI::App& app, const std::string& default_db) {
    auto c = std::make_unique<EvalCommands>();
    c->db = default_db;
    if (c->db.empty()) c->db = default_store_path(false);
    c->eval = app.add_subcommand("eval", "Re-evaluate a run's tickets: test metrics, diversity, robustness, OoD");
    c->eval->add_option("run", c->target, "Run id in the store, or a checkpoint folder")->required();
    c->eval->add_option("--db", c->db, "Run store file")->capture_default_str();
    c->eval->add_option("--out", c->out, "Write the summary JSON here");
    c->eval->add_option("--set", c->overrides, "Override an eval.* setting, e.g. --set eval.corruption_samples=0")
        ->allow_extra_args(false);
    c->eval->add_flag("-q,--quiet", c->quiet, "No progress output");
    c->compare = app.add_subcommand("compare", "Compare runs in one table (accuracy, NLL, ECE, robustness, OoD, cost)");
    c->compare->add_option("runs", c->runs, "Run ids in the store or summary JSON files")->required();
    c->compare->add_option("--db", c->db, "Run store file")->capture_default_str();
    c->compare->add_option("--format", c->format, "table, csv or markdown")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "csv", "markdown"}));
    c->exporter = app.add_subcommand(
        "export", "Write a run's tickets as PyTorch state dicts (torch.load) with a Python file that builds the model");
    c->exporter->add_option("run", c->export_target, "Run id in the store, or a checkpoint folder")->required();
    c->exporter->add_option("--tickets", c->tickets_dir, "Folder to write the tickets into (created when missing)")
        ->required();
    c->exporter->add_option("--db", c->db, "Run store file")->capture_default_str();
    return c;
}

}  // namespace ft::cli
