// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint tensor packing: masks as bits, mostly-zero tensors as a bitmap and values, the rest dense; decoding
// gives the same values, and pieces that do not fit together are refused with what was expected.
#include <gtest/gtest.h>

#include <limits>

#include <torch/torch.h>

#include "train/tensor_packing.h"

using namespace ft;

namespace {

// A 0/1 mask of the given density over `shape`, drawn with a fixed seed.
torch::Tensor mask_of(std::vector<int64_t> shape, double density) {
    torch::manual_seed(3);
    return torch::rand(shape).lt(density).to(torch::kFloat);
}

torch::Tensor round_trip(const torch::Tensor& t) {
    PackedTensor packed = pack_tensor(t);
    PackedTensor back = packing_from_json(packing_to_json(packed));
    back.data = packed.data;
    back.values = packed.values;
    return unpack_tensor(back);
}

}  // namespace

TEST(TensorPacking, AMaskBecomesOneBitPerEntry) {
    const auto mask = mask_of({37, 29}, 0.1);  // 1073 entries: the last byte is partly used
    const PackedTensor p = pack_tensor(mask);
    EXPECT_EQ(p.encoding, "bits");
    EXPECT_EQ(p.data.scalar_type(), torch::kUInt8);
    EXPECT_EQ(p.data.numel(), (37 * 29 + 7) / 8);
    const auto back = round_trip(mask);
    EXPECT_EQ(back.sizes(), mask.sizes());
    EXPECT_EQ(back.scalar_type(), torch::kFloat);
    EXPECT_TRUE(torch::equal(back, mask));
}

TEST(TensorPacking, BitOrderIsEntryIInBitIModEight) {
    auto mask = torch::zeros({64});
    mask[0] = 1;
    mask[9] = 1;
    mask[63] = 1;
    const PackedTensor p = pack_tensor(mask);
    ASSERT_EQ(p.encoding, "bits");
    EXPECT_EQ(p.data[0].item<int>(), 1);
    EXPECT_EQ(p.data[1].item<int>(), 2);
    EXPECT_EQ(p.data[7].item<int>(), 128);
    EXPECT_EQ(p.data.sum().item<int>(), 131);
}

TEST(TensorPacking, BoolTensorsComeBackAsBool) {
    const auto ever = mask_of({100}, 0.5).to(torch::kBool);
    const auto back = round_trip(ever);
    EXPECT_EQ(back.scalar_type(), torch::kBool);
    EXPECT_TRUE(torch::equal(back, ever));
}

TEST(TensorPacking, SparseWeightsKeepOnlyTheirNonzeroValues) {
    const auto mask = mask_of({50, 40}, 0.1);
    torch::manual_seed(4);
    auto w = torch::randn({50, 40}) * mask;
    w[0][0] = std::numeric_limits<float>::infinity();  // unusual values are values like any other
    const PackedTensor p = pack_tensor(w);
    EXPECT_EQ(p.encoding, "sparse");
    EXPECT_EQ(p.values.numel(), w.ne(0).sum().item<int64_t>());
    EXPECT_TRUE(torch::equal(round_trip(w), w));
}

TEST(TensorPacking, NegativeZeroComesBackAsZero) {
    auto w = torch::zeros({80});
    w[3] = 0.5;
    w[5] = -0.0;
    const auto back = round_trip(w);
    EXPECT_EQ(back[5].item<float>(), 0.0f);
    EXPECT_TRUE(torch::equal(back, w));  // -0 == +0: the same numbers
}

TEST(TensorPacking, DenseSmallAndOtherTypesStayAsTheyAre) {
    torch::manual_seed(5);
    const auto dense = torch::randn({30, 30});
    EXPECT_EQ(pack_tensor(dense).encoding, "dense");
    EXPECT_EQ(pack_tensor(torch::zeros({8})).encoding, "dense");  // under 64 entries
    EXPECT_EQ(pack_tensor(torch::zeros({100}, torch::kInt64)).encoding, "dense");
    EXPECT_EQ(pack_tensor(torch::zeros({100}, torch::kDouble)).encoding, "dense");
    // Half nonzero: a bitmap and values would save too little.
    EXPECT_EQ(pack_tensor(torch::randn({100}) * mask_of({100}, 0.8)).encoding, "dense");
    EXPECT_TRUE(torch::equal(round_trip(dense), dense));
}

TEST(TensorPacking, ABitmapOfTheWrongLengthIsRefused) {
    PackedTensor p = pack_tensor(mask_of({10, 10}, 0.2));
    p.data = p.data.narrow(0, 0, 12);
    try {
        unpack_tensor(p);
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("13 bytes"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("[10, 10]"), std::string::npos) << e.what();
    }
    p = pack_tensor(mask_of({10, 10}, 0.2));
    p.data = p.data.to(torch::kFloat);
    EXPECT_THROW(unpack_tensor(p), std::runtime_error);
}

