// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor archives read without TorchScript: what OutputArchive wrote comes back, the archive's script source is
// never compiled (damaging it changes nothing), and a tensor shape beyond its storage is an error naming it.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <torch/serialize.h>

#include "train/tensor_archive.h"

using namespace ft;
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_bytes(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

uint16_t le16(const std::string& b, size_t at) { return uint16_t(uint8_t(b[at]) | uint8_t(b[at + 1]) << 8); }
uint32_t le32(const std::string& b, size_t at) { return uint32_t(le16(b, at)) | uint32_t(le16(b, at + 2)) << 16; }

// Where the data of the zip record whose name ends in `suffix` lies: [begin, begin + size). The sizes are in the
// central directory (torch's writer leaves them out of the local headers).
std::pair<size_t, size_t> record_data(const std::string& zip, const std::string& suffix) {
    for (size_t at = zip.find("PK\x01\x02"); at != std::string::npos; at = zip.find("PK\x01\x02", at + 4)) {
        const size_t name_len = le16(zip, at + 28);
        const std::string name = zip.substr(at + 46, name_len);
        if (name.size() < suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        const size_t local = le32(zip, at + 42);
        return {local + 30 + le16(zip, local + 26) + le16(zip, local + 28), le32(zip, at + 20)};
    }
    return {std::string::npos, 0};
}

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
    try {
        read_tensor_archive(path.string());
        FAIL() << "a tensor reaching past its storage was read";
    } catch (const std::exception& e) {
        // torch's unpickler takes the shape as it is (the tensor would reach 2,352 bytes past its storage).
        EXPECT_STREQ(e.what(), "data.pkl: tensor t0 of shape [3, 200] does not fit its 48-byte storage");
    }
    fs::remove_all(path.parent_path());
}
