// SPDX-License-Identifier: GPL-3.0-or-later
// CurvesView and decimation: 200k steps are drawn with at most two points per pixel column and still show their
// minimum and maximum; smoothing is an EMA drawn over the faint raw series with its weight in the legend; events
// are markers at their steps; log axes leave non-positive values out instead of clamping them.
#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QtTest>
#include <cmath>
#include <map>

#include "curves_view.h"
#include "decimation.h"
#include "run_data.h"
#include "scripted_run.h"

using namespace ftw;

namespace {

QVector<double> keysOf(QCPGraph* g) {
    QVector<double> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) out << it->key;
    return out;
}
QVector<double> valuesOf(QCPGraph* g) {
    QVector<double> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) out << it->value;
    return out;
}

}  // namespace

class TestCurvesView : public QObject {
    Q_OBJECT
private slots:
    void decimationKeepsMinAndMaxPerColumn() {
        std::vector<int64_t> steps;
        std::vector<double> values;
        for (int64_t s = 1; s <= 10000; ++s) {
            steps.push_back(s);
            values.push_back(std::sin(double(s) / 50.0));
        }
        values[4321] = 7.0;   // a spike
        values[8765] = -9.0;  // a dip
        const XYData d = decimateMinMax(steps, values, 1, 10000, 100);
        QVERIFY(d.x.size() <= 200);
        QVERIFY(d.x.contains(double(steps[4321])));
        QVERIFY(d.y.contains(7.0));
        QVERIFY(d.y.contains(-9.0));
        for (int i = 1; i < d.x.size(); ++i) QVERIFY(d.x[i] > d.x[i - 1]);  // still in step order

        // A column holding only NaN breaks the line; outside points are kept one on each side.
        std::vector<double> gap(values);
        for (size_t i = 5000; i < 5400; ++i) gap[i] = std::nan("");
        const XYData g = decimateMinMax(steps, gap, 1000, 9000, 80);
        bool has_nan = false;
        for (double v : g.y) has_nan |= std::isnan(v);
        QVERIFY(has_nan);
        QCOMPARE(g.x.front(), 999.0);
        QCOMPARE(g.x.back(), 9001.0);

        // Log x: non-positive steps have no place and are left out.
        const XYData l = decimateMinMax({0, 1, 10, 100}, {5, 1, 2, 3}, 1, 100, 10, true);
        QCOMPARE(l.x, (QVector<double>{1, 10, 100}));
    }

    void emaIsDebiasedAndSkipsNaN() {
        QCOMPARE(emaSmooth({4.0, 4.0, 4.0}, 0.9), (std::vector<double>{4.0, 4.0, 4.0}));  // no pull towards 0
        const auto s = emaSmooth({1.0, std::nan(""), 3.0}, 0.5);
        QCOMPARE(s[0], 1.0);
        QVERIFY(std::isnan(s[1]));
        // s = 0.5 * (0.5 * 1) + 0.5 * 3 = 1.75, debiased by 1 - 0.25: 2.3333
        QVERIFY(std::abs(s[2] - 1.75 / 0.75) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, emaSmooth({1.0}, 1.0));
        QCOMPARE(emaSmooth({1.0, 2.0}, 0.0), (std::vector<double>{1.0, 2.0}));
    }

