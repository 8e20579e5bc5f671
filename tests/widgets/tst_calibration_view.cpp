// SPDX-License-Identifier: GPL-3.0-or-later
// CalibrationView: the reliability bars and the confidence histogram equal the ensemble's bins, each member's line
// its own bins, the table its metrics; a later evaluation replaces the earlier one; the view follows the run from
// "val" to "test" unless the user chose a split; overlay runs add their rows.
#include <qcustomplot.h>

#include <QTableWidget>
#include <QtTest>

#include "calibration_view.h"
#include "palette.h"
#include "run_data.h"
#include "scripted_run.h"

using namespace ftw;
using namespace scripted;

namespace {

std::vector<ft::ReliabilityBin> bins(double shift) {
    return {{0.0, 0.25, 0, 0, 0},  // empty: not drawn
            {0.25, 0.5, 10, 0.4, 0.3 + shift},
            {0.5, 0.75, 30, 0.62, 0.55 + shift},
            {0.75, 1.0, 60, 0.9, 0.85 + shift}};
}

QVector<QPointF> pointsOf(QCPBars* b) {
    QVector<QPointF> out;
    for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) out << QPointF(it->key, it->value);
    return out;
}
QVector<QPointF> pointsOf(QCPGraph* g) {
    QVector<QPointF> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) out << QPointF(it->key, it->value);
    return out;
}

void evaluate(RunData& data, int64_t step, double shift) {
    data.apply(ft::StepMetrics{0, step, 1, 1.0, 0.5, 0.1, 0.0});
    data.apply(ft::EvalReport{0, ft::EvalSplit::test(), metrics(0.7, 0.04 + shift, bins(shift - 0.05)), {}, {}});
    data.apply(ft::EvalReport{1, ft::EvalSplit::test(), metrics(0.72, 0.05 + shift, bins(shift + 0.02)), {}, {}});
    data.apply(ft::EvalReport{
        -1, ft::EvalSplit::test(), metrics(0.8, 0.03 + shift, bins(shift)), {{0, 0.1}, {0.1, 0}}, {{0, 1}, {1, 0}}});
}

}  // namespace

class TestCalibrationView : public QObject {
    Q_OBJECT
private slots:
    void barsAndHistogramEqualTheEnsembleBins() {
        RunData data;
        data.apply(runStarted({}, 2));
        evaluate(data, 100, 0.0);
        CalibrationView view;
        view.setRunData(&data);
        view.refreshNow();
        QCOMPARE(view.split(), QStringLiteral("test"));
        QCOMPARE(view.mainEntity(), -1);
        const auto expected = bins(0.0);
        const auto bars = pointsOf(view.reliabilityBars());
        const auto hist = pointsOf(view.histogramBars());
        QCOMPARE(bars.size(), 3);  // the empty bin has no bar
        for (int i = 0; i < 3; ++i) {
            const auto& b = expected[size_t(i + 1)];
            QCOMPARE(bars[i].x(), 0.5 * (b.lo + b.hi));
            QCOMPARE(bars[i].y(), b.accuracy);
            QCOMPARE(hist[i].y(), double(b.count) / 100.0);
        }
        QCOMPARE(view.reliabilityBars()->width(), 0.25);
        QCOMPARE(view.reliabilityBars()->brush().color().rgb(), seriesColor(-1, view.palette()).rgb());

        // Each member: accuracy at the mean confidence of its non-empty bins, in its colour.
        for (int m = 0; m < 2; ++m) {
            QCPGraph* g = view.memberCurve(m);
            QVERIFY(g);
            const auto points = pointsOf(g);
            const auto mb = bins(m == 0 ? -0.05 : 0.02);
            QCOMPARE(points.size(), 3);
            for (int i = 0; i < 3; ++i) {
                QCOMPARE(points[i].x(), mb[size_t(i + 1)].confidence);
                QCOMPARE(points[i].y(), mb[size_t(i + 1)].accuracy);
            }
            QCOMPARE(g->pen().color().rgb(), memberColor(m).rgb());
        }
        QTableWidget* t = view.metricsTable();
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(t->item(0, 1)->text(), QStringLiteral("ensemble"));
        QCOMPARE(t->item(0, 5)->text(), QStringLiteral("0.0300"));  // ECE
        QCOMPARE(t->item(1, 5)->text(), QStringLiteral("0.0400"));
    }

    void aLaterEvaluationReplacesTheEarlierOne() {
        RunData data;
        data.apply(runStarted({}, 2));
        evaluate(data, 100, 0.0);
        CalibrationView view;
        view.setRunData(&data);
        view.refreshNow();
        evaluate(data, 200, 0.1);
        view.refreshNow();
        QCOMPARE(pointsOf(view.reliabilityBars())[0].y(), 0.3 + 0.1);
        QCOMPARE(view.metricsTable()->item(0, 2)->text(), QStringLiteral("200"));
        view.setStep(100);  // back to the first evaluation
        QCOMPARE(pointsOf(view.reliabilityBars())[0].y(), 0.3);
    }

    void followsTheRunToTheTestSplitUnlessTheUserChoseOne() {
        RunData data;
        data.apply(runStarted({}, 2));
        data.apply(ft::StepMetrics{0, 50, 1, 1.0, 0.5, 0.1, 0.0});
        data.apply(ft::EvalReport{-1, ft::EvalSplit::live(true), metrics(0.6, 0.09, bins(-0.1)), {}, {}});
        CalibrationView view;
        view.setRunData(&data);
        view.refreshNow();
        QCOMPARE(view.split(), QStringLiteral("val"));  // all there is while training
        evaluate(data, 100, 0.0);                       // the final test evaluation arrives
        view.refreshNow();
        QCOMPARE(view.split(), QStringLiteral("test"));
        QCOMPARE(pointsOf(view.reliabilityBars())[0].y(), 0.3);
        view.setSplit("val");  // the user's choice sticks when more test reports come
        evaluate(data, 200, 0.1);
        view.refreshNow();
        QCOMPARE(view.split(), QStringLiteral("val"));
        QCOMPARE(pointsOf(view.reliabilityBars())[0].y(), bins(-0.1)[1].accuracy);
    }

    void aSingleMemberIsDrawnAsBars() {
        RunData data;
        data.apply(runStarted({}, 2));
        evaluate(data, 100, 0.0);
        CalibrationView view;
        view.setRunData(&data);
        view.setEntity(1);
        QCOMPARE(view.mainEntity(), 1);
        QCOMPARE(pointsOf(view.reliabilityBars())[2].y(), bins(0.02)[3].accuracy);
        QCOMPARE(view.metricsTable()->rowCount(), 1);
    }

    void overlayRunsAddTheirEnsemble() {
        RunData a, b;
        b.setIdentity(3, "other");
        a.apply(runStarted({}, 2));
        b.apply(runStarted({}, 2));
        evaluate(a, 100, 0.0);
        evaluate(b, 100, 0.1);
        CalibrationView view;
        view.setRunData(&a);
        view.setOverlayRuns({&b});
        view.refreshNow();
        QCPGraph* g = view.memberCurve(-1, &b);
        QVERIFY(g);
        QVERIFY(g->pen().style() != Qt::SolidLine);
        QCOMPARE(pointsOf(g)[0].y(), 0.3 + 0.1);
        QCOMPARE(view.metricsTable()->rowCount(), 4);
        QCOMPARE(view.metricsTable()->item(3, 0)->text(), QStringLiteral("other"));
    }
};

QTEST_MAIN(TestCalibrationView)
#include "tst_calibration_view.moc"
