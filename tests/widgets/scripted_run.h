// SPDX-License-Identifier: GPL-3.0-or-later
// Scripted runs for the view tests: events built by hand (no training), with masks whose every bit the test
// knows, so a test can say exactly what a view must show.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ft/config/config_json.h"
#include "ft/train/events.h"

namespace scripted {

using Bits = std::vector<uint64_t>;

inline Bits allOn(int64_t n) {
    Bits b(size_t((n + 63) / 64), ~uint64_t{0});
    if (n % 64) b.back() = (uint64_t{1} << (n % 64)) - 1;
    return b;
}
inline Bits allOff(int64_t n) { return Bits(size_t((n + 63) / 64), 0); }
inline void setBit(Bits& b, int64_t i, bool on) {
    if (on)
        b[size_t(i >> 6)] |= uint64_t{1} << (i & 63);
    else
        b[size_t(i >> 6)] &= ~(uint64_t{1} << (i & 63));
}
inline bool bit(const Bits& b, int64_t i) { return (b[size_t(i >> 6)] >> (i & 63)) & 1u; }
inline int64_t popcount(const Bits& b) {
    int64_t n = 0;
    for (auto w : b) n += __builtin_popcountll(w);
    return n;
}
// Sets the cells of rows [r0, r1) x columns [c0, c1) of a row-major rows x cols matrix.
inline void setBlock(Bits& b, int64_t cols, int64_t r0, int64_t r1, int64_t c0, int64_t c1, bool on) {
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t c = c0; c < c1; ++c) setBit(b, r * cols + c, on);
}

inline ft::RunStarted runStarted(const std::vector<ft::LayerInfo>& layers, int64_t members = 1,
                                 const std::string& method = "dst-ensemble") {
    ft::RunStarted s;
    s.method = ft::method_from_string(method);
    s.plan.members = members;
    s.plan.total_steps = 1000;
    s.plan.steps_per_epoch = 100;
    s.layers = layers;
    s.device = "cpu";
    return s;
}

// A mask update whose counts come from comparing each layer with its previous mask (empty: the initial mask).
inline ft::MaskUpdate maskUpdate(int64_t member, int64_t step, const std::vector<std::string>& names,
                                 const std::vector<Bits>& masks, const std::vector<int64_t>& totals,
                                 const std::vector<Bits>& previous = {}) {
    ft::MaskUpdate u;
    u.member = member;
    u.step = step;
    u.epoch = step / 100 + 1;
    u.initial = previous.empty();
    u.rate = 0.3;
    for (size_t l = 0; l < masks.size(); ++l) {
        ft::LayerUpdate lu;
        lu.name = names[l];
        lu.total = totals[l];
        lu.active = popcount(masks[l]);
        if (!previous.empty())
            for (int64_t i = 0; i < totals[l]; ++i) {
                const bool before = bit(previous[l], i), now = bit(masks[l], i);
                lu.pruned += before && !now;
                lu.regrown += !before && now;
            }
        lu.bits = masks[l];
        u.layers.push_back(std::move(lu));
    }
    return u;
}

inline ft::ClassificationMetrics metrics(double accuracy, double ece, std::vector<ft::ReliabilityBin> bins) {
    ft::ClassificationMetrics m;
    m.n = 0;
    for (const auto& b : bins) m.n += b.count;
    m.accuracy = accuracy;
    m.nll = 0.5 + ece;
    m.brier = 0.3 + ece;
    m.ece = ece;
    m.mce = 2 * ece;
    m.reliability = std::move(bins);
    return m;
}

}  // namespace scripted
