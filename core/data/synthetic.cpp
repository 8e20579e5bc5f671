// SPDX-License-Identifier: GPL-3.0-or-later
// Synthetic 2-D sets for teaching demos. Deterministic for a seed on every platform: the draws come from a
// std::mt19937_64 (whose output the standard fixes) turned into uniforms and normals by hand, never from
// std::*_distribution (implementation-defined) or torch's global generator.
//
// Labels alternate (example i has class i % classes), so every contiguous range, in particular the validation
// split at the end, is balanced. `noise` is the standard deviation of the Gaussian noise added to each
// coordinate (for blobs: the spread around each centre). Without noise every feature lies in [-1, 1].
#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace ft {
namespace {

uint64_t splitmix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

class Rng {
public:
    explicit Rng(uint64_t seed) : engine_(splitmix64(seed)) {}
    double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const double u1 = 1.0 - uniform();  // (0, 1]
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 2.0 * std::numbers::pi * u2;
        spare_ = r * std::sin(a);
        has_spare_ = true;
        return r * std::cos(a);
    }

private:
    std::mt19937_64 engine_;
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace

Split make_synthetic(const std::string& name, int64_t samples, double noise, uint64_t seed) {
    int64_t classes = 0;
    if (name == "spirals" || name == "moons")
        classes = 2;
    else if (name == "blobs")
        classes = 4;
    else
        throw DataError("unknown synthetic dataset '" + name + "', expected one of {spirals, moons, blobs}");
    if (samples < 0) throw DataError(name + ": the number of samples must be >= 0, got " + std::to_string(samples));
    if (!(noise >= 0.0) || !std::isfinite(noise))
        throw DataError(name + ": the noise level must be a finite number >= 0, got " + std::to_string(noise));

    constexpr double pi = std::numbers::pi;
    Rng rng(seed);
    std::vector<float> xs(static_cast<size_t>(samples) * 2);
    std::vector<int64_t> ys(static_cast<size_t>(samples));
    for (int64_t i = 0; i < samples; ++i) {
        const int64_t c = i % classes;
        double px = 0.0, py = 0.0;
        if (name == "spirals") {
            // Two arms, 1.5 turns each, the second rotated by pi. sqrt spreads the points evenly along the arm.
            const double t = std::sqrt(rng.uniform());
            const double r = 0.05 + 0.95 * t;
            const double angle = 3.0 * pi * t + static_cast<double>(c) * pi;
            px = r * std::cos(angle);
            py = r * std::sin(angle);
        } else if (name == "moons") {
            // scikit-learn's two half-moons (x in [-1, 2], y in [-0.5, 1]), scaled and centred into [-1, 1].
            const double a = pi * rng.uniform();
            const double mx = c == 0 ? std::cos(a) : 1.0 - std::cos(a);
            const double my = c == 0 ? std::sin(a) : 0.5 - std::sin(a);
            px = (mx - 0.5) / 1.5;
            py = (my - 0.25) / 1.5;
        } else {
            // Four blobs centred at (+-0.5, +-0.5).
            px = (c & 1) ? 0.5 : -0.5;
            py = (c & 2) ? 0.5 : -0.5;
        }
        px += noise * rng.normal();
        py += noise * rng.normal();
        xs[static_cast<size_t>(2 * i)] = static_cast<float>(px);
        xs[static_cast<size_t>(2 * i + 1)] = static_cast<float>(py);
        ys[static_cast<size_t>(i)] = c;
    }

    Split split;
    split.x = torch::empty({samples, 2}, torch::kFloat32);
    split.y = torch::empty({samples}, torch::kInt64);
    if (samples > 0) {
        std::copy(xs.begin(), xs.end(), split.x.data_ptr<float>());
        std::copy(ys.begin(), ys.end(), split.y.data_ptr<int64_t>());
    }
    return split;
}

}  // namespace ft
