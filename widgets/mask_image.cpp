// SPDX-License-Identifier: GPL-3.0-or-later
// Mask grid layout and block counting (mask_image.h). The counting loop walks each cell row once and, inside it,
// counts whole 64-bit words with popcount, so its cost is about rows x (pixel columns + words per row).
#include "mask_image.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ftw {

int64_t MaskGrid::indexAt(int64_t row, int64_t col) const {
    if (row < 0 || col < 0 || row >= rows() || col >= cols()) return -1;
    const int64_t tile = (row / tileRows) * tilesPerRow + col / tileCols;
    if (tile >= tiles) return -1;
    const int64_t index = tile * tileRows * tileCols + (row % tileRows) * tileCols + col % tileCols;
    return index < total ? index : -1;
}

MaskGrid maskGrid(const std::vector<int64_t>& shape, int64_t total, ConvLayout layout) {
    MaskGrid g;
    g.total = std::max<int64_t>(total, 0);
    int64_t product = shape.empty() ? 0 : 1;
    for (auto d : shape) product = d > 0 ? product * d : 0;
    if (shape.size() >= 2 && product == total) {
        const int64_t out = shape[0], in = shape[1], kernel = product / (out * in);
        if (shape.size() == 2 || layout == ConvLayout::Matrix) {
            g.tileRows = out;
            g.tileCols = in * kernel;
        } else {
            g.tiles = out;
            g.tileRows = in;
            g.tileCols = kernel;
            // Tiles per row so that the whole grid is about square: cols = t * kernel ~ rows = out / t * in.
            const double t = std::sqrt(double(out) * double(in) / double(kernel));
            g.tilesPerRow = std::clamp<int64_t>(int64_t(std::llround(t)), 1, out);
        }
        return g;
    }
    g.tileCols = std::max<int64_t>(1, int64_t(std::ceil(std::sqrt(double(g.total)))));
    g.tileRows = std::max<int64_t>(1, (g.total + g.tileCols - 1) / g.tileCols);
    return g;
}

QSize imageSizeFor(const CellRect& cells, QSize max_pixels) {
    if (cells.empty() || max_pixels.isEmpty()) return {};
    return QSize(int(std::min<int64_t>(cells.width(), max_pixels.width())),
                 int(std::min<int64_t>(cells.height(), max_pixels.height())));
}

namespace {

struct RangeCounts {
    uint32_t alive = 0, regrown = 0, pruned = 0;
};

// Bits [begin, begin + len) as one word, len <= 64 (reads the next word only when the range reaches into it).
inline uint64_t extract(const uint64_t* bits, int64_t begin, int64_t len) {
    const int64_t w = begin >> 6, off = begin & 63;
    uint64_t v = bits[w] >> off;
    if (off && off + len > 64) v |= bits[w + 1] << (64 - off);
    return len < 64 ? v & ((uint64_t{1} << len) - 1) : v;
}

// Counts bits [begin, end) of the current mask and, with a previous mask, the regrown and pruned ones.
inline RangeCounts countRange(const uint64_t* cur, const uint64_t* prev, int64_t begin, int64_t end) {
    RangeCounts c;
    if (end - begin <= 64) {  // the common case when a pixel covers few cells: one extracted word
        const uint64_t now = extract(cur, begin, end - begin);
        c.alive = uint32_t(std::popcount(now));
        if (prev) {
            const uint64_t before = extract(prev, begin, end - begin);
            c.regrown = uint32_t(std::popcount(now & ~before));
            c.pruned = uint32_t(std::popcount(before & ~now));
        }
        return c;
    }
    int64_t w = begin >> 6;
    const int64_t last = (end - 1) >> 6;
    for (; w <= last; ++w) {
        uint64_t m = ~uint64_t{0};
        if (w == (begin >> 6)) m &= ~uint64_t{0} << (begin & 63);
        if (w == last && (end & 63)) m &= ~uint64_t{0} >> (64 - (end & 63));
        const uint64_t now = cur[w] & m;
        c.alive += uint32_t(std::popcount(now));
        if (prev) {
            const uint64_t before = prev[w] & m;
            c.regrown += uint32_t(std::popcount(now & ~before));
            c.pruned += uint32_t(std::popcount(before & ~now));
        }
    }
    return c;
}

}  // namespace

