// SPDX-License-Identifier: GPL-3.0-or-later
// One list of every RunConfig field with its JSON path. Reading, writing and override checking all walk this
// list, so a new knob is added in exactly one place (plus its validation rule).
#pragma once

#include "ft/config/run_config.h"

namespace ft::detail {

// The visitor gets (json path, reference to the field). Enum fields come with their name table.
template <typename Config, typename Visitor>
void visit_config_fields(Config& c, Visitor&& v) {
    v("name", c.name);
    v("description", c.description);
    v("method", c.method);
    v("model.name", c.model.name);
    v("model.hidden", c.model.hidden);
    v("data.name", c.data.name);
    v("data.path", c.data.path);
    v("data.validation_split", c.data.validation_split);
    v("data.validation_augmentation", c.data.validation_augmentation);
    v("data.augment", c.data.augment);
    v("data.train_limit", c.data.train_limit);
    v("data.test_limit", c.data.test_limit);
    v("data.synthetic_samples", c.data.synthetic_samples);
    v("data.synthetic_noise", c.data.synthetic_noise);
    v("train.epochs", c.train.epochs);
    v("train.batch_size", c.train.batch_size);
    v("train.test_batch_size", c.train.test_batch_size);
    v("train.lr", c.train.lr);
    v("train.momentum", c.train.momentum);
    v("train.weight_decay", c.train.weight_decay);
    v("train.milestones", c.train.milestones);
    v("train.gamma", c.train.gamma);
    v("sparse.density", c.sparse.density);
    v("sparse.init", c.sparse.init);
    v("sparse.erk_power_scale", c.sparse.erk_power_scale);
    v("sparse.exact_count", c.sparse.exact_count);
    v("sparse.update_frequency", c.sparse.update_frequency);
    v("sparse.prune_rate", c.sparse.prune_rate);
    v("sparse.prune_schedule", c.sparse.prune_schedule);
    v("sparse.prune_rate_min", c.sparse.prune_rate_min);
    v("sparse.stop_fraction", c.sparse.stop_fraction);
    v("sparse.growth", c.sparse.growth);
    v("sparse.prune", c.sparse.prune);
    v("sparse.reset_regrown", c.sparse.reset_regrown);
    v("sparse.mask_momentum", c.sparse.mask_momentum);
    v("sparse.update_dense_layers", c.sparse.update_dense_layers);
    v("sparse.execution", c.sparse.execution);
    v("ensemble.members", c.ensemble.members);
    v("ensemble.seeds", c.ensemble.seeds);
    v("edst.explore_epochs", c.edst.explore_epochs);
    v("edst.exploration_rate", c.edst.exploration_rate);
    v("edst.lr_refine_high", c.edst.lr_refine_high);
    v("edst.lr_refine_low", c.edst.lr_refine_low);
    v("edst.reset_best_at_refine", c.edst.reset_best_at_refine);
    v("pf.finetune_epochs", c.pf.finetune_epochs);
    v("pf.finetune_lr", c.pf.finetune_lr);
    v("pf.fresh_optimizer", c.pf.fresh_optimizer);
    v("eval.ece_bins", c.eval.ece_bins);
    v("eval.true_bins", c.eval.true_bins);
    v("eval.flops_reference_epochs", c.eval.flops_reference_epochs);
    v("eval.corruptions", c.eval.corruptions);
    v("eval.severities", c.eval.severities);
    v("eval.corruption_samples", c.eval.corruption_samples);
    v("eval.cifar_c_path", c.eval.cifar_c_path);
    v("eval.ood_sets", c.eval.ood_sets);
    v("eval.ood_samples", c.eval.ood_samples);
    v("eval.every_epochs", c.eval.every_epochs);
    v("eval.live_samples", c.eval.live_samples);
    v("eval.boundary_resolution", c.eval.boundary_resolution);
    v("device", c.device);
    v("threads", c.threads);
}

}  // namespace ft::detail
