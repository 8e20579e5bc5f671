// SPDX-License-Identifier: GPL-3.0-or-later
// Mini-batches over a Split in a seeded order, with the dataset's augmentation applied on the fly.
// The order of epoch e depends only on (seed, e), so a resumed run sees exactly the batches it would have seen.
#pragma once

#include <cstdint>

#include <torch/types.h>

#include "data/dataset.h"

namespace ft {

class BatchLoader {
public:
    // shuffle: a new permutation each epoch (training); false keeps file order (evaluation).
    BatchLoader(const Split& split, int64_t batch_size, bool shuffle, Augmentation augmentation, uint64_t seed);

    // Prepares epoch `epoch` (0-based): the permutation and augmentation draws come from (seed, epoch).
    void start_epoch(int64_t epoch);
    // Fills x, y with the next batch (on the split's device); false at the end of the epoch. The last batch may
    // be smaller (no drop_last, as the reference).
    bool next(torch::Tensor& x, torch::Tensor& y);
    int64_t batches_per_epoch() const;
    int64_t size() const { return split_.size(); }

private:
    Split split_;
    int64_t batch_size_;
    bool shuffle_;
    Augmentation augmentation_;
    uint64_t seed_;
    torch::Tensor order_;
    int64_t position_ = 0;
    int64_t epoch_ = 0;
};

}  // namespace ft
