// SPDX-License-Identifier: GPL-3.0-or-later
// Mask view hover texts (mask_describe.h).
#include "mask_describe.h"

#include <QStringList>

namespace ftw {

std::vector<int8_t> weightHistory(const RunData& data, int64_t member, int layer, int64_t index) {
    return data.weightHistory(member, layer, index);
}

QString tensorIndex(const std::vector<int64_t>& shape, int64_t index) {
    if (shape.size() < 2) return QStringLiteral("#%1").arg(index);
    QStringList parts;
    int64_t rest = index;
    std::vector<int64_t> coords(shape.size());
    for (size_t i = shape.size(); i-- > 0;) {
        if (shape[i] <= 0) return QStringLiteral("#%1").arg(index);
        coords[i] = rest % shape[i];
        rest /= shape[i];
    }
    for (auto c : coords) parts << QString::number(c);
    return QStringLiteral("[%1]").arg(parts.join(QStringLiteral(", ")));
}

QString historySpans(const std::vector<int8_t>& history, const std::vector<MaskUpdateEntry>& updates) {
    QStringList spans;
    size_t k = 0;
    while (k < history.size()) {
        if (history[k] != 1) {
            ++k;
            continue;
        }
        const size_t first = k;
        while (k + 1 < history.size() && history[k + 1] == 1) ++k;
        const auto step = [&](size_t i) { return i < updates.size() ? updates[i].step : 0; };
        spans << (first == k ? QStringLiteral("%1 (step %2)").arg(first).arg(step(first))
                             : QStringLiteral("%1–%2 (steps %3–%4)").arg(first).arg(k).arg(step(first)).arg(step(k)));
        ++k;
    }
    if (spans.isEmpty()) return QStringLiteral("never alive in the stored updates");
    return QStringLiteral("alive at updates ") + spans.join(QStringLiteral(", "));
}

QString describeCells(const RunData& data, int64_t member, int layer, int64_t update, const MaskGrid& grid,
                      const CellRect& cells) {
    const auto& updates = data.maskUpdates(member);
    if (layer < 0 || size_t(layer) >= data.layers().size() || update < 0 || update >= int64_t(updates.size()))
        return {};
    const LayerDesc& desc = data.layers()[size_t(layer)];
    const MaskUpdateEntry& u = updates[size_t(update)];
    const LayerMask* m = size_t(layer) < u.layers.size() ? &u.layers[size_t(layer)] : nullptr;
    QStringList lines;
    lines << QStringLiteral("%1, update %2 (step %3)").arg(desc.name, QString::number(update), QString::number(u.step));
    const MaskWords bits = m && m->captured ? data.maskAt(member, update, layer) : nullptr;
    if (!bits) {
        lines << (m && m->captured ? QStringLiteral("reading the mask of this update…")
                                   : QStringLiteral("the mask of this update was not captured"));
        return lines.join(QLatin1Char('\n'));
    }
    const MaskWords prevBits = update > 0 ? data.maskAt(member, update - 1, layer) : nullptr;
    const uint64_t* prev = prevBits && prevBits->size() == bits->size() ? prevBits->data() : nullptr;
    if (cells.width() == 1 && cells.height() == 1) {
        const int64_t index = grid.indexAt(cells.row0, cells.col0);
        if (index < 0) return lines.join(QLatin1Char('\n')) + QStringLiteral("\n(padding, no weight)");
        const bool alive = bitAt(bits->data(), index);
        QString state = alive ? QStringLiteral("alive") : QStringLiteral("dead");
        if (prev) {
            const bool before = bitAt(prev, index);
            if (before && !alive) state = QStringLiteral("pruned at this update");
            if (!before && alive) state = QStringLiteral("regrown at this update");
        }
        lines << QStringLiteral("weight %1 (flat #%2): %3").arg(tensorIndex(desc.shape, index)).arg(index).arg(state);
        lines << historySpans(weightHistory(data, member, layer, index), updates);
        return lines.join(QLatin1Char('\n'));
    }
    // A block of cells: counts, from the same block counting the image uses.
    const BlockCounts c = countBlocks(grid, bits->data(), prev, cells, QSize(1, 1));
    if (c.cells.empty() || c.cells[0] == 0) return lines.join(QLatin1Char('\n')) + QStringLiteral("\n(padding)");
    lines << QStringLiteral("rows %1–%2, columns %3–%4: %5 weights")
                 .arg(cells.row0)
                 .arg(cells.row1 - 1)
                 .arg(cells.col0)
                 .arg(cells.col1 - 1)
                 .arg(c.cells[0]);
    lines << QStringLiteral("%1 alive (%2%)").arg(c.alive[0]).arg(100.0 * c.alive[0] / c.cells[0], 0, 'f', 1);
    if (prev) lines << QStringLiteral("%1 regrown, %2 pruned at this update").arg(c.regrown[0]).arg(c.pruned[0]);
    lines << QStringLiteral("zoom in (mouse wheel) to see single weights");
    return lines.join(QLatin1Char('\n'));
}

}  // namespace ftw
