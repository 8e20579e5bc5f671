// SPDX-License-Identifier: GPL-3.0-or-later
// make_model: builds the network of a model registry row (ft/nn/model_specs.h), one constructor per family.
#include <stdexcept>
#include <string>
#include <vector>

#include "ft/nn/model_specs.h"
#include "nn/model.h"
#include "nn/model_zoo.h"

namespace ft {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
    if (shape.empty()) return "[] (no dimensions)";
    std::string s;
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i) s += 'x';
        s += std::to_string(shape[i]);
    }
    return s;
}

std::shared_ptr<Model> build(const ModelSpec& spec, const ModelConfig& config, const std::vector<int64_t>& input,
                             int64_t classes) {
    switch (spec.family) {
        case ModelFamily::Mlp: {
            const std::vector<int64_t> hidden = model_widths(spec, config);
            for (int64_t w : hidden)
                if (w < 1)
                    throw std::invalid_argument("model \"" + spec.name + "\": hidden widths must be >= 1, got " +
                                                std::to_string(w));
            int64_t features = 1;
            for (int64_t d : input) features *= d;
            return nn_detail::make_mlp(features, hidden, classes);
        }
        case ModelFamily::LeNet5: return nn_detail::make_lenet5(classes);
        case ModelFamily::Vgg: return nn_detail::make_vgg(spec.widths, classes);
        case ModelFamily::WideResNet: return nn_detail::make_wide_resnet(spec.depth, spec.widen, classes);
    }
    throw std::logic_error("model \"" + spec.name + "\": no constructor for its family");
}

}  // namespace

std::shared_ptr<Model> make_model(const ModelConfig& config, const std::vector<int64_t>& input_shape, int64_t classes) {
    const ModelSpec* spec = find_model_spec(config.name);
    if (!spec) throw std::invalid_argument("unknown model \"" + config.name + "\"; expected " + model_choices());
    if (classes < 1)
        throw std::invalid_argument("model \"" + config.name + "\": classes must be >= 1, got " +
                                    std::to_string(classes));
    bool shape_ok = spec->input.empty() ? !input_shape.empty() : input_shape == spec->input;
    for (int64_t d : input_shape) shape_ok = shape_ok && d >= 1;
    if (!shape_ok)
        throw std::invalid_argument(
            "model \"" + config.name + "\" expects inputs of shape " +
            (spec->input.empty() ? std::string("with at least one dimension, all >= 1") : shape_text(spec->input)) +
            ", got " + shape_text(input_shape));

    std::shared_ptr<Model> model = build(*spec, config, input_shape, classes);
    model->index_layers(input_shape);
    return model;
}

}  // namespace ft
