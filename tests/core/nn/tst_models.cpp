// SPDX-License-Identifier: GPL-3.0-or-later
// The model zoo: every registered model builds and returns log-probabilities; the maskable layers (spec §1.1) have
// the reference's names, shapes, counts (spec §1.2, §8) and forward MACs (spec §7); initialisation follows the seed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "ft/nn/model_specs.h"
#include "nn/model.h"

namespace {

using ft::LayerKind;
using ft::MaskableLayer;
using ft::Model;
using ft::ModelConfig;

std::vector<int64_t> mnist() { return {1, 28, 28}; }
std::vector<int64_t> cifar() { return {3, 32, 32}; }

std::shared_ptr<Model> build(const std::string& name, std::vector<int64_t> input, int64_t classes = 10,
                             std::vector<int64_t> hidden = {}) {
    ModelConfig config;
    config.name = name;
    config.hidden = std::move(hidden);
    return ft::make_model(config, input, classes);
}

// The per-example input of a registry row; a row that takes any shape gets a 2-D point.
std::vector<int64_t> input_of(const ft::ModelSpec& spec) {
    return spec.input.empty() ? std::vector<int64_t>{2} : spec.input;
}

std::vector<int64_t> batch_shape(int64_t batch, const std::vector<int64_t>& input) {
    std::vector<int64_t> shape{batch};
    shape.insert(shape.end(), input.begin(), input.end());
    return shape;
}

int64_t total_weights(Model& model) {
    int64_t n = 0;
    for (const auto& l : model.maskable_layers()) n += l.weight.numel();
    return n;
}

double total_macs(Model& model) {
    double macs = 0;
    for (const auto& l : model.maskable_layers()) macs += double(l.weight.numel()) * double(l.macs_per_weight);
    return macs;
}

const MaskableLayer& layer(Model& model, const std::string& name) {
    for (const auto& l : model.maskable_layers())
        if (l.name == name) return l;
    throw std::runtime_error("no maskable layer " + name);
}

std::vector<std::string> layer_names(Model& model) {
    std::vector<std::string> names;
    for (const auto& l : model.maskable_layers()) names.push_back(l.name);
    return names;
}

// The reference's rule (spec §1.1): every parameter, minus names containing "bias", minus BatchNorm weights.
std::vector<std::string> reference_masked_names(Model& model) {
    std::set<std::string> bn_weights;
    for (const auto& item : model.named_modules()) {
        if (item.value()->as<torch::nn::BatchNorm2dImpl>() || item.value()->as<torch::nn::BatchNorm1dImpl>())
            bn_weights.insert(item.key() + ".weight");
    }
    std::vector<std::string> names;
    for (const auto& p : model.named_parameters()) {
        if (p.key().find("bias") != std::string::npos || bn_weights.count(p.key())) continue;
        names.push_back(p.key());
    }
    return names;
}

// WRN-28-10 takes ~150 MB and a 5 GMAC dummy pass to build: build it once for all tests.
Model& wrn28_10() {
    static std::shared_ptr<Model> model = build("wrn-28-10", cifar());
    return *model;
}

void expect_log_probabilities(const torch::Tensor& out, int64_t batch, int64_t classes, const std::string& what) {
    ASSERT_EQ(out.dim(), 2) << what;
    EXPECT_EQ(out.size(0), batch) << what;
    EXPECT_EQ(out.size(1), classes) << what;
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>()) << what;
    EXPECT_TRUE((out <= 1e-6).all().item<bool>()) << what;
    const torch::Tensor sums = out.exp().sum(1);
    for (int64_t i = 0; i < batch; ++i) EXPECT_NEAR(sums[i].item<double>(), 1.0, 1e-5) << what << " row " << i;
}

