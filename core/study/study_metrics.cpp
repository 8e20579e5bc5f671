// SPDX-License-Identifier: GPL-3.0-or-later
// What a study reports of each run, and the statistics over seeds.
#include "ft/study/study_metrics.h"

#include <cmath>
#include <initializer_list>

namespace ft {
namespace {

using json = nlohmann::json;

std::optional<double> number_at(const json& j, std::initializer_list<const char*> path) {
    const json* node = &j;
    for (const char* key : path) {
        if (!node->is_object() || !node->contains(key)) return std::nullopt;
        node = &(*node)[key];
    }
    if (!node->is_number()) return std::nullopt;
    return node->get<double>();
}

// The mean over members of one test metric: what a single ticket scores, next to their ensemble.
std::optional<double> member_mean(const json& s, const char* key) {
    if (!s.contains("members") || !s["members"].is_array() || s["members"].empty()) return std::nullopt;
    double sum = 0;
    int n = 0;
    for (const auto& m : s["members"])
        if (auto v = number_at(m, {"test", key})) {
            sum += *v;
            ++n;
        }
    return n ? std::optional<double>(sum / n) : std::nullopt;
}

// The mean AUROC (maximum softmax probability) of the ensemble over the OoD sets, as `compare` shows it.
std::optional<double> ood_auroc(const json& s) {
    if (!s.contains("ood") || !s["ood"].contains("sets") || !s["ood"]["sets"].is_array()) return std::nullopt;
    double sum = 0;
    int n = 0;
    for (const auto& set : s["ood"]["sets"])
        if (auto a = number_at(set, {"ensemble", "auroc_msp"})) {
            sum += *a;
            ++n;
        }
    return n ? std::optional<double>(sum / n) : std::nullopt;
}

}  // namespace

const std::vector<StudyMetric>& study_metrics() {
    static const std::vector<StudyMetric> m = {
        {"accuracy", "accuracy", false},
        {"nll", "NLL", true},
        {"ece", "ECE", true},
        {"brier", "Brier", true},
        {"ticket_accuracy", "ticket accuracy", false},
        {"ticket_nll", "ticket NLL", true},
        {"corrupted_accuracy", "c-accuracy", false},
        {"corrupted_nll", "c-NLL", true},
        {"corrupted_ece", "c-ECE", true},
        {"ood_auroc", "OoD AUROC", false},
        {"train_flops", "train FLOPs", true},
        {"seconds", "train seconds", true},
    };
    return m;
}

const StudyMetric* find_study_metric(const std::string& key) {
    for (const auto& m : study_metrics())
        if (key == m.key) return &m;
    return nullptr;
}

json study_run_metrics(const json& s) {
    json out = json::object();
    auto put = [&](const char* key, std::optional<double> v) {
        if (v && std::isfinite(*v)) out[key] = *v;
    };
    put("accuracy", number_at(s, {"ensemble", "test", "accuracy"}));
    put("nll", number_at(s, {"ensemble", "test", "nll"}));
    put("ece", number_at(s, {"ensemble", "test", "ece"}));
    put("brier", number_at(s, {"ensemble", "test", "brier"}));
    put("ticket_accuracy", member_mean(s, "accuracy"));
    put("ticket_nll", member_mean(s, "nll"));
    put("corrupted_accuracy", number_at(s, {"robustness", "pooled", "ensemble", "accuracy"}));
    put("corrupted_nll", number_at(s, {"robustness", "pooled", "ensemble", "nll"}));
    put("corrupted_ece", number_at(s, {"robustness", "pooled", "ensemble", "ece"}));
    put("ood_auroc", ood_auroc(s));
    put("train_flops", number_at(s, {"flops", "train_vs_dense"}));
    put("seconds", number_at(s, {"run", "seconds"}));
    return out;
}

std::optional<MetricStats> metric_stats(const std::vector<std::optional<double>>& values) {
    double sum = 0;
    int n = 0;
    for (const auto& v : values)
        if (v && std::isfinite(*v)) {
            sum += *v;
            ++n;
        }
    if (n == 0) return std::nullopt;
    MetricStats st;
    st.n = n;
    st.mean = sum / n;
    if (n > 1) {
        double ss = 0;
        for (const auto& v : values)
            if (v && std::isfinite(*v)) ss += (*v - st.mean) * (*v - st.mean);
        st.std = std::sqrt(ss / (n - 1));
    }
    return st;
}

}  // namespace ft
