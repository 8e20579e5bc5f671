// SPDX-License-Identifier: GPL-3.0-or-later
// Model: finding the maskable layers (spec §1.1) and measuring their forward cost per weight.
#include "nn/model.h"

#include "nn/sparse_linear.h"

#include <stdexcept>
#include <unordered_map>

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "nn/model_zoo.h"

namespace ft {

namespace {

using ConvSizes = std::unordered_map<const torch::nn::Module*, int64_t>;

// Set only while index_layers runs its dummy forward pass on this thread.
thread_local ConvSizes* t_conv_sizes = nullptr;

class RecordConvSizes {
public:
    explicit RecordConvSizes(ConvSizes* sizes) : previous_(t_conv_sizes) { t_conv_sizes = sizes; }
    ~RecordConvSizes() { t_conv_sizes = previous_; }
    RecordConvSizes(const RecordConvSizes&) = delete;
    RecordConvSizes& operator=(const RecordConvSizes&) = delete;

private:
    ConvSizes* previous_;
};

// Puts the model in eval mode (so BatchNorm neither needs a batch > 1 nor touches its running statistics) and
// restores the previous mode on exit, also when the forward pass throws.
class EvalMode {
public:
    explicit EvalMode(torch::nn::Module& m) : module_(m), was_training_(m.is_training()) { module_.eval(); }
    ~EvalMode() { module_.train(was_training_); }
    EvalMode(const EvalMode&) = delete;
    EvalMode& operator=(const EvalMode&) = delete;

private:
    torch::nn::Module& module_;
    bool was_training_;
};

}  // namespace

namespace nn_detail {

torch::Tensor conv_forward(torch::nn::Conv2dImpl& conv, const torch::Tensor& x) {
    torch::Tensor y = conv.forward(x);
    if (t_conv_sizes) (*t_conv_sizes)[&conv] = y.size(2) * y.size(3);
    return y;
}

}  // namespace nn_detail

const std::vector<MaskableLayer>& Model::maskable_layers() { return layers_; }

void Model::set_sparse_pattern(const std::string& layer, std::shared_ptr<const SparseLinearPattern> pattern) {
    for (const auto& item : named_modules()) {
        if (item.key() != layer) continue;
        auto* linear = item.value()->as<torch::nn::LinearImpl>();
        if (!linear) break;
        if (pattern && (pattern->out != linear->weight.size(0) || pattern->in != linear->weight.size(1)))
            throw std::invalid_argument("layer " + layer + ": the sparse pattern's shape is not the weight's");
        if (pattern)
            sparse_[linear] = std::move(pattern);
        else
            sparse_.erase(linear);
        return;
    }
    throw std::invalid_argument("set_sparse_pattern: " + layer + " is not a Linear layer of the model");
}

int64_t Model::sparse_layer_count() const { return int64_t(sparse_.size()); }

torch::Tensor Model::linear(torch::nn::LinearImpl& layer, const torch::Tensor& x) {
    if (!sparse_.empty()) {
        const auto it = sparse_.find(&layer);
        if (it != sparse_.end()) return sparse_linear(x, layer.weight, layer.bias, it->second, dense_weight_grads_);
    }
    return layer.forward(x);
}

void Model::index_layers(const std::vector<int64_t>& input_shape) {
    ConvSizes sizes;
    {
        std::vector<int64_t> shape{1};
        shape.insert(shape.end(), input_shape.begin(), input_shape.end());
        auto options = torch::TensorOptions().dtype(torch::kFloat32);
        const auto params = parameters();
        if (!params.empty()) options = options.dtype(params.front().scalar_type()).device(params.front().device());

        RecordConvSizes record(&sizes);
        EvalMode eval_mode(*this);
        torch::NoGradGuard no_grad;
        forward(torch::zeros(shape, options));
    }

    layers_.clear();
    for (const auto& item : named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
        torch::nn::Module* module = item.value().get();
        if (auto* conv = module->as<torch::nn::Conv2dImpl>()) {
            const auto it = sizes.find(conv);
            if (it == sizes.end())
                throw std::logic_error("model: conv layer \"" + item.key() +
                                       "\" was not applied through nn_detail::conv_forward");
            layers_.push_back({item.key(), LayerKind::Conv, conv->weight, it->second});
        } else if (auto* linear = module->as<torch::nn::LinearImpl>()) {
            layers_.push_back({item.key(), LayerKind::Linear, linear->weight, 1});
        }
    }
}

}  // namespace ft
