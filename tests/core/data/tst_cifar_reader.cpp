// SPDX-License-Identifier: GPL-3.0-or-later
// CIFAR binary reader and the CIFAR branch of load_dataset, on small files generated in a temp folder.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "data/dataset.h"

namespace fs = std::filesystem;

namespace {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("ft_tst_cifar_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::string str() const { return path_.string(); }

private:
    fs::path path_;
};

constexpr int kPixels = 3072;

uint8_t pixel(int record, int index) { return static_cast<uint8_t>((record * 101 + index * 7 + index / 1024) % 256); }

// Records with the given labels (per record: the label bytes, as written) and pixel(record_id, i) pixels.
void write_cifar(const std::string& path, const std::vector<std::vector<uint8_t>>& label_bytes, int first_id = 0) {
    std::ofstream f(path, std::ios::binary);
    for (size_t r = 0; r < label_bytes.size(); ++r) {
        f.write(reinterpret_cast<const char*>(label_bytes[r].data()),
                static_cast<std::streamsize>(label_bytes[r].size()));
        for (int i = 0; i < kPixels; ++i) f.put(static_cast<char>(pixel(first_id + static_cast<int>(r), i)));
    }
    ASSERT_TRUE(f.good()) << path;
}

template <typename Fn>
void expect_data_error(Fn fn, const std::vector<std::string>& needles) {
    try {
        fn();
        ADD_FAILURE() << "expected ft::DataError";
    } catch (const ft::DataError& e) {
        const std::string msg = e.what();
        for (const auto& n : needles) EXPECT_NE(msg.find(n), std::string::npos) << "'" << n << "' not in: " << msg;
    }
}

// CIFAR-10 folder: 5 training batches of `per_batch` records (ids 0..5*per_batch-1, label id % 10) and a test
// batch of `n_test` records (ids 1000.., label id % 10).
void write_cifar10_folder(const fs::path& dir, int per_batch, int n_test) {
    fs::create_directories(dir);
    for (int b = 0; b < 5; ++b) {
        std::vector<std::vector<uint8_t>> labels;
        for (int r = 0; r < per_batch; ++r) labels.push_back({static_cast<uint8_t>((b * per_batch + r) % 10)});
        write_cifar((dir / ("data_batch_" + std::to_string(b + 1) + ".bin")).string(), labels, b * per_batch);
    }
    std::vector<std::vector<uint8_t>> labels;
    for (int r = 0; r < n_test; ++r) labels.push_back({static_cast<uint8_t>((1000 + r) % 10)});
    write_cifar((dir / "test_batch.bin").string(), labels, 1000);
}

}  // namespace

TEST(CifarReader, TwoRecordsOneLabelByte) {
    TempDir dir;
    const auto p = dir.file("data_batch_1.bin");
    write_cifar(p, {{3}, {9}});
    std::vector<uint8_t> images;
    std::vector<int64_t> labels;
    ft::read_cifar_batch(p, 1, 10, images, labels);
    ASSERT_EQ(labels, (std::vector<int64_t>{3, 9}));
    ASSERT_EQ(images.size(), 2u * kPixels);
    for (int r = 0; r < 2; ++r)
        for (int i = 0; i < kPixels; ++i) ASSERT_EQ(images[static_cast<size_t>(r * kPixels + i)], pixel(r, i));

    // A second file is appended.
    const auto q = dir.file("data_batch_2.bin");
    write_cifar(q, {{0}}, 5);
    ft::read_cifar_batch(q, 1, 10, images, labels);
    ASSERT_EQ(labels, (std::vector<int64_t>{3, 9, 0}));
    ASSERT_EQ(images.size(), 3u * kPixels);
    EXPECT_EQ(images[2 * kPixels + 17], pixel(5, 17));
}

TEST(CifarReader, TwoRecordsTwoLabelBytesUsesTheFineLabel) {
    TempDir dir;
    const auto p = dir.file("train.bin");
    write_cifar(p, {{19, 87}, {4, 0}});  // coarse, fine
    std::vector<uint8_t> images;
    std::vector<int64_t> labels;
    ft::read_cifar_batch(p, 2, 100, images, labels);
    ASSERT_EQ(labels, (std::vector<int64_t>{87, 0}));
    ASSERT_EQ(images.size(), 2u * kPixels);
    for (int r = 0; r < 2; ++r)
        for (int i = 0; i < kPixels; ++i) ASSERT_EQ(images[static_cast<size_t>(r * kPixels + i)], pixel(r, i));
}

