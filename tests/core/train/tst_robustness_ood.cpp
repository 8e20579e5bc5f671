// SPDX-License-Identifier: GPL-3.0-or-later
// Robustness and out-of-distribution evaluation on tiny data with a fixed predictor: pooled metrics over
// corrupted sets of equal size equal the mean of the per-set accuracy and NLL, sets are deterministic and
// reported per member and for the ensemble, CIFAR-C folders are read, OoD sets are normalised like the training
// data, and the test set against itself gives AUROC 0.5.
#include <gtest/gtest.h>

#include <cmath>

#include "data/corruptions.h"
#include "eval_fixtures.h"
#include "ft/config/eval_sets.h"
#include "train/evaluator.h"
#include "train/ood_eval.h"
#include "train/robustness_eval.h"

using namespace ft;
using eval_test::TempFolder;

namespace {

// 1-channel 8 x 8 images in pixel space, normalised with mean 0.5, stdev 0.25; 3 classes.
DatasetBundle tiny_images(int64_t n) {
    DatasetBundle b;
    b.name = "tiny";
    b.classes = 3;
    b.input_shape = {1, 8, 8};
    b.mean = {0.5f};
    b.stdev = {0.25f};
    torch::manual_seed(3);
    const auto pixels = torch::rand({n, 1, 8, 8});
    b.test = {normalised_from_pixels(pixels, b.mean, b.stdev), torch::arange(n, torch::kInt64) % 3};
    b.train = b.test;
    return b;
}

// Member m: softmax over (mean of the image's left half, right half, mean brightness) scaled by 3 + m, so members
// differ and corruptions change their predictions.
std::vector<std::vector<float>> predict_two(const Split& s) {
    std::vector<std::vector<float>> out;
    for (int m = 0; m < 2; ++m) {
        const auto x = s.x.reshape({s.size(), 8, 8});
        const auto left = x.narrow(2, 0, 4).mean({1, 2}), right = x.narrow(2, 4, 4).mean({1, 2}), all = x.mean({1, 2});
        const auto logits = torch::stack({left, right, 0.5 * all}, 1) * (3.0 + m);
        const auto p = torch::softmax(logits, 1).contiguous();
        out.emplace_back(p.data_ptr<float>(), p.data_ptr<float>() + p.numel());
    }
    return out;
}

RunConfig config_for(const std::string& corruptions, std::vector<int64_t> severities) {
    RunConfig c;
    c.eval.corruptions = corruptions;
    c.eval.severities = std::move(severities);
    c.eval.corruption_samples = 30;
    c.ensemble.seeds = {5};
    return c;
}

}  // namespace

TEST(Robustness, CorruptionTypesMatchTheGenerators) { EXPECT_EQ(corruption_types(), corruption_names()); }

