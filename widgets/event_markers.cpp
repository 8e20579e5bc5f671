// SPDX-License-Identifier: GPL-3.0-or-later
// Event markers on time charts (event_markers.h).
#include "event_markers.h"

#include <qcustomplot.h>

#include <QCoreApplication>

#include <cmath>
#include <map>
#include <set>

#include "palette.h"

namespace ftw {
namespace {

const char* kMarkerAxisProperty = "ftwMarkerAxis";

QCPAxis* markerAxis(QCPAxisRect* rect) {
    for (QCPAxis* a : rect->axes(QCPAxis::atRight))
        if (a->property(kMarkerAxisProperty).toBool()) return a;
    QCPAxis* a = rect->addAxis(QCPAxis::atRight);
    a->setProperty(kMarkerAxisProperty, true);
    a->setRange(0, 1);
    a->setVisible(false);
    return a;
}

}  // namespace

bool MarkerFilter::accepts(const Marker& m) const {
    if (member != -2 && m.member != member && m.member != -1) return false;
    switch (m.kind) {
        case MarkerKind::MaskUpdate: return maskUpdates;
        case MarkerKind::Phase: return phases;
        case MarkerKind::LrChange: return lrChanges;
        case MarkerKind::Ticket: return tickets;
        case MarkerKind::Evaluation: return evaluations;
        case MarkerKind::Annotation: return annotations;
    }
    return false;
}

QString markerKindName(MarkerKind kind) {
    switch (kind) {
        case MarkerKind::MaskUpdate: return QCoreApplication::translate("ftw::EventMarkers", "mask update");
        case MarkerKind::Phase: return QCoreApplication::translate("ftw::EventMarkers", "phase change");
        case MarkerKind::LrChange: return QCoreApplication::translate("ftw::EventMarkers", "LR change");
        case MarkerKind::Ticket: return QCoreApplication::translate("ftw::EventMarkers", "ticket captured");
        case MarkerKind::Evaluation: return QCoreApplication::translate("ftw::EventMarkers", "evaluation");
        case MarkerKind::Annotation: return QCoreApplication::translate("ftw::EventMarkers", "annotation");
    }
    return {};
}

QColor markerColor(MarkerKind kind, const QPalette& palette) {
    QColor c;
    switch (kind) {
        case MarkerKind::MaskUpdate:
            c = palette.color(QPalette::WindowText);
            c.setAlphaF(0.18);  // frequent: a light tick, so the data stays readable
            return c;
        case MarkerKind::Phase: return QColor::fromRgb(0xCC79A7);
        case MarkerKind::LrChange: return QColor::fromRgb(0xE69F00);
        case MarkerKind::Ticket: return seriesColor(-1, palette);
        case MarkerKind::Evaluation: return QColor::fromRgb(0x56B4E9);
        case MarkerKind::Annotation: return QColor::fromRgb(0x999999);
    }
    return c;
}

std::vector<QCPGraph*> addEventMarkers(QCustomPlot* plot, QCPAxisRect* rect, const RunData& data,
                                       const MarkerFilter& filter, const QPalette& palette, QCPLegend* legend) {
    std::map<int, std::set<int64_t>> by_kind;  // members updating at the same step share one line
    const bool log_x = rect->axis(QCPAxis::atBottom)->scaleType() == QCPAxis::stLogarithmic;
    for (const Marker& m : data.markers()) {
        if (!filter.accepts(m) || (log_x && m.step <= 0)) continue;
        by_kind[int(m.kind)].insert(m.step);
    }
    std::vector<QCPGraph*> out;
    QCPAxis* y = markerAxis(rect);
    for (auto& [kind, steps] : by_kind) {
        QVector<QCPGraphData> points;
        for (int64_t s : steps) points.append(QCPGraphData(double(s), 1.0));
        auto* g = plot->addGraph(rect->axis(QCPAxis::atBottom), y);
        const auto k = MarkerKind(kind);
        g->setName(markerKindName(k));
        g->setProperty("ftwMarker", true);
        g->setLineStyle(QCPGraph::lsImpulse);
        QPen pen(markerColor(k, palette), k == MarkerKind::MaskUpdate ? 1 : 1.5,
                 k == MarkerKind::Phase ? Qt::DashLine : Qt::SolidLine);
        pen.setCosmetic(true);
        g->setPen(pen);
        g->data()->set(points, true);
        if (legend)
            g->addToLegend(legend);
        else
            g->removeFromLegend();
        out.push_back(g);
    }
    return out;
}

QStringList markersNear(const RunData& data, const MarkerFilter& filter, double step, double tolerance) {
    QStringList out;
    for (const Marker& m : data.markers())
        if (filter.accepts(m) && std::abs(double(m.step) - step) <= tolerance)
            out << QCoreApplication::translate("ftw::EventMarkers", "step %1: %2").arg(m.step).arg(m.label);
    return out;
}

}  // namespace ftw
