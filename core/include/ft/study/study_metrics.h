// SPDX-License-Identifier: GPL-3.0-or-later
// The numbers a study reports per run (read from the run's summary JSON) and their mean, standard deviation and
// count over a point's seeds. Shared by `freetickets study show` and the workbench's study view.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ft {

struct StudyMetric {
    const char* key;     // as in `study show --json` ("accuracy", "corrupted_nll", ...)
    const char* header;  // a table's column title
    bool lower_is_better;
};

// In the order tables show them: accuracy, NLL, ECE, Brier, the mean ticket's accuracy and NLL, corrupted
// accuracy / NLL / ECE, OoD AUROC, training FLOPs (relative to the dense baseline) and training seconds.
const std::vector<StudyMetric>& study_metrics();
const StudyMetric* find_study_metric(const std::string& key);

// Each metric of one run's summary; a metric the run did not measure is absent (an object of numbers).
nlohmann::json study_run_metrics(const nlohmann::json& summary);

struct MetricStats {
    double mean = 0, std = 0;  // std: the sample standard deviation (n - 1); 0 when n = 1
    int n = 0;
};
// Over the values present (NaN and absent values are left out); nullopt when none is.
std::optional<MetricStats> metric_stats(const std::vector<std::optional<double>>& values);

}  // namespace ft
