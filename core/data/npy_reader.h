// SPDX-License-Identifier: GPL-3.0-or-later
// NumPy .npy files as written by numpy.save, for CIFAR-10-C / CIFAR-100-C (spec §6.3): each corruption file holds
// uint8 images [N, 32, 32, 3] (NHWC; N = 5 x 10000, severity s is the slice [(s-1) 10000, s 10000)), and
// labels.npy holds the labels, int64 or uint8 [N]. Private to core (torch).
//
// Supported: format versions 1.0 (uint16 header length), 2.0 and 3.0 (uint32), C order (fortran_order False),
// dtypes '|u1' (uint8), '<i4' (int32) and '<i8' (int64). Every error throws ft::DataError whose message starts with
// the file name and says what was wrong (bad magic, unsupported version or dtype, Fortran order, a malformed
// header, a truncated file, trailing bytes, a shape that does not fit).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

#include "data/dataset.h"

namespace ft {

struct NpyHeader {
    int major = 1, minor = 0;  // format version
    std::string descr;         // numpy dtype string, e.g. "|u1", "<i8"
    bool fortran_order = false;
    std::vector<int64_t> shape;  // () for a scalar
    int64_t data_offset = 0;     // bytes from the start of the file to the array data
    int64_t elements() const;    // product of shape (1 for a scalar)
};

// Parses the header at the start of `bytes` (which must hold at least the whole header). `path` names the file in
// error messages only.
NpyHeader parse_npy_header(const std::string& path, const std::string& bytes);
// Reads and parses the header of a file.
NpyHeader read_npy_header(const std::string& path);

// The whole array with its stored shape: uint8, int32 or int64. The file must hold exactly the data the header
// describes.
torch::Tensor read_npy(const std::string& path);

// Images [N, H, W, C] uint8 (C = 1 or 3) as float32 [count, C, H, W] in [0, 1] (value / 255, as load_dataset
// scales pixels). Reads only the rows [first, first + count); count = -1 means up to the end.
torch::Tensor read_npy_images(const std::string& path, int64_t first = 0, int64_t count = -1);

// Labels [N] ('|u1', '<i4' or '<i8') as int64 [count]; negative labels are rejected. Same slicing as above.
torch::Tensor read_npy_labels(const std::string& path, int64_t first = 0, int64_t count = -1);

// One CIFAR-10-C / CIFAR-100-C (type, severity) slice, normalised like the training data (per-channel mean/stdev):
// rows [(severity - 1) per_severity, severity per_severity) of `images_path` and of `labels_path`. Throws
// std::invalid_argument for a severity outside 1..5 or per_severity < 1, and DataError when a file is too short,
// the image and label files disagree in length, or the channels do not match mean/stdev.
Split read_corruption_npy(const std::string& images_path, const std::string& labels_path, int severity,
                          const std::vector<float>& mean, const std::vector<float>& stdev,
                          int64_t per_severity = 10000);

}  // namespace ft
