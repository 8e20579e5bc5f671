// SPDX-License-Identifier: GPL-3.0-or-later
// The method behind each Method value: one line per method (its part is the file of the same name here).
#include <stdexcept>
#include <string>

#include "train/methods/training_method.h"

namespace ft::methods {

const TrainingMethod& dense_method();
const TrainingMethod& deep_ensemble_method();
const TrainingMethod& static_sparse_method();
const TrainingMethod& static_ensemble_method();
const TrainingMethod& dst_method();
const TrainingMethod& dst_ensemble_method();
const TrainingMethod& edst_method();
const TrainingMethod& pf_ensemble_method();

const TrainingMethod& training_method(Method method) {
    switch (method) {
        case Method::Dense: return dense_method();
        case Method::DeepEnsemble: return deep_ensemble_method();
        case Method::Static: return static_sparse_method();
        case Method::StaticEnsemble: return static_ensemble_method();
        case Method::Dst: return dst_method();
        case Method::DstEnsemble: return dst_ensemble_method();
        case Method::Edst: return edst_method();
        case Method::PfEnsemble: return pf_ensemble_method();
    }
    throw std::logic_error("no training method for Method value " + std::to_string(static_cast<int>(method)));
}

}  // namespace ft::methods
