// SPDX-License-Identifier: GPL-3.0-or-later
// Checkpoint files: round trip, generations replace each other, damage is reported with the file name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
