// SPDX-License-Identifier: GPL-3.0-or-later
// Plot styling (plot_style.h).
#include "plot_style.h"

#include <qcustomplot.h>

#include "palette.h"
#include "plot.h"

namespace ftw {

QCustomPlot* newPlot(QWidget* parent, const QString& object_name) {
    auto* plot = new Plot(parent);
    plot->setObjectName(object_name);
    plot->setPlottingHint(QCP::phCacheLabels, true);
    plot->setNoAntialiasingOnDrag(true);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setMinimumSize(160, 120);
    return plot;
}

void styleAxisRect(QCPAxisRect* rect, const QPalette& palette) {
    const QColor text = palette.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlphaF(0.15);
    for (QCPAxis* axis : rect->axes()) {
        axis->setBasePen(QPen(text, 1));
        axis->setTickPen(QPen(text, 1));
        axis->setSubTickPen(QPen(text, 1));
        axis->setTickLabelColor(text);
        axis->setLabelColor(text);
        axis->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
    rect->setBackground(palette.brush(QPalette::Base));
    rect->setRangeDrag(Qt::Horizontal);
    rect->setRangeZoom(Qt::Horizontal);
}

void stylePlot(QCustomPlot* plot, const QPalette& palette) {
    plot->setBackground(palette.brush(QPalette::Window));
    // Texts in the widget's font, so that teaching mode's larger font reaches the charts too.
    // The view's font: it has changed already when the view hears of a font change, the plot's may not have.
    const QFont font = plot->parentWidget() ? plot->parentWidget()->font() : plot->font();
    plot->setFont(font);
    for (QCPAxisRect* rect : plot->axisRects()) {
        styleAxisRect(rect, palette);
        for (QCPAxis* axis : rect->axes()) {
            axis->setTickLabelFont(font);
            axis->setLabelFont(font);
        }
    }
    // Legends out of the layout for lack of room (Plot) come back later: they take the font now too.
    QList<QCPLegend*> legends;
    if (auto* p = qobject_cast<Plot*>(plot)) legends = p->managedLegends();
    if (plot->legend && !legends.contains(plot->legend)) legends << plot->legend;
    for (QCPLayoutElement* e : plot->plotLayout()->elements(true)) {
        if (auto* legend = qobject_cast<QCPLegend*>(e); legend && !legends.contains(legend)) legends << legend;
        if (auto* scale = qobject_cast<QCPColorScale*>(e)) {
            scale->axis()->setTickLabelFont(font);
            scale->axis()->setLabelFont(font);
        }
    }
    for (QCPLegend* legend : legends) {
        legend->setFont(font);
        for (int i = 0; i < legend->itemCount(); ++i)
            if (QCPAbstractLegendItem* item = legend->item(i)) item->setFont(font);
    }
    if (plot->legend) {
        plot->legend->setBrush(palette.brush(QPalette::Base));
        plot->legend->setBorderPen(QPen(palette.color(QPalette::Mid)));
        plot->legend->setTextColor(palette.color(QPalette::WindowText));
    }
    QFont titleFont = font;
    titleFont.setBold(true);
    for (int i = 0; i < plot->plotLayout()->elementCount(); ++i)
        if (auto* title = qobject_cast<QCPTextElement*>(plot->plotLayout()->elementAt(i))) {
            title->setTextColor(palette.color(QPalette::WindowText));
            title->setFont(titleFont);
        }
}

QPen seriesPen(int member, const QPalette& palette, bool faint, qreal width) {
    QColor c = seriesColor(member, palette);
    if (faint) c.setAlphaF(0.3);
    QPen pen(c, faint ? 1.0 : width);
    pen.setCosmetic(true);
    return pen;
}

}  // namespace ftw
