// SPDX-License-Identifier: GPL-3.0-or-later
// Range checks of spec §11, in one place, before any run starts (ARCHITECTURE.md rule 5).
#include "ft/config/validation.h"

#include "ft/config/eval_sets.h"
#include "ft/train/run_plan.h"

#include <cmath>
#include <regex>
#include <set>
#include <sstream>

namespace ft {
namespace {

std::string num(double v) {
    if (std::isnan(v)) return "NaN";
    std::ostringstream os;
    os << v;
    return os.str();
}
std::string quoted(const std::string& s) { return "\"" + s + "\""; }

template <typename T>
std::string list(const std::vector<T>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + num(static_cast<double>(v[i]));
    return s + "]";
}

struct Checker {
    std::vector<ConfigError> errors;
    void check(bool ok, const std::string& field, const std::string& value, const std::string& expected) {
        if (!ok) errors.push_back({field, value, expected});
    }
    // NaN fails every comparison, so each range check below also rejects NaN.
    void open_closed(double v, double lo, double hi, const std::string& field) {
        check(v > lo && v <= hi, field, num(v), "a number in (" + num(lo) + ", " + num(hi) + "]");
    }
    void closed(double v, double lo, double hi, const std::string& field) {
        check(v >= lo && v <= hi, field, num(v), "a number in [" + num(lo) + ", " + num(hi) + "]");
    }
    void closed_open(double v, double lo, double hi, const std::string& field) {
        check(v >= lo && v < hi, field, num(v), "a number in [" + num(lo) + ", " + num(hi) + ")");
    }
    void positive(double v, const std::string& field) {
        check(v > 0 && std::isfinite(v), field, num(v), "a number > 0");
    }
    void at_least(int64_t v, int64_t lo, const std::string& field) {
        check(v >= lo, field, std::to_string(v), "an integer >= " + std::to_string(lo));
    }
};

const DatasetSpec* find_dataset(const std::string& name) {
    for (const auto& d : dataset_specs())
        if (d.name == name) return &d;
    return nullptr;
}

template <typename Specs>
std::string choices(const Specs& specs) {
    std::string s = "one of {";
    for (size_t i = 0; i < specs.size(); ++i) s += (i ? ", " : "") + specs[i].name;
    return s + "}";
}

// Corrupted and out-of-distribution test sets (spec §6.3, §6.5) and the live evaluation cadence.
template <typename Warn>
void check_robustness_and_ood(const RunConfig& c, const DatasetSpec* data, Checker& k, Warn&& warn) {
    const auto& e = c.eval;
    const auto corruptions = corruption_list(e, &k.errors);
    {
        bool ok = !e.severities.empty();
        std::set<int64_t> seen;
        for (auto s : e.severities) ok = ok && s >= 1 && s <= 5 && seen.insert(s).second;
        k.check(ok, "eval.severities", list(e.severities), "distinct severities from 1 to 5, at least one");
    }
    k.at_least(e.corruption_samples, 0, "eval.corruption_samples");
    const bool cifar = c.data.name == "cifar10" || c.data.name == "cifar100";
    if (!e.cifar_c_path.empty())
        k.check(cifar, "eval.cifar_c_path", quoted(e.cifar_c_path),
                "empty unless data.name is cifar10 or cifar100 (a folder of CIFAR-10-C / CIFAR-100-C .npy files)");
    if (data && data->input == "2" && !corruptions.empty() && e.corruptions != "all")
        warn("eval.corruptions = \"" + e.corruptions + "\": corruptions apply to images; " + data->name +
             " has 2-D features, so robustness is skipped");
    for (const auto& set : ood_set_list(e, &k.errors)) {
        if (!data) continue;
        if (set.kind == OodSetSpec::Dataset) {
            const DatasetSpec* o = find_dataset(set.dataset);
            if (o && o->input != data->input)
                k.check(false, "eval.ood_sets", quoted(e.ood_sets),
                        "sets with the training data's input (" + data->name + ": " + data->input + "); " + o->name +
                            " has " + o->input);
            else if (o && o->name == data->name && set.path == c.data.path)
                warn("eval.ood_sets: " + set.text + " is the training dataset itself (AUROC 0.5 expected)");
        } else if (set.kind == OodSetSpec::Npy && data->input == "2") {
            k.check(false, "eval.ood_sets", quoted(e.ood_sets),
                    "npy image sets only for image data (" + data->name + " has 2-D features)");
        }
    }
    k.at_least(e.ood_samples, 0, "eval.ood_samples");
    k.at_least(e.every_epochs, 0, "eval.every_epochs");
    k.at_least(e.live_samples, 0, "eval.live_samples");
    k.check(e.boundary_resolution >= 2 && e.boundary_resolution <= 512, "eval.boundary_resolution",
            std::to_string(e.boundary_resolution), "an integer in [2, 512]");
}

}  // namespace

const std::vector<DatasetSpec>& dataset_specs() {
    static const std::vector<DatasetSpec> specs = {
        {"fashion-mnist", "1x28x28", 10, "Fashion-MNIST, IDX .gz files (Debian package dataset-fashion-mnist)"},
        {"mnist", "1x28x28", 10, "MNIST, IDX files (.gz or plain) in data.path"},
        {"cifar10", "3x32x32", 10, "CIFAR-10 binary version (data_batch_1..5.bin, test_batch.bin) in data.path"},
        {"cifar100", "3x32x32", 100, "CIFAR-100 binary version (train.bin, test.bin) in data.path"},
        {"spirals", "2", 2, "two interleaved spirals, generated"},
        {"moons", "2", 2, "two half-moons, generated"},
        {"blobs", "2", 4, "four Gaussian blobs, generated"},
    };
    return specs;
}

std::vector<ConfigError> validate(const RunConfig& c, std::vector<std::string>* warnings) {
    Checker k;
    // What the method trains decides which of its settings matter (core/train/methods/).
    const MethodTraits method = method_traits(c.method);
    auto warn = [&](const std::string& w) {
        if (warnings) warnings->push_back(w);
    };

    // model and data
    const ModelSpec* model = find_model_spec(c.model.name);
    const DatasetSpec* data = find_dataset(c.data.name);
    k.check(model != nullptr, "model.name", quoted(c.model.name), model_choices());
    k.check(data != nullptr, "data.name", quoted(c.data.name), choices(dataset_specs()));
    if (model && data && !model->input.empty() && model->input_text() != data->input)
        k.check(false, "model.name", quoted(c.model.name),
                "a model for " + data->name + " inputs (" + data->input + "); " + model->name + " expects " +
                    model->input_text());
    if (model && model->settable_widths) {
        for (auto w : c.model.hidden) k.check(w >= 1, "model.hidden", list(c.model.hidden), "a list of widths >= 1");
    } else {
        k.check(c.model.hidden.empty(), "model.hidden", list(c.model.hidden),
                "[] (widths are only used by model \"mlp\")");
    }
    k.closed_open(c.data.validation_split, 0.0, 1.0, "data.validation_split");
    k.at_least(c.data.train_limit, 0, "data.train_limit");
    k.at_least(c.data.test_limit, 0, "data.test_limit");
    k.at_least(c.data.synthetic_samples, 10, "data.synthetic_samples");
    k.check(c.data.synthetic_noise >= 0 && std::isfinite(c.data.synthetic_noise), "data.synthetic_noise",
            num(c.data.synthetic_noise), "a number >= 0");

    // optimisation
    k.at_least(c.train.epochs, 1, "train.epochs");
    k.at_least(c.train.batch_size, 1, "train.batch_size");
    k.at_least(c.train.test_batch_size, 1, "train.test_batch_size");
    k.positive(c.train.lr, "train.lr");
    k.closed_open(c.train.momentum, 0.0, 1.0, "train.momentum");
    k.check(c.train.weight_decay >= 0 && std::isfinite(c.train.weight_decay), "train.weight_decay",
            num(c.train.weight_decay), "a number >= 0");
    {
        bool ok = true;
        double prev = 0.0;
        for (double m : c.train.milestones) {
            ok = ok && m > 0.0 && m < 1.0 && m > prev;
            prev = m;
        }
        k.check(ok, "train.milestones", list(c.train.milestones), "increasing fractions in (0, 1)");
    }
    k.open_closed(c.train.gamma, 0.0, 1.0, "train.gamma");

    // sparsity (checked for every method so a bad value never sits unnoticed in a stored config)
    k.open_closed(c.sparse.density, 0.0, 1.0, "sparse.density");
    k.check(c.sparse.erk_power_scale >= 0 && std::isfinite(c.sparse.erk_power_scale), "sparse.erk_power_scale",
            num(c.sparse.erk_power_scale), "a number >= 0 (0 = uniform allocation)");
    k.at_least(c.sparse.update_frequency, 1, "sparse.update_frequency");
    k.closed(c.sparse.prune_rate, 0.0, 1.0, "sparse.prune_rate");
    k.closed(c.sparse.prune_rate_min, 0.0, 1.0, "sparse.prune_rate_min");
    k.open_closed(c.sparse.stop_fraction, 0.0, 1.0, "sparse.stop_fraction");
    k.check(c.sparse.prune == "magnitude", "sparse.prune", quoted(c.sparse.prune), "one of {magnitude}");
    // The sparse path computes no gradient at inactive weights, so their momentum must be masked too (the
    // reference's CIFAR quirk keeps it, spec §2.1); and its kernels are CPU kernels.
    if (c.sparse.execution == SparseExecution::Sparse) {
        k.check(c.sparse.mask_momentum, "sparse.execution", "\"sparse\"",
                "\"masked\" unless sparse.mask_momentum = true (the sparse path gives inactive weights no gradient, "
                "so their momentum cannot go on accumulating as the reference's does)");
        k.check(c.device == "cpu" || c.device == "auto", "sparse.execution", "\"sparse\"",
                "\"masked\" on device " + quoted(c.device) + " (the sparse kernels run on the CPU)");
    }

    // Momentum growth ranks inactive weights by their momentum (spec §2.2); masked buffers hold 0 at every
    // inactive weight, so every candidate would score 0 and the top-k would pick by position.
    if (method.dynamic && c.sparse.growth == Growth::Momentum)
        k.check(!c.sparse.mask_momentum, "sparse.growth", "\"momentum\"",
                "\"gradient\" or \"random\" when sparse.mask_momentum = true (masked momentum buffers are 0 at every "
                "inactive weight, so momentum growth would score every candidate 0 and regrow by position)");

    // ensembles
    k.at_least(c.ensemble.members, 1, "ensemble.members");
    k.check(!c.ensemble.seeds.empty(), "ensemble.seeds", "[]", "at least one integer seed");
    if (!c.ensemble.seeds.empty()) {
        std::set<int64_t> distinct(c.ensemble.seeds.begin(), c.ensemble.seeds.end());
        if (distinct.size() != c.ensemble.seeds.size())
            warn("ensemble.seeds = " + list(c.ensemble.seeds) + ": duplicate seeds give identical members");
        // One seed per training run: EDST trains one network (seeds[0]) for all its tickets.
        const int64_t runs = planned_training_runs(c);
        if (static_cast<int64_t>(c.ensemble.seeds.size()) < runs)
            warn("ensemble.seeds has " + std::to_string(c.ensemble.seeds.size()) + " seeds for " +
                 std::to_string(runs) + " members; the rest continue from the last seed");
    }
    if (method.ensemble && !method.one_run_many_tickets && c.ensemble.members == 1)
        warn("ensemble.members = 1: disagreement and KL between members need at least 2");

    // EDST schedule (spec §4.1, §10.10)
    k.open_closed(c.edst.exploration_rate, 0.0, 1.0, "edst.exploration_rate");
    k.positive(c.edst.lr_refine_high, "edst.lr_refine_high");
    k.positive(c.edst.lr_refine_low, "edst.lr_refine_low");
    if (method.edst_timeline) {
        k.check(c.edst.explore_epochs >= 1 && c.edst.explore_epochs < c.train.epochs, "edst.explore_epochs",
                std::to_string(c.edst.explore_epochs),
                "an integer in [1, train.epochs) = [1, " + std::to_string(c.train.epochs) + ")");
        if (c.ensemble.members >= 1 && c.edst.explore_epochs < c.train.epochs) {
            const double t_re = double(c.train.epochs - c.edst.explore_epochs) / double(c.ensemble.members);
            k.check(t_re >= 2.0, "train.epochs", std::to_string(c.train.epochs),
                    "at least edst.explore_epochs + 2 * ensemble.members = " +
                        std::to_string(c.edst.explore_epochs + 2 * c.ensemble.members) +
                        " (refinement phases t_re = (E - t_ex) / M = " + num(t_re) + " must be >= 2 epochs)");
        }
    }

    // PF ensemble
    k.at_least(c.pf.finetune_epochs, 1, "pf.finetune_epochs");
    k.positive(c.pf.finetune_lr, "pf.finetune_lr");

    // evaluation and device
    if (c.eval.true_bins)
        k.at_least(c.eval.ece_bins, 1, "eval.ece_bins");
    else
        k.check(c.eval.ece_bins >= 2, "eval.ece_bins", std::to_string(c.eval.ece_bins),
                "an integer >= 2 (the reference counts bin edges: 15 edges = 14 bins; set eval.true_bins for bins)");
    k.at_least(c.eval.flops_reference_epochs, 0, "eval.flops_reference_epochs");
    check_robustness_and_ood(c, data, k, warn);
    static const std::regex device_re("auto|cpu|cuda(:[0-9]+)?");
    k.check(std::regex_match(c.device, device_re), "device", quoted(c.device), "one of {auto, cpu, cuda, cuda:N}");
    k.at_least(c.threads, 0, "threads");

    if (c.sparse.density == 1.0 && method.sparse_from_start) {
        // Every layer is allocated dense, but the reference prunes and regrows dense layers too (spec §2.2,
        // §10.4): pruned weights restart at 0, and random growth regrows only about as many as were pruned.
        const bool updates_change_weights = method.dynamic && c.sparse.update_dense_layers &&
                                            (c.sparse.reset_regrown || c.sparse.growth == Growth::Random);
        if (!updates_change_weights)
            warn("sparse.density = 1: every layer is dense and stays dense, so the masks never change what is trained");
        else if (c.sparse.growth == Growth::Random)
            warn(
                "sparse.density = 1: every layer starts dense, but with sparse.update_dense_layers = true each mask "
                "update prunes sparse.prune_rate of every layer and sparse.growth = random regrows about as many at "
                "random, so layers do not stay dense; set sparse.update_dense_layers = false to train a dense network");
        else
            warn(
                "sparse.density = 1: every layer is dense, but with sparse.update_dense_layers = true and "
                "sparse.reset_regrown = true each mask update resets the smallest sparse.prune_rate of every "
                "layer's weights to 0 (EDST's exploration: edst.exploration_rate; spec §10.4); set "
                "sparse.update_dense_layers = false to train a plain dense network");
    }
    // Spec §7 prices EDST against the dense baseline's schedule (250 epochs on CIFAR), not a dense run of EDST's
    // own length (450): left at 0 the ratio is 1.8x too flattering there.
    if (method.edst_timeline && c.eval.flops_reference_epochs == 0)
        warn("eval.flops_reference_epochs = 0: training FLOPs are reported against a dense run of this run's own " +
             std::to_string(c.train.epochs) +
             " epochs, not the dense baseline's schedule (spec §7: 250 epochs for CIFAR's 450-epoch EDST); set it "
             "to the dense baseline's train.epochs");
    if (method.edst_timeline && c.train.epochs - c.edst.explore_epochs >= 0 && c.ensemble.members > 0 &&
        (c.train.epochs - c.edst.explore_epochs) % c.ensemble.members != 0)
        warn(
            "EDST refinement phases are not whole epochs (t_re = (E - t_ex) / M is fractional); boundaries are rounded "
            "up as the reference does");
    return k.errors;
}

}  // namespace ft
