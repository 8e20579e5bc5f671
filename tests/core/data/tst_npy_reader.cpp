// SPDX-License-Identifier: GPL-3.0-or-later
// .npy reader (CIFAR-10-C / CIFAR-100-C format, spec §6.3) on small files written here byte by byte, as
// numpy.save writes them.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <torch/types.h>

#include "data/corruptions.h"
#include "data/npy_reader.h"

namespace fs = std::filesystem;

namespace {

class TempDir {
public:
    TempDir() {
        static std::atomic<int> counter{0};
        path_ =
            fs::temp_directory_path() / ("ft_tst_npy_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

std::string shape_literal(const std::vector<int64_t>& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

// numpy.lib.format: magic, version, header length (LE), the dict padded with spaces and ended by '\n' so that the
// data start at a multiple of 64.
std::string npy_bytes(const std::string& descr, const std::vector<int64_t>& shape, const std::string& data,
                      int major = 1, const std::string& fortran = "False") {
    std::string dict =
        "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape_literal(shape) + ", }";
    const size_t prefix = major == 1 ? 10 : 12;
    size_t total = prefix + dict.size() + 1;
    const size_t padded = (total + 63) / 64 * 64;
    dict += std::string(padded - total, ' ') + "\n";
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    const auto len = static_cast<uint32_t>(dict.size());
    out += static_cast<char>(len & 0xFF);
    out += static_cast<char>((len >> 8) & 0xFF);
    if (major != 1) {
        out += static_cast<char>((len >> 16) & 0xFF);
        out += static_cast<char>((len >> 24) & 0xFF);
    }
    return out + dict + data;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(f.good()) << path;
}

uint8_t pixel(int64_t n, int64_t h, int64_t w, int64_t c) {
    return static_cast<uint8_t>((n * 37 + h * 11 + w * 5 + c * 101) % 256);
}

// NHWC uint8 bytes for n images of h x w x c.
std::string image_bytes(int64_t n, int64_t h, int64_t w, int64_t c) {
    std::string s;
    for (int64_t i = 0; i < n; ++i)
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x)
                for (int64_t ch = 0; ch < c; ++ch) s += static_cast<char>(pixel(i, y, x, ch));
    return s;
}

std::string int64_bytes(const std::vector<int64_t>& v) {
    std::string s(v.size() * 8, '\0');
    std::memcpy(s.data(), v.data(), s.size());  // little-endian host (checked by the reader)
    return s;
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

}  // namespace

TEST(NpyReader, HeaderV1) {
    TempDir dir;
    const std::string path = dir.file("imgs.npy");
    const std::string bytes = npy_bytes("|u1", {2, 4, 5, 3}, image_bytes(2, 4, 5, 3));
    write_file(path, bytes);
    const ft::NpyHeader h = ft::read_npy_header(path);
    EXPECT_EQ(h.major, 1);
    EXPECT_EQ(h.minor, 0);
    EXPECT_EQ(h.descr, "|u1");
    EXPECT_FALSE(h.fortran_order);
    EXPECT_EQ(h.shape, (std::vector<int64_t>{2, 4, 5, 3}));
    EXPECT_EQ(h.data_offset, 128);  // 10 + the 65-character dict + '\n', padded to a multiple of 64
    EXPECT_EQ(h.data_offset, static_cast<int64_t>(bytes.size()) - 120);
    EXPECT_EQ(h.elements(), 120);
}

TEST(NpyReader, ImagesNhwcToNchwFloat) {
    TempDir dir;
    const std::string path = dir.file("gaussian_noise.npy");
    write_file(path, npy_bytes("|u1", {3, 4, 5, 3}, image_bytes(3, 4, 5, 3)));
    const torch::Tensor x = ft::read_npy_images(path);
    ASSERT_EQ(x.sizes(), (std::vector<int64_t>{3, 3, 4, 5}));
    EXPECT_EQ(x.scalar_type(), torch::kFloat32);
    for (int64_t n = 0; n < 3; ++n)
        for (int64_t c = 0; c < 3; ++c)
            for (int64_t y = 0; y < 4; ++y)
                for (int64_t w = 0; w < 5; ++w)
                    ASSERT_EQ(x[n][c][y][w].item<float>(), static_cast<float>(pixel(n, y, w, c)) / 255.0f)
                        << n << " " << c << " " << y << " " << w;
    // A slice: rows [1, 3).
    const torch::Tensor s = ft::read_npy_images(path, 1, 2);
    ASSERT_EQ(s.size(0), 2);
    EXPECT_TRUE(torch::equal(s, x.narrow(0, 1, 2)));
    EXPECT_EQ(ft::read_npy_images(path, 3, -1).size(0), 0);
    expect_data_error([&] { ft::read_npy_images(path, 2, 2); }, {path, "3 rows"});
}

TEST(NpyReader, LabelsInt64AndUint8) {
    TempDir dir;
    const std::string p64 = dir.file("labels.npy"), p8 = dir.file("labels_u8.npy");
    write_file(p64, npy_bytes("<i8", {5}, int64_bytes({3, 0, 9, 1, 7})));
    write_file(p8, npy_bytes("|u1", {5}, std::string("\x03\x00\x09\x01\x07", 5)));
    for (const auto& p : {p64, p8}) {
        const torch::Tensor y = ft::read_npy_labels(p);
        ASSERT_EQ(y.scalar_type(), torch::kInt64) << p;
        ASSERT_EQ(y.sizes(), (std::vector<int64_t>{5})) << p;
        const std::vector<int64_t> want = {3, 0, 9, 1, 7};
        for (int64_t i = 0; i < 5; ++i) EXPECT_EQ(y[i].item<int64_t>(), want[static_cast<size_t>(i)]) << p;
        EXPECT_EQ(ft::read_npy_labels(p, 2, 2)[1].item<int64_t>(), 1) << p;
    }
    write_file(dir.file("neg.npy"), npy_bytes("<i8", {2}, int64_bytes({1, -4})));
    expect_data_error([&] { ft::read_npy_labels(dir.file("neg.npy")); }, {dir.file("neg.npy"), "-4"});
}

TEST(NpyReader, Version2HeaderAndGenericRead) {
    TempDir dir;
    const std::string path = dir.file("v2.npy");
    write_file(path, npy_bytes("<i8", {2, 3}, int64_bytes({1, 2, 3, 4, 5, 6}), 2));
    const ft::NpyHeader h = ft::read_npy_header(path);
    EXPECT_EQ(h.major, 2);
    EXPECT_EQ(h.data_offset, 128);
    const torch::Tensor t = ft::read_npy(path);
    ASSERT_EQ(t.sizes(), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(t.scalar_type(), torch::kInt64);
    EXPECT_EQ(t[1][2].item<int64_t>(), 6);
    // Python-style header variants: double quotes, no trailing comma, extra spaces.
    const std::string dict = "{\"descr\":\"|u1\" , \"shape\" : ( 2 , ) ,\"fortran_order\":False}\n";
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\0';
    bytes += static_cast<char>(dict.size());
    bytes += '\0';
    write_file(dir.file("odd.npy"), bytes + dict + "\x05\x06");
    const torch::Tensor o = ft::read_npy_labels(dir.file("odd.npy"));
    EXPECT_EQ(o[1].item<int64_t>(), 6);
}

TEST(NpyReader, ErrorsNameTheFileAndTheProblem) {
    TempDir dir;
    const std::string full = npy_bytes("|u1", {2, 4, 5, 3}, image_bytes(2, 4, 5, 3));

    const std::string truncated = dir.file("truncated.npy");
    write_file(truncated, full.substr(0, full.size() - 7));
    expect_data_error([&] { ft::read_npy_images(truncated); }, {truncated, "truncated"});

    const std::string cut_header = dir.file("cut_header.npy");
    write_file(cut_header, full.substr(0, 30));
    expect_data_error([&] { ft::read_npy_images(cut_header); }, {cut_header, "truncated"});

    const std::string magic = dir.file("bad_magic.npy");
    write_file(magic, "PK\x03\x04" + full.substr(4));
    expect_data_error([&] { ft::read_npy_images(magic); }, {magic, "magic"});

    const std::string empty = dir.file("empty.npy");
    write_file(empty, "");
    expect_data_error([&] { ft::read_npy_labels(empty); }, {empty, "magic"});

    const std::string trailing = dir.file("trailing.npy");
    write_file(trailing, full + "xyz");
    expect_data_error([&] { ft::read_npy_images(trailing); }, {trailing, "3 unexpected bytes"});

    const std::string fortran = dir.file("fortran.npy");
    write_file(fortran, npy_bytes("|u1", {2, 4, 5, 3}, image_bytes(2, 4, 5, 3), 1, "True"));
    expect_data_error([&] { ft::read_npy_images(fortran); }, {fortran, "Fortran"});

    const std::string dtype = dir.file("float.npy");
    write_file(dtype, npy_bytes("<f4", {2}, std::string(8, '\0')));
    expect_data_error([&] { ft::read_npy_labels(dtype); }, {dtype, "'<f4'"});

    const std::string version = dir.file("v9.npy");
    std::string v9 = full;
    v9[6] = 9;
    write_file(version, v9);
    expect_data_error([&] { ft::read_npy_images(version); }, {version, "version 9.0"});

    const std::string nhwc = dir.file("nchw.npy");
    write_file(nhwc, npy_bytes("|u1", {2, 3, 4, 5}, image_bytes(2, 4, 5, 3)));
    expect_data_error([&] { ft::read_npy_images(nhwc); }, {nhwc, "(2, 3, 4, 5)"});

    const std::string labels_not_images = dir.file("labels_as_images.npy");
    write_file(labels_not_images, npy_bytes("<i8", {2}, int64_bytes({0, 1})));
    expect_data_error([&] { ft::read_npy_images(labels_not_images); }, {labels_not_images, "uint8"});

    const std::string malformed = dir.file("malformed.npy");
    std::string m = full;
    const size_t pos = m.find("'shape'");
    m.replace(pos, 7, "'shapf'");
    write_file(malformed, m);
    expect_data_error([&] { ft::read_npy_images(malformed); }, {malformed, "malformed", "shapf"});

    const std::string missing = dir.file("does_not_exist.npy");
    expect_data_error([&] { ft::read_npy_images(missing); }, {missing, "cannot open"});
}

TEST(NpyReader, CorruptionSliceIsNormalisedLikeTraining) {
    TempDir dir;
    const std::vector<float> mean = {0.4914f, 0.4822f, 0.4465f}, stdev = {0.2023f, 0.1994f, 0.2010f};
    // 5 severities x 2 images of 4x5x3.
    const std::string imgs = dir.file("contrast.npy"), labels = dir.file("labels.npy");
    write_file(imgs, npy_bytes("|u1", {10, 4, 5, 3}, image_bytes(10, 4, 5, 3)));
    write_file(labels, npy_bytes("<i8", {10}, int64_bytes({0, 1, 2, 3, 4, 5, 6, 7, 8, 9})));
    const ft::Split s = ft::read_corruption_npy(imgs, labels, 3, mean, stdev, 2);
    ASSERT_EQ(s.x.sizes(), (std::vector<int64_t>{2, 3, 4, 5}));
    EXPECT_EQ(s.y[0].item<int64_t>(), 4);
    EXPECT_EQ(s.y[1].item<int64_t>(), 5);
    const torch::Tensor pixels = ft::read_npy_images(imgs, 4, 2);
    EXPECT_TRUE(torch::equal(s.x, ft::normalised_from_pixels(pixels, mean, stdev)));
    // Hand value: image 4, channel 1, row 2, column 3.
    const float p = static_cast<float>(pixel(4, 2, 3, 1)) / 255.0f;
    EXPECT_FLOAT_EQ(s.x[0][1][2][3].item<float>(), (p - mean[1]) / stdev[1]);

    EXPECT_THROW(ft::read_corruption_npy(imgs, labels, 6, mean, stdev, 2), std::invalid_argument);
    EXPECT_THROW(ft::read_corruption_npy(imgs, labels, 0, mean, stdev, 2), std::invalid_argument);
    expect_data_error([&] { ft::read_corruption_npy(imgs, labels, 5, mean, stdev, 3); }, {imgs, "10 rows"});
    const std::string short_labels = dir.file("short_labels.npy");
    write_file(short_labels, npy_bytes("<i8", {9}, int64_bytes({0, 1, 2, 3, 4, 5, 6, 7, 8})));
    expect_data_error([&] { ft::read_corruption_npy(imgs, short_labels, 1, mean, stdev, 2); },
                      {short_labels, "9 labels"});
}