    void twoHundredThousandStepsDecimateToTheScreen() {
        RunData data;
        std::vector<ft::Event> events;
        const int64_t n = 200000;
        events.reserve(size_t(n));
        for (int64_t s = 1; s <= n; ++s) {
            double loss = 1.0 + 0.5 * std::sin(double(s) / 300.0);
            if (s == 123457) loss = 25.0;  // a single diverged step must stay visible
            if (s == 98765) loss = -3.0;
            events.push_back(ft::StepMetrics{0, s, s / 1000 + 1, loss, 0.5, 0.1, 0.3});
        }
        data.apply(std::move(events));
        CurvesView view;
        view.resize(900, 700);
        view.setRunData(&data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QElapsedTimer t;
        t.start();
        view.refreshNow();
        qInfo("200k steps x 4 metrics: rebuild in %lld ms", t.elapsed());
        QCPGraph* g = view.graph("loss", 0);
        QVERIFY(g);
        QCPAxisRect* rect = view.axisRect("loss");
        const int columns = rect->width();
        QVERIFY(columns > 100);
        const QVector<double> keys = keysOf(g), values = valuesOf(g);
        QVERIFY2(keys.size() <= 2 * columns,
                 qPrintable(QString("%1 points, %2 columns").arg(keys.size()).arg(columns)));
        std::map<int, int> per_column;
        for (double k : keys) ++per_column[int(std::floor(g->keyAxis()->coordToPixel(k)))];
        for (const auto& [column, count] : per_column) QVERIFY2(count <= 2, qPrintable(QString::number(column)));
        QVERIFY(keys.contains(123457.0));
        QVERIFY(values.contains(25.0));
        QVERIFY(keys.contains(98765.0));
        QVERIFY(values.contains(-3.0));

        // Zooming in re-decimates the visible range at full resolution.
        g->keyAxis()->setRange(1000, 1100);
        QVector<double> zoomed = keysOf(g);
        int inside = 0;
        for (double k : zoomed) inside += k >= 1000 && k <= 1100;
        QCOMPARE(inside, 101);  // every step of the range: fewer steps than pixels
    }

    void smoothingIsDrawnOverTheFaintRawSeries() {
        RunData data;
        std::vector<double> loss;
        for (int64_t s = 1; s <= 50; ++s) {
            loss.push_back(double((s * 37) % 11));
            data.apply(ft::StepMetrics{0, s, 1, loss.back(), 0.5, 0.1, 0.0});
        }
        CurvesView view;
        view.resize(800, 600);
        view.setRunData(&data);
        view.setSmoothing(0.8);
        view.refreshNow();
        QCPGraph* raw = view.graph("loss", 0, false);
        QCPGraph* smooth = view.graph("loss", 0, true);
        QVERIFY(raw && smooth);
        QVERIFY2(smooth->name().contains(QStringLiteral("EMA 0.8")), qPrintable(smooth->name()));
        QVERIFY(raw->pen().color().alphaF() < smooth->pen().color().alphaF());
        QCOMPARE(valuesOf(raw), QVector<double>(loss.begin(), loss.end()));
        const std::vector<double> expected = emaSmooth(loss, 0.8);
        QCOMPARE(valuesOf(smooth), QVector<double>(expected.begin(), expected.end()));
        // The legend lists the smoothed line (with its weight), not the raw one.
        bool smooth_in_legend = false, raw_in_legend = false;
        for (int i = 0; i < view.plot()->legend->itemCount(); ++i)
            if (auto* item = qobject_cast<QCPPlottableLegendItem*>(view.plot()->legend->item(i))) {
                smooth_in_legend |= item->plottable() == smooth;
                raw_in_legend |= item->plottable() == raw;
            }
        QVERIFY(smooth_in_legend);
        QVERIFY(!raw_in_legend);
    }

    void eventsAreMarkersAtTheirSteps() {
        RunData data;
        for (int64_t s = 1; s <= 300; ++s) data.apply(ft::StepMetrics{0, s, 1, 1.0, 0.5, 0.1, 0.0});
        data.apply(ft::PhaseChange{0, 100, 2, ft::Phase::Exploration, 1});
        data.apply(ft::LrChange{0, 150, 2, 0.01});
        data.apply(ft::TicketCaptured{0, 0, 200, 2, 0.7, "best validation"});
        data.apply(scripted::maskUpdate(0, 50, {"fc"}, {scripted::allOn(10)}, {10}));
        data.apply(scripted::maskUpdate(0, 250, {"fc"}, {scripted::allOn(10)}, {10}, {scripted::allOn(10)}));
        CurvesView view;
        view.resize(800, 600);
        view.setRunData(&data);
        view.refreshNow();
        std::map<QString, QVector<double>> markers;
        QCPAxisRect* rect = view.axisRect("accuracy");
        for (QCPGraph* g : rect->graphs())
            if (g->property("ftwMarker").toBool()) markers[g->name()] = keysOf(g);
        QCOMPARE(markers["phase change"], QVector<double>{100});
        QCOMPARE(markers["LR change"], QVector<double>{150});
        QCOMPARE(markers["ticket captured"], QVector<double>{200});
        QCOMPARE(markers["mask update"], (QVector<double>{50, 250}));
    }

    void logAxesLeaveNonPositiveValuesOut() {
        RunData data;
        const double values[] = {1.0, 0.0, -2.0, 0.01};
        for (int64_t s = 1; s <= 4; ++s) data.apply(ft::StepMetrics{0, s, 1, values[s - 1], 0.5, 0.1, 0.0});
        CurvesView view;
        view.setRunData(&data);
        view.setLogY(true);
        view.refreshNow();
        QCPAxisRect* rect = view.axisRect("loss");
        QCOMPARE(rect->axis(QCPAxis::atLeft)->scaleType(), QCPAxis::stLogarithmic);
        const QVector<double> v = valuesOf(view.graph("loss", 0));
        QCOMPARE(v.size(), 4);
        QCOMPARE(v[0], 1.0);
        QVERIFY(std::isnan(v[1]) && std::isnan(v[2]));  // a gap, not a clamped value
        QCOMPARE(v[3], 0.01);
    }

    void overlayRunsAreDrawnDashed() {
        RunData a, b;
        b.setIdentity(7, "baseline");
        for (int64_t s = 1; s <= 10; ++s) {
            a.apply(ft::StepMetrics{0, s, 1, 1.0, 0.5, 0.1, 0.0});
            b.apply(ft::StepMetrics{0, s, 1, 2.0, 0.5, 0.1, 0.0});
        }
        CurvesView view;
        view.setRunData(&a);
        view.setOverlayRuns({&b});
        view.refreshNow();
        QCPGraph* mine = view.graph("loss", 0, false, &a);
        QCPGraph* theirs = view.graph("loss", 0, false, &b);
        QVERIFY(mine && theirs);
        QCOMPARE(mine->pen().style(), Qt::SolidLine);
        QVERIFY(theirs->pen().style() != Qt::SolidLine);
        QCOMPARE(mine->pen().color().rgb(), theirs->pen().color().rgb());  // member 0 keeps its colour
        QVERIFY(theirs->name().startsWith(QStringLiteral("baseline")));
        QCOMPARE(valuesOf(theirs).front(), 2.0);
    }
};

QTEST_MAIN(TestCurvesView)
#include "tst_curves_view.moc"
