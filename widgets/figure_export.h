// SPDX-License-Identifier: GPL-3.0-or-later
// Export of a view as a figure (PNG, SVG or PDF at a chosen size, by the file's suffix) and of its data as CSV.
// A figure is what the view shows, laid out as on screen and scaled to the chosen size: its plots (drawn as
// vectors into SVG and PDF), the widgets that paint themselves (FigurePainter) and its labels. Controls (sliders,
// buttons, combo boxes) are not part of the figure.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

class QPainter;
class QRect;
class QWidget;

namespace ftw {

// A widget that draws its own figure content (the mask canvas, the boundary canvas), into any painter and rect.
class FigurePainter {
public:
    virtual ~FigurePainter() = default;
    virtual void paintFigure(QPainter& painter, const QRect& target) = 0;
};

// A widget with this property set to true is left out of figures (hover read-outs, status lines).
inline constexpr const char* kNoExportProperty = "ftwNoExport";

// Writes the figure of `root` to `path`; the format comes from the suffix (.png, .svg, .pdf). `size` is in pixels
// for PNG and in points (1/72 in) for SVG and PDF. Returns false with a message naming the file on failure.
bool exportFigure(QWidget* root, const QString& path, QSize size, QString* error);

// Writes `text` (UTF-8) to `path` atomically. Returns false with a message naming the file on failure.
bool writeTextFile(const QString& path, const QString& text, QString* error);

// One CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
QString csvField(const QString& text);
// Fields joined by commas and ended by a newline (fields must already be csvField()/csvNumber() text).
QString csvRow(const QStringList& fields);
// A number for CSV: shortest round-trip form, C locale; "nan", "inf" and "-inf" for non-finite values.
QString csvNumber(double value);

}  // namespace ftw
