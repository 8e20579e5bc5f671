// SPDX-License-Identifier: GPL-3.0-or-later
// On-the-fly corrupted test sets (spec §6.3) and synthetic OoD noise sets (spec §6.5). Private to core (torch).
//
// Corruptions work in PIXEL space: float [N, C, H, W] with values in [0, 1]; every output is clipped to [0, 1]
// and has the input's shape. The parameters follow Hendrycks & Dietterich's CIFAR-10-C (make_cifar_c.py); the
// table, per severity 1..5, is in corruptions.cpp. Spatial parameters are given for 32x32 images; the Gaussian
// blur width scales with min(H, W) / 32 (so MNIST-sized 28x28 images get 7/8 of it), pixelate works with a
// relative size and rotation with an angle, so they need no scaling. The random corruptions (the noises and the
// rotation's direction) draw from a torch CPU generator seeded from (seed, type, severity), never from the global
// torch generator: the same arguments always give the same tensor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "data/dataset.h"

namespace ft {

// The corruption types, in a fixed order.
std::vector<std::string> corruption_names();

// Corrupts a batch of images in pixel space (float [N, C, H, W], values in [0, 1]; computed in float32 on the CPU
// and returned float32 on the input's device). Throws std::invalid_argument for an unknown type, a severity
// outside 1..5 (the message names the value and the valid set) or a tensor that is not floating [N, C, H, W].
torch::Tensor corrupt(const torch::Tensor& pixels, const std::string& type, int severity, uint64_t seed);

// The training normalisation and its inverse, per channel (dim 1 of [N, C, H, W]), in float32 with the same
// operations as load_dataset: x = (p - mean[c]) / stdev[c] and p = x * stdev[c] + mean[c]. Throws
// std::invalid_argument when mean and stdev differ in size, do not match the channel count, or a stdev is <= 0.
torch::Tensor normalised_from_pixels(const torch::Tensor& pixels, const std::vector<float>& mean,
                                     const std::vector<float>& stdev);
torch::Tensor pixels_from_normalised(const torch::Tensor& x, const std::vector<float>& mean,
                                     const std::vector<float>& stdev);

// A corrupted copy of a normalised image split (e.g. DatasetBundle::test with the bundle's mean and stdev):
// de-normalises, clamps to [0, 1] (removing float round-off), corrupts and re-normalises exactly like the training
// data. Labels are copied. An empty split gives an empty split.
Split corrupted_split(const Split& normalised, const std::vector<float>& mean, const std::vector<float>& stdev,
                      const std::string& type, int severity, uint64_t seed);

// Synthetic OoD sets of n examples of shape input_shape (e.g. {3, 32, 32}), labels 0, normalised like the training
// data (for images: mean/stdev per channel, input_shape[0] channels; with an empty mean and stdev, e.g. for
// feature data, the pixels are returned as they are). Deterministic for a seed.
//   gaussian_noise_set: the reference's Gaussian-noise loader (spec §6.5): z ~ N(0, 0.5^2), clipped to [-1, 1],
//                       pixel = 0.5 * z + 0.5, i.e. pixels ~ N(0.5, 0.25^2) clipped to [0, 1].
//   uniform_noise_set:  pixels ~ U[0, 1).
Split gaussian_noise_set(int64_t n, const std::vector<int64_t>& input_shape, const std::vector<float>& mean,
                         const std::vector<float>& stdev, uint64_t seed);
Split uniform_noise_set(int64_t n, const std::vector<int64_t>& input_shape, const std::vector<float>& mean,
                        const std::vector<float>& stdev, uint64_t seed);

}  // namespace ft