TEST(CifarReader, PartialRecordIsAnError) {
    TempDir dir;
    const auto p = dir.file("data_batch_1.bin");
    write_cifar(p, {{1}, {2}});
    std::ofstream(p, std::ios::binary | std::ios::app).write("xyz", 3);
    std::vector<uint8_t> images;
    std::vector<int64_t> labels = {5};
    expect_data_error([&] { ft::read_cifar_batch(p, 1, 10, images, labels); }, {p, "3073", "whole number"});
    EXPECT_EQ(labels, (std::vector<int64_t>{5}));  // nothing appended
    EXPECT_TRUE(images.empty());
    // The same file read as CIFAR-100 (3074-byte records) is wrong too.
    expect_data_error([&] { ft::read_cifar_batch(p, 2, 100, images, labels); }, {p, "3074"});
}

TEST(CifarReader, EmptyAndMissingFiles) {
    TempDir dir;
    const auto empty = dir.file("empty.bin");
    std::ofstream(empty, std::ios::binary).close();
    std::vector<uint8_t> images;
    std::vector<int64_t> labels;
    expect_data_error([&] { ft::read_cifar_batch(empty, 1, 10, images, labels); }, {empty, "empty"});
    const auto missing = dir.file("missing.bin");
    expect_data_error([&] { ft::read_cifar_batch(missing, 1, 10, images, labels); }, {missing});
}

TEST(CifarReader, LabelOutOfRange) {
    TempDir dir;
    const auto p = dir.file("test_batch.bin");
    write_cifar(p, {{1}, {10}});
    std::vector<uint8_t> images;
    std::vector<int64_t> labels;
    expect_data_error([&] { ft::read_cifar_batch(p, 1, 10, images, labels); }, {p, "record 1", "label 10", "[0, 10)"});
    EXPECT_TRUE(labels.empty());

    // CIFAR-100: the fine label is checked against 100; a coarse label of 19 is fine.
    const auto q = dir.file("test.bin");
    write_cifar(q, {{19, 99}, {2, 100}});
    expect_data_error([&] { ft::read_cifar_batch(q, 2, 100, images, labels); }, {q, "label 100"});
}

TEST(CifarReader, BadArgumentsAreProgrammingErrors) {
    std::vector<uint8_t> images;
    std::vector<int64_t> labels;
    EXPECT_THROW(ft::read_cifar_batch("/nonexistent", 3, 10, images, labels), std::invalid_argument);
}

TEST(LoadCifar10, FolderLimitsSplitAndAugmentation) {
    TempDir dir;
    write_cifar10_folder(dir.str(), 4, 3);
    ft::DataConfig cfg;
    cfg.name = "cifar10";
    cfg.path = dir.str();
    cfg.validation_split = 0.1;  // of 20: the last 2
    const auto b = ft::load_dataset(cfg, 1);
    EXPECT_EQ(b.classes, 10);
    EXPECT_EQ(b.input_shape, (std::vector<int64_t>{3, 32, 32}));
    ASSERT_EQ(b.train.x.sizes(), (std::vector<int64_t>{18, 3, 32, 32}));
    ASSERT_EQ(b.validation.size(), 2);
    ASSERT_EQ(b.test.size(), 3);
    for (int i = 0; i < 18; ++i) EXPECT_EQ(b.train.y[i].item<int64_t>(), i % 10);
    EXPECT_EQ(b.validation.y[0].item<int64_t>(), 8);
    EXPECT_EQ(b.test.y[2].item<int64_t>(), 1002 % 10);

    const std::vector<float> mean = {0.4914f, 0.4822f, 0.4465f}, stdev = {0.2023f, 0.1994f, 0.2010f};
    EXPECT_EQ(b.mean, mean);
    EXPECT_EQ(b.stdev, stdev);
    // Record 5 (second record of batch 2), channel c, row 7, column 11 = byte c*1024 + 7*32 + 11.
    for (int c = 0; c < 3; ++c) {
        const int idx = c * 1024 + 7 * 32 + 11;
        const float expected = (static_cast<float>(pixel(5, idx)) / 255.0f - mean[c]) / stdev[c];
        EXPECT_NEAR(b.train.x[5][c][7][11].item<float>(), expected, 1e-5);
    }
    const int idx = 2 * 1024 + 31 * 32 + 31;
    EXPECT_NEAR(b.validation.x[1][2][31][31].item<float>(), (pixel(19, idx) / 255.0f - mean[2]) / stdev[2], 1e-5);

    EXPECT_TRUE(b.augmentation.enabled);
    EXPECT_EQ(b.augmentation.pad, 4);
    EXPECT_EQ(b.augmentation.pad_mode, ft::PadMode::Reflect);
    EXPECT_TRUE(b.augmentation.hflip);

    // train_limit spans batch files; the split comes after it.
    cfg.train_limit = 6;
    cfg.test_limit = 2;
    cfg.validation_split = 0.5;
    cfg.augment = false;
    const auto s = ft::load_dataset(cfg, 1);
    ASSERT_EQ(s.train.size(), 3);
    ASSERT_EQ(s.validation.size(), 3);
    ASSERT_EQ(s.test.size(), 2);
    EXPECT_TRUE(torch::equal(s.train.x, b.train.x.narrow(0, 0, 3)));
    EXPECT_TRUE(torch::equal(s.validation.x, b.train.x.narrow(0, 3, 3)));
    EXPECT_FALSE(s.augmentation.enabled);
}

