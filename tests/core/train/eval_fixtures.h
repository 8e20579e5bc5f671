// SPDX-License-Identifier: GPL-3.0-or-later
// Small data files for the evaluation tests, generated in the test: an MNIST-format folder (uncompressed IDX) and
// NumPy .npy files of uint8 images, plus a temporary folder that removes itself.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace eval_test {

class TempFolder {
public:
    TempFolder() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ft-eval-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempFolder() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::string big_endian(uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[size_t(i)] = char((v >> (24 - 8 * i)) & 0xff);
    return s;
}

// An MNIST-format folder with n_train / n_test images of 28 x 28: class c images are bright in a band whose
// position depends on c, plus noise, so a small network can learn them.
inline void write_mnist_folder(const std::string& folder, int n_train, int n_test, int classes, unsigned seed) {
    std::filesystem::create_directories(folder);
    std::mt19937 rng(seed);
    auto write_pair = [&](const std::string& images, const std::string& labels, int n) {
        std::string img = big_endian(0x803) + big_endian(uint32_t(n)) + big_endian(28) + big_endian(28);
        std::string lab = big_endian(0x801) + big_endian(uint32_t(n));
        for (int i = 0; i < n; ++i) {
            const int c = int(rng() % unsigned(classes));
            lab += char(c);
            for (int y = 0; y < 28; ++y)
                for (int x = 0; x < 28; ++x) {
                    const bool band = y / (28 / classes) == c;
                    img += char(uint8_t(std::min<int>(255, (band ? 180 : 20) + int(rng() % 60))));
                }
        }
        write_bytes(folder + "/" + images, img);
        write_bytes(folder + "/" + labels, lab);
    };
    write_pair("train-images-idx3-ubyte", "train-labels-idx1-ubyte", n_train);
    write_pair("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", n_test);
}

// numpy.save of a C-order array (format 1.0): descr '|u1' or '<i8'.
inline std::string npy(const std::string& descr, const std::vector<int64_t>& shape, const std::string& data) {
    std::string dims;
    for (size_t i = 0; i < shape.size(); ++i)
        dims += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    const size_t total = 10 + header.size() + 1;
    header += std::string((64 - total % 64) % 64, ' ') + "\n";
    std::string out = "\x93NUMPY";
    out += char(1);
    out += char(0);
    out += char(header.size() & 0xff);
    out += char(header.size() >> 8);
    return out + header + data;
}

// uint8 images [n, h, w, c] with values from `value(i, y, x, ch)`.
template <typename F>
std::string npy_images(int64_t n, int64_t h, int64_t w, int64_t c, F value) {
    std::string data;
    for (int64_t i = 0; i < n; ++i)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x)
                for (int64_t ch = 0; ch < c; ++ch) data += char(uint8_t(value(i, y, x, ch)));
    return npy("|u1", {n, h, w, c}, data);
}

inline std::string npy_labels(const std::vector<int64_t>& labels) {
    std::string data;
    for (int64_t l : labels)
        for (int b = 0; b < 8; ++b) data += char(uint8_t(uint64_t(l) >> (8 * b)));
    return npy("<i8", {int64_t(labels.size())}, data);
}

}  // namespace eval_test