BlockCounts countBlocks(const MaskGrid& grid, const uint64_t* current, const uint64_t* previous, const CellRect& view,
                        QSize size) {
    BlockCounts b;
    if (size.isEmpty() || view.empty() || !current) return b;
    b.width = size.width();
    b.height = size.height();
    const size_t pixels = size_t(b.width) * size_t(b.height);
    b.cells.assign(pixels, 0);
    b.alive.assign(pixels, 0);
    b.regrown.assign(pixels, 0);
    b.pruned.assign(pixels, 0);

    const int64_t vc = view.width(), vr = view.height();
    std::vector<int64_t> col_start(size_t(b.width) + 1);  // absolute cell column where pixel column p starts
    for (int p = 0; p <= b.width; ++p) col_start[size_t(p)] = view.col0 + blockStart(p, vc, b.width);
    const int64_t tile_size = grid.tileRows * grid.tileCols;
    const bool one_to_one = vc == b.width;

    for (int64_t row = view.row0; row < std::min(view.row1, grid.rows()); ++row) {
        const int py = int((row - view.row0) * b.height / vr);
        const int64_t tile_row = row / grid.tileRows, r = row % grid.tileRows;
        const size_t line = size_t(py) * size_t(b.width);
        const int64_t tc_first = view.col0 / grid.tileCols;
        const int64_t tc_last = std::min(grid.tilesPerRow - 1, (view.col1 - 1) / grid.tileCols);
        for (int64_t tc = tc_first; tc <= tc_last; ++tc) {
            const int64_t tile = tile_row * grid.tilesPerRow + tc;
            if (tile >= grid.tiles) break;
            // Cells [xa, xb) of this row are weights base + x.
            const int64_t base = tile * tile_size + r * grid.tileCols - tc * grid.tileCols;
            int64_t xa = std::max(view.col0, tc * grid.tileCols);
            int64_t xb = std::min(view.col1, (tc + 1) * grid.tileCols);
            xb = std::min(xb, grid.total - base);  // a flat (1-D) grid ends inside its last row
            if (xb <= xa) continue;
            if (one_to_one) {  // a pixel per cell: read the row 64 cells at a time
                for (int64_t x = xa; x < xb;) {
                    const int64_t len = std::min<int64_t>(64, xb - x);
                    const uint64_t now = extract(current, base + x, len);
                    const uint64_t before = previous ? extract(previous, base + x, len) : now;
                    const uint64_t grown = now & ~before, lost = before & ~now;
                    const size_t i0 = line + size_t(x - view.col0);
                    for (int64_t j = 0; j < len; ++j) {
                        b.cells[i0 + size_t(j)] += 1;
                        b.alive[i0 + size_t(j)] += uint32_t((now >> j) & 1u);
                        b.regrown[i0 + size_t(j)] += uint32_t((grown >> j) & 1u);
                        b.pruned[i0 + size_t(j)] += uint32_t((lost >> j) & 1u);
                    }
                    x += len;
                }
                continue;
            }
            int p = int(std::upper_bound(col_start.begin(), col_start.end(), xa) - col_start.begin()) - 1;
            for (; p < b.width && col_start[size_t(p)] < xb; ++p) {
                const int64_t a = std::max(xa, col_start[size_t(p)]);
                const int64_t e = std::min(xb, col_start[size_t(p) + 1]);
                if (e <= a) continue;
                const RangeCounts c = countRange(current, previous, base + a, base + e);
                const size_t i = line + size_t(p);
                b.cells[i] += uint32_t(e - a);
                b.alive[i] += c.alive;
                b.regrown[i] += c.regrown;
                b.pruned[i] += c.pruned;
            }
        }
    }
    return b;
}

BlockShares blockShares(uint64_t kept, uint64_t dead, uint64_t regrown, uint64_t pruned) {
    // Min/max-style: a kind of cell present in the block counts as at least kMinShare of it before the shares are
    // normalised, so that one alive weight in a dead block (or one pruned among thousands kept) still shows.
    const double n = double(kept + dead + regrown + pruned);
    if (n <= 0) return {};
    const auto lift = [n](uint64_t k) { return k ? std::max(double(k) / n, kBlockMinShare) : 0.0; };
    BlockShares s{lift(kept), lift(dead), lift(regrown), lift(pruned)};
    const double sum = s.kept + s.dead + s.regrown + s.pruned;
    s.kept /= sum;
    s.dead /= sum;
    s.regrown /= sum;
    s.pruned /= sum;
    return s;
}

QImage blockImage(const BlockCounts& counts, const MaskColors& colors) {
    QImage image(counts.width, counts.height, QImage::Format_RGB32);
    if (image.isNull()) return image;
    const QRgb none = colors.none.rgb(), active = colors.active.rgb(), inactive = colors.inactive.rgb();
    const QRgb regrown_c = colors.regrown.rgb(), pruned_c = colors.pruned.rgb();
    for (int y = 0; y < counts.height; ++y) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < counts.width; ++x) {
            const size_t i = size_t(y) * size_t(counts.width) + size_t(x);
            const uint64_t n = counts.cells[i];
            const uint64_t regrown = counts.regrown[i], pruned = counts.pruned[i];
            const uint64_t kept = counts.alive[i] - regrown, dead = n - counts.alive[i] - pruned;
            if (n == 0) {
                line[x] = none;
            } else if (kept == n) {
                line[x] = active;
            } else if (dead == n) {
                line[x] = inactive;
            } else if (regrown == n) {
                line[x] = regrown_c;
            } else if (pruned == n) {
                line[x] = pruned_c;
            } else {
                const BlockShares s = blockShares(kept, dead, regrown, pruned);
                const auto mix = [&](int (*channel)(QRgb)) {
                    return int(std::lround(s.kept * channel(active) + s.dead * channel(inactive) +
                                           s.regrown * channel(regrown_c) + s.pruned * channel(pruned_c)));
                };
                line[x] = qRgb(mix(qRed), mix(qGreen), mix(qBlue));
            }
        }
    }
    return image;
}

}  // namespace ftw
