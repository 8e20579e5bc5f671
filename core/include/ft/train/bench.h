// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmarks behind `freetickets bench`: figures, not tests (the machines are shared and noisy, so compare ratios
// measured side by side in one run).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace ft {

struct BenchOptions {
    std::string model = "lenet5";
    double density = 0.2;  // 1 = dense training (no masks)
    int64_t batch = 128;
    int64_t steps = 300;         // timed training steps (after a warm-up of 20)
    int64_t update_every = 100;  // ΔT of the timed loop (0 = never update)
    int64_t threads = 0;         // 0 = all cores
    std::string device = "cpu";
    // Prune-and-grow timing on every layer of `update_model` (0 repeats = skip): ours (selection) versus the
    // reference's per-layer full sort.
    std::string update_model = "wrn-28-10";
    int64_t update_repeats = 3;
};

// JSON: {model, density, batch, threads, device, steps, samples_per_s, seconds, update {model, layers, weights,
// ours_ms, reference_sort_ms, speedup}, peak_rss_mb}
nlohmann::json run_bench(const BenchOptions& options);

}  // namespace ft
