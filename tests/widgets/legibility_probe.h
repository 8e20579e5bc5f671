// SPDX-License-Identifier: GPL-3.0-or-later
// What a person can read on a window: every text the window draws, where it lands, and whether it collides with
// another text, is cut off by its own widget, or whether a plot's legend sits on plotted data.
//
// Texts are captured by painting each visible widget on its own into a paint device whose engine records every
// text item with its box (device transform applied), so the boxes are those Qt really draws, style and elision
// included. QCustomPlot widgets paint cached pixmaps on screen; they are painted again through toPainter without
// label caching, which draws every tick label, axis title, legend item and text item as text.
#pragma once

#include <QRectF>
#include <QString>
#include <QStringList>
#include <vector>

class QWidget;

namespace probe {

struct TextBox {
    QRectF rect;         // window coordinates (logical pixels)
    QRectF ownerRect;    // the rect of the widget that drew it, window coordinates
    QRectF visibleRect;  // the part of that widget the user can see (scroll areas, docks), window coordinates
    QString text;
    QString owner;         // object path of the widget that drew it, for messages
    bool scrolls = false;  // text in an editor or a scrolled viewport, where running past the edge is normal
};

// Every non-blank text that the visible widgets of `window` draw (hidden docks and tabs, and texts wholly scrolled
// out of sight, are left out).
std::vector<TextBox> collectTexts(QWidget* window);

// One line per pair of texts whose boxes overlap (by more than `tolerance` pixels each way).
QStringList overlaps(const std::vector<TextBox>& texts, double tolerance = 1.0);
// One line per text that sticks out of the widget that drew it (scrolling texts excepted).
QStringList clipped(const std::vector<TextBox>& texts, double tolerance = 1.0);
// One line per visible QCustomPlot legend that covers plotted data (a graph's line or points, a bar, a colour map)
// of an axis rect it overlaps. Event markers (graphs with the property "ftwMarker") are not data.
QStringList legendsOverData(QWidget* window);
// One line per chart (axis rect) of a visible plot smaller than `minimum` pixels either way: a chart that small
// shows nothing a person can read, whatever its labels do.
QStringList chartsTooSmall(QWidget* window, int minimum);

}  // namespace probe
