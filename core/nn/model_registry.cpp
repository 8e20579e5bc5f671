// make_model: the registry of model names (the same names as ft::model_specs() in config/validation.cpp).
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nn/model.h"
#include "nn/model_zoo.h"

namespace ft {

namespace {

using Builder = std::function<std::shared_ptr<Model>(const ModelConfig&, const std::vector<int64_t>&, int64_t)>;

struct Entry {
    std::string name;
    std::vector<int64_t> input;  // per-example input shape; empty = any (the model flattens its input)
    Builder build;
};

Builder fixed(std::shared_ptr<Model> (*make)(int64_t)) {
    return [make](const ModelConfig&, const std::vector<int64_t>&, int64_t classes) { return make(classes); };
}

Builder wrn(int64_t depth, int64_t widen_factor) {
    return [depth, widen_factor](const ModelConfig&, const std::vector<int64_t>&, int64_t classes) {
        return nn_detail::make_wide_resnet(depth, widen_factor, classes);
    };
}

std::shared_ptr<Model> build_mlp(const ModelConfig& config, const std::vector<int64_t>& input, int64_t classes) {
    const std::vector<int64_t> hidden = config.hidden.empty() ? std::vector<int64_t>{64, 64} : config.hidden;
    for (int64_t w : hidden)
        if (w < 1) throw std::invalid_argument("model \"mlp\": hidden widths must be >= 1, got " + std::to_string(w));
    int64_t features = 1;
    for (int64_t d : input) features *= d;
    return nn_detail::make_mlp(features, hidden, classes);
}

const std::vector<Entry>& registry() {
    static const std::vector<Entry> entries = {
        {"lenet300-100", {1, 28, 28}, fixed(&nn_detail::make_lenet300_100)},
        {"lenet5", {1, 28, 28}, fixed(&nn_detail::make_lenet5)},
        {"mlp-cifar", {3, 32, 32}, fixed(&nn_detail::make_mlp_cifar)},
        {"vgg-like", {3, 32, 32}, fixed(&nn_detail::make_vgg_like)},
        {"wrn-16-8", {3, 32, 32}, wrn(16, 8)},
        {"wrn-28-2", {3, 32, 32}, wrn(28, 2)},
        {"wrn-28-10", {3, 32, 32}, wrn(28, 10)},
        {"mlp", {}, &build_mlp},
    };
    return entries;
}

std::string shape_text(const std::vector<int64_t>& shape) {
    if (shape.empty()) return "[] (no dimensions)";
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + std::to_string(shape[i]);
    return s;
}

}  // namespace

std::shared_ptr<Model> make_model(const ModelConfig& config, const std::vector<int64_t>& input_shape,
                                  int64_t classes) {
    const Entry* entry = nullptr;
    for (const auto& e : registry())
        if (e.name == config.name) entry = &e;
    if (!entry) {
        std::string names;
        for (const auto& e : registry()) names += (names.empty() ? "" : ", ") + e.name;
        throw std::invalid_argument("unknown model \"" + config.name + "\"; expected one of {" + names + "}");
    }
    if (classes < 1)
        throw std::invalid_argument("model \"" + config.name + "\": classes must be >= 1, got " +
                                    std::to_string(classes));
    bool shape_ok = entry->input.empty() ? !input_shape.empty() : input_shape == entry->input;
    for (int64_t d : input_shape) shape_ok = shape_ok && d >= 1;
    if (!shape_ok)
        throw std::invalid_argument("model \"" + config.name + "\" expects inputs of shape " +
                                    (entry->input.empty() ? std::string("with at least one dimension, all >= 1")
                                                          : shape_text(entry->input)) +
                                    ", got " + shape_text(input_shape));

    std::shared_ptr<Model> model = entry->build(config, input_shape, classes);
    model->index_layers(input_shape);
    return model;
}

}  // namespace ft