TEST(TensorPacking, ValuesThatDoNotMatchTheBitmapAreRefused) {
    const auto mask = mask_of({20, 20}, 0.1);
    PackedTensor p = pack_tensor(torch::randn({20, 20}) * mask);
    ASSERT_EQ(p.encoding, "sparse");
    const int64_t count = p.values.numel();
    p.values = p.values.narrow(0, 0, count - 1);
    try {
        unpack_tensor(p);
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(std::to_string(count) + " float32"), std::string::npos) << e.what();
    }
    p.values = torch::Tensor();
    EXPECT_THROW(unpack_tensor(p), std::runtime_error);
}

TEST(TensorPacking, ImpossibleDescriptionsAreRefused) {
    const auto refused = [](const nlohmann::json& j) {
        try {
            packing_from_json(j);
        } catch (const std::runtime_error&) {
            return true;
        }
        return false;
    };
    EXPECT_TRUE(refused({{"encoding", "zstd"}}));
    EXPECT_TRUE(refused({{"encoding", "bits"}, {"shape", {3, -1}}, {"dtype", "float32"}}));
    EXPECT_TRUE(refused({{"encoding", "bits"}, {"shape", "3"}, {"dtype", "float32"}}));
    EXPECT_TRUE(refused({{"encoding", "sparse"}, {"shape", {3}}, {"dtype", "bool"}}));
    EXPECT_TRUE(refused({{"encoding", "bits"}, {"shape", {3}}, {"dtype", "int64"}}));
    EXPECT_TRUE(refused(nlohmann::json::array()));
    EXPECT_FALSE(refused({{"encoding", "bits"}, {"shape", {3}}, {"dtype", "bool"}}));
    // A shape whose entry count overflows is refused when unpacked, before anything is allocated.
    PackedTensor p = packing_from_json(
        {{"encoding", "bits"}, {"shape", {int64_t{1} << 40, int64_t{1} << 40}}, {"dtype", "float32"}});
    p.data = torch::zeros({4}, torch::kUInt8);
    EXPECT_THROW(unpack_tensor(p), std::runtime_error);
}

// A layer large enough to be packed by several threads at once (the bitmap is filled a byte range per task): the
// bits, the values in order and the round trip are the same as entry by entry, whatever the thread count.
TEST(TensorPacking, LargeTensorsPackTheSameOnAnyNumberOfThreads) {
    const int64_t n = 300'007;  // not a multiple of 8 or of a task
    auto w = torch::randn({n}) * mask_of({n}, 0.1);
    w[5] = std::numeric_limits<float>::quiet_NaN();
    w[6] = -0.0f;
    const auto w_set = w.ne(0);
    for (int threads : {1, 3}) {
        at::set_num_threads(threads);
        const PackedTensor packed = pack_tensor(w);
        ASSERT_EQ(packed.encoding, "sparse");
        ASSERT_EQ(packed.data.numel(), (n + 7) / 8);
        const uint8_t* bytes = packed.data.data_ptr<uint8_t>();
        const bool* set = w_set.data_ptr<bool>();
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(bool(bytes[i / 8] >> (i % 8) & 1), set[i]) << "entry " << i;
        EXPECT_TRUE(torch::equal(packed.values.isnan(), w.masked_select(w_set).isnan()));
        EXPECT_TRUE(torch::equal(packed.values.nan_to_num(7.0), w.masked_select(w_set).nan_to_num(7.0)));
        const auto back = round_trip(w);
        EXPECT_TRUE(torch::equal(back.nan_to_num(7.0), w.nan_to_num(7.0)));
        // Bits past the last entry (n is not a multiple of 8) are no entries: set, they change nothing.
        PackedTensor junk = pack_tensor(w);
        junk.data = junk.data.clone();
        const int past = 0xff << (n % 8) & 0xff;  // n % 8 = 7: bit 7 of the last byte
        junk.data[junk.data.numel() - 1] = uint8_t(junk.data[junk.data.numel() - 1].item<uint8_t>() | past);
        EXPECT_TRUE(torch::equal(unpack_tensor(junk).nan_to_num(7.0), w.nan_to_num(7.0)));
        const auto mask = mask_of({n}, 0.3);
        const PackedTensor bits = pack_tensor(mask);
        ASSERT_EQ(bits.encoding, "bits");
        EXPECT_TRUE(torch::equal(round_trip(mask), mask));
    }
    at::set_num_threads(1);
}
