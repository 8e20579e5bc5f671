// SPDX-License-Identifier: GPL-3.0-or-later
// load_dataset: finds the files, reads them, applies train_limit / test_limit, scales pixels to [0, 1],
// normalises per channel and splits off the validation set (spec §8: the last validation_split of the training
// file(s), after the limit).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "data/dataset.h"

namespace ft {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFashionMnistDefault = "/usr/share/datasets/fashion-mnist";
// Offset between the seeds of the synthetic training and test draws (any fixed value; the generator mixes it).
constexpr uint64_t kSyntheticTestSeedOffset = 0x7E57D474A5E7ull;

// Spec §8 for MNIST. The reference has no Fashion-MNIST loader; it gets its own pixel statistics, so its inputs
// are centred like every other dataset's.
const std::vector<float> kMnistMean = {0.1307f}, kMnistStd = {0.3081f};
const std::vector<float> kFashionMean = {0.2860f}, kFashionStd = {0.3530f};
const std::vector<float> kCifar10Mean = {0.4914f, 0.4822f, 0.4465f}, kCifar10Std = {0.2023f, 0.1994f, 0.2010f};
const std::vector<float> kCifar100Mean = {0.5071f, 0.4865f, 0.4409f}, kCifar100Std = {0.2673f, 0.2564f, 0.2762f};

std::string join(const fs::path& folder, const std::string& file) { return (folder / file).string(); }

void check_folder(const fs::path& folder, const std::string& dataset, const std::string& hint) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw DataError(folder.string() + ": no such folder (the " + dataset + " files are expected there" + hint +
                        ")");
}

// The .gz name if present, else the uncompressed one.
std::string find_idx(const fs::path& folder, const std::string& base, const std::string& hint) {
    std::error_code ec;
    const std::string gz = join(folder, base + ".gz"), plain = join(folder, base);
    if (fs::exists(gz, ec)) return gz;
    if (fs::exists(plain, ec)) return plain;
    throw DataError(gz + ": no such file (nor the uncompressed " + plain + ")" + hint);
}

int64_t limited(int64_t n, int64_t limit) { return limit > 0 ? std::min(n, limit) : n; }

void check_limit(int64_t limit, const char* name) {
    if (limit < 0)
        throw DataError("data." + std::string(name) + " must be >= 0 (0 = all), got " + std::to_string(limit));
}

// uint8 [N, C, H, W] -> float32, /255, then (x - mean[c]) / std[c].
torch::Tensor normalise(const torch::Tensor& pixels, const std::vector<float>& mean, const std::vector<float>& stdev) {
    const int64_t c = static_cast<int64_t>(mean.size());
    auto m = torch::from_blob(const_cast<float*>(mean.data()), {1, c, 1, 1}, torch::kFloat32).clone();
    auto s = torch::from_blob(const_cast<float*>(stdev.data()), {1, c, 1, 1}, torch::kFloat32).clone();
    return pixels.to(torch::kFloat32).div_(255.0).sub_(m).div_(s);
}

// Reads one IDX image/label pair: checks counts, size and label range; keeps the first `limit` examples.
Split load_idx_pair(const std::string& images_path, const std::string& labels_path, int64_t limit, int64_t classes,
                    const std::vector<float>& mean, const std::vector<float>& stdev) {
    torch::Tensor images = read_idx_images(images_path);
    torch::Tensor labels = read_idx_labels(labels_path);
    if (images.size(0) != labels.size(0))
        throw DataError(labels_path + ": holds " + std::to_string(labels.size(0)) + " labels but " + images_path +
                        " holds " + std::to_string(images.size(0)) + " images; expected one label per image");
    if (images.size(1) != 28 || images.size(2) != 28)
        throw DataError(images_path + ": images are " + std::to_string(images.size(1)) + "x" +
                        std::to_string(images.size(2)) + ", expected 28x28 (MNIST format)");
    const int64_t n = limited(images.size(0), limit);
    images = images.narrow(0, 0, n);
    labels = labels.narrow(0, 0, n).contiguous();
    const int64_t* l = labels.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i)
        if (l[i] < 0 || l[i] >= classes)
            throw DataError(labels_path + ": label " + std::to_string(i) + " is " + std::to_string(l[i]) +
                            ", expected a label in [0, " + std::to_string(classes) + ")");
    return {normalise(images.unsqueeze(1), mean, stdev), labels};
}

// Reads CIFAR batch files in order until `limit` examples are in (0 = all of them).
Split load_cifar_files(const std::vector<std::string>& files, int label_bytes, int64_t classes, int64_t limit,
                       const std::vector<float>& mean, const std::vector<float>& stdev) {
    std::vector<uint8_t> images;
    std::vector<int64_t> labels;
    for (const auto& f : files) {
        if (limit > 0 && static_cast<int64_t>(labels.size()) >= limit) break;
        read_cifar_batch(f, label_bytes, classes, images, labels);
    }
    const int64_t n = limited(static_cast<int64_t>(labels.size()), limit);
    Split s;
    if (n == 0) return {torch::empty({0, 3, 32, 32}, torch::kFloat32), torch::empty({0}, torch::kInt64)};
    auto pixels = torch::from_blob(images.data(), {n, 3, 32, 32}, torch::kUInt8);
    s.x = normalise(pixels, mean, stdev);  // a copy: `images` may go
    s.y = torch::from_blob(labels.data(), {n}, torch::kInt64).clone();
    return s;
}

