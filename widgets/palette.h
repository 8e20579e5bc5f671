// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench's colours, shared by every view so that a member keeps its colour everywhere: members in the
// Okabe-Ito order (colour-blind safe), the ensemble in a fixed dark colour, and the mask colours (pruned,
// regrown, active) for the light and the dark palette.
#pragma once

#include <QColor>

class QPalette;

namespace ftw {

// Okabe-Ito without its black (kept for the ensemble): orange, sky blue, bluish green, yellow, blue, vermillion,
// reddish purple; member 7 starts over (a run with more members than the palette repeats colours, never fails).
QColor memberColor(int member);
// The ensemble: a fixed near-black, the same in every view.
QColor ensembleColor();
// memberColor(member) for member >= 0, ensembleColor() for -1 (the ensemble, as in EvalReport.member); on a dark
// palette the ensemble becomes a light grey so that it stays visible.
QColor seriesColor(int member, const QPalette& palette);

bool isDarkPalette(const QPalette& palette);

// Mask view colours. Pruned and regrown use Okabe-Ito vermillion and bluish green (red and green that colour-blind
// readers can still tell apart); active weights are drawn in the text colour, inactive ones in the base colour.
struct MaskColors {
    QColor active, inactive, pruned, regrown, none;  // none: cells outside the weight tensor (padding)
};
MaskColors maskColors(const QPalette& palette);

// Layers are ordered by depth: a sequential map (viridis, readable with colour-blindness) from the first layer to
// the last, so neighbouring layers get neighbouring colours.
QColor layerColor(int layer, int layers);
// Viridis at t in [0, 1] (heatmaps).
QColor viridis(double t);

// Class colours of the 2-D decision boundary (independent of member colours: classes are not members).
QColor classColor(int cls);

}  // namespace ftw
