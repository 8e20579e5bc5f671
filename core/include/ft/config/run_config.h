// SPDX-License-Identifier: GPL-3.0-or-later
// RunConfig: every knob of one experiment, as plain values (no torch, no Qt).
// Defaults reproduce the reference CIFAR code (freetickets-spec.md §2.3, §3, §4, §11).
// JSON reading, validation and overrides live in config_json.h and validation.h.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace ft {

// Methods of spec §3-§5 and §11; the string form is the one the summary JSON and the CLI use. Each is a part
// in core/train/methods/ (what it trains, its timeline, tickets and cost); the run plan (ft/train/run_plan.h)
// says what a config's method will do.
enum class Method { Dense, DeepEnsemble, Static, StaticEnsemble, Dst, DstEnsemble, Edst, PfEnsemble };

struct ModelConfig {
    std::string name = "lenet5";       // registry name (nn/model_registry.h)
    std::vector<int64_t> hidden = {};  // widths of the 2-D MLP ("mlp2d"); empty for fixed architectures
};

struct DataConfig {
    std::string name = "fashion-mnist";   // fashion-mnist | mnist | cifar10 | cifar100 | spirals | moons | blobs
    std::string path = "";                // folder with the dataset files; empty = the dataset's default location
    double validation_split = 0.1;        // last fraction of the training set (spec §8); 0 = no validation
    bool validation_augmentation = true;  // the reference validates with the training augmentation (spec §10.12)
    bool augment = true;                  // pad-crop + flip for CIFAR; ignored by datasets that have no augmentation
    int64_t train_limit = 0;              // use only the first N training examples (0 = all); for tests and demos
    int64_t test_limit = 0;               // use only the first N test examples (0 = all)
    int64_t synthetic_samples = 2000;     // per split, for the synthetic 2-D sets
    double synthetic_noise = 0.1;         // noise level of the synthetic 2-D sets
};

struct TrainConfig {
    int64_t epochs = 250;  // per member (dense, DST) or in total (EDST: t_ex + M * t_re)
    int64_t batch_size = 128;
    int64_t test_batch_size = 128;
    double lr = 0.1;  // also EDST's exploration LR
    double momentum = 0.9;
    double weight_decay = 5e-4;                    // on all parameters, as the reference
    std::vector<double> milestones = {0.5, 0.75};  // fractions of epochs (dense, DST); floor(f * E)
    double gamma = 0.1;
};

enum class SparseInit { Erk, Er, Uniform };
enum class PruneSchedule { Constant, Cosine };
enum class Growth { Gradient, Random, Momentum };
// How masked layers multiply (ARCHITECTURE.md, "Sparse execution"): masked = dense weights times the mask, as the
// reference; sparse = only the active weights (Linear and plain Conv2d layers); auto = per such layer, the faster of
// the two, timed on the run's shapes and threads when its density is first met (sparse only where it
// can run: the CPU, with sparse.mask_momentum = true).
enum class SparseExecution { Masked, Sparse, Auto };

struct SparseConfig {
    double density = 0.2;
    SparseInit init = SparseInit::Erk;
    double erk_power_scale = 1.0;
    bool exact_count = false;  // false = Bernoulli sampling (reference); true = exactly round(d_l * N_l) per layer
    int64_t update_frequency = 1000;                         // ΔT in iterations, counted globally across epochs
    double prune_rate = 0.5;                                 // p
    PruneSchedule prune_schedule = PruneSchedule::Constant;  // the CIFAR code uses p constantly (spec §2.4)
    double prune_rate_min = 0.005;                           // eta_min of the cosine schedule
    double stop_fraction = 1.0;  // stop mask updates after this fraction of iterations; 1 = never (reference)
    Growth growth = Growth::Gradient;
    std::string prune = "magnitude";
    bool reset_regrown = true;        // pruned-then-regrown weights restart at 0 (CIFAR quirk, spec §10.5)
    bool mask_momentum = false;       // mask SGD momentum buffers (false = CIFAR, true = ImageNet path)
    bool update_dense_layers = true;  // apply DST to layers ERK made dense (spec §10.4)
    SparseExecution execution = SparseExecution::Masked;
};