// The last round(fraction * N) examples become validation, the rest train.
std::pair<Split, Split> split_validation(const Split& full, double fraction, const std::string& dataset) {
    if (!(fraction >= 0.0 && fraction < 1.0))
        throw DataError("data.validation_split must be in [0, 1), got " + std::to_string(fraction));
    const int64_t n = full.size();
    if (n == 0) throw DataError(dataset + ": the training set is empty");
    const int64_t n_val = std::llround(fraction * static_cast<double>(n));
    if (n_val >= n)
        throw DataError(dataset + ": data.validation_split " + std::to_string(fraction) + " of " + std::to_string(n) +
                        " training examples leaves none for training");
    Split train{full.x.narrow(0, 0, n - n_val), full.y.narrow(0, 0, n - n_val)};
    Split val{full.x.narrow(0, n - n_val, n_val), full.y.narrow(0, n - n_val, n_val)};
    return {train, val};
}

Split take_first(const Split& s, int64_t limit) {
    const int64_t n = limited(s.size(), limit);
    return {s.x.narrow(0, 0, n), s.y.narrow(0, 0, n)};
}

}  // namespace

DatasetBundle load_dataset(const DataConfig& config, uint64_t seed) {
    check_limit(config.train_limit, "train_limit");
    check_limit(config.test_limit, "test_limit");

    DatasetBundle b;
    b.name = config.name;
    Split full_train;
    const std::string& name = config.name;

    if (name == "fashion-mnist" || name == "mnist") {
        std::string hint;
        fs::path folder;
        if (name == "fashion-mnist") {
            folder = config.path.empty() ? fs::path(kFashionMnistDefault) : fs::path(config.path);
            hint = config.path.empty() ? "; install the Debian package dataset-fashion-mnist or set data.path" : "";
        } else {
            if (config.path.empty())
                throw DataError(
                    "mnist: data.path must name the folder holding the MNIST files "
                    "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                    "t10k-labels-idx1-ubyte; .gz or uncompressed)");
            folder = config.path;
        }
        check_folder(folder, name, hint);
        b.classes = 10;
        b.mean = name == "mnist" ? kMnistMean : kFashionMean;
        b.stdev = name == "mnist" ? kMnistStd : kFashionStd;
        full_train = load_idx_pair(find_idx(folder, "train-images-idx3-ubyte", hint),
                                   find_idx(folder, "train-labels-idx1-ubyte", hint), config.train_limit, b.classes,
                                   b.mean, b.stdev);
        b.test = load_idx_pair(find_idx(folder, "t10k-images-idx3-ubyte", hint),
                               find_idx(folder, "t10k-labels-idx1-ubyte", hint), config.test_limit, b.classes, b.mean,
                               b.stdev);
        b.input_shape = {1, 28, 28};
    } else if (name == "cifar10" || name == "cifar100") {
        const bool c10 = name == "cifar10";
        const std::string files_desc =
            c10 ? "data_batch_1.bin .. data_batch_5.bin and test_batch.bin" : "train.bin and test.bin";
        if (config.path.empty())
            throw DataError(name + ": data.path must name the folder holding the CIFAR binary files (" + files_desc +
                            ")");
        fs::path folder = config.path;
        check_folder(folder, name, "");
        // Accept the folder the archive unpacks to, or the one above it.
        const std::string first = c10 ? "data_batch_1.bin" : "train.bin";
        const fs::path sub = folder / (c10 ? "cifar-10-batches-bin" : "cifar-100-binary");
        std::error_code ec;
        if (!fs::exists(folder / first, ec) && fs::exists(sub / first, ec)) folder = sub;

        std::vector<std::string> train_files;
        if (c10)
            for (int i = 1; i <= 5; ++i)
                train_files.push_back(join(folder, "data_batch_" + std::to_string(i) + ".bin"));
        else
            train_files.push_back(join(folder, "train.bin"));
        const std::string test_file = join(folder, c10 ? "test_batch.bin" : "test.bin");

        b.classes = c10 ? 10 : 100;
        b.mean = c10 ? kCifar10Mean : kCifar100Mean;
        b.stdev = c10 ? kCifar10Std : kCifar100Std;
        const int label_bytes = c10 ? 1 : 2;
        full_train = load_cifar_files(train_files, label_bytes, b.classes, config.train_limit, b.mean, b.stdev);
        b.test = load_cifar_files({test_file}, label_bytes, b.classes, config.test_limit, b.mean, b.stdev);
        b.input_shape = {3, 32, 32};

        b.augmentation.enabled = config.augment;
        b.augmentation.pad = 4;
        b.augmentation.hflip = true;
        if (c10) {
            b.augmentation.pad_mode = PadMode::Reflect;
        } else {
            b.augmentation.pad_mode = PadMode::Zero;
            for (size_t c = 0; c < b.mean.size(); ++c) b.augmentation.pad_value.push_back(-b.mean[c] / b.stdev[c]);
        }
    } else if (name == "spirals" || name == "moons" || name == "blobs") {
        b.classes = name == "blobs" ? 4 : 2;
        full_train = take_first(make_synthetic(name, config.synthetic_samples, config.synthetic_noise, seed),
                                config.train_limit);
        b.test = take_first(
            make_synthetic(name, config.synthetic_samples, config.synthetic_noise, seed + kSyntheticTestSeedOffset),
            config.test_limit);
        b.input_shape = {2};
    } else {
        throw DataError("unknown dataset '" + name +
                        "', expected one of {fashion-mnist, mnist, cifar10, cifar100, spirals, moons, blobs}");
    }

    std::tie(b.train, b.validation) = split_validation(full_train, config.validation_split, name);
    return b;
}

}  // namespace ft
