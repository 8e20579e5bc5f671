// SPDX-License-Identifier: GPL-3.0-or-later
// Decision-boundary grids and 2-D training points (see decision_boundary.h).
#include "train/decision_boundary.h"

#include <algorithm>
#include <stdexcept>

#include "train/evaluator.h"

namespace ft {

bool has_2d_features(const DatasetBundle& data) { return data.input_shape == std::vector<int64_t>{2}; }

BoundaryGrid boundary_grid(const torch::Tensor& x, int64_t resolution) {
    if (x.dim() != 2 || x.size(1) != 2 || x.size(0) < 1)
        throw std::invalid_argument("boundary_grid: expected points [N, 2] with N >= 1, got " +
                                    std::to_string(x.dim()) + "-D data");
    if (resolution < 2)
        throw std::invalid_argument("boundary_grid: resolution must be >= 2, got " + std::to_string(resolution));
    const auto cpu = x.to(torch::kCPU, torch::kDouble);
    const auto lo = std::get<0>(cpu.min(0)), hi = std::get<0>(cpu.max(0));
    BoundaryGrid g;
    g.resolution = resolution;
    auto widen = [](double a, double b, double& out_lo, double& out_hi) {
        const double margin = std::max(0.1 * (b - a), 0.1);
        out_lo = a - margin;
        out_hi = b + margin;
    };
    widen(lo[0].item<double>(), hi[0].item<double>(), g.x_min, g.x_max);
    widen(lo[1].item<double>(), hi[1].item<double>(), g.y_min, g.y_max);
    std::vector<float> pts;
    pts.reserve(size_t(resolution * resolution * 2));
    for (int64_t iy = 0; iy < resolution; ++iy) {
        const double y = g.y_min + (g.y_max - g.y_min) * double(iy) / double(resolution - 1);
        for (int64_t ix = 0; ix < resolution; ++ix) {
            pts.push_back(float(g.x_min + (g.x_max - g.x_min) * double(ix) / double(resolution - 1)));
            pts.push_back(float(y));
        }
    }
    g.points = torch::from_blob(pts.data(), {resolution * resolution, 2}, torch::kFloat32).clone();
    return g;
}

std::vector<float> grid_probabilities(Model& model, const BoundaryGrid& grid, int64_t batch_size,
                                      const torch::Device& device) {
    const Split split{grid.points, torch::zeros({grid.points.size(0)}, torch::kInt64)};
    return predict_probabilities(model, split, batch_size, device);
}

DecisionBoundary make_boundary(const BoundaryGrid& grid, std::vector<float> probs, int64_t classes, int64_t member,
                               int64_t step, const std::string& source) {
    DecisionBoundary b;
    b.member = member;
    b.step = step;
    b.source = source;
    b.x_min = grid.x_min;
    b.x_max = grid.x_max;
    b.y_min = grid.y_min;
    b.y_max = grid.y_max;
    b.resolution = grid.resolution;
    b.classes = classes;
    b.probs = std::move(probs);
    return b;
}

DataPoints2D data_points(const Split& split, int64_t classes) {
    DataPoints2D d;
    d.classes = classes;
    if (split.size() == 0) return d;
    const auto x = split.x.to(torch::kCPU, torch::kFloat32).contiguous();
    const auto y = split.y.to(torch::kCPU, torch::kLong).contiguous();
    const float* px = x.data_ptr<float>();
    const int64_t* py = y.data_ptr<int64_t>();
    for (int64_t i = 0; i < split.size(); ++i) {
        d.x.push_back(px[2 * i]);
        d.y.push_back(px[2 * i + 1]);
        d.label.push_back(int32_t(py[i]));
    }
    return d;
}

}  // namespace ft