struct EnsembleConfig {
    int64_t members = 3;                        // M (ensemble methods and EDST; the others train one)
    std::vector<int64_t> seeds = {18, 19, 20};  // one per member; single-member methods use seeds[0]
};

struct EdstConfig {
    int64_t explore_epochs = 150;   // t_ex
    double exploration_rate = 0.8;  // q
    double lr_refine_high = 0.01;
    double lr_refine_low = 0.001;
    bool reset_best_at_refine = false;  // the reference keeps best_val at t_ex (spec §10.11)
};

struct PfConfig {
    int64_t finetune_epochs = 250;
    double finetune_lr = 0.001;  // constant LR of the fine-tuning (spec §5); sparse.density is 1 - PF_rate
    // true: fine-tuning starts with a fresh optimizer, momentum buffers empty, as main_PF.py builds a new SGD for
    // the pruned network (spec §5); false: it keeps the pretraining's momentum (of its last epoch, not of the best
    // epoch the pruned network starts from).
    bool fresh_optimizer = true;
};

struct EvalConfig {
    int64_t ece_bins = 15;               // number of edges as the reference (15 edges -> 14 bins) unless true_bins
    bool true_bins = false;              // true: ece_bins equal-width bins
    int64_t flops_reference_epochs = 0;  // training FLOPs are reported relative to a dense run of this many
                                         // epochs (0 = train.epochs); spec §7 compares EDST with 250 dense epochs
    // Robustness (spec §6.3), after training, image data only: "all", "none" or a comma-separated list of
    // corruption types (eval_sets.h), each at every severity listed.
    std::string corruptions = "all";
    std::vector<int64_t> severities = {1, 2, 3, 4, 5};
    // Test images per corrupted set: the first N of the test set (0 = all). 1000 (and 2000 OoD examples) keeps
    // robustness and OoD at about 3-10% of the fashion-edst preset's time (measured on a busy 2-core machine);
    // the reference uses the whole test set.
    int64_t corruption_samples = 1000;
    // Folder of CIFAR-10-C / CIFAR-100-C .npy files (<type>.npy + labels.npy): when set, robustness uses every
    // type found there (as the reference) instead of generating corruptions. cifar10 / cifar100 only.
    std::string cifar_c_path = "";
    // Out-of-distribution sets (spec §6.5), comma-separated: gaussian, uniform, a dataset name with its folder
    // ("mnist:/data/mnist", "cifar100:/data/cifar-100-binary"; fashion-mnist may omit it), npy:FILE.npy (uint8
    // images [N, H, W, C], e.g. SVHN converted with numpy), or "none".
    std::string ood_sets = "gaussian,uniform";
    int64_t ood_samples = 2000;  // examples per OoD set (0 = as many as the test set); the in-distribution side is
                                 // always the whole test set
    // Live evaluation during training: every this many epochs of a training run (0 = only at ticket captures),
    // on the first live_samples examples of the validation split (the test split when there is none; 0 = all).
    int64_t every_epochs = 1;
    int64_t live_samples = 1000;
    int64_t boundary_resolution = 64;  // grid points per axis of the decision boundaries of 2-D data
};

struct RunConfig {
    std::string name = "";
    std::string description = "";  // one line shown by `presets list` and the GUI
    Method method = Method::Edst;
    ModelConfig model;
    DataConfig data;
    TrainConfig train;
    SparseConfig sparse;
    EnsembleConfig ensemble;
    EdstConfig edst;
    PfConfig pf;
    EvalConfig eval;
    std::string device = "auto";  // auto | cpu | cuda | cuda:N
    int64_t threads = 0;          // 0 = all cores
};

std::string to_string(Method m);
// JSON holds the text form, never the enum's number (these are found by nlohmann::json through ADL).
void to_json(nlohmann::json& json, Method value);
void from_json(const nlohmann::json& json, Method& value);  // a non-string or unknown name throws

std::string to_string(SparseInit v);
std::string to_string(PruneSchedule v);
std::string to_string(Growth v);
std::string to_string(SparseExecution v);

}  // namespace ft
