// SPDX-License-Identifier: GPL-3.0-or-later
// Datasets as tensors (private to core: includes torch). Loading, splitting, normalisation and the seeded batch
// order used by every method. Errors name the file and what was wrong (DataError).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/types.h>

#include "ft/config/run_config.h"

namespace ft {

// A dataset file that is missing, truncated or not in the expected format. what() names the file.
class DataError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Split {
    torch::Tensor x;  // float32, [N, C, H, W] for images (already normalised), [N, F] for feature data
    torch::Tensor y;  // int64, [N]
    int64_t size() const { return y.defined() ? y.size(0) : 0; }
};

enum class PadMode { Reflect, Zero };

// What the training loop needs to know about augmentation (spec §8: CIFAR-10 reflect-pad 4, CIFAR-100 zero-pad 4,
// random crop back to the original size, horizontal flip; MNIST-like and 2-D sets have none).
struct Augmentation {
    bool enabled = false;
    int64_t pad = 4;
    PadMode pad_mode = PadMode::Reflect;
    std::vector<float> pad_value;  // per channel, for PadMode::Zero: the normalised value of a black pixel
    bool hflip = true;
};

struct DatasetBundle {
    std::string name;
    Split train;       // the first (1 - validation_split) of the training file(s)
    Split validation;  // the last validation_split of the training file(s); empty when the split is 0
    Split test;
    int64_t classes = 0;
    std::vector<int64_t> input_shape;  // per example, e.g. {1, 28, 28} or {2}
    Augmentation augmentation;         // for the training split (and validation when data.validation_augmentation)
    std::vector<float> mean, stdev;    // per-channel normalisation applied to x (empty for feature data)
};

// Loads the dataset the config names. data.path overrides the default folder (Fashion-MNIST:
// /usr/share/datasets/fashion-mnist). Synthetic 2-D sets are generated from `seed`, deterministically.
DatasetBundle load_dataset(const DataConfig& config, uint64_t seed);

// Reads IDX files (optionally gzip-compressed; zlib reads both). Throws DataError naming the file on a missing
// file, a wrong magic number, a truncated body or a label/image count mismatch.
torch::Tensor read_idx_images(const std::string& path);  // uint8 [N, rows, cols]
torch::Tensor read_idx_labels(const std::string& path);  // int64 [N]

// Reads CIFAR binary batches: records of <label bytes><3072 pixel bytes>; label_bytes = 1 (CIFAR-10, the label)
// or 2 (CIFAR-100, coarse then fine; the fine label is used). Throws DataError on a size that is not a whole
// number of records, or a label out of range.
void read_cifar_batch(const std::string& path, int label_bytes, int64_t classes, std::vector<uint8_t>& images,
                      std::vector<int64_t>& labels);

// Synthetic 2-D sets: "spirals" (2 classes), "moons" (2), "blobs" (4). Features are roughly in [-1, 1].
Split make_synthetic(const std::string& name, int64_t samples, double noise, uint64_t seed);

}  // namespace ft
