// SPDX-License-Identifier: GPL-3.0-or-later
// Labels and help texts of the experiment form, by config key, translatable. A field missing here still gets an
// editor (the schema drives the form); it is labelled with its key and its tooltip shows the type and range.
#include <QCoreApplication>

#include "config_form.h"

namespace ftw {
namespace {

struct FieldText {
    const char* key;
    const char* label;
    const char* help;
};

// Glossary-style help: what the knob does and what the reference code does with it.
const FieldText kTexts[] = {
    {"name", QT_TRANSLATE_NOOP("ConfigForm", "Name"),
     QT_TRANSLATE_NOOP("ConfigForm", "Name of the experiment; runs in the store are listed under it.")},
    {"description", QT_TRANSLATE_NOOP("ConfigForm", "Description"),
     QT_TRANSLATE_NOOP("ConfigForm", "One line that says what this experiment is for.")},
    {"method", QT_TRANSLATE_NOOP("ConfigForm", "Method"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Training method: dense, deep ensemble, static sparse, dynamic sparse training (DST), the DST "
                       "ensemble (M independent sparse runs), the EDST ensemble (one run yields M tickets) or the "
                       "prune-and-fine-tune ensemble.")},
    {"model.name", QT_TRANSLATE_NOOP("ConfigForm", "Model"),
     QT_TRANSLATE_NOOP("ConfigForm", "Network architecture; it must fit the dataset's input.")},
    {"model.hidden", QT_TRANSLATE_NOOP("ConfigForm", "Hidden widths"),
     QT_TRANSLATE_NOOP("ConfigForm", "Widths of the hidden layers of the \"mlp\" model, e.g. 64, 64.")},
    {"data.name", QT_TRANSLATE_NOOP("ConfigForm", "Dataset"),
     QT_TRANSLATE_NOOP("ConfigForm", "Training data: Fashion-MNIST, MNIST, CIFAR or a generated 2-D set.")},
    {"data.path", QT_TRANSLATE_NOOP("ConfigForm", "Data folder"),
     QT_TRANSLATE_NOOP("ConfigForm", "Folder with the dataset files; empty uses the dataset's default location.")},
    {"data.validation_split", QT_TRANSLATE_NOOP("ConfigForm", "Validation split"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Fraction of the training set (its last part) kept for validation; tickets are picked by "
                       "validation accuracy. 0: the last epoch of each phase is used.")},
    {"data.validation_augmentation", QT_TRANSLATE_NOOP("ConfigForm", "Augment validation"),
     QT_TRANSLATE_NOOP("ConfigForm", "Validate with the training augmentation, as the reference code does.")},
    {"data.augment", QT_TRANSLATE_NOOP("ConfigForm", "Augment"),
     QT_TRANSLATE_NOOP("ConfigForm", "Random crops and flips (CIFAR); datasets without augmentation ignore it.")},
    {"data.train_limit", QT_TRANSLATE_NOOP("ConfigForm", "Training examples"),
     QT_TRANSLATE_NOOP("ConfigForm", "Use only the first N training examples (0 = all): quick demos and tests.")},
    {"data.test_limit", QT_TRANSLATE_NOOP("ConfigForm", "Test examples"),
     QT_TRANSLATE_NOOP("ConfigForm", "Use only the first N test examples (0 = all).")},
    {"data.synthetic_samples", QT_TRANSLATE_NOOP("ConfigForm", "Samples (2-D sets)"),
     QT_TRANSLATE_NOOP("ConfigForm", "Points per split of the generated 2-D datasets.")},
    {"data.synthetic_noise", QT_TRANSLATE_NOOP("ConfigForm", "Noise (2-D sets)"),
     QT_TRANSLATE_NOOP("ConfigForm", "Noise level of the generated 2-D datasets.")},
    {"train.epochs", QT_TRANSLATE_NOOP("ConfigForm", "Epochs"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Epochs per member (dense, DST) or in total (EDST: exploration plus M refinement phases).")},
    {"train.batch_size", QT_TRANSLATE_NOOP("ConfigForm", "Batch size"),
     QT_TRANSLATE_NOOP("ConfigForm", "Training mini-batch size.")},
    {"train.test_batch_size", QT_TRANSLATE_NOOP("ConfigForm", "Test batch size"),
     QT_TRANSLATE_NOOP("ConfigForm", "Mini-batch size for evaluation (does not change the results).")},
    {"train.lr", QT_TRANSLATE_NOOP("ConfigForm", "Learning rate"),
     QT_TRANSLATE_NOOP("ConfigForm", "SGD learning rate; also the exploration learning rate of EDST.")},
    {"train.momentum", QT_TRANSLATE_NOOP("ConfigForm", "Momentum"), QT_TRANSLATE_NOOP("ConfigForm", "SGD momentum.")},
    {"train.weight_decay", QT_TRANSLATE_NOOP("ConfigForm", "Weight decay"),
     QT_TRANSLATE_NOOP("ConfigForm", "L2 weight decay on all parameters, as in the reference.")},
    {"train.milestones", QT_TRANSLATE_NOOP("ConfigForm", "LR milestones"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Fractions of the epochs where the learning rate is multiplied by gamma (dense and DST), "
                       "e.g. 0.5, 0.75.")},
    {"train.gamma", QT_TRANSLATE_NOOP("ConfigForm", "LR decay (gamma)"),
     QT_TRANSLATE_NOOP("ConfigForm", "Factor applied to the learning rate at each milestone.")},
    {"sparse.density", QT_TRANSLATE_NOOP("ConfigForm", "Density"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Share of weights that are active (non-zero) in the masked layers; 1 = dense. ERK gives "
                       "small layers more density than large ones.")},
    {"sparse.init", QT_TRANSLATE_NOOP("ConfigForm", "Sparse initialisation"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "How the density is spread over the layers: ERK (Erdős–Rényi-Kernel, by layer shape), ER, "
                       "or uniform.")},
    {"sparse.erk_power_scale", QT_TRANSLATE_NOOP("ConfigForm", "ERK power scale"),
     QT_TRANSLATE_NOOP("ConfigForm", "Exponent of the ERK allocation; 0 gives a uniform allocation.")},
    {"sparse.exact_count", QT_TRANSLATE_NOOP("ConfigForm", "Exact weight count"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Place exactly density × size weights per layer instead of sampling each weight (Bernoulli, "
                       "the reference).")},
    {"sparse.update_frequency", QT_TRANSLATE_NOOP("ConfigForm", "ΔT (update frequency)"),
     QT_TRANSLATE_NOOP("ConfigForm", "Iterations between two mask updates (prune, then regrow).")},
    {"sparse.prune_rate", QT_TRANSLATE_NOOP("ConfigForm", "Prune rate p"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Share of each layer's active weights removed (and regrown) at a mask update; 0 keeps the "
                       "mask static.")},
    {"sparse.prune_schedule", QT_TRANSLATE_NOOP("ConfigForm", "Prune-rate schedule"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "constant: p at every update (what the CIFAR reference does); cosine: decays to the minimum.")},
    {"sparse.prune_rate_min", QT_TRANSLATE_NOOP("ConfigForm", "Minimum prune rate"),
     QT_TRANSLATE_NOOP("ConfigForm", "End value of the cosine prune-rate schedule.")},
    {"sparse.stop_fraction", QT_TRANSLATE_NOOP("ConfigForm", "Stop updates at"),
     QT_TRANSLATE_NOOP("ConfigForm", "Fraction of training after which masks stop changing; 1 = never stop.")},
    {"sparse.growth", QT_TRANSLATE_NOOP("ConfigForm", "Growth"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Which pruned weights come back: the largest gradients (RigL-style), random (SET-style) or "
                       "the largest momentum.")},
    {"sparse.prune", QT_TRANSLATE_NOOP("ConfigForm", "Prune criterion"),
     QT_TRANSLATE_NOOP("ConfigForm", "Which active weights are removed: the smallest magnitudes.")},
    {"sparse.reset_regrown", QT_TRANSLATE_NOOP("ConfigForm", "Reset regrown weights"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Regrown weights restart at 0 (the CIFAR reference) instead of keeping their value.")},
    {"sparse.mask_momentum", QT_TRANSLATE_NOOP("ConfigForm", "Mask momentum"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Mask the SGD momentum buffers of inactive weights (ImageNet code); off, they keep "
                       "accumulating (CIFAR code).")},
    {"sparse.update_dense_layers", QT_TRANSLATE_NOOP("ConfigForm", "Update dense layers"),
     QT_TRANSLATE_NOOP("ConfigForm", "Also prune and regrow layers that the allocation made fully dense.")},
    {"ensemble.members", QT_TRANSLATE_NOOP("ConfigForm", "Members M"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Ensemble size: independent runs (ensembles) or tickets (EDST). Disagreement and KL need at "
                       "least 2.")},
    {"ensemble.seeds", QT_TRANSLATE_NOOP("ConfigForm", "Seeds"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Random seed of each member, e.g. 18, 19, 20; past the end of the list the seeds continue "
                       "from the last one.")},
    {"edst.explore_epochs", QT_TRANSLATE_NOOP("ConfigForm", "Exploration epochs t_ex"),
     QT_TRANSLATE_NOOP("ConfigForm", "EDST: epochs of the exploration phase before the first ticket is refined.")},
    {"edst.exploration_rate", QT_TRANSLATE_NOOP("ConfigForm", "Exploration rate q"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "EDST: share of weights pruned and regrown by the global exploration jump between two "
                       "tickets.")},
    {"edst.lr_refine_high", QT_TRANSLATE_NOOP("ConfigForm", "Refinement LR (high)"),
     QT_TRANSLATE_NOOP("ConfigForm", "EDST: learning rate of the first half of each refinement phase.")},
    {"edst.lr_refine_low", QT_TRANSLATE_NOOP("ConfigForm", "Refinement LR (low)"),
     QT_TRANSLATE_NOOP("ConfigForm", "EDST: learning rate of the second half of each refinement phase.")},
    {"edst.reset_best_at_refine", QT_TRANSLATE_NOOP("ConfigForm", "Reset best at refinement"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Forget the exploration phase's best validation accuracy when the first refinement starts "
                       "(the reference keeps it).")},
    {"pf.finetune_epochs", QT_TRANSLATE_NOOP("ConfigForm", "Fine-tuning epochs"),
     QT_TRANSLATE_NOOP("ConfigForm", "Prune-and-fine-tune ensemble: epochs of fine-tuning per member.")},
    {"pf.finetune_lr", QT_TRANSLATE_NOOP("ConfigForm", "Fine-tuning LR"),
     QT_TRANSLATE_NOOP("ConfigForm", "Prune-and-fine-tune ensemble: constant learning rate of the fine-tuning.")},
    {"pf.fresh_optimizer", QT_TRANSLATE_NOOP("ConfigForm", "Fresh fine-tuning optimizer"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Prune-and-fine-tune ensemble: fine-tuning starts with empty momentum, as the reference builds "
                       "a new optimizer; off, it keeps the pretraining's momentum.")},
    {"eval.ece_bins", QT_TRANSLATE_NOOP("ConfigForm", "ECE bins"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Calibration bins; the reference counts bin edges (15 edges = 14 bins) unless true bins is "
                       "set.")},
    {"eval.true_bins", QT_TRANSLATE_NOOP("ConfigForm", "True bins"),
     QT_TRANSLATE_NOOP("ConfigForm", "Use ECE bins as the number of bins rather than of edges.")},
    {"eval.flops_reference_epochs", QT_TRANSLATE_NOOP("ConfigForm", "FLOPs reference epochs"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Training FLOPs are reported relative to a dense run of this many epochs (0 = the same "
                       "epochs).")},
    {"eval.corruptions", QT_TRANSLATE_NOOP("ConfigForm", "Corruptions"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Robustness after training (image data): \"all\", \"none\" or a comma-separated list of "
                       "corruption types.")},
    {"eval.severities", QT_TRANSLATE_NOOP("ConfigForm", "Corruption severities"),
     QT_TRANSLATE_NOOP("ConfigForm", "Severities (1 to 5) at which each corruption is evaluated, e.g. 1, 3, 5.")},
    {"eval.corruption_samples", QT_TRANSLATE_NOOP("ConfigForm", "Corrupted test images"),
     QT_TRANSLATE_NOOP("ConfigForm", "Test images per corrupted set (0 = the whole test set).")},
    {"eval.cifar_c_path", QT_TRANSLATE_NOOP("ConfigForm", "CIFAR-C folder"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Folder of CIFAR-10-C / CIFAR-100-C .npy files; when set, they replace the generated "
                       "corruptions.")},
    {"eval.ood_sets", QT_TRANSLATE_NOOP("ConfigForm", "Out-of-distribution sets"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Comma-separated: gaussian, uniform, a dataset with its folder (mnist:/data/mnist), "
                       "npy:FILE.npy, or none.")},
    {"eval.ood_samples", QT_TRANSLATE_NOOP("ConfigForm", "OoD examples"),
     QT_TRANSLATE_NOOP("ConfigForm", "Examples per out-of-distribution set (0 = as many as the test set).")},
    {"eval.every_epochs", QT_TRANSLATE_NOOP("ConfigForm", "Live evaluation every"),
     QT_TRANSLATE_NOOP("ConfigForm",
                       "Evaluate calibration live every this many epochs of training (0 = only when a ticket is "
                       "captured).")},
    {"eval.live_samples", QT_TRANSLATE_NOOP("ConfigForm", "Live evaluation examples"),
     QT_TRANSLATE_NOOP("ConfigForm", "Validation examples used by the live evaluation (0 = all).")},
    {"eval.boundary_resolution", QT_TRANSLATE_NOOP("ConfigForm", "Boundary resolution"),
     QT_TRANSLATE_NOOP("ConfigForm", "Grid points per axis of the decision boundaries drawn for 2-D data.")},
    {"device", QT_TRANSLATE_NOOP("ConfigForm", "Device"),
     QT_TRANSLATE_NOOP("ConfigForm", "auto, cpu, cuda or cuda:N; auto picks CUDA when this build has it.")},
    {"threads", QT_TRANSLATE_NOOP("ConfigForm", "Threads"),
     QT_TRANSLATE_NOOP("ConfigForm", "CPU threads of the training thread; 0 = all cores.")},
};

const FieldText* findText(const QString& key) {
    for (const auto& t : kTexts)
        if (key == QLatin1String(t.key)) return &t;
    return nullptr;
}

}  // namespace

QString ConfigForm::fieldLabel(const QString& key) {
    if (const auto* t = findText(key)) return QCoreApplication::translate("ConfigForm", t->label);
    return key;
}

QString ConfigForm::fieldHelp(const QString& key) {
    if (const auto* t = findText(key)) return QCoreApplication::translate("ConfigForm", t->help);
    return {};
}

}  // namespace ftw
