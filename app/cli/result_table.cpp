// SPDX-License-Identifier: GPL-3.0-or-later
// result_table (see result_table.h).
#include "result_table.h"

#include <cstdio>

namespace ft::cli {

namespace {
std::string fmt(const nlohmann::json& v, const char* format) {
    if (!v.is_number()) return "inf";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v.get<double>());
    return buf;
}
std::string row(const std::string& name, const nlohmann::json& t) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%-12s %9s %9s %9s %9s\n", name.c_str(), fmt(t["accuracy"], "%.4f").c_str(),
                  fmt(t["nll"], "%.4f").c_str(), fmt(t["ece"], "%.4f").c_str(), fmt(t["brier"], "%.4f").c_str());
    return buf;
}
}  // namespace

std::string result_table(const nlohmann::json& s) {
    std::string out;
    char buf[256];
    std::snprintf(buf, sizeof buf, "\n%s (%s, %s), %.1f s\n", s["run"]["name"].get<std::string>().c_str(),
                  s["run"]["method"].get<std::string>().c_str(), s["model"]["name"].get<std::string>().c_str(),
                  s["run"]["seconds"].get<double>());
    out += buf;
    std::snprintf(buf, sizeof buf, "%-12s %9s %9s %9s %9s\n", "test", "accuracy", "NLL", "ECE", "Brier");
    out += buf;
    for (const auto& m : s["members"]) out += row("member " + std::to_string(m["index"].get<int64_t>()), m["test"]);
    if (s.contains("ensemble")) out += row("ensemble", s["ensemble"]["test"]);
    if (s.contains("ensemble") && s["ensemble"].contains("diversity")) {
        std::snprintf(buf, sizeof buf, "mean disagreement %.4f, mean KL %s\n",
                      s["ensemble"]["diversity"]["mean_disagreement"].get<double>(),
                      fmt(s["ensemble"]["diversity"]["mean_kl"], "%.4f").c_str());
        out += buf;
    }
    if (s.contains("robustness") && s["robustness"].contains("pooled")) {
        const auto& p = s["robustness"]["pooled"]["ensemble"];
        std::snprintf(buf, sizeof buf, "corrupted (%zu sets, pooled): accuracy %s, NLL %s, ECE %s\n",
                      s["robustness"]["sets"].size(), fmt(p["accuracy"], "%.4f").c_str(), fmt(p["nll"], "%.4f").c_str(),
                      fmt(p["ece"], "%.4f").c_str());
        out += buf;
    }
    if (s.contains("ood") && !s["ood"]["sets"].empty()) {
        out += "OoD AUROC (max. softmax prob. / entropy):";
        for (const auto& set : s["ood"]["sets"]) {
            std::snprintf(buf, sizeof buf, " %s %s / %s", set["name"].get<std::string>().c_str(),
                          fmt(set["ensemble"]["auroc_msp"], "%.4f").c_str(),
                          fmt(set["ensemble"]["auroc_entropy"], "%.4f").c_str());
            out += buf;
        }
        out += "\n";
    }
    const auto& f = s["flops"];
    // The idealised figure prices the growth rule as RigL does; the computed one what the run's settings need
    // (older summaries have only the first).
    std::string computed;
    if (f.contains("train_vs_dense_computed"))
        computed = " idealised, " + fmt(f["train_vs_dense_computed"], "%.3f") + "x computed";
    std::snprintf(buf, sizeof buf, "training FLOPs %.3fx dense%s (%lld epochs), inference %.3fx, sparse forward %.3f\n",
                  f["train_vs_dense"].get<double>(), computed.c_str(), (long long)f["reference_epochs"].get<int64_t>(),
                  f["inference_vs_dense"].get<double>(), f["sparse_forward_ratio"].get<double>());
    out += buf;
    if (f.contains("reference_schedule") && f["reference_schedule"].is_string())
        out += "training FLOPs are against " + f["reference_schedule"].get<std::string>() + "\n";
    if (f.contains("train_computed_rule") && f["train_computed_rule"].is_string() &&
        f["train_computed_rule"] != f.value("train_idealised_rule", std::string()))
        out += "computed: " + f["train_computed_rule"].get<std::string>() + "\n";
    return out;
}

}  // namespace ft::cli
