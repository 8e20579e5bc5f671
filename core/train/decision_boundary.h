// SPDX-License-Identifier: GPL-3.0-or-later
// Decision boundaries of networks on 2-D feature data (the synthetic teaching sets): a fixed grid over the
// training data's extent, the class probabilities of a network on it, and the training points themselves, as the
// DataPoints2D / DecisionBoundary events carry them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "data/dataset.h"
#include "ft/train/events.h"
#include "nn/model.h"

namespace ft {

// True for data whose examples are 2 features (spirals, moons, blobs).
bool has_2d_features(const DatasetBundle& data);

struct BoundaryGrid {
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    int64_t resolution = 0;
    torch::Tensor points;  // [resolution^2, 2], row-major from (x_min, y_min): row = y index, column = x index
};

// A resolution x resolution grid over the extent of `x` ([N, 2]) widened by 10% of its span on every side (at
// least 0.1), so the boundary is seen around the data. Throws std::invalid_argument for data that is not [N, 2]
// with N >= 1 or a resolution < 2.
BoundaryGrid boundary_grid(const torch::Tensor& x, int64_t resolution);

// The model's class probabilities on the grid, [resolution^2 x classes] row-major.
std::vector<float> grid_probabilities(Model& model, const BoundaryGrid& grid, int64_t batch_size,
                                      const torch::Device& device);

DecisionBoundary make_boundary(const BoundaryGrid& grid, std::vector<float> probs, int64_t classes, int64_t member,
                               int64_t step, const std::string& source);

// The training points as the network sees them.
DataPoints2D data_points(const Split& split, int64_t classes);

}  // namespace ft