TEST(Models, EveryRegisteredModelBuildsAndReturnsLogProbabilities) {
    torch::manual_seed(0);
    ASSERT_FALSE(ft::model_specs().empty());
    for (const auto& spec : ft::model_specs()) {
        SCOPED_TRACE(spec.name);
        const auto input = input_of(spec);
        std::shared_ptr<Model> owned;
        Model* model = nullptr;
        if (spec.name == "wrn-28-10") {
            model = &wrn28_10();
        } else {
            owned = build(spec.name, input);
            model = owned.get();
        }
        EXPECT_TRUE(model->is_training());
        EXPECT_FALSE(model->maskable_layers().empty());
        const torch::Tensor x = torch::randn(batch_shape(2, input));
        expect_log_probabilities(model->forward(x), 2, 10, spec.name + " (train mode)");
        model->eval();
        {
            torch::NoGradGuard no_grad;
            expect_log_probabilities(model->forward(x), 2, 10, spec.name + " (eval mode)");
        }
        model->train();
    }
}

TEST(Models, ClassesSetTheOutputWidth) {
    torch::manual_seed(1);
    for (const std::string name : {"lenet5", "lenet300-100"})
        expect_log_probabilities(build(name, mnist(), 3)->forward(torch::randn({2, 1, 28, 28})), 2, 3, name);
    for (const std::string name : {"mlp-cifar", "vgg-like", "wrn-28-2"})
        expect_log_probabilities(build(name, cifar(), 100)->forward(torch::randn({2, 3, 32, 32})), 2, 100, name);
    expect_log_probabilities(build("mlp", {2}, 4)->forward(torch::randn({5, 2})), 5, 4, "mlp");
    EXPECT_EQ(layer(*build("wrn-28-2", cifar(), 100), "fc").weight.sizes(), (std::vector<int64_t>{100, 128}));
}

TEST(Models, LeNet5LayersShapesAndMacs) {
    auto model = build("lenet5", mnist());
    const auto& layers = model->maskable_layers();
    ASSERT_EQ(layers.size(), 4u);
    const std::vector<std::string> names = {"conv1", "conv2", "fc3", "fc4"};
    const std::vector<std::vector<int64_t>> shapes = {{20, 1, 5, 5}, {50, 20, 5, 5}, {500, 800}, {10, 500}};
    const std::vector<LayerKind> kinds = {LayerKind::Conv, LayerKind::Conv, LayerKind::Linear, LayerKind::Linear};
    const std::vector<int64_t> macs = {24 * 24, 8 * 8, 1, 1};
    for (size_t i = 0; i < layers.size(); ++i) {
        EXPECT_EQ(layers[i].name, names[i]);
        EXPECT_EQ(layers[i].weight.sizes(), shapes[i]) << names[i];
        EXPECT_EQ(layers[i].kind, kinds[i]) << names[i];
        EXPECT_EQ(layers[i].macs_per_weight, macs[i]) << names[i];
    }
    EXPECT_EQ(total_weights(*model), 430500);
}

TEST(Models, LeNet300LayersAndShapes) {
    auto model = build("lenet300-100", mnist());
    EXPECT_EQ(layer_names(*model), (std::vector<std::string>{"fc1", "fc2", "fc3"}));
    EXPECT_EQ(layer(*model, "fc1").weight.sizes(), (std::vector<int64_t>{300, 784}));
    EXPECT_EQ(layer(*model, "fc2").weight.sizes(), (std::vector<int64_t>{100, 300}));
    EXPECT_EQ(layer(*model, "fc3").weight.sizes(), (std::vector<int64_t>{10, 100}));
    for (const auto& l : model->maskable_layers()) {
        EXPECT_EQ(l.kind, LayerKind::Linear);
        EXPECT_EQ(l.macs_per_weight, 1);
    }
    EXPECT_EQ(total_weights(*model), 266200);
    // Biases exist but are not maskable.
    EXPECT_EQ(model->named_parameters().size(), 6u);
}