TEST(LoadCifar10, AcceptsTheFolderAboveTheArchiveFolder) {
    TempDir dir;
    write_cifar10_folder(fs::path(dir.str()) / "cifar-10-batches-bin", 2, 2);
    ft::DataConfig cfg;
    cfg.name = "cifar10";
    cfg.path = dir.str();
    cfg.validation_split = 0.0;
    const auto b = ft::load_dataset(cfg, 1);
    EXPECT_EQ(b.train.size(), 10);
    EXPECT_EQ(b.validation.size(), 0);
    EXPECT_EQ(b.test.size(), 2);
}

TEST(LoadCifar10, MissingPathAndMissingBatch) {
    ft::DataConfig cfg;
    cfg.name = "cifar10";
    expect_data_error([&] { ft::load_dataset(cfg, 1); }, {"data.path", "folder"});
    TempDir dir;
    write_cifar10_folder(dir.str(), 2, 2);
    fs::remove(dir.file("data_batch_4.bin"));
    cfg.path = dir.str();
    expect_data_error([&] { ft::load_dataset(cfg, 1); }, {dir.file("data_batch_4.bin")});
}

TEST(LoadCifar100, ZeroPadValueIsTheNormalisedBlack) {
    TempDir dir;
    write_cifar(dir.file("train.bin"), {{0, 5}, {1, 99}, {2, 42}, {3, 7}});
    write_cifar(dir.file("test.bin"), {{0, 1}, {1, 2}}, 100);
    ft::DataConfig cfg;
    cfg.name = "cifar100";
    cfg.path = dir.str();
    cfg.validation_split = 0.25;
    const auto b = ft::load_dataset(cfg, 1);
    EXPECT_EQ(b.classes, 100);
    ASSERT_EQ(b.train.size(), 3);
    ASSERT_EQ(b.validation.size(), 1);
    ASSERT_EQ(b.test.size(), 2);
    EXPECT_EQ(b.train.y[1].item<int64_t>(), 99);
    EXPECT_EQ(b.validation.y[0].item<int64_t>(), 7);
    EXPECT_EQ(b.test.y[1].item<int64_t>(), 2);
    const std::vector<float> mean = {0.5071f, 0.4865f, 0.4409f}, stdev = {0.2673f, 0.2564f, 0.2762f};
    EXPECT_EQ(b.mean, mean);
    EXPECT_EQ(b.stdev, stdev);
    EXPECT_NEAR(b.test.x[0][1][0][0].item<float>(), (pixel(100, 1024) / 255.0f - mean[1]) / stdev[1], 1e-5);
    EXPECT_TRUE(b.augmentation.enabled);
    EXPECT_EQ(b.augmentation.pad_mode, ft::PadMode::Zero);
    ASSERT_EQ(b.augmentation.pad_value.size(), 3u);
    for (size_t c = 0; c < 3; ++c) EXPECT_NEAR(b.augmentation.pad_value[c], -mean[c] / stdev[c], 1e-6);
}

TEST(LoadCifar100, MissingPath) {
    ft::DataConfig cfg;
    cfg.name = "cifar100";
    expect_data_error([&] { ft::load_dataset(cfg, 1); }, {"data.path"});
}