TEST(Robustness, PooledEqualsTheMeanOverSetsOfEqualSize) {
    const auto data = tiny_images(40);  // corruption_samples = 30: the first 30 test images
    const auto config = config_for("gaussian_noise,contrast,pixelate", {1, 3, 5});
    EventRecorder events;
    const auto r = evaluate_robustness(config, data, 2, predict_two, events);
    EXPECT_EQ(r.source, "generated");
    EXPECT_TRUE(r.skipped.empty());
    EXPECT_EQ(r.samples_per_set, 30);
    ASSERT_EQ(r.sets.size(), 9u);
    EXPECT_EQ(r.sets[0].type, "gaussian_noise");
    EXPECT_EQ(r.sets[2].severity, 5);
    ASSERT_EQ(r.pooled_members.size(), 2u);
    for (size_t m = 0; m < 2; ++m) {
        double acc = 0, nll = 0;
        for (const auto& s : r.sets) {
            EXPECT_EQ(s.members[m].n, 30);
            acc += s.members[m].accuracy;
            nll += s.members[m].nll;
        }
        EXPECT_EQ(r.pooled_members[m].n, 270);
        EXPECT_NEAR(r.pooled_members[m].accuracy, acc / 9.0, 1e-12);
        EXPECT_NEAR(r.pooled_members[m].nll, nll / 9.0, 1e-9);
    }
    double acc = 0;
    for (const auto& s : r.sets) acc += s.ensemble.accuracy;
    EXPECT_NEAR(r.pooled_ensemble.accuracy, acc / 9.0, 1e-12);

    // One report per member and for the ensemble, per set and pooled, with the reliability bins.
    const auto reports = events.of_type<EvalReport>();
    ASSERT_EQ(reports.size(), 3u * (9 + 1));
    EXPECT_EQ(reports[0].split, EvalSplit::corrupted("gaussian_noise", 1));
    EXPECT_EQ(reports[0].member, 0);
    EXPECT_EQ(reports[2].member, -1);
    EXPECT_EQ(reports[2].metrics.reliability.size(), 14u);
    EXPECT_EQ(reports.back().split, EvalSplit::corrupted_pooled());
    EXPECT_EQ(reports.back().member, -1);
    EXPECT_EQ(reports.back().metrics.ece, r.pooled_ensemble.ece);

    const auto j = robustness_json(r);
    EXPECT_EQ(j["sets"].size(), 9u);
    EXPECT_EQ(j["pooled"]["members"].size(), 2u);
    EXPECT_EQ(j["pooled"]["ensemble"]["n"], 270);
}

TEST(Robustness, DeterministicAndSeverityMatters) {
    const auto data = tiny_images(30);
    const auto config = config_for("gaussian_noise", {1, 5});
    EventRecorder a, b;
    const auto r1 = evaluate_robustness(config, data, 2, predict_two, a);
    const auto r2 = evaluate_robustness(config, data, 2, predict_two, b);
    ASSERT_EQ(r1.sets.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(r1.sets[i].ensemble.nll, r2.sets[i].ensemble.nll);
        EXPECT_EQ(r1.sets[i].members[1].ece, r2.sets[i].members[1].ece);
    }
    // Severity 5 noise moves the inputs further than severity 1: the predictions change more.
    EXPECT_NE(r1.sets[0].ensemble.nll, r1.sets[1].ensemble.nll);
}

TEST(Robustness, SkippedForFeatureDataAndForNone) {
    auto data = tiny_images(10);
    data.input_shape = {2};
    EventRecorder events;
    auto r = evaluate_robustness(config_for("all", {1}), data, 2, predict_two, events);
    EXPECT_NE(r.skipped.find("feature vectors"), std::string::npos);
    EXPECT_TRUE(events.of_type<EvalReport>().empty());
    EXPECT_EQ(robustness_json(r)["skipped"], r.skipped);
    r = evaluate_robustness(config_for("none", {1}), tiny_images(10), 2, predict_two, events);
    EXPECT_FALSE(r.skipped.empty());
}

TEST(Robustness, CancelledStopsBetweenSets) {
    RunControl control;
    control.cancel();
    EventRecorder events;
    const auto r =
        evaluate_robustness(config_for("contrast", {1, 2}), tiny_images(10), 2, predict_two, events, &control);
    EXPECT_TRUE(r.cancelled);
    EXPECT_TRUE(r.sets.empty());
    EXPECT_TRUE(robustness_json(r)["cancelled"].get<bool>());
}