TEST(Models, MaskableWeightCountsMatchTheSpec) {
    EXPECT_EQ(total_weights(*build("lenet300-100", mnist())), 266200);
    EXPECT_EQ(total_weights(*build("lenet5", mnist())), 430500);
    EXPECT_EQ(total_weights(*build("mlp-cifar", cifar())), 3675136);
    EXPECT_EQ(total_weights(wrn28_10()), 36461232);
    EXPECT_EQ(total_weights(*build("wrn-28-2", cifar())), 1463984);   // "1.46M"
    EXPECT_EQ(total_weights(*build("wrn-16-8", cifar())), 10954160);  // "10.95M"
    EXPECT_EQ(total_weights(*build("vgg-like", cifar())), 14977728);  // "~15M"
}

TEST(Models, MaskableLayersAreExactlyTheReferenceSelectionInOrder) {
    for (const auto& spec : ft::model_specs()) {
        if (spec.name == "wrn-28-10") continue;  // same code as wrn-28-2 / wrn-16-8; checked below
        SCOPED_TRACE(spec.name);
        auto model = build(spec.name, input_of(spec));
        std::vector<std::string> weights;
        for (const auto& n : layer_names(*model)) weights.push_back(n + ".weight");
        EXPECT_EQ(weights, reference_masked_names(*model));
    }
    std::vector<std::string> weights;
    for (const auto& n : layer_names(wrn28_10())) weights.push_back(n + ".weight");
    EXPECT_EQ(weights, reference_masked_names(wrn28_10()));
}

// The registry's layer names (what validation and the views know without torch) are the built network's.
TEST(Models, RegistryLayerNamesAreTheBuiltNetworksLayers) {
    for (const auto& spec : ft::model_specs()) {
        SCOPED_TRACE(spec.name);
        ModelConfig config;
        config.name = spec.name;
        std::shared_ptr<Model> owned;  // wrn-28-10 is built once for the whole file (36.5M weights)
        if (spec.name != "wrn-28-10") owned = build(spec.name, input_of(spec));
        EXPECT_EQ(ft::model_layer_names(config), layer_names(owned ? *owned : wrn28_10()));
    }
    ModelConfig mlp;
    mlp.name = "mlp";
    mlp.hidden = {7, 5, 3};
    EXPECT_EQ(ft::model_layer_names(mlp), layer_names(*build("mlp", {2}, 10, {7, 5, 3})));
    EXPECT_EQ(ft::model_layer_names(mlp), (std::vector<std::string>{"fc1", "fc2", "fc3", "fc4"}));
    mlp.name = "resnet-9000";
    EXPECT_THROW(ft::model_layer_names(mlp), std::invalid_argument);
}

