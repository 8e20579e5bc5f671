// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor archives read without TorchScript: what OutputArchive wrote comes back, the archive's script source is
// never compiled (damaging it changes nothing), and a tensor shape beyond its storage is an error naming it.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <torch/serialize.h>

#include "train/tensor_archive.h"
#include "zip_bytes.h"

using namespace ft;
using namespace zip_test;
namespace fs = std::filesystem;

namespace {

fs::path saved(const std::string& dir_name) {
    const auto dir = fs::temp_directory_path() / dir_name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    torch::serialize::OutputArchive archive;
    archive.write("t0", torch::arange(12, torch::kFloat32).reshape({3, 4}));
    archive.write("t1", torch::tensor({1, 0, 255}, torch::kUInt8));
    archive.write("t1v", torch::empty({0}));
    archive.save_to((dir / "a.pt").string());
    return dir / "a.pt";
}

// Reading the damaged archive at `path` must fail with exactly `message`; `why` says what a read would have let in.
void expect_refused(const fs::path& path, const char* message, const char* why) {
    try {
        read_tensor_archive(path.string());
        ADD_FAILURE() << why << " was read";
    } catch (const std::exception& e) {
        EXPECT_STREQ(e.what(), message);
    }
    fs::remove_all(path.parent_path());
}

}  // namespace

TEST(TensorArchive, ReadsWhatOutputArchiveWrote) {
    const auto path = saved("ft_tensor_archive_rt");
    const auto tensors = read_tensor_archive(path.string());
    ASSERT_EQ(tensors.size(), 3u);
    EXPECT_TRUE(torch::equal(tensors.at("t0"), torch::arange(12, torch::kFloat32).reshape({3, 4})));
    EXPECT_TRUE(torch::equal(tensors.at("t1"), torch::tensor({1, 0, 255}, torch::kUInt8)));
    EXPECT_EQ(tensors.at("t1v").numel(), 0);
    fs::remove_all(path.parent_path());
}

TEST(TensorArchive, TheArchiveScriptSourceIsNeverCompiled) {
    const auto path = saved("ft_tensor_archive_code");
    std::string zip = read_bytes(path);
    const auto [begin, size] = record_data(zip, "code/__torch__.py");
    ASSERT_NE(begin, std::string::npos);
    ASSERT_GT(size, 0u);
    std::memset(&zip[begin], 0xff, size);  // neither inflatable nor Python
    write_bytes(path, zip);
    EXPECT_EQ(read_tensor_archive(path.string()).size(), 3u);
    fs::remove_all(path.parent_path());
}

TEST(TensorArchive, AShapeBeyondItsStorageIsRefusedNamingTheTensor) {
    const auto path = saved("ft_tensor_archive_shape");
    std::string zip = read_bytes(path);
    const auto [begin, size] = record_data(zip, "data.pkl");
    ASSERT_NE(begin, std::string::npos);
    // t0's shape (3, 4) is pickled as BININT1 3, BININT1 4 after a MARK: make it (3, 200) over 48 bytes.
    std::string pickle = zip.substr(begin, size);
    const size_t at = pickle.find(std::string("(K\x03K\x04t", 6));
    ASSERT_NE(at, std::string::npos);
    zip[begin + at + 4] = char(200);
    write_bytes(path, zip);
    // torch's unpickler takes the shape as it is (the tensor would reach 2,352 bytes past its storage).
    expect_refused(path, "data.pkl: tensor t0 of shape [3, 200] does not fit its 48-byte storage",
                   "a tensor reaching past its storage");
}

// The pickle also declares each storage's element count, which torch's unpickler believes over the length of the
// record it reads: t0's storage declared as 24 floats over its 48-byte record, and a shape of (3, 8) (strides 4, 1:
// 64 bytes) that fits the declaration, not the bytes. Found by fuzz_checkpoint (heap-buffer-overflow in
// unpack_tensor); its input is a seed in the corpus (regression-storage-count).
TEST(TensorArchive, AStorageLongerThanItsRecordIsRefused) {
    const auto path = saved("ft_tensor_archive_storage");
    std::string zip = read_bytes(path);
    const auto [begin, size] = record_data(zip, "data.pkl");
    ASSERT_NE(begin, std::string::npos);
    const std::string pickle = zip.substr(begin, size);
    const size_t count = pickle.find(std::string("cpuq\x06K\x0ct", 8));
    const size_t shape = pickle.find(std::string("(K\x03K\x04t", 6));
    ASSERT_NE(count, std::string::npos);
    ASSERT_NE(shape, std::string::npos);
    zip[begin + count + 6] = char(24);
    zip[begin + shape + 4] = char(8);
    write_bytes(path, zip);
    expect_refused(path, "data.pkl: tensor t0 of shape [3, 8] does not fit its 48-byte storage",
                   "a tensor reaching past its record");
}
