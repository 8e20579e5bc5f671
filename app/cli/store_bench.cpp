// SPDX-License-Identifier: GPL-3.0-or-later
#include "store_bench.h"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "ft/config/config_json.h"
#include "ft/config/presets.h"
#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"

namespace fs = std::filesystem;

namespace ft::cli {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct TempFolder {
    fs::path path;
    TempFolder() {
        std::string tmpl = (fs::temp_directory_path() / "ft-store-bench-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error(tmpl + ": cannot create a temporary folder");
        path = tmpl;
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// The file and its write-ahead log, if one is left.
int64_t store_bytes(const fs::path& file) {
    std::error_code ec;
    int64_t n = int64_t(fs::file_size(file, ec));
    const auto wal = fs::path(file.string() + "-wal");
    if (fs::exists(wal, ec)) n += int64_t(fs::file_size(wal, ec));
    return n;
}

// The LeNet-5 of the model zoo (Caffe variant): 430,500 maskable weights.
std::vector<LayerInfo> lenet5_layers(double density) {
    return {{"conv1.weight", {20, 1, 5, 5}, density, 576},
            {"conv2.weight", {50, 20, 5, 5}, density, 64},
            {"fc3.weight", {500, 800}, density, 1},
            {"fc4.weight", {10, 500}, density, 1}};
}

int64_t count(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (auto s : shape) n *= s;
    return n;
}

// A layer's mask that changes like a DST update: `rate` of the active weights pruned, as many regrown at random.
class GeneratedMask {
public:
    GeneratedMask(int64_t n, double density, std::mt19937_64& rng) : n_(n), bits_(size_t((n + 63) / 64), 0) {
        std::vector<int64_t> all(static_cast<size_t>(n));
        for (int64_t i = 0; i < n; ++i) all[size_t(i)] = i;
        std::shuffle(all.begin(), all.end(), rng);
        const auto k = size_t(std::max<int64_t>(1, int64_t(density * double(n))));
        active_.assign(all.begin(), all.begin() + std::ptrdiff_t(k));
        inactive_.assign(all.begin() + std::ptrdiff_t(k), all.end());
        for (auto i : active_) set(i, true);
    }
    // Returns the number of weights pruned (= regrown).
    int64_t update(double rate, std::mt19937_64& rng) {
        const auto r = std::min(size_t(rate * double(active_.size())), inactive_.size());
        std::vector<int64_t> pruned;
        for (size_t j = 0; j < r; ++j) pruned.push_back(take(active_, rng));
        for (size_t j = 0; j < r; ++j) {
            const int64_t i = take(inactive_, rng);
            set(i, true);
            active_.push_back(i);
        }
        for (auto i : pruned) {
            set(i, false);
            inactive_.push_back(i);
        }
        return int64_t(r);
    }
    const std::vector<uint64_t>& bits() const { return bits_; }
    int64_t active() const { return int64_t(active_.size()); }
    int64_t total() const { return n_; }

private:
    static int64_t take(std::vector<int64_t>& from, std::mt19937_64& rng) {
        std::uniform_int_distribution<size_t> pick(0, from.size() - 1);
        const size_t j = pick(rng);
        const int64_t i = from[j];
        from[j] = from.back();
        from.pop_back();
        return i;
    }
    void set(int64_t i, bool on) {
        const uint64_t bit = uint64_t{1} << (i % 64);
        if (on)
            bits_[size_t(i / 64)] |= bit;
        else
            bits_[size_t(i / 64)] &= ~bit;
    }
    int64_t n_;
    std::vector<uint64_t> bits_;
    std::vector<int64_t> active_, inactive_;
};

// Writes one run of `updates` + 1 mask updates through a StoreWriter, as a training run would. with_masks false
// writes the same counts without the packed masks (the baseline for the bytes the masks take). Returns the run
// id; `history` receives every layer's mask after every update when given.
int64_t write_mask_run(const std::string& path, const StoreBenchOptions& o, bool with_masks,
                       std::vector<std::vector<std::vector<uint64_t>>>* history, double* write_seconds) {
    std::mt19937_64 rng(o.seed);
    const auto layers = lenet5_layers(o.density);
    std::vector<GeneratedMask> masks;
    masks.reserve(layers.size());
    for (const auto& l : layers) masks.emplace_back(count(l.shape), o.density, rng);
    NewRun run;
    run.name = "bench-masks";
    run.method = Method::Dst;
    StoreWriter writer(path, run);
    const auto t0 = Clock::now();
    RunStarted started;
    started.method = Method::Dst;
    started.plan.method = Method::Dst;
    started.plan.total_steps = o.updates * 100;
    started.plan.steps_per_epoch = 100;
    started.layers = layers;
    started.device = "cpu";
    writer.on_event(started);
    for (int64_t u = 0; u <= o.updates; ++u) {
        MaskUpdate e;
        e.member = 0;
        e.step = u * 100;
        e.epoch = u + 1;
        e.rate = u == 0 ? 0 : o.rate;
        e.initial = u == 0;
        if (history) history->emplace_back();
        for (size_t k = 0; k < layers.size(); ++k) {
            LayerUpdate l;
            l.name = layers[k].name;
            l.pruned = l.regrown = u == 0 ? 0 : masks[k].update(o.rate, rng);
            l.active = masks[k].active();
            l.total = masks[k].total();
            if (with_masks) l.bits = masks[k].bits();
            if (history) history->back().push_back(masks[k].bits());
            e.layers.push_back(std::move(l));
        }
        writer.on_event(e);
    }
    writer.on_event(RunFinished{RunStatus::Finished, "", 0});
    writer.close();
    if (write_seconds) *write_seconds = seconds_since(t0);
    if (writer.failed()) throw std::runtime_error(writer.error());
    return writer.run_id();
}

}  // namespace

nlohmann::json run_store_bench(const StoreBenchOptions& o) {
    if (o.runs < 1 || o.updates < 1 || o.picks < 1) throw std::invalid_argument("bench --store: counts must be >= 1");
    TempFolder tmp;
    nlohmann::json out;

    // 1. Many small runs (a full config each, as `train` writes them), one transaction per run.
    const std::string list_path = (tmp.path / "runs.sqlite").string();
    const RunConfig config = config_from_json(preset_json("fashion-edst"), "preset fashion-edst");
    {
        auto t0 = Clock::now();
        RunStore store = RunStore::open(list_path);
        for (int64_t i = 0; i < o.runs; ++i) {
            const int64_t id = store.create_run(new_run_for(config, "bench run " + std::to_string(i)));
            store.set_status(id, RunStatus::Finished, "", 1.0);
        }
        const double s = seconds_since(t0);
        out["create_runs"] = {{"runs", o.runs}, {"seconds", s}, {"ms_per_run", 1000 * s / double(o.runs)}};
    }

    // 2. Opening the store and listing every run, as the run browser and `runs list` do (five times; the first
    //    one may read from disk).
    {
        std::vector<double> times;
        size_t listed = 0;
        for (int k = 0; k < 5; ++k) {
            const auto t0 = Clock::now();
            const RunStore store = RunStore::open(list_path, StoreMode::ReadOnly);
            listed = store.list_runs().size();
            times.push_back(seconds_since(t0));
        }
        double sum = 0;
        for (double t : times) sum += t;
        out["open_and_list"] = {{"runs", listed},
                                {"first_s", times.front()},
                                {"mean_s", sum / double(times.size())},
                                {"max_s", *std::max_element(times.begin(), times.end())},
                                {"target_s", 1.0}};
    }

    // 3. A LeNet-5-sized run with masks, and the same run without them: the difference is what masks cost.
    const std::string masks_path = (tmp.path / "masks.sqlite").string();
    const std::string plain_path = (tmp.path / "plain.sqlite").string();
    std::vector<std::vector<std::vector<uint64_t>>> history;
    double write_s = 0;
    const int64_t run = write_mask_run(masks_path, o, true, &history, &write_s);
    write_mask_run(plain_path, o, false, nullptr, nullptr);
    int64_t weights = 0;
    for (const auto& l : lenet5_layers(o.density)) weights += count(l.shape);
    const int64_t with_masks = store_bytes(masks_path), without = store_bytes(plain_path);
    const double per_update = double(with_masks - without) / double(o.updates + 1);
    out["mask_run"] = {{"weights", weights},
                       {"updates", o.updates + 1},
                       {"density", o.density},
                       {"rate", o.rate},
                       {"write_seconds", write_s},
                       {"store_bytes", with_masks},
                       {"store_bytes_without_masks", without},
                       {"bytes_per_update", per_update},
                       {"bytes_per_update_per_million_weights", per_update / (double(weights) / 1e6)},
                       {"raw_bits_bytes_per_update", double(weights) / 8}};

    // 4. Reconstructing a layer's mask at a random update, checked bit for bit.
    {
        const RunStore store = RunStore::open(masks_path, StoreMode::ReadOnly);
        std::mt19937_64 rng(o.seed + 1);
        std::uniform_int_distribution<int64_t> pick_update(0, o.updates);
        std::uniform_int_distribution<size_t> pick_layer(0, history.front().size() - 1);
        double sum = 0, worst = 0, sum_big = 0;
        int64_t big_picks = 0;
        const size_t biggest = 2;  // fc3, 400,000 weights
        for (int64_t k = 0; k < o.picks; ++k) {
            const int64_t u = pick_update(rng);
            const size_t layer = k % 4 == 0 ? biggest : pick_layer(rng);
            const auto t0 = Clock::now();
            const MaskBits m = store.mask_at(run, 0, int64_t(layer), u);
            const double s = seconds_since(t0);
            if (m.bits != history[size_t(u)][layer])
                throw std::runtime_error("bench --store: the mask of layer " + std::to_string(layer) + " at update " +
                                         std::to_string(u) + " was not reconstructed exactly");
            sum += s;
            worst = std::max(worst, s);
            if (layer == biggest) {
                sum_big += s;
                ++big_picks;
            }
        }
        out["mask_at"] = {{"picks", o.picks},
                          {"mean_ms", 1000 * sum / double(o.picks)},
                          {"max_ms", 1000 * worst},
                          {"largest_layer_mean_ms", big_picks ? 1000 * sum_big / double(big_picks) : 0.0},
                          {"verified", true}};
    }
    return out;
}

}  // namespace ft::cli