TEST(Models, MaskableWeightsAreTheModelParameters) {
    auto model = build("lenet5", mnist());
    const auto params = model->named_parameters();
    for (const auto& l : model->maskable_layers()) {
        EXPECT_TRUE(l.weight.is_same(params[l.name + ".weight"])) << l.name;
        EXPECT_TRUE(l.weight.requires_grad()) << l.name;
    }
    // Zeroing the weights through the layer list changes the model: every class gets the same score.
    {
        torch::NoGradGuard no_grad;
        for (const auto& l : model->maskable_layers()) l.weight.zero_();
    }
    model->eval();
    const torch::Tensor out = model->forward(torch::randn({2, 1, 28, 28}));
    const torch::Tensor bias_only = torch::log_softmax(params["fc4.bias"], 0);
    EXPECT_TRUE(torch::allclose(out[0], bias_only, 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(out[1], bias_only, 1e-5, 1e-6));
}

TEST(Models, MaskableWeightsFollowTheModelWhenItIsConverted) {
    auto model = build("lenet5", mnist());
    model->to(torch::kDouble);
    const auto params = model->named_parameters();
    for (const auto& l : model->maskable_layers()) {
        EXPECT_EQ(l.weight.scalar_type(), torch::kDouble) << l.name;
        EXPECT_TRUE(l.weight.is_same(params[l.name + ".weight"])) << l.name;
    }
    expect_log_probabilities(model->forward(torch::randn({2, 1, 28, 28}, torch::kDouble)), 2, 10, "lenet5 double");
}

TEST(Models, GradientsReachEveryMaskableWeight) {
    torch::manual_seed(3);
    for (const std::string name : {"lenet5", "vgg-like", "wrn-28-2"}) {
        SCOPED_TRACE(name);
        auto model = build(name, name == "lenet5" ? mnist() : cifar());
        const auto input = name == "lenet5" ? mnist() : cifar();
        const torch::Tensor out = model->forward(torch::randn(batch_shape(2, input)));
        torch::nll_loss(out, torch::tensor({0, 1}, torch::kLong)).backward();
        for (const auto& l : model->maskable_layers()) {
            ASSERT_TRUE(l.weight.grad().defined()) << l.name;
            EXPECT_GT(l.weight.grad().abs().sum().item<double>(), 0.0) << l.name;
        }
    }
}

TEST(Models, WideResNetNamesAndStructure) {
    Model& model = wrn28_10();
    const auto names = layer_names(model);
    // conv1 + 3 groups x 4 blocks x 2 convs + 3 shortcuts + fc
    ASSERT_EQ(names.size(), 1u + 24u + 3u + 1u);
    EXPECT_EQ(names.front(), "conv1");
    EXPECT_EQ(names[1], "block1.layer.0.conv1");
    EXPECT_EQ(names[2], "block1.layer.0.conv2");
    EXPECT_EQ(names[3], "block1.layer.0.convShortcut");
    EXPECT_EQ(names[4], "block1.layer.1.conv1");
    EXPECT_EQ(names.back(), "fc");
    EXPECT_EQ(layer(model, "conv1").weight.sizes(), (std::vector<int64_t>{16, 3, 3, 3}));
    EXPECT_EQ(layer(model, "block1.layer.0.conv1").weight.sizes(), (std::vector<int64_t>{160, 16, 3, 3}));
    EXPECT_EQ(layer(model, "block1.layer.0.convShortcut").weight.sizes(), (std::vector<int64_t>{160, 16, 1, 1}));
    EXPECT_EQ(layer(model, "block2.layer.0.conv1").weight.sizes(), (std::vector<int64_t>{320, 160, 3, 3}));
    EXPECT_EQ(layer(model, "block3.layer.3.conv2").weight.sizes(), (std::vector<int64_t>{640, 640, 3, 3}));
    EXPECT_EQ(layer(model, "block3.layer.0.convShortcut").weight.sizes(), (std::vector<int64_t>{640, 320, 1, 1}));
    EXPECT_EQ(layer(model, "fc").weight.sizes(), (std::vector<int64_t>{10, 640}));
    for (const std::string n : {"block1.layer.1.convShortcut", "block2.layer.3.convShortcut"})
        EXPECT_THROW(layer(model, n), std::runtime_error) << n;

    EXPECT_EQ(layer(model, "conv1").macs_per_weight, 32 * 32);
    EXPECT_EQ(layer(model, "block1.layer.3.conv2").macs_per_weight, 32 * 32);
    EXPECT_EQ(layer(model, "block2.layer.0.conv1").macs_per_weight, 16 * 16);  // stride 2
    EXPECT_EQ(layer(model, "block2.layer.0.convShortcut").macs_per_weight, 16 * 16);
    EXPECT_EQ(layer(model, "block3.layer.2.conv1").macs_per_weight, 8 * 8);
    EXPECT_EQ(layer(model, "fc").macs_per_weight, 1);

    // Convolutions have no bias; the only biases are the BatchNorm betas and fc's.
    const auto params = model.named_parameters();
    EXPECT_FALSE(params.contains("conv1.bias"));
    EXPECT_FALSE(params.contains("block1.layer.0.conv1.bias"));
    EXPECT_TRUE(params.contains("fc.bias"));
    EXPECT_TRUE(params.contains("bn1.weight"));
    EXPECT_TRUE(params.contains("block2.layer.1.bn2.bias"));
}

TEST(Models, WideResNetDenseForwardMacs) {
    const double macs = total_macs(wrn28_10());
    EXPECT_NEAR(macs, 5.24e9, 0.01 * 5.24e9);
    EXPECT_NEAR(total_macs(*build("wrn-28-2", cifar())), 214e6, 0.01 * 214e6);
}

TEST(Models, WideResNetInitialisation) {
    torch::manual_seed(5);
    auto model = build("wrn-28-2", cifar());
    torch::NoGradGuard no_grad;
    for (const auto& l : model->maskable_layers()) {
        if (l.kind != LayerKind::Conv) continue;
        const auto& w = l.weight;
        if (w.numel() < 2000) continue;  // too few samples for a tight check
        const double expected = std::sqrt(2.0 / double(w.size(0) * w.size(2) * w.size(3)));
        EXPECT_NEAR(w.std().item<double>(), expected, 0.05 * expected) << l.name;
        EXPECT_NEAR(w.mean().item<double>(), 0.0, 0.05 * expected) << l.name;
    }
    for (const auto& item : model->named_modules()) {
        if (auto* bn = item.value()->as<torch::nn::BatchNorm2dImpl>()) {
            EXPECT_TRUE(bn->weight.eq(1).all().item<bool>()) << item.key();
            EXPECT_TRUE(bn->bias.eq(0).all().item<bool>()) << item.key();
        }
    }
    const auto params = model->named_parameters();
    EXPECT_TRUE(params["fc.bias"].eq(0).all().item<bool>());
    // Linear weight keeps the framework default: U(-1/sqrt(in), 1/sqrt(in)).
    const double bound = 1.0 / std::sqrt(128.0);
    EXPECT_LE(params["fc.weight"].abs().max().item<double>(), bound);
    EXPECT_GT(params["fc.weight"].abs().max().item<double>(), 0.9 * bound);
}

TEST(Models, VggLikeNamesShapesAndMacs) {
    auto model = build("vgg-like", cifar());
    const std::vector<std::string> expected = {"features.0",  "features.3",   "features.7",  "features.10",
                                               "features.14", "features.17",  "features.20", "features.24",
                                               "features.27", "features.30",  "features.34", "features.37",
                                               "features.40", "classifier.0", "classifier.3"};
    EXPECT_EQ(layer_names(*model), expected);
    EXPECT_EQ(layer(*model, "features.0").weight.sizes(), (std::vector<int64_t>{64, 3, 3, 3}));
    EXPECT_EQ(layer(*model, "features.40").weight.sizes(), (std::vector<int64_t>{512, 512, 3, 3}));
    EXPECT_EQ(layer(*model, "classifier.0").weight.sizes(), (std::vector<int64_t>{512, 512}));
    EXPECT_EQ(layer(*model, "classifier.3").weight.sizes(), (std::vector<int64_t>{10, 512}));
    EXPECT_EQ(layer(*model, "features.0").macs_per_weight, 32 * 32);
    EXPECT_EQ(layer(*model, "features.7").macs_per_weight, 16 * 16);
    EXPECT_EQ(layer(*model, "features.14").macs_per_weight, 8 * 8);
    EXPECT_EQ(layer(*model, "features.24").macs_per_weight, 4 * 4);
    EXPECT_EQ(layer(*model, "features.40").macs_per_weight, 2 * 2);
    EXPECT_EQ(layer(*model, "classifier.3").macs_per_weight, 1);
    const auto params = model->named_parameters();
    EXPECT_TRUE(params.contains("features.1.weight"));    // BatchNorm2d after the first conv
    EXPECT_TRUE(params.contains("classifier.2.weight"));  // BatchNorm1d
    EXPECT_TRUE(params.contains("features.0.bias"));      // convs have biases
}

TEST(Models, MlpUsesTheConfiguredWidthsAndFlattensAnyInput) {
    auto fallback = build("mlp", {2}, 3);
    EXPECT_EQ(layer_names(*fallback), (std::vector<std::string>{"fc1", "fc2", "fc3"}));
    EXPECT_EQ(layer(*fallback, "fc1").weight.sizes(), (std::vector<int64_t>{64, 2}));
    EXPECT_EQ(layer(*fallback, "fc2").weight.sizes(), (std::vector<int64_t>{64, 64}));
    EXPECT_EQ(layer(*fallback, "fc3").weight.sizes(), (std::vector<int64_t>{3, 64}));

    auto custom = build("mlp", {1, 28, 28}, 10, {32, 16, 8});
    EXPECT_EQ(layer_names(*custom), (std::vector<std::string>{"fc1", "fc2", "fc3", "fc4"}));
    EXPECT_EQ(layer(*custom, "fc1").weight.sizes(), (std::vector<int64_t>{32, 784}));
    EXPECT_EQ(layer(*custom, "fc4").weight.sizes(), (std::vector<int64_t>{10, 8}));
    expect_log_probabilities(custom->forward(torch::randn({2, 1, 28, 28})), 2, 10, "mlp 1x28x28");
}

TEST(Models, SameSeedGivesIdenticalWeights) {
    for (const std::string name : {"lenet5", "mlp-cifar", "vgg-like", "wrn-28-2"}) {
        SCOPED_TRACE(name);
        const auto input = name == "lenet5" ? mnist() : cifar();
        torch::manual_seed(42);
        auto a = build(name, input);
        torch::manual_seed(42);
        auto b = build(name, input);
        torch::manual_seed(43);
        auto c = build(name, input);
        const auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
        ASSERT_EQ(pa.size(), pb.size());
        bool any_differs = false;
        for (const auto& p : pa) {
            EXPECT_TRUE(torch::equal(p.value(), pb[p.key()])) << p.key();
            if (p.value().numel() > 1 && !torch::equal(p.value(), pc[p.key()])) any_differs = true;
        }
        EXPECT_TRUE(any_differs);
    }
}

TEST(Models, IndexingLeavesTrainingModeAndBatchNormStatisticsAlone) {
    auto model = build("wrn-28-2", cifar());
    EXPECT_TRUE(model->is_training());
    for (const auto& m : model->modules()) EXPECT_TRUE(m->is_training());
    int bn_count = 0;
    for (const auto& m : model->modules()) {
        if (auto* bn = m->as<torch::nn::BatchNorm2dImpl>()) {
            ++bn_count;
            EXPECT_TRUE(bn->running_mean.eq(0).all().item<bool>());
            EXPECT_TRUE(bn->running_var.eq(1).all().item<bool>());
            EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 0);
        }
    }
    EXPECT_EQ(bn_count, 3 * 4 * 2 + 1);
    // Autograd was off during the dummy pass: no gradients were created.
    for (const auto& p : model->parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Models, MismatchedInputShapeIsRejected) {
    const std::vector<std::pair<std::string, std::vector<int64_t>>> wrong = {{"lenet5", {3, 32, 32}},
                                                                             {"lenet300-100", {784}},
                                                                             {"mlp-cifar", {1, 28, 28}},
                                                                             {"vgg-like", {3, 28, 28}},
                                                                             {"wrn-28-2", {1, 28, 28}},
                                                                             {"wrn-16-8", {3, 32}},
                                                                             {"mlp", {}},
                                                                             {"mlp", {2, 0}}};
    for (const auto& [name, shape] : wrong) {
        try {
            build(name, shape);
            ADD_FAILURE() << name << " accepted a wrong input shape";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        }
    }
    try {
        build("lenet5", {3, 32, 32});
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("1x28x28"), std::string::npos) << what;
        EXPECT_NE(what.find("3x32x32"), std::string::npos) << what;
    }
}

TEST(Models, InvalidNamesAndArgumentsAreRejected) {
    EXPECT_THROW(build("resnet50", cifar()), std::invalid_argument);
    EXPECT_THROW(build("", mnist()), std::invalid_argument);
    EXPECT_THROW(build("LeNet5", mnist()), std::invalid_argument);
    EXPECT_THROW(build("lenet5", mnist(), 0), std::invalid_argument);
    EXPECT_THROW(build("mlp", {2}, 2, {16, 0}), std::invalid_argument);
    try {
        build("resnet50", cifar());
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("resnet50"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("wrn-28-10"), std::string::npos) << e.what();
    }
}

}  // namespace
