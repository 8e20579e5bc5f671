// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets bench --store`: the run store's own costs, measured on generated data in a temporary folder (no
// training): creating many small runs, opening a store of them and listing it, the bytes a mask update takes,
// and reconstructing a layer's mask at an arbitrary update.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

namespace ft::cli {

struct StoreBenchOptions {
    int64_t runs = 1000;    // small runs in the listing store
    int64_t updates = 100;  // mask updates of the LeNet-5-sized run (after its initial mask)
    int64_t picks = 200;    // random (layer, update) reconstructions timed
    double density = 0.2;   // mask density of the generated updates
    double rate = 0.3;      // share of active weights pruned and regrown per update
    uint64_t seed = 1;
};

// Prints nothing; returns {"create_runs": {...}, "open_and_list": {...}, "mask_run": {...}, "mask_at": {...}}.
// Every reconstructed mask is compared with the generated one (mask_at.verified); a mismatch throws.
nlohmann::json run_store_bench(const StoreBenchOptions& options);

}  // namespace ft::cli
