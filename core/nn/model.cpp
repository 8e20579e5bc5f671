// SPDX-License-Identifier: GPL-3.0-or-later
// Model: finding the maskable layers (spec §1.1) and measuring their forward cost per weight.
#include "nn/model.h"

#include "nn/sparse_linear.h"

#include <stdexcept>
#include <type_traits>
#include <unordered_map>

#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "nn/model_zoo.h"

namespace ft {

namespace {

// What the dummy forward pass records of each conv: H_out * W_out, and its input per example [C, H, W].
struct ConvSeen {
    int64_t out_pixels = 0;
    std::vector<int64_t> input;
};
using ConvSizes = std::unordered_map<const torch::nn::Module*, ConvSeen>;

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

// The geometry the sparse kernels take, if the conv has one: groups 1, dilation 1, zero padding given as numbers.
// The padding is a variant (std:: in LibTorch 2, c10:: in 1.13): visit is found by argument-dependent lookup.
bool sparse_geometry(const torch::nn::Conv2dImpl& conv, ConvGeometry& g) {
    const auto& o = conv.options;
    if (o.groups() != 1 || (*o.dilation())[0] != 1 || (*o.dilation())[1] != 1 || o.transposed()) return false;
    const bool zeros =
        visit([](const auto& mode) { return std::is_same_v<std::decay_t<decltype(mode)>, torch::enumtype::kZeros>; },
              o.padding_mode());
    bool numeric = false;
    visit(
        [&](const auto& pad) {
            if constexpr (std::is_same_v<std::decay_t<decltype(pad)>, torch::ExpandingArray<2>>) {
                numeric = true;
                g.pad_h = (*pad)[0];
                g.pad_w = (*pad)[1];
            }
        },
        o.padding());
    g.stride_h = (*o.stride())[0];
    g.stride_w = (*o.stride())[1];
    return zeros && numeric;
}

}  // namespace

namespace nn_detail {

torch::Tensor conv_forward(torch::nn::Conv2dImpl& conv, const torch::Tensor& x) {
    // On the CPU in channels-last memory: oneDNN's convolutions work in that layout and reorder an NCHW input to it
    // and their output back at every call (LeNet-5 trains a quarter faster in it: bench/sparse_exec.sh). The
    // output stays channels-last for the ReLU, pooling and BatchNorm after it, which keep the layout.
    const bool last = x.dim() == 4 && x.device().is_cpu() && x.scalar_type() == torch::kFloat32;
    torch::Tensor y = conv.forward(last ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x);
    if (t_conv_sizes) (*t_conv_sizes)[&conv] = {y.size(2) * y.size(3), x.sizes().slice(1).vec()};
    return y;
}

}  // namespace nn_detail

const std::vector<MaskableLayer>& Model::maskable_layers() { return layers_; }

void Model::set_sparse_pattern(const std::string& layer, std::shared_ptr<const SparseLinearPattern> pattern) {
    const MaskableLayer* found = nullptr;
    for (const auto& l : layers_)
        if (l.name == layer) found = &l;
    if (!found || !found->sparse_capable)
        throw std::invalid_argument("set_sparse_pattern: " + layer +
                                    " is not a Linear or plain Conv2d layer of the model");
    const torch::Tensor& w = found->weight;
    if (pattern && (pattern->out != w.size(0) || pattern->out * pattern->in != w.numel()))
        throw std::invalid_argument("layer " + layer + ": the sparse pattern's shape is not the weight's");
    for (const auto& item : named_modules()) {
        if (item.key() != layer) continue;
        if (auto* linear = item.value()->as<torch::nn::LinearImpl>()) {
            if (pattern)
                sparse_[linear] = std::move(pattern);
            else
                sparse_.erase(linear);
        } else if (auto* conv = item.value()->as<torch::nn::Conv2dImpl>()) {
            if (pattern)
                sparse_conv_[conv] = std::move(pattern);
            else
                sparse_conv_.erase(conv);
        }
        return;
    }
}

int64_t Model::sparse_layer_count() const { return int64_t(sparse_.size() + sparse_conv_.size()); }

torch::Tensor Model::conv(torch::nn::Conv2dImpl& layer, const torch::Tensor& x) {
    if (!sparse_conv_.empty()) {
        const auto it = sparse_conv_.find(&layer);
        if (it != sparse_conv_.end()) {
            ConvGeometry g;
            sparse_geometry(layer, g);  // set_sparse_pattern admitted only convs that have one
            return sparse_conv2d(x, layer.weight, layer.bias, g, it->second, dense_weight_grads_);
        }
    }
    return nn_detail::conv_forward(layer, x);
}

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
            MaskableLayer l;
            l.name = item.key();
            l.kind = LayerKind::Conv;
            l.weight = conv->weight;
            l.macs_per_weight = it->second.out_pixels;
            l.sparse_capable = sparse_geometry(*conv, l.conv);
            l.input_shape = it->second.input;
            l.has_bias = conv->bias.defined();
            layers_.push_back(std::move(l));
        } else if (auto* linear = module->as<torch::nn::LinearImpl>()) {
            MaskableLayer l;
            l.name = item.key();
            l.kind = LayerKind::Linear;
            l.weight = linear->weight;
            l.input_shape = {linear->weight.size(1)};
            l.has_bias = linear->bias.defined();
            layers_.push_back(std::move(l));
        }
    }
}

}  // namespace ft
