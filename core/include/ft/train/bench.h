// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmarks behind `freetickets bench`: figures, not tests (the machines are shared and noisy, so compare ratios
// measured side by side in one run).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ft {

struct BenchOptions {
    std::string model = "lenet5";
    // model "mlp" only: its hidden widths, on Fashion-MNIST-sized inputs (1x28x28), e.g. {1200, 1200} for the
    // 784-1200-1200-10 MLP; empty: the registry's widths on 2-D points.
    std::vector<int64_t> hidden;
    double density = 0.2;  // 1 = dense training (no masks)
    int64_t batch = 128;
    int64_t steps = 300;         // timed training steps (after a warm-up of 20); 0: no training
    int64_t update_every = 100;  // ΔT of the timed loop (0 = never update)
    int64_t threads = 0;         // 0 = all cores
    std::string device = "cpu";
    // "masked" (dense weights times the mask, as the reference) or "sparse" (Linear and Conv2d layers multiply only
    // their active weights) or "auto" (per layer the faster, timed as a run's sparse.execution = auto does). All mask
    // the momentum buffers, so they time the same training.
    std::string exec = "masked";
    // Inference: a 3-ticket ensemble at `density` with this execution, and one dense model, predicting this many
    // examples at batch 500 (0 = skip).
    int64_t inference_examples = 5000;
    // Prune-and-grow timing on every layer of `update_model` (0 repeats = skip): ours (selection) versus the
    // reference's per-layer full sort.
    std::string update_model = "wrn-28-10";
    int64_t update_repeats = 3;
};

// JSON: {model, density, exec, sparse_layers, auto_layers (auto: [[sparse, density, masked_s, sparse_s], ...]), batch,
// threads, device, steps, samples_per_s, seconds, inference {examples, ensemble3_ms, dense1_ms, ratio}, update {model,
// layers, weights, ours_ms, reference_sort_ms, speedup}, peak_rss_mb}. Throws std::invalid_argument for an unknown exec
// or sparse execution off the CPU.
nlohmann::json run_bench(const BenchOptions& options);

}  // namespace ft
