// SPDX-License-Identifier: GPL-3.0-or-later
// Look of the workbench: light and dark palettes (on the Fusion style, which follows a palette everywhere) or the
// system's, and the big fonts of teaching mode.
#pragma once

#include <QFont>
#include <QPalette>
#include <QString>

class QApplication;

namespace ftw {

enum class Theme { System, Light, Dark };

QString themeName(Theme theme);            // "system", "light", "dark"
Theme themeFromName(const QString& name);  // unknown names give System

QPalette lightPalette();
QPalette darkPalette();
// Sets the palette (and Fusion for Light/Dark, so that every widget follows it).
void applyTheme(QApplication& app, Theme theme);

// Teaching mode's presentation font: the base font scaled up (1.5x) so a room can read it.
QFont presentationFont(const QFont& base);

}  // namespace ftw
