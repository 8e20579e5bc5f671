// SPDX-License-Identifier: GPL-3.0-or-later
// Where the main window opens: never larger than the screen's available area (the desktop minus panels). A saved
// geometry is moved and shrunk to fit; without one the window takes most of a large screen and the whole of a
// small one (a laptop's 1366x768 is used maximised).
#pragma once

#include <QRect>
#include <QSize>

namespace ftw {

struct WindowPlacement {
    QRect geometry;          // frame-less geometry to use when not maximised
    bool maximized = false;  // small screens: use it all
};

// `saved`: the geometry the window had when it was closed (invalid: none); `available`: the screen's available
// geometry. The result always lies within `available`.
WindowPlacement placeWindow(const QRect& saved, const QRect& available);

}  // namespace ftw
