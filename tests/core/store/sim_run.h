// SPDX-License-Identifier: GPL-3.0-or-later
// A synthetic run published to an EventSink exactly as the run loop does (RunStarted after the initial masks,
// step metrics, mask updates with packed masks, epoch ends, tickets, evaluations, the end), with the truth kept
// for checking what the store gives back.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ft/train/events.h"
#include "store_test_util.h"

namespace store_test {

struct SimSpec {
    int64_t members = 2;
    int64_t steps = 200;        // per member
    int64_t update_every = 20;  // mask update period in steps
    int64_t steps_per_epoch = 50;
    std::vector<int64_t> layer_sizes = {300, 1000, 77};
    std::vector<std::string> layer_names = {"conv1.weight", "fc, \"odd\" name", "fc2.weight"};
    double density = 0.2;
    double move = 0.3;  // share of active weights moved per update
    unsigned seed = 1;
    bool finish = true;
};

struct SimTruth {
    // masks[member][update][layer]
    std::vector<std::vector<std::vector<std::vector<uint64_t>>>> masks;
    std::vector<std::vector<int64_t>> update_steps;  // [member][update]
    double loss(int64_t member, int64_t step) const { return 2.0 / double(step + 1) + 0.01 * double(member); }
};

inline SimTruth publish_sim_run(ft::EventSink& sink, const SimSpec& spec) {
    std::mt19937_64 rng(spec.seed);
    SimTruth truth;
    truth.masks.resize(size_t(spec.members));
    truth.update_steps.resize(size_t(spec.members));
    const size_t L = spec.layer_sizes.size();

    auto publish_mask = [&](int64_t member, int64_t step, bool initial) {
        auto& history = truth.masks[size_t(member)];
        std::vector<std::vector<uint64_t>> layers(L);
        ft::MaskUpdate u;
        u.member = member;
        u.step = step;
        u.epoch = step / spec.steps_per_epoch + 1;
        u.rate = initial ? 0 : spec.move;
        u.initial = initial;
        u.ever_active = 0.5;
        for (size_t l = 0; l < L; ++l) {
            const int64_t n = spec.layer_sizes[l];
            layers[l] =
                initial ? random_mask(n, spec.density, rng) : prune_regrow(history.back()[l], n, spec.move, rng);
            ft::LayerUpdate lu;
            lu.name = spec.layer_names[l % spec.layer_names.size()];
            lu.active = popcount(layers[l]);
            lu.total = n;
            lu.pruned = lu.regrown = initial ? 0 : int64_t(double(popcount(history.back()[l])) * spec.move);
            lu.bits = sink.wants_masks() ? layers[l] : std::vector<uint64_t>{};
            u.layers.push_back(std::move(lu));
        }
        history.push_back(std::move(layers));
        truth.update_steps[size_t(member)].push_back(step);
        sink.on_event(u);
    };

    for (int64_t m = 0; m < spec.members; ++m) {
        publish_mask(m, 0, true);
        if (m == 0) {
            ft::RunStarted s;
            s.method = ft::Method::DstEnsemble;
            s.plan.method = ft::Method::DstEnsemble;
            s.plan.members = spec.members;
            s.plan.total_steps = spec.members * spec.steps;
            s.plan.steps_per_epoch = spec.steps_per_epoch;
            s.device = "cpu";
            s.threads = 1;
            for (size_t l = 0; l < L; ++l)
                s.layers.push_back(
                    {spec.layer_names[l % spec.layer_names.size()], {spec.layer_sizes[l]}, spec.density, 1});
            sink.on_event(s);
        }
        sink.on_event(ft::PhaseChange{m, 0, 1, ft::Phase::Training, -1});
        for (int64_t step = 1; step <= spec.steps; ++step) {
            sink.on_event(
                ft::StepMetrics{m, step, step / spec.steps_per_epoch + 1, truth.loss(m, step), 0.5, 0.1, spec.move});
            if (step % spec.update_every == 0) publish_mask(m, step, false);
            if (step % spec.steps_per_epoch == 0) {
                const int64_t epoch = step / spec.steps_per_epoch;
                sink.on_event(ft::EpochEnd{m, epoch, step, 0.9, 0.6, 1.1, 0.55, 0.1, 0.25});
                if (epoch == 2) sink.on_event(ft::LrChange{m, step, epoch, 0.01});
            }
        }
        sink.on_event(ft::TicketCaptured{m, m, spec.steps, spec.steps / spec.steps_per_epoch, 0.55 + 0.01 * double(m),
                                         "best validation"});
    }
    sink.on_event(ft::LogLine{ft::LogLine::Warning, "a warning with \"quotes\"\nand a newline"});
    ft::ClassificationMetrics cm;
    cm.n = 100;
    cm.accuracy = 0.61;
    cm.nll = std::numeric_limits<double>::infinity();
    cm.brier = 0.4;
    cm.ece = 0.05;
    cm.mce = 0.2;
    cm.reliability = {{0.0, 0.5, 40, 0.3, 0.25}, {0.5, 1.0, 60, 0.8, 0.85}};
    for (int64_t m = 0; m < spec.members; ++m) sink.on_event(ft::EvalReport{m, ft::EvalSplit::test(), cm, {}, {}});
    ft::Matrix d(size_t(spec.members), std::vector<double>(size_t(spec.members), 0.25));
    sink.on_event(ft::EvalReport{-1, ft::EvalSplit::test(), cm, d, d});
    if (spec.finish) sink.on_event(ft::RunFinished{ft::RunStatus::Finished, "", 12.5});
    return truth;
}

}  // namespace store_test