TEST(Robustness, ReadsACifarCFolder) {
    TempFolder dir;
    // 5 severities x 4 images of 32 x 32 x 3; the pixel value encodes severity and image.
    auto value = [](int64_t i, int64_t, int64_t, int64_t ch) { return 10 * i + ch; };
    eval_test::write_bytes(dir.file("fog.npy"), eval_test::npy_images(20, 32, 32, 3, value));
    eval_test::write_bytes(dir.file("contrast.npy"), eval_test::npy_images(20, 32, 32, 3, value));
    eval_test::write_bytes(dir.file("labels.npy"), eval_test::npy_labels(std::vector<int64_t>(20, 1)));
    EXPECT_EQ(cifar_c_files(dir.path().string()),
              (std::vector<std::string>{dir.file("contrast.npy"), dir.file("fog.npy")}));

    DatasetBundle data;
    data.name = "cifar10";
    data.classes = 10;
    data.input_shape = {3, 32, 32};
    data.mean = {0.5f, 0.5f, 0.5f};
    data.stdev = {0.25f, 0.25f, 0.25f};
    RunConfig c;
    c.eval.cifar_c_path = dir.path().string();
    c.eval.severities = {2, 4};
    c.eval.corruption_samples = 3;
    std::vector<float> seen_first_pixel;
    const MemberPredictor predict = [&](const Split& s) {
        seen_first_pixel.push_back(s.x[0][0][0][0].item<float>());
        EXPECT_EQ(s.size(), 3);
        EXPECT_EQ(s.y[0].item<int64_t>(), 1);
        return std::vector<std::vector<float>>{std::vector<float>(size_t(s.size() * 10), 0.1f)};
    };
    EventRecorder events;
    const auto r = evaluate_robustness(c, data, 1, predict, events);
    EXPECT_EQ(r.source, dir.path().string());
    ASSERT_EQ(r.sets.size(), 4u);
    EXPECT_EQ(r.sets[0].type, "contrast");
    EXPECT_EQ(r.sets[3].type, "fog");
    EXPECT_EQ(r.sets[3].severity, 4);
    // Severity 2 starts at image 4 (value 40): normalised like the training data, (40/255 - 0.5) / 0.25.
    ASSERT_EQ(seen_first_pixel.size(), 4u);
    EXPECT_NEAR(seen_first_pixel[0], (40.0 / 255.0 - 0.5) / 0.25, 1e-6);
    EXPECT_NEAR(seen_first_pixel[1], (120.0 / 255.0 - 0.5) / 0.25, 1e-6);

    std::filesystem::remove(dir.file("labels.npy"));
    try {
        cifar_c_files(dir.path().string());
        FAIL() << "a folder without labels.npy must be refused";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find(dir.file("labels.npy")), std::string::npos) << e.what();
    }
    EXPECT_THROW(cifar_c_files(dir.file("missing")), DataError);
}

TEST(Ood, TestSetAgainstItselfGivesHalf) {
    const auto data = tiny_images(30);
    const auto in = predict_two(data.test);
    EventRecorder events;
    const auto e = evaluate_ood({OodSet{"itself", "itself", data.test}}, in, data.classes, predict_two, events);
    EXPECT_EQ(e.n_in, 30);
    ASSERT_EQ(e.sets.size(), 1u);
    EXPECT_DOUBLE_EQ(e.sets[0].ensemble.auroc_msp, 0.5);
    EXPECT_DOUBLE_EQ(e.sets[0].ensemble.auroc_entropy, 0.5);
    for (const auto& m : e.sets[0].members) EXPECT_DOUBLE_EQ(m.auroc_msp, 0.5);
    // The strictest threshold keeping 95% of the in-distribution keeps at least 95% of the same set.
    EXPECT_GE(e.sets[0].ensemble.fpr95_msp, 0.95);
    const auto reports = events.of_type<EvalReport>();
    ASSERT_EQ(reports.size(), 3u);
    EXPECT_EQ(reports[2].split, EvalSplit::ood("itself"));
    EXPECT_EQ(reports[2].member, -1);
    ASSERT_TRUE(reports[2].ood.has_value());
    EXPECT_EQ(reports[2].metrics.n, 30);
    EXPECT_EQ(ood_json(e)["sets"][0]["ensemble"]["auroc_msp"], 0.5);
}

TEST(Ood, SeparableSetScoresHigh) {
    const auto data = tiny_images(30);
    // Constant images: both halves equal, the predictions are as uncertain as they get.
    const Split flat{torch::zeros({30, 1, 8, 8}), torch::zeros({30}, torch::kInt64)};
    EventRecorder events;
    const auto e = evaluate_ood({OodSet{"flat", "flat", flat}}, predict_two(data.test), 3, predict_two, events);
    EXPECT_GT(e.sets[0].ensemble.auroc_msp, 0.9);
    EXPECT_GT(e.sets[0].ensemble.auroc_entropy, 0.9);
}

