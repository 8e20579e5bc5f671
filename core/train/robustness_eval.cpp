// SPDX-License-Identifier: GPL-3.0-or-later
// Corruption robustness (see robustness_eval.h).
#include "train/robustness_eval.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/corruptions.h"
#include "data/npy_reader.h"
#include "ft/config/eval_sets.h"
#include "ft/config/validation.h"
#include "ft/train/run_plan.h"
#include "train/evaluator.h"

namespace ft {

namespace {

namespace fs = std::filesystem;

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json short_metrics(const ClassificationMetrics& m) {
    return {{"n", m.n}, {"accuracy", m.accuracy}, {"nll", number(m.nll)}, {"ece", m.ece}};
}

nlohmann::json pooled_metrics(const ClassificationMetrics& m) {
    return {{"n", m.n},     {"accuracy", m.accuracy}, {"nll", number(m.nll)},
            {"ece", m.ece}, {"mce", m.mce},           {"brier", m.brier}};
}

Split first(const Split& s, int64_t limit) {
    if (s.size() == 0) return s;
    const int64_t n = limit > 0 ? std::min(limit, s.size()) : s.size();
    return {s.x.narrow(0, 0, n), s.y.narrow(0, 0, n)};
}

// One corrupted set to evaluate: how to make it, and its name.
struct SetSource {
    std::string type;
    int severity;
    std::function<Split()> make;
};

}  // namespace

std::vector<std::string> cifar_c_files(const std::string& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw DataError(folder + ": no such folder (eval.cifar_c_path names the CIFAR-10-C / CIFAR-100-C folder)");
    if (!fs::exists(fs::path(folder) / "labels.npy", ec))
        throw DataError((fs::path(folder) / "labels.npy").string() +
                        ": no such file (a CIFAR-C folder holds "
                        "labels.npy and one <corruption>.npy per type)");
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        const auto name = e.path().filename().string();
        if (e.path().extension() == ".npy" && name != "labels.npy") files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw DataError(folder + ": holds labels.npy but no <corruption>.npy file");
    return files;
}

RobustnessResult evaluate_robustness(const RunConfig& config, const DatasetBundle& data, int64_t members,
                                     const MemberPredictor& predict, EventSink& sink, RunControl* control) {
    RobustnessResult out;
    const auto& e = config.eval;
    const BinningOptions bins{e.ece_bins, e.true_bins};
    std::vector<SetSource> sources;
    Split base;
    if (data.input_shape.size() != 3) {
        out.skipped = "corruptions apply to images; " + data.name + " has feature vectors";
        return out;
    }
    if (!e.cifar_c_path.empty()) {
        out.source = e.cifar_c_path;
        const std::string labels = (fs::path(e.cifar_c_path) / "labels.npy").string();
        for (const auto& file : cifar_c_files(e.cifar_c_path)) {
            const NpyHeader h = read_npy_header(file);
            if (h.shape.empty() || h.shape[0] % 5 != 0)
                throw DataError(file + ": holds " + std::to_string(h.shape.empty() ? 0 : h.shape[0]) +
                                " images; a CIFAR-C file holds 5 severities of equally many images");
            const int64_t per_severity = h.shape[0] / 5;
            for (int64_t s : e.severities)
                sources.push_back(
                    {fs::path(file).stem().string(), int(s), [&data, &e, file, labels, s, per_severity] {
                         return first(read_corruption_npy(file, labels, int(s), data.mean, data.stdev, per_severity),
                                      e.corruption_samples);
                     }});
        }
    } else {
        out.source = "generated";
        base = first(data.test, e.corruption_samples);
        const uint64_t seed = uint64_t(run_seed(config, 0));  // the first run's, as the data split
        for (const auto& type : corruption_list(e))
            for (int64_t s : e.severities)
                sources.push_back({type, int(s), [&base, &data, type, s, seed] {
                                       return corrupted_split(base, data.mean, data.stdev, type, int(s), seed);
                                   }});
    }
    if (sources.empty()) {
        out.skipped = "eval.corruptions = \"" + e.corruptions + "\"";
        return out;
    }

    sink.on_event(
        LogLine{LogLine::Info,
                "robustness: " + std::to_string(sources.size()) + " corrupted test sets (" + out.source +
                    (e.corruption_samples > 0 ? ", at most " + std::to_string(e.corruption_samples) + " images each)"
                                              : ", whole sets)")});
    std::vector<CalibrationMeter> pooled(size_t(members), CalibrationMeter(data.classes, bins));
    CalibrationMeter pooled_ensemble(data.classes, bins);
    auto report = [&sink](int64_t member, const EvalSplit& split, const ClassificationMetrics& m) {
        EvalReport r;
        r.member = member;
        r.split = split;
        r.metrics = m;
        sink.on_event(r);
    };
    for (const auto& source : sources) {
        if (control && control->cancelled()) {
            out.cancelled = true;
            break;
        }
        const Split set = source.make();
        out.samples_per_set = std::max(out.samples_per_set, set.size());
        const auto labels = labels_of(set);
        const auto probs = predict(set);
        const EvalSplit split = EvalSplit::corrupted(source.type, source.severity);
        CorruptedSetResult r{source.type, source.severity, {}, {}};
        for (int64_t k = 0; k < members; ++k) {
            auto m = classification_metrics(probs[size_t(k)], labels, data.classes, bins);
            pooled[size_t(k)].add(probs[size_t(k)], labels);
            report(k, split, m);
            m.reliability.clear();
            r.members.push_back(std::move(m));
        }
        const auto mean = mean_probabilities(probs);
        r.ensemble = classification_metrics(mean, labels, data.classes, bins);
        pooled_ensemble.add(mean, labels);
        report(-1, split, r.ensemble);
        r.ensemble.reliability.clear();
        out.sets.push_back(std::move(r));
    }
    for (int64_t k = 0; k < members; ++k) {
        out.pooled_members.push_back(pooled[size_t(k)].value());
        report(k, EvalSplit::corrupted_pooled(), out.pooled_members.back());
    }
    out.pooled_ensemble = pooled_ensemble.value();
    report(-1, EvalSplit::corrupted_pooled(), out.pooled_ensemble);
    return out;
}

nlohmann::json robustness_json(const RobustnessResult& r) {
    if (!r.skipped.empty()) return {{"skipped", r.skipped}};
    nlohmann::json sets = nlohmann::json::array();
    for (const auto& s : r.sets) {
        nlohmann::json members = nlohmann::json::array();
        for (const auto& m : s.members) members.push_back(short_metrics(m));
        sets.push_back({{"type", s.type},
                        {"severity", s.severity},
                        {"ensemble", short_metrics(s.ensemble)},
                        {"members", members}});
    }
    nlohmann::json pooled_members = nlohmann::json::array();
    for (const auto& m : r.pooled_members) pooled_members.push_back(pooled_metrics(m));
    nlohmann::json out = {{"source", r.source},
                          {"samples_per_set", r.samples_per_set},
                          {"sets", sets},
                          {"pooled", {{"ensemble", pooled_metrics(r.pooled_ensemble)}, {"members", pooled_members}}}};
    if (r.cancelled) out["cancelled"] = true;
    return out;
}

}  // namespace ft
