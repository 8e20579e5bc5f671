// SPDX-License-Identifier: GPL-3.0-or-later
// Pickle length checks: a string longer than its pickle is refused before torch allocates it, a sound archive
// passes, and a checkpoint whose archive was damaged that way fails with the JSON file and the record named.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "train/checkpoint.h"
#include "train/pickle_scan.h"
#include "zip_bytes.h"

using namespace ft;
namespace fs = std::filesystem;

namespace {
void check(const std::string& pickle) {
    check_pickle_lengths(reinterpret_cast<const unsigned char*>(pickle.data()), pickle.size(), "test.pkl");
}
std::string message_of(const std::string& pickle) {
    try {
        check(pickle);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}
}  // namespace

TEST(PickleScan, StringsThatFitPass) {
    // PROTO 2, BINUNICODE "ab", SHORT_BINBYTES 3 bytes, TUPLE2, STOP
    const std::string pickle(
        "\x80\x02X\x02\x00\x00\x00"
        "abC\x03xyz\x86.",
        16);
    EXPECT_NO_THROW(check(pickle));
}

TEST(PickleScan, AStringLongerThanThePickleIsRefusedWithItsLength) {
    const std::string pickle(
        "\x80\x02X\x00\x00\x00\x7b"
        "ab.",
        10);  // BINUNICODE of 0x7b000000 bytes
    const std::string m = message_of(pickle);
    EXPECT_NE(m.find("test.pkl"), std::string::npos) << m;
    EXPECT_NE(m.find("declares 2063597568 bytes"), std::string::npos) << m;
    EXPECT_NE(m.find("has 3 left"), std::string::npos) << m;
}

TEST(PickleScan, EightByteLengthsDoNotOverflow) {
    // BINBYTES8 with 2^63 + 1: the sum with the position must not wrap around to a small number.
    const std::string pickle(
        "\x80\x04\x8e\x01\x00\x00\x00\x00\x00\x00\x80"
        "abc.",
        15);
    EXPECT_NE(message_of(pickle).find("declares 9223372036854775809 bytes"), std::string::npos);
}

TEST(PickleScan, LengthsAfterLinesAndFixedArgumentsAreFound) {
    // GLOBAL (two lines), BININT (4 bytes), then SHORT_BINUNICODE claiming 200 bytes of 3.
    const std::string pickle(
        "\x80\x02"
        "cmod\nname\n"
        "J\x01\x02\x03\x04"
        "\x8c\xc8"
        "abc",
        22);
    EXPECT_NE(message_of(pickle).find("declares 200 bytes"), std::string::npos);
}

TEST(PickleScan, WhatFollowsStopOrAnUnknownOpcodeIsLeftToTheUnpickler) {
    EXPECT_NO_THROW(check(std::string("N.X\xff\xff\xff\xff", 7)));
    EXPECT_NO_THROW(check(std::string("\xffX\xff\xff\xff\xff", 6)));
    EXPECT_NO_THROW(check(std::string("X\xff\xff", 3)));  // truncated length: torch reports the end of data
}

namespace {

// A checkpoint whose data.pkl claims a 2 GB string; `rename`: its directory entry spelled "daTa.pkl", which torch's
// zip reader (matching names without regard to case) still reads as data.pkl.
void expect_damaged_string_refused(const std::string& dir_name, bool rename) {
    const auto dir = fs::temp_directory_path() / dir_name;
    fs::remove_all(dir);
    save_checkpoint(dir.string(), "state", {{"step", 3}}, {{"w", torch::randn({4, 4})}});
    const fs::path pt = dir / "state-0.pt";
    EXPECT_NO_THROW(check_archive_pickles(pt.string()));
    std::string bytes = zip_test::read_bytes(pt);
    // The archive's records are stored, not compressed: the key "t0" appears in data.pkl as BINUNICODE.
    const size_t at = bytes.find(std::string("X\x02\x00\x00\x00t0", 7));
    ASSERT_NE(at, std::string::npos);
    bytes[at + 4] = '\x7b';
    if (rename) {
        const size_t header = zip_test::central_header(bytes, "/data.pkl");
        ASSERT_NE(header, std::string::npos);
        const size_t name_end = header + 46 + zip_test::le16(bytes, header + 28);
        bytes[name_end - 6] = 'T';
    }
    zip_test::write_bytes(pt, bytes);
    nlohmann::json meta;
    TensorMap back;
    try {
        load_checkpoint(dir.string(), "state", meta, back);
        FAIL() << "a damaged archive loaded";
    } catch (const std::runtime_error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("state.json"), std::string::npos) << m;
        EXPECT_NE(m.find("data.pkl"), std::string::npos) << m;
        EXPECT_NE(m.find("declares 2063597570 bytes"), std::string::npos) << m;
    }
    fs::remove_all(dir);
}

}  // namespace

TEST(PickleScan, ACheckpointWithADamagedStringLengthFailsNamingTheFiles) {
    expect_damaged_string_refused("ft_pickle_scan", false);
    expect_damaged_string_refused("ft_pickle_scan_case", true);
}

TEST(PickleScan, MemoEntriesStoredInOrderPassAndOneFarAheadIsRefused) {
    // BINPUT 0, BINPUT 1, MEMOIZE (entry 2), LONG_BINPUT 3 overwriting nothing, BINPUT 1 again: all in order.
    EXPECT_NO_THROW(
        check(std::string("\x80\x02N"
                          "q\x00"
                          "q\x01"
                          "\x94"
                          "r\x03\x00\x00\x00"
                          "q\x01.",
                          16)));
    // LONG_BINPUT 1717924447 after one entry: the unpickler would reserve room for 3.4e9 values.
    const std::string m =
        message_of(std::string("\x80\x02N"
                               "q\x00"
                               "r\x5f\x72\x65\x66.",
                               11));
    EXPECT_NE(m.find("stores memo entry 1717924447 after 1 entries"), std::string::npos) << m;
}

TEST(PickleScan, PopsBeyondTheStackOrItsMarkAreRefused) {
    EXPECT_NE(message_of(std::string("\x80\x02"
                                     "b.",
                                     4))
                  .find("needs 2 items on the stack above its mark, and has 0"),
              std::string::npos);
    // SETITEMS without a MARK, and an APPENDS whose mark has no list under it.
    EXPECT_NE(message_of(std::string("\x80\x02}Nu.", 6)).find("pops to a mark, but none is set"), std::string::npos);
    EXPECT_NE(message_of(std::string("\x80\x02(Ne.", 6)).find("needs an item under its mark"), std::string::npos);
    // REDUCE whose arguments sit above a mark its callable is under.
    EXPECT_NE(message_of(std::string("\x80\x02N(N\x85R.", 8)).find("needs 2 items"), std::string::npos);
    // The same shapes done right: a dict filled by SETITEMS, a list by APPENDS, a call by REDUCE.
    EXPECT_NO_THROW(check(std::string("\x80\x02}(NNu.", 7)));
    EXPECT_NO_THROW(check(std::string("\x80\x02](NNe.", 7)));
    EXPECT_NO_THROW(
        check(std::string("\x80\x02"
                          "cmod\nf\n(Nt\x81.",
                          14)));
}
