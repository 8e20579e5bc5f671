// SPDX-License-Identifier: GPL-3.0-or-later
// Out-of-distribution sets and scores (see ood_eval.h).
#include "train/ood_eval.h"

#include <algorithm>
#include <cmath>

#include "data/corruptions.h"
#include "data/npy_reader.h"
#include "ft/config/validation.h"
#include "ft/train/run_plan.h"

namespace ft {

namespace {

std::string shape_text(const std::vector<int64_t>& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i) out += 'x';
        out += std::to_string(s[i]);
    }
    return out;
}

// A set loaded with its own normalisation, re-normalised like the training data.
torch::Tensor renormalised(const torch::Tensor& x, const DatasetBundle& own, const DatasetBundle& train) {
    // The same statistics: nothing to do (a round trip through pixels could move the last bit of a value).
    if (own.mean.empty() || train.mean.empty() || (own.mean == train.mean && own.stdev == train.stdev)) return x;
    const auto pixels = pixels_from_normalised(x, own.mean, own.stdev).clamp_(0.0, 1.0);
    return normalised_from_pixels(pixels, train.mean, train.stdev);
}

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json result_json(const OodResult& r) {
    return {{"auroc_msp", number(r.auroc_msp)},
            {"fpr95_msp", number(r.fpr95_msp)},
            {"auroc_entropy", number(r.auroc_entropy)},
            {"fpr95_entropy", number(r.fpr95_entropy)}};
}

}  // namespace

std::vector<OodSet> load_ood_sets(const RunConfig& config, const DatasetBundle& data) {
    const int64_t n = config.eval.ood_samples > 0 ? config.eval.ood_samples : data.test.size();
    const uint64_t seed = uint64_t(run_seed(config, 0));  // the first run's, as the data split
    std::vector<OodSet> out;
    for (const auto& spec : ood_set_list(config.eval)) {
        OodSet set{spec.name, spec.text, {}};
        const std::string where = "eval.ood_sets \"" + spec.text + "\"";
        switch (spec.kind) {
            case OodSetSpec::Gaussian:
                set.split = gaussian_noise_set(n, data.input_shape, data.mean, data.stdev, seed);
                break;
            case OodSetSpec::Uniform:
                set.split = uniform_noise_set(n, data.input_shape, data.mean, data.stdev, seed);
                break;
            case OodSetSpec::Dataset: {
                DataConfig dc;
                dc.name = spec.dataset;
                dc.path = spec.path;
                dc.validation_split = 0;
                dc.augment = false;
                dc.train_limit = 1;  // only the test split is used; read as little of the training files as we can
                dc.test_limit = n;
                dc.synthetic_samples = std::max<int64_t>(n, 10);
                dc.synthetic_noise = config.data.synthetic_noise;
                DatasetBundle other;
                try {
                    other = load_dataset(dc, seed + 1);
                } catch (const DataError& e) {
                    throw DataError(std::string(e.what()) + " (" + where + ")");
                }
                if (other.input_shape != data.input_shape)
                    throw DataError(where + ": inputs are " + shape_text(other.input_shape) +
                                    ", the training data's are " + shape_text(data.input_shape));
                set.split = {renormalised(other.test.x, other, data), other.test.y};
                break;
            }
            case OodSetSpec::Npy: {
                torch::Tensor pixels;
                try {
                    const NpyHeader h = read_npy_header(spec.path);
                    const int64_t rows = h.shape.empty() ? 0 : h.shape[0];
                    pixels = read_npy_images(spec.path, 0, std::min(n, rows));
                } catch (const DataError& e) {
                    throw DataError(std::string(e.what()) + " (" + where + ")");
                }
                const std::vector<int64_t> shape(pixels.sizes().begin() + 1, pixels.sizes().end());
                if (shape != data.input_shape)
                    throw DataError(spec.path + ": images are " + shape_text(shape) + ", the training data's are " +
                                    shape_text(data.input_shape) + " (" + where + ")");
                set.split = {normalised_from_pixels(pixels, data.mean, data.stdev),
                             torch::zeros({pixels.size(0)}, torch::kInt64)};
                break;
            }
        }
        if (set.split.size() == 0) throw DataError(where + ": the set is empty");
        out.push_back(std::move(set));
    }
    return out;
}

OodEvaluation evaluate_ood(const std::vector<OodSet>& sets, const std::vector<std::vector<float>>& in_member_probs,
                           int64_t classes, const MemberPredictor& predict, EventSink& sink) {
    OodEvaluation out;
    if (in_member_probs.empty() || sets.empty()) return out;
    const auto in_ensemble = mean_probabilities(in_member_probs);
    out.n_in = int64_t(in_ensemble.size()) / classes;
    if (out.n_in == 0) return out;
    auto report = [&sink](int64_t member, const EvalSplit& split, int64_t n, const OodResult& r) {
        EvalReport e;
        e.member = member;
        e.split = split;
        e.metrics.n = n;
        e.ood = r;
        sink.on_event(e);
    };
    std::string names;
    for (const auto& set : sets)
        names += (names.empty() ? "" : ", ") + set.name + " (" + std::to_string(set.split.size()) + ")";
    sink.on_event(LogLine{LogLine::Info, "out-of-distribution detection against " + names});
    for (const auto& set : sets) {
        const auto probs = predict(set.split);
        OodSetResult r;
        r.name = set.name;
        r.n = set.split.size();
        const EvalSplit split = EvalSplit::ood(set.name);
        for (size_t k = 0; k < probs.size(); ++k) {
            r.members.push_back(ood_metrics(in_member_probs[k], probs[k], classes));
            report(int64_t(k), split, r.n, r.members.back());
        }
        r.ensemble = ood_metrics(in_ensemble, mean_probabilities(probs), classes);
        report(-1, split, r.n, r.ensemble);
        out.sets.push_back(std::move(r));
    }
    return out;
}

nlohmann::json ood_json(const OodEvaluation& e) {
    nlohmann::json sets = nlohmann::json::array();
    for (const auto& s : e.sets) {
        nlohmann::json members = nlohmann::json::array();
        for (const auto& m : s.members) members.push_back(result_json(m));
        sets.push_back({{"name", s.name}, {"n", s.n}, {"ensemble", result_json(s.ensemble)}, {"members", members}});
    }
    return {{"in_distribution", "test"}, {"n_in", e.n_in}, {"sets", sets}};
}

}  // namespace ft
