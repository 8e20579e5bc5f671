// SPDX-License-Identifier: GPL-3.0-or-later
// Gathering a study's results from the store: the rows, the linked runs' summaries and the statistics over seeds.
#include "ft/study/study_results.h"

namespace ft {

StudyResults study_results(const RunStore& store, int64_t study) {
    StudyResults out;
    out.study = store.get_study(study);
    for (const auto& p : out.study.points) {
        StudyPointResult pr;
        pr.point = p;
        std::map<std::string, std::vector<std::optional<double>>> values;
        for (const auto& row : out.study.runs) {
            if (row.point != p.point) continue;
            StudyRunResult rr;
            rr.row = row;
            if (row.run)
                if (auto rec = store.find_run(*row.run)) rr.run_status = rec->status;
            // The study row says what the executor last saw; a finished run is finished whatever it saw.
            const bool done = rr.run_status == RunStatus::Finished;
            if (done) {
                rr.metrics = study_run_metrics(store.summary(*row.run));
                for (const auto& m : study_metrics())
                    values[m.key].push_back(rr.metrics.contains(m.key)
                                                ? std::optional<double>(rr.metrics[m.key].get<double>())
                                                : std::nullopt);
                ++pr.finished;
            } else if (row.state == StudyState::Failed) {
                ++pr.failed;
            } else if (row.state == StudyState::Cancelled) {
                ++pr.cancelled;
            } else if (row.state == StudyState::Running && rr.run_status == RunStatus::Running) {
                ++pr.running;
            } else {
                ++pr.pending;
            }
            pr.runs.push_back(std::move(rr));
        }
        for (const auto& [key, list] : values)
            if (auto st = metric_stats(list)) pr.stats[key] = *st;
        out.finished += pr.finished;
        out.failed += pr.failed;
        out.running += pr.running;
        out.pending += pr.pending;
        out.cancelled += pr.cancelled;
        out.points.push_back(std::move(pr));
    }
    return out;
}

nlohmann::json study_results_json(const StudyResults& r) {
    using json = nlohmann::json;
    json points = json::array();
    for (const auto& p : r.points) {
        json runs = json::array();
        for (const auto& rr : p.runs) {
            json j = {{"seed", rr.row.seed},
                      {"run", rr.row.run ? json(*rr.row.run) : json()},
                      {"state", to_string(rr.row.state)},
                      {"run_status", rr.run_status ? json(to_string(*rr.run_status)) : json()},
                      {"attempts", rr.row.attempts},
                      {"metrics", rr.metrics}};
            if (!rr.row.message.empty()) j["message"] = rr.row.message;
            runs.push_back(std::move(j));
        }
        json metrics = json::object();
        for (const auto& m : study_metrics())
            if (auto it = p.stats.find(m.key); it != p.stats.end())
                metrics[m.key] = {{"mean", it->second.mean}, {"std", it->second.std}, {"n", it->second.n}};
        points.push_back({{"point", p.point.point},
                          {"label", p.point.label},
                          {"method", p.point.method},
                          {"settings", p.point.settings},
                          {"runs", runs},
                          {"metrics", metrics}});
    }
    return {{"id", r.study.id},
            {"name", r.study.name},
            {"state", to_string(r.study.state)},
            {"message", r.study.message},
            {"executor", r.study.executor},
            {"spec", r.study.spec},
            {"runs",
             {{"total", r.total()},
              {"finished", r.finished},
              {"failed", r.failed},
              {"running", r.running},
              {"pending", r.pending},
              {"cancelled", r.cancelled}}},
            {"points", points}};
}

}  // namespace ft