TEST(Ood, SetsAreNormalisedLikeTheTrainingData) {
    TempFolder dir;
    const std::string mnist = dir.file("mnist");
    eval_test::write_mnist_folder(mnist, 4, 6, 3, 1);
    eval_test::write_bytes(
        dir.file("other.npy"),
        eval_test::npy_images(5, 28, 28, 1, [](int64_t i, int64_t y, int64_t, int64_t) { return i + y; }));
    RunConfig c;
    c.data.name = "fashion-mnist";
    c.model.name = "lenet5";
    c.eval.ood_sets = "gaussian,uniform,mnist:" + mnist + ",npy:" + dir.file("other.npy");
    c.eval.ood_samples = 5;
    DatasetBundle train;  // what load_dataset gives for Fashion-MNIST, without reading it
    train.name = "fashion-mnist";
    train.classes = 10;
    train.input_shape = {1, 28, 28};
    train.mean = {0.2860f};
    train.stdev = {0.3530f};
    train.test = {torch::zeros({7, 1, 28, 28}), torch::zeros({7}, torch::kInt64)};
    const auto sets = load_ood_sets(c, train);
    ASSERT_EQ(sets.size(), 4u);
    EXPECT_EQ(sets[0].name, "gaussian");
    EXPECT_EQ(sets[2].name, "mnist");
    EXPECT_EQ(sets[3].name, "other");
    for (const auto& s : sets) EXPECT_EQ(s.split.x.sizes(), (std::vector<int64_t>{5, 1, 28, 28})) << s.name;
    // Every set, back in pixel space with the TRAINING statistics, lies in [0, 1].
    for (const auto& s : sets) {
        const auto p = pixels_from_normalised(s.split.x, train.mean, train.stdev);
        EXPECT_GE(p.min().item<float>(), -1e-5f) << s.name;
        EXPECT_LE(p.max().item<float>(), 1.0f + 1e-5f) << s.name;
    }
    // The .npy pixel (i + y) / 255 with the training statistics.
    EXPECT_NEAR(sets[3].split.x[2][0][3][0].item<float>(), ((2 + 3) / 255.0 - 0.2860) / 0.3530, 1e-5);
    // ood_samples = 0: as many as the test set.
    c.eval.ood_samples = 0;
    c.eval.ood_sets = "uniform";
    EXPECT_EQ(load_ood_sets(c, train)[0].split.size(), 7);
}

TEST(Ood, MissingFilesNameThePath) {
    RunConfig c;
    c.data.name = "fashion-mnist";
    c.model.name = "lenet5";
    DatasetBundle train;
    train.classes = 10;
    train.input_shape = {1, 28, 28};
    train.mean = {0.2860f};
    train.stdev = {0.3530f};
    train.test = {torch::zeros({3, 1, 28, 28}), torch::zeros({3}, torch::kInt64)};
    for (const std::string set : {"mnist:/no/such/mnist", "npy:/no/such/file.npy"}) {
        c.eval.ood_sets = set;
        try {
            load_ood_sets(c, train);
            FAIL() << set << " must fail";
        } catch (const DataError& e) {
            EXPECT_NE(std::string(e.what()).find("/no/such/"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("eval.ood_sets"), std::string::npos) << e.what();
        }
    }
    TempFolder dir;  // a .npy of the wrong image size
    eval_test::write_bytes(dir.file("small.npy"), eval_test::npy_images(2, 8, 8, 1, [](auto...) { return 1; }));
    c.eval.ood_sets = "npy:" + dir.file("small.npy");
    try {
        load_ood_sets(c, train);
        FAIL();
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("1x8x8"), std::string::npos) << e.what();
    }
}
