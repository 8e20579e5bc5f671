// SPDX-License-Identifier: GPL-3.0-or-later
// Window placement (window_fit.h).
#include "window_fit.h"

#include <algorithm>

namespace ftw {

namespace {
constexpr QSize kComfortable(1600, 1000);  // enough for two views side by side with room to read them
constexpr int kSmallScreenWidth = 1600;    // below this the window is maximised
}  // namespace

WindowPlacement placeWindow(const QRect& saved, const QRect& available) {
    WindowPlacement out;
    if (!available.isValid()) {
        out.geometry = saved.isValid() ? saved : QRect(QPoint(0, 0), kComfortable);
        return out;
    }
    if (saved.isValid()) {
        QSize size = saved.size().boundedTo(available.size());
        QPoint topLeft = saved.topLeft();
        topLeft.setX(std::clamp(topLeft.x(), available.left(), available.right() - size.width() + 1));
        topLeft.setY(std::clamp(topLeft.y(), available.top(), available.bottom() - size.height() + 1));
        out.geometry = QRect(topLeft, size);
        return out;
    }
    if (available.width() < kSmallScreenWidth) {
        out.geometry = available;
        out.maximized = true;
        return out;
    }
    const QSize size(std::min(kComfortable.width(), available.width() * 9 / 10),
                     std::min(kComfortable.height(), available.height() * 9 / 10));
    out.geometry = QRect(QPoint(0, 0), size);
    out.geometry.moveCenter(available.center());
    return out;
}

}  // namespace ftw
