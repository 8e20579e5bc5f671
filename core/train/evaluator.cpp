// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluation passes (see evaluator.h).
#include "train/evaluator.h"

#include <torch/utils.h>

namespace ft {

namespace {
// Restores train/eval mode on scope exit.
struct EvalModeGuard {
    Model& model;
    bool was_training;
    explicit EvalModeGuard(Model& m) : model(m), was_training(m.is_training()) { model.eval(); }
    ~EvalModeGuard() { model.train(was_training); }
};
}  // namespace

std::vector<float> predict_probabilities(Model& model, const Split& split, int64_t batch_size,
                                         const torch::Device& device) {
    torch::NoGradGuard no_grad;
    EvalModeGuard guard(model);
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < split.size(); start += batch_size) {
        const int64_t len = std::min(batch_size, split.size() - start);
        auto x = split.x.narrow(0, start, len).to(device);
        parts.push_back(model.forward(x).exp().to(torch::kCPU, torch::kFloat));
    }
    if (parts.empty()) return {};
    auto all = torch::cat(parts).contiguous();
    return std::vector<float>(all.data_ptr<float>(), all.data_ptr<float>() + all.numel());
}

std::vector<int64_t> labels_of(const Split& split) {
    if (split.size() == 0) return {};
    auto y = split.y.to(torch::kCPU, torch::kLong).contiguous();
    return std::vector<int64_t>(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
}

LossAccuracy evaluate_loader(Model& model, BatchLoader& loader, int64_t epoch, const torch::Device& device) {
    torch::NoGradGuard no_grad;
    EvalModeGuard guard(model);
    LossAccuracy out;
    double loss_sum = 0;
    int64_t correct = 0;
    loader.start_epoch(epoch);
    torch::Tensor x, y;
    while (loader.next(x, y)) {
        x = x.to(device);
        y = y.to(device);
        auto logp = model.forward(x);
        loss_sum += torch::nll_loss(logp, y, {}, at::Reduction::Sum).item<double>();
        correct += (logp.argmax(1) == y).sum().item<int64_t>();
        out.n += y.size(0);
    }
    if (out.n > 0) {
        out.loss = loss_sum / double(out.n);
        out.accuracy = double(correct) / double(out.n);
    }
    return out;
}

}  // namespace ft
