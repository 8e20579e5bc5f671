// SPDX-License-Identifier: GPL-3.0-or-later
// Colour tables of palette.h.
#include "palette.h"

#include <QPalette>
#include <algorithm>
#include <array>

namespace ftw {
namespace {

constexpr std::array<QRgb, 7> kOkabeIto = {
    0xE69F00,  // orange
    0x56B4E9,  // sky blue
    0x009E73,  // bluish green
    0xF0E442,  // yellow
    0x0072B2,  // blue
    0xD55E00,  // vermillion
    0xCC79A7,  // reddish purple
};

// Paul Tol's "bright" scheme: distinct from one another for colour-blind readers; class 0 and 1 (the spirals) are
// blue and red, as in most textbook figures.
constexpr std::array<QRgb, 7> kClassColors = {0x4477AA, 0xEE6677, 0x228833, 0xCCBB44, 0x66CCEE, 0xAA3377, 0xBBBBBB};

}  // namespace

QColor memberColor(int member) {
    const int n = int(kOkabeIto.size());
    const int i = ((member % n) + n) % n;
    return QColor::fromRgb(kOkabeIto[size_t(i)]);
}

QColor ensembleColor() { return QColor::fromRgb(0x1A1A1A); }

bool isDarkPalette(const QPalette& palette) {
    return palette.color(QPalette::Window).lightnessF() < palette.color(QPalette::WindowText).lightnessF();
}

QColor seriesColor(int member, const QPalette& palette) {
    if (member >= 0) return memberColor(member);
    return isDarkPalette(palette) ? QColor::fromRgb(0xE0E0E0) : ensembleColor();
}

MaskColors maskColors(const QPalette& palette) {
    MaskColors c;
    const bool dark = isDarkPalette(palette);
    c.active = dark ? QColor::fromRgb(0xE8E8E8) : QColor::fromRgb(0x202830);
    c.inactive = dark ? QColor::fromRgb(0x262626) : QColor::fromRgb(0xF4F4F4);
    c.pruned = QColor::fromRgb(0xD55E00);
    c.regrown = QColor::fromRgb(0x009E73);
    c.none = dark ? QColor::fromRgb(0x3A3A3A) : QColor::fromRgb(0xC8C8C8);
    return c;
}

QColor viridis(double t) {
    // Five stops of matplotlib's viridis, linearly interpolated.
    static const std::array<QRgb, 5> stops = {0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xFDE725};
    t = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
    const size_t i = std::min(size_t(t), stops.size() - 2);
    const double f = t - double(i);
    const QColor a = QColor::fromRgb(stops[i]), b = QColor::fromRgb(stops[i + 1]);
    return QColor::fromRgbF(float(a.redF() + f * (b.redF() - a.redF())),
                            float(a.greenF() + f * (b.greenF() - a.greenF())),
                            float(a.blueF() + f * (b.blueF() - a.blueF())));
}

QColor layerColor(int layer, int layers) {
    // Stop short of viridis' pale yellow end, which is hard to see on a light background.
    return viridis(layers > 1 ? 0.85 * double(layer) / double(layers - 1) : 0.0);
}

QColor classColor(int cls) {
    const int n = int(kClassColors.size());
    return QColor::fromRgb(kClassColors[size_t(((cls % n) + n) % n)]);
}

}  // namespace ftw
