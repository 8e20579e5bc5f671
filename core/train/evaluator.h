// SPDX-License-Identifier: GPL-3.0-or-later
// Model evaluation on a split: probabilities for the metrics (eval mode, no gradients), and the loss / accuracy
// pass the reference uses for validation.
#pragma once

#include <vector>

#include <torch/types.h>

#include "data/batch_loader.h"
#include "data/dataset.h"
#include "nn/model.h"

namespace ft {

// Row-major [n x classes] probabilities (softmax of the model's log-probabilities), in split order.
std::vector<float> predict_probabilities(Model& model, const Split& split, int64_t batch_size,
                                         const torch::Device& device);
std::vector<int64_t> labels_of(const Split& split);

struct LossAccuracy {
    double loss = 0, accuracy = 0;
    int64_t n = 0;
};
// Mean NLL and accuracy over the loader's epoch `epoch` (eval mode, no gradients).
LossAccuracy evaluate_loader(Model& model, BatchLoader& loader, int64_t epoch, const torch::Device& device);

}  // namespace ft
