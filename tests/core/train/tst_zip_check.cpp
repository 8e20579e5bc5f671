// SPDX-License-Identifier: GPL-3.0-or-later
// The zip directory check before torch opens an archive: a sound archive passes; a record declaring more bytes
// than its data holds, an unknown compression, a truncated file are refused naming the file and the record, and
// loading a checkpoint so damaged fails before torch allocates anything.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include <torch/serialize.h>

#include "train/checkpoint.h"
#include "train/zip_check.h"
#include "zip_bytes.h"

using namespace ft;
using namespace zip_test;
namespace fs = std::filesystem;

namespace {

fs::path saved_checkpoint(const std::string& dir_name) {
    const auto dir = fs::temp_directory_path() / dir_name;
    fs::remove_all(dir);
    save_checkpoint(dir.string(), "state", {{"step", 1}}, {{"w", torch::randn({8, 8})}});
    return dir / "state-0.pt";
}

std::string refusal(const fs::path& path) {
    try {
        check_zip_records(path.string());
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST(ZipCheck, ATorchArchivePasses) {
    const auto pt = saved_checkpoint("ft_zip_ok");
    EXPECT_EQ(refusal(pt), "");
    fs::remove_all(pt.parent_path());
}

TEST(ZipCheck, ARecordDeclaringMoreThanItsDataIsRefused) {
    const auto pt = saved_checkpoint("ft_zip_size");
    std::string zip = read_bytes(pt);
    const size_t at = central_header(zip, "data.pkl");
    ASSERT_NE(at, std::string::npos);
    const uint32_t stored = le32(zip, at + 20);
    put32(zip, at + 24, 0xfffffffe);  // the uncompressed size torch's reader would allocate
    write_bytes(pt, zip);
    const std::string m = refusal(pt);
    EXPECT_NE(m.find(pt.string()), std::string::npos) << m;
    EXPECT_NE(m.find("data.pkl declares 4294967294 bytes from " + std::to_string(stored) + " stored ones"),
              std::string::npos)
        << m;
    // And through the checkpoint loader: the JSON file named, the archive's refusal as the reason.
    nlohmann::json meta;
    TensorMap back;
    try {
        load_checkpoint(pt.parent_path().string(), "state", meta, back);
        FAIL() << "the damaged archive loaded";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("state.json: damaged checkpoint"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("declares 4294967294 bytes"), std::string::npos) << e.what();
    }
    fs::remove_all(pt.parent_path());
}

TEST(ZipCheck, AnUnknownCompressionIsRefused) {
    const auto pt = saved_checkpoint("ft_zip_method");
    std::string zip = read_bytes(pt);
    const size_t at = central_header(zip, "data.pkl");
    ASSERT_NE(at, std::string::npos);
    zip[at + 10] = 99;
    write_bytes(pt, zip);
    EXPECT_NE(refusal(pt).find("uses compression method 99 (expected stored or deflated)"), std::string::npos);
    fs::remove_all(pt.parent_path());
}

TEST(ZipCheck, ATruncatedFileIsRefused) {
    const auto pt = saved_checkpoint("ft_zip_short");
    const std::string zip = read_bytes(pt);
    write_bytes(pt, zip.substr(0, zip.size() / 2));
    EXPECT_NE(refusal(pt).find("no zip directory at its end"), std::string::npos);
    write_bytes(pt, zip.substr(0, 10));
    EXPECT_NE(refusal(pt).find("too short for a zip file"), std::string::npos);
    fs::remove_all(pt.parent_path());
}
