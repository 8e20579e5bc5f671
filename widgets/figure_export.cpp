// SPDX-License-Identifier: GPL-3.0-or-later
// Figure export (figure_export.h): one QCPPainter on a QImage, a QSvgGenerator or a QPdfWriter, each written through
// a QSaveFile so that a failed export never leaves half a file.
#include "figure_export.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLayout>
#include <QLocale>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <cmath>

namespace ftw {
namespace {

// A view that was never shown has no geometry yet: lay it out at the export size, parents before children.
void layOutHidden(QWidget* w) {
    w->ensurePolished();
    if (w->layout()) w->layout()->activate();
    for (QObject* o : w->children())
        if (auto* c = qobject_cast<QWidget*>(o); c && !c->isWindow()) layOutHidden(c);
}

void renderWidget(QWidget* root, QWidget* w, QCPPainter& painter, double sx, double sy) {
    for (QObject* o : w->children()) {
        auto* c = qobject_cast<QWidget*>(o);
        if (!c || c->isWindow() || !c->isVisibleTo(root) || c->width() <= 0 || c->height() <= 0) continue;
        if (c->property(kNoExportProperty).toBool()) continue;
        const QPoint at = c->mapTo(root, QPoint(0, 0));
        const QRect target(int(std::lround(at.x() * sx)), int(std::lround(at.y() * sy)),
                           std::max(1, int(std::lround(c->width() * sx))),
                           std::max(1, int(std::lround(c->height() * sy))));
        if (auto* plot = qobject_cast<QCustomPlot*>(c)) {
            painter.save();
            painter.translate(target.topLeft());
            plot->toPainter(&painter, target.width(), target.height());
            painter.restore();
            plot->replot(QCustomPlot::rpQueuedReplot);  // toPainter laid the plot out at the export size
        } else if (auto* figure = dynamic_cast<FigurePainter*>(c)) {
            painter.save();
            figure->paintFigure(painter, target);
            painter.restore();
        } else if (auto* label = qobject_cast<QLabel*>(c)) {
            if (label->text().isEmpty()) continue;
            painter.save();
            painter.setFont(label->font());
            painter.setPen(label->palette().color(QPalette::WindowText));
            painter.drawText(target, int(label->alignment()) | (label->wordWrap() ? Qt::TextWordWrap : 0),
                             label->text());
            painter.restore();
        } else {
            renderWidget(root, c, painter, sx, sy);
        }
    }
}

void renderFigure(QWidget* root, QCPPainter& painter, QSize size) {
    if (!root->isVisible()) {
        root->resize(size);
        layOutHidden(root);
    }
    const double sx = root->width() > 0 ? double(size.width()) / root->width() : 1.0;
    const double sy = root->height() > 0 ? double(size.height()) / root->height() : 1.0;
    painter.fillRect(QRect(QPoint(0, 0), size), root->palette().color(QPalette::Window));
    renderWidget(root, root, painter, sx, sy);
}

QString failed(const QString& path, const QString& why) { return QStringLiteral("%1: %2").arg(path, why); }

}  // namespace

bool exportFigure(QWidget* root, const QString& path, QSize size, QString* error) {
    const auto fail = [&](const QString& why) {
        if (error) *error = failed(path, why);
        return false;
    };
    if (!root) return fail(QStringLiteral("nothing to export"));
    if (size.width() < 1 || size.height() < 1 || size.width() > 20000 || size.height() > 20000)
        return fail(QStringLiteral("size %1 x %2 is outside 1..20000 per side").arg(size.width()).arg(size.height()));
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "png" && suffix != "svg" && suffix != "pdf")
        return fail(QStringLiteral("unknown figure format \"%1\" (expected .png, .svg or .pdf)").arg(suffix));

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return fail(file.errorString());
    if (suffix == "png") {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        if (image.isNull())
            return fail(QStringLiteral("cannot allocate a %1 x %2 image").arg(size.width()).arg(size.height()));
        {
            QCPPainter painter(&image);
            painter.setRenderHint(QPainter::Antialiasing);
            renderFigure(root, painter, size);
        }
        if (!image.save(&file, "PNG")) return fail(QStringLiteral("cannot encode PNG"));
    } else if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(root->windowTitle().isEmpty() ? QStringLiteral("FreeTickets Workbench") : root->windowTitle());
        QCPPainter painter;
        if (!painter.begin(&svg)) return fail(QStringLiteral("cannot start the SVG painter"));
        painter.setMode(QCPPainter::pmVectorized);
        renderFigure(root, painter, size);
        painter.end();
    } else {
        QPdfWriter pdf(&file);
        pdf.setResolution(72);  // one device unit = one point
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setPageSize(QPageSize(QSizeF(size), QPageSize::Point, QString(), QPageSize::ExactMatch));
        pdf.setCreator(QStringLiteral("FreeTickets Workbench"));
        QCPPainter painter;
        if (!painter.begin(&pdf)) return fail(QStringLiteral("cannot start the PDF painter"));
        painter.setMode(QCPPainter::pmVectorized);
        renderFigure(root, painter, size);
        painter.end();
    }
    if (!file.commit()) return fail(file.errorString());
    return true;
}

bool writeTextFile(const QString& path, const QString& text, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error) *error = failed(path, file.errorString());
        return false;
    }
    const QByteArray bytes = text.toUtf8();
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        if (error) *error = failed(path, file.errorString());
        return false;
    }
    return true;
}

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')) &&
        !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString csvRow(const QStringList& fields) { return fields.join(QLatin1Char(',')) + QLatin1Char('\n'); }

QString csvNumber(double value) {
    if (std::isnan(value)) return QStringLiteral("nan");
    if (std::isinf(value)) return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

}  // namespace ftw
