// SPDX-License-Identifier: GPL-3.0-or-later
// One weight across a run: mask_blob_bit reads single bits out of every kind of blob (keyframe and delta, bitset
// and positions) exactly as a full decode does, and RunStore::mask_bit_history gives a weight's state after every
// stored update, across keyframe boundaries, equal to the masks the run published.
#include <gtest/gtest.h>

#include <filesystem>

#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "sim_run.h"
#include "store/mask_codec.h"
#include "store_test_util.h"

using namespace ft::store_detail;
using store_test::random_mask;

namespace {
bool bit(const std::vector<uint64_t>& b, int64_t i) { return (b[size_t(i / 64)] >> (i % 64)) & 1; }
}  // namespace

TEST(MaskBlobBit, EveryBitOfEveryEncodingMatchesTheFullDecode) {
    std::mt19937_64 rng(11);
    for (int64_t n : {1, 63, 64, 65, 1000, 40000, 300001}) {
        for (double density : {0.0, 0.0005, 0.01, 0.2, 0.6, 1.0}) {
            const auto previous = random_mask(n, 0.3, rng);
            const auto mask = random_mask(n, density, rng);
            for (const std::vector<uint64_t>* base : {static_cast<const std::vector<uint64_t>*>(nullptr), &previous}) {
                const auto blob = encode_mask(mask, n, base);
                std::vector<uint64_t> payload;  // what the blob holds: the mask, or the XOR with the base
                for (size_t w = 0; w < mask.size(); ++w) payload.push_back(base ? mask[w] ^ (*base)[w] : mask[w]);
                std::vector<int64_t> probes = {0, n - 1, n / 2};
                for (int k = 0; k < 40; ++k) probes.push_back(int64_t(rng() % uint64_t(n)));
                for (int64_t i : probes)
                    ASSERT_EQ(mask_blob_bit(blob.data(), blob.size(), i), bit(payload, i))
                        << "n=" << n << " density=" << density << " delta=" << (base != nullptr) << " bit " << i
                        << " encoding " << int(mask_blob_info(blob.data(), blob.size()).encoding);
            }
        }
    }
}

TEST(MaskBlobBit, AnIndexOutsideTheMaskIsAnError) {
    std::mt19937_64 rng(3);
    const auto blob = encode_mask(random_mask(100, 0.5, rng), 100, nullptr);
    EXPECT_THROW(mask_blob_bit(blob.data(), blob.size(), 100), std::runtime_error);
    EXPECT_THROW(mask_blob_bit(blob.data(), blob.size(), -1), std::runtime_error);
}

TEST(MaskBitHistory, AWeightsStateAfterEveryUpdateEqualsThePublishedMasks) {
    const auto dir = std::filesystem::temp_directory_path() / "ft_mask_history_test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "runs.sqlite").string();
    store_test::SimSpec spec;
    spec.members = 1;
    spec.steps = 900;  // 46 updates: keyframes every 16, so histories cross keyframe boundaries
    spec.update_every = 20;
    spec.layer_sizes = {5000, 70};
    spec.move = 0.2;
    ft::NewRun nr;
    nr.name = "history";
    nr.method = ft::Method::Dst;
    nr.seeds = {1};
    store_test::SimTruth truth;
    int64_t id = 0;
    {
        ft::StoreWriter writer(path, nr);
        id = writer.run_id();
        truth = store_test::publish_sim_run(writer, spec);
        writer.close();
        ASSERT_FALSE(writer.failed()) << writer.error();
    }
    const auto store = ft::RunStore::open(path, ft::StoreMode::ReadOnly);
    const auto& updates = truth.masks[0];
    ASSERT_GT(updates.size(), size_t(32));
    for (size_t layer = 0; layer < spec.layer_sizes.size(); ++layer) {
        for (int64_t index : {int64_t(0), spec.layer_sizes[layer] / 3, spec.layer_sizes[layer] - 1}) {
            const auto history = store.mask_bit_history(id, 0, int64_t(layer), index);
            ASSERT_EQ(history.size(), updates.size());
            for (size_t k = 0; k < updates.size(); ++k)
                EXPECT_EQ(history[k], bit(updates[k][layer], index) ? 1 : 0)
                    << "layer " << layer << " weight " << index << " update " << k;
        }
    }
    // Stepping a mask forward update by update (across keyframes too) gives what mask_at gives.
    for (int64_t from : {int64_t(0), int64_t(14), int64_t(30)}) {
        ft::MaskBits bits = store.mask_at(id, 0, 0, from);
        for (int64_t to = from + 1; to < from + 5; ++to) {
            ASSERT_TRUE(store.mask_advance(id, 0, 0, to - 1, to, bits));
            EXPECT_EQ(bits.bits, updates[size_t(to)][0]) << "update " << to;
            EXPECT_EQ(bits.bits, store.mask_at(id, 0, 0, to).bits);
        }
    }
    ft::MaskBits bits = store.mask_at(id, 0, 1, 3);
    EXPECT_TRUE(store.mask_advance(id, 0, 1, 3, 20, bits));  // several at once
    EXPECT_EQ(bits.bits, updates[20][1]);
    EXPECT_FALSE(store.mask_advance(id, 0, 1, 20, 10, bits));                           // backwards: not this way
    EXPECT_FALSE(store.mask_advance(id, 0, 1, 20, int64_t(updates.size()) + 3, bits));  // past the end
    EXPECT_EQ(bits.bits, updates[20][1]);                                               // untouched by a refusal
    EXPECT_TRUE(store.mask_bit_history(id, 0, 0, spec.layer_sizes[0]).size() == updates.size());  // all unknown
    for (int8_t v : store.mask_bit_history(id, 0, 0, spec.layer_sizes[0])) EXPECT_EQ(v, -1);
    std::filesystem::remove_all(dir);
}
