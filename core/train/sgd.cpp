// MomentumSgd: see sgd.h for why it is ours.
#include "train/sgd.h"

#include <torch/utils.h>

namespace ft {

MomentumSgd::MomentumSgd(std::vector<torch::Tensor> params, double lr, double momentum, double weight_decay)
    : params_(std::move(params)), buffers_(params_.size()), lr_(lr), momentum_(momentum), weight_decay_(weight_decay) {}

void MomentumSgd::zero_grad() {
    for (auto& p : params_)
        if (p.grad().defined()) {
            p.mutable_grad().detach_();
            p.mutable_grad().zero_();
        }
}

void MomentumSgd::step() {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < params_.size(); ++i) {
        auto& p = params_[i];
        if (!p.grad().defined()) continue;
        auto d = weight_decay_ != 0 ? p.grad().add(p, weight_decay_) : p.grad();
        if (momentum_ != 0) {
            if (!buffers_[i].defined()) buffers_[i] = d.clone().detach();
            else buffers_[i].mul_(momentum_).add_(d);
            d = buffers_[i];
        }
        p.add_(d, -lr_);
    }
}

}  // namespace ft
