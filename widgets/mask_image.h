// SPDX-License-Identifier: GPL-3.0-or-later
// Building the mask view's images: how a layer's weights are laid out as a 2-D grid of cells, and one pass over
// the packed bits that counts, per screen pixel, the weights alive, pruned and regrown (so a layer of millions of
// weights becomes an image at screen resolution without drawing a cell at a time).
#pragma once

#include <QImage>
#include <QSize>
#include <cstdint>
#include <vector>

#include "palette.h"

namespace ftw {

enum class ConvLayout {
    Matrix,       // out x (in * kh * kw): one row per filter
    FilterTiles,  // one in x (kh * kw) tile per filter, tiles in a near-square grid
};

// Cell (row, col) of the grid holds weight tile * tileRows * tileCols + r * tileCols + c, where the tile is
// (row / tileRows) * tilesPerRow + col / tileCols and (r, c) the position inside it. Cells whose tile is past
// `tiles` or whose index is past `total` are padding.
struct MaskGrid {
    int64_t tileRows = 1, tileCols = 1;
    int64_t tiles = 1, tilesPerRow = 1;
    int64_t total = 0;
    int64_t rows() const { return (tiles + tilesPerRow - 1) / tilesPerRow * tileRows; }
    int64_t cols() const { return tilesPerRow * tileCols; }
    int64_t indexAt(int64_t row, int64_t col) const;  // -1 for padding or outside the grid
};

// Linear [out, in]: out x in. Conv [out, in, k...]: by `layout`. Anything else (1-D, unknown shape, or a shape that
// does not match `total`): a near-square block of `total` cells in flat order.
MaskGrid maskGrid(const std::vector<int64_t>& shape, int64_t total, ConvLayout layout = ConvLayout::Matrix);

// A rectangle of cells: columns [col0, col1), rows [row0, row1).
struct CellRect {
    int64_t col0 = 0, row0 = 0, col1 = 0, row1 = 0;
    int64_t width() const { return col1 - col0; }
    int64_t height() const { return row1 - row0; }
    bool empty() const { return col1 <= col0 || row1 <= row0; }
};
inline CellRect wholeGrid(const MaskGrid& g) { return {0, 0, g.cols(), g.rows()}; }

// Per image pixel: cells that are weights, weights alive now, and (with a previous mask) weights regrown (dead
// before, alive now) and pruned (alive before, dead now). Row-major, width x height.
struct BlockCounts {
    int width = 0, height = 0;
    std::vector<uint32_t> cells, alive, regrown, pruned;
};

// The image size for a view of `cells` on at most `max_pixels`: one pixel per cell when the cells fit, else one
// pixel per block of cells (each axis reduced on its own).
QSize imageSizeFor(const CellRect& cells, QSize max_pixels);
// First cell (relative to the view's start) of pixel p along an axis of `cells` cells shown on `pixels` pixels;
// pixel p covers [blockStart(p), blockStart(p + 1)).
inline int64_t blockStart(int64_t p, int64_t cells, int64_t pixels) { return (p * cells + pixels - 1) / pixels; }

// Counts for `view` on an image of `size` (from imageSizeFor). `current` must hold ceil(total / 64) words;
// `previous` (may be null) too.
BlockCounts countBlocks(const MaskGrid& grid, const uint64_t* current, const uint64_t* previous, const CellRect& view,
                        QSize size);

// How much of a pixel's colour each kind of cell gets: its share of the block, but at least kBlockMinShare for any
// kind present (then normalised), so that a lone alive weight in a dead block stays visible when zoomed out.
inline constexpr double kBlockMinShare = 0.3;
struct BlockShares {
    double kept = 0, dead = 0, regrown = 0, pruned = 0;
};
BlockShares blockShares(uint64_t kept, uint64_t dead, uint64_t regrown, uint64_t pruned);

// Each pixel mixes its cells' colours by blockShares: kept weights in `active`, regrown in `regrown`, pruned in
// `pruned`, dead in `inactive`; a pixel with no weight cell is `none`.
QImage blockImage(const BlockCounts& counts, const MaskColors& colors);

// Whether weight `index` is alive in a packed mask.
inline bool bitAt(const uint64_t* bits, int64_t index) { return (bits[index >> 6] >> (index & 63)) & 1u; }

}  // namespace ftw
