// SPDX-License-Identifier: GPL-3.0-or-later
// The smallest config that exercises every method in about a second: an MLP on 400 generated "moons" points.
#pragma once

#include "ft/config/run_config.h"

namespace train_test {

inline ft::RunConfig tiny_config(ft::Method method) {
    ft::RunConfig c;
    c.name = "tiny";
    c.method = method;
    c.model.name = "mlp";
    c.model.hidden = {16, 16};
    c.data.name = "moons";
    c.data.synthetic_samples = 400;
    c.train.epochs = 6;
    c.train.batch_size = 16;
    c.train.test_batch_size = 100;
    c.sparse.density = 0.5;
    c.sparse.update_frequency = 10;
    c.ensemble.members = 2;
    c.ensemble.seeds = {1, 2};
    c.edst.explore_epochs = 2;
    c.pf.finetune_epochs = 2;
    c.threads = 1;
    c.device = "cpu";
    return c;
}

}  // namespace train_test
