// SPDX-License-Identifier: GPL-3.0-or-later
// What the mask view says about the cell or block under the mouse: the weight's tensor index and its alive/dead
// history across every stored mask update, or, for a block of weights, how many are alive, regrown and pruned.
#pragma once

#include <QString>
#include <cstdint>
#include <vector>

#include "mask_image.h"
#include "run_data.h"

namespace ftw {

// Per update of `member`: 1 alive, 0 dead, -1 unknown (the mask of that update was not captured).
std::vector<int8_t> weightHistory(const RunData& data, int64_t member, int layer, int64_t index);

// "[o, i, ky, kx]" for a flat index of a tensor of `shape` (row-major); "#index" when the shape is unknown.
QString tensorIndex(const std::vector<int64_t>& shape, int64_t index);

// Alive spans of a history as text: "alive at updates 0–3 (steps 0–60), 7–9 (steps 140–180)".
QString historySpans(const std::vector<int8_t>& history, const std::vector<MaskUpdateEntry>& updates);

// Tooltip text for the cells `cells` of `layer` at update `update` of `member`.
QString describeCells(const RunData& data, int64_t member, int layer, int64_t update, const MaskGrid& grid,
                      const CellRect& cells);

}  // namespace ftw
