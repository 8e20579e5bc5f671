// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint files: round trip, generations replace each other, damage is reported with the file name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <torch/serialize.h>

#include "train/checkpoint.h"

using namespace ft;
namespace fs = std::filesystem;

TEST(Checkpoint, RoundTripKeepsTensorsAndMeta) {
    const auto dir = fs::temp_directory_path() / "ft_ckpt_roundtrip";
    fs::remove_all(dir);
    TensorMap t = {{"param.fc1.weight", torch::randn({3, 4})}, {"mask.fc1", torch::ones({3, 4})}};
    save_checkpoint(dir.string(), "state", {{"step", 42}}, t);
    nlohmann::json meta;
    TensorMap back;
    ASSERT_TRUE(load_checkpoint(dir.string(), "state", meta, back));
    EXPECT_EQ(meta["step"], 42);
    ASSERT_EQ(back.size(), 2u);
    EXPECT_TRUE(torch::equal(back["param.fc1.weight"], t["param.fc1.weight"]));
}

TEST(Checkpoint, NewGenerationReplacesTheOldFile) {
    const auto dir = fs::temp_directory_path() / "ft_ckpt_gen";
    fs::remove_all(dir);
    save_checkpoint(dir.string(), "state", {{"step", 1}}, {{"a", torch::zeros({2})}});
    save_checkpoint(dir.string(), "state", {{"step", 2}}, {{"a", torch::ones({2})}});
    int pt_files = 0;
    for (const auto& e : fs::directory_iterator(dir)) pt_files += e.path().extension() == ".pt";
    EXPECT_EQ(pt_files, 1);
    nlohmann::json meta;
    TensorMap back;
    ASSERT_TRUE(load_checkpoint(dir.string(), "state", meta, back));
    EXPECT_EQ(meta["step"], 2);
    EXPECT_TRUE(torch::equal(back["a"], torch::ones({2})));
}

TEST(Checkpoint, MissingIsFalseAndDamageNamesTheFile) {
    const auto dir = fs::temp_directory_path() / "ft_ckpt_damage";
    fs::remove_all(dir);
    nlohmann::json meta;
    TensorMap back;
    EXPECT_FALSE(load_checkpoint(dir.string(), "state", meta, back));
    save_checkpoint(dir.string(), "state", {{"step", 1}}, {{"a", torch::zeros({2})}});
    std::ofstream((dir / "state.json").string()) << "{ not json";
    try {
        load_checkpoint(dir.string(), "state", meta, back);
        FAIL();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("state.json"), std::string::npos);
    }
}

TEST(Checkpoint, RngStateRestoresTheSameDraws) {
    torch::manual_seed(5);
    const auto state = cpu_rng_state();
    const auto a = torch::rand({4});
    set_cpu_rng_state(state);
    EXPECT_TRUE(torch::equal(a, torch::rand({4})));
}

// A layer at density 0.1 saved as it trains: weights and momentum zero outside the mask. Stored dense that is 3 x
// 4 MB; packed, the mask is a bitmap and the other two a bitmap and their active values.
TEST(Checkpoint, ASparseLayersStateIsStoredPacked) {
    const auto dir = fs::temp_directory_path() / "ft_ckpt_packed";
    fs::remove_all(dir);
    torch::manual_seed(9);
    const auto mask = torch::rand({1000, 1000}).lt(0.1).to(torch::kFloat);
    TensorMap t = {{"mask.fc1", mask},
                   {"param.fc1.weight", torch::randn({1000, 1000}) * mask},
                   {"momentum.fc1.weight", torch::randn({1000, 1000}) * mask},
                   {"param.fc1.bias", torch::randn({1000})}};
    save_checkpoint(dir.string(), "state", {{"step", 7}}, t);
    nlohmann::json meta;
    TensorMap back;
    ASSERT_TRUE(load_checkpoint(dir.string(), "state", meta, back));
    for (const auto& [name, tensor] : t) {
        ASSERT_TRUE(back.count(name)) << name;
        EXPECT_TRUE(torch::equal(back[name], tensor)) << name;
    }
    EXPECT_EQ(meta["tensor_encodings"][0]["encoding"], "bits");  // names in map order: mask, momentum, bias, weight
    EXPECT_EQ(meta["tensor_encodings"][1]["encoding"], "sparse");
    EXPECT_EQ(meta["tensor_encodings"][2]["encoding"], "dense");
    const auto bytes = fs::file_size(dir / meta["tensor_file"].get<std::string>());
    // Dense: 12 MB. Packed: 3 bitmaps of 125 kB and 2 x 100k values of 4 bytes, about 1.2 MB.
    EXPECT_LT(bytes, 1'500'000u);
    EXPECT_GT(bytes, 1'000'000u);
}

// Checkpoints written before packing have no tensor_encodings: every tensor is read as it is.
TEST(Checkpoint, OlderCheckpointsWithoutEncodingsStillLoad) {
    const auto dir = fs::temp_directory_path() / "ft_ckpt_old";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto mask = torch::ones({100});
    torch::serialize::OutputArchive archive;
    archive.write("t0", mask);
    archive.save_to((dir / "state-0.pt").string());
    std::ofstream((dir / "state.json").string())
        << R"({"step": 3, "generation": 0, "tensor_file": "state-0.pt", "tensor_names": ["mask.fc1"]})";
    nlohmann::json meta;
    TensorMap back;
    ASSERT_TRUE(load_checkpoint(dir.string(), "state", meta, back));
    EXPECT_TRUE(torch::equal(back["mask.fc1"], mask));
}

TEST(Checkpoint, AnEncodingThatDoesNotFitNamesTheFileAndTensor) {
    const auto dir = fs::temp_directory_path() / "ft_ckpt_bad_encoding";
    fs::remove_all(dir);
    save_checkpoint(dir.string(), "state", {{"step", 1}}, {{"mask.fc1", torch::ones({100})}});
    nlohmann::json meta;
    {
        std::ifstream in((dir / "state.json").string());
        meta = nlohmann::json::parse(in);
    }
    meta["tensor_encodings"][0]["shape"] = {1000};  // the bitmap holds 100 entries
    std::ofstream((dir / "state.json").string()) << meta.dump();
    TensorMap back;
    try {
        load_checkpoint(dir.string(), "state", meta, back);
        FAIL();
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("state.json"), std::string::npos) << what;
        EXPECT_NE(what.find("tensor mask.fc1"), std::string::npos) << what;
        EXPECT_NE(what.find("125 bytes"), std::string::npos) << what;
    }
}
