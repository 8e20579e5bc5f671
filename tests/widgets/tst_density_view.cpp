// SPDX-License-Identifier: GPL-3.0-or-later
// DensityView: the per-layer density lines, the targets, the pruned/regrown bars, the ever-active share and the
// heatmap cells all equal the counts of the scripted mask updates.
#include <qcustomplot.h>

#include <QtTest>

#include "density_view.h"
#include "run_data.h"
#include "scripted_run.h"

using namespace ftw;
using namespace scripted;

namespace {

QVector<QPointF> pointsOf(QCPGraph* g) {
    QVector<QPointF> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it) out << QPointF(it->key, it->value);
    return out;
}
QVector<QPointF> pointsOf(QCPBars* b) {
    QVector<QPointF> out;
    for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) out << QPointF(it->key, it->value);
    return out;
}

// Two layers, three updates of member 1 (member 0 has a single, different update so member selection matters).
struct Script {
    std::vector<std::vector<Bits>> masks;  // [update][layer]
    std::vector<int64_t> steps = {0, 100, 200};
    std::vector<double> ever = {0.3, 0.4, 0.55};
    std::vector<int64_t> totals = {200, 90};
};

Script apply(RunData& data) {
    Script s;
    data.apply(runStarted({{"conv1.weight", {10, 2, 10}, 0.3, 1}, {"fc.weight", {9, 10}, 0.5, 1}}, 2));
    std::mt19937_64 rng(5);
    const auto random = [&](int64_t n, int percent) {
        Bits b = allOff(n);
        for (int64_t i = 0; i < n; ++i) setBit(b, i, int(rng() % 100) < percent);
        return b;
    };
    data.apply(maskUpdate(0, 0, {"conv1.weight", "fc.weight"}, {allOn(200), allOn(90)}, s.totals));
    for (size_t k = 0; k < s.steps.size(); ++k) {
        s.masks.push_back({random(200, 30 + 5 * int(k)), random(90, 50 - 10 * int(k))});
        auto u = k == 0
                     ? maskUpdate(1, s.steps[k], {"conv1.weight", "fc.weight"}, s.masks[k], s.totals)
                     : maskUpdate(1, s.steps[k], {"conv1.weight", "fc.weight"}, s.masks[k], s.totals, s.masks[k - 1]);
        u.ever_active = s.ever[k];
        data.apply(u);
    }
    return s;
}

}  // namespace

class TestDensityView : public QObject {
    Q_OBJECT
private slots:
    void linesBarsAndEverActiveEqualTheCounts() {
        RunData data;
        const Script s = apply(data);
        DensityView view;
        view.setRunData(&data);
        view.refreshNow();
        view.setMember(1);
        for (int l = 0; l < 2; ++l) {
            QCPGraph* g = view.densityGraph(l);
            QVERIFY(g);
            const auto points = pointsOf(g);
            QCOMPARE(points.size(), 3);
            for (size_t k = 0; k < 3; ++k) {
                QCOMPARE(points[int(k)].x(), double(s.steps[k]));
                QCOMPARE(points[int(k)].y(), double(popcount(s.masks[k][size_t(l)])) / double(s.totals[size_t(l)]));
            }
            const auto target = pointsOf(view.targetGraph(l));
            QCOMPARE(target.front().y(), l == 0 ? 0.3 : 0.5);
        }
        const auto all = pointsOf(view.densityGraph(-1));
        QCOMPARE(all[1].y(), double(popcount(s.masks[1][0]) + popcount(s.masks[1][1])) / 290.0);

        const auto pruned = pointsOf(view.prunedBars());
        const auto regrown = pointsOf(view.regrownBars());
        QCOMPARE(pruned.size(), 3);
        for (size_t k = 1; k < 3; ++k) {
            int64_t p = 0, g = 0;
            for (size_t l = 0; l < 2; ++l)
                for (int64_t i = 0; i < s.totals[l]; ++i) {
                    const bool before = bit(s.masks[k - 1][l], i), now = bit(s.masks[k][l], i);
                    p += before && !now;
                    g += !before && now;
                }
            QCOMPARE(pruned[int(k)].y(), -double(p));
            QCOMPARE(regrown[int(k)].y(), double(g));
            QCOMPARE(pruned[int(k)].x(), double(s.steps[k]));
        }
        const auto ever = pointsOf(view.everActiveGraph());
        for (size_t k = 0; k < 3; ++k) QCOMPARE(ever[int(k)].y(), s.ever[k]);

        // Counts of one layer only.
        view.setCountsLayer(1);
        const auto fc_regrown = pointsOf(view.regrownBars());
        QCOMPARE(fc_regrown[2].y(), double(data.maskUpdates(1)[2].layers[1].regrown));
    }

    void heatmapCellsAreTheDensities() {
        RunData data;
        const Script s = apply(data);
        DensityView view;
        view.setRunData(&data);
        view.setMember(1);
        view.setHeatmap(true);
        QCPColorMap* map = view.heatmapItem();
        QVERIFY(map);
        QCOMPARE(map->data()->keySize(), 3);
        QCOMPARE(map->data()->valueSize(), 2);
        for (int k = 0; k < 3; ++k)
            for (int l = 0; l < 2; ++l)
                QCOMPARE(map->data()->cell(k, l),
                         double(popcount(s.masks[size_t(k)][size_t(l)])) / double(s.totals[size_t(l)]));
    }

    void memberZeroShowsItsOwnUpdate() {
        RunData data;
        apply(data);
        DensityView view;
        view.setRunData(&data);
        view.setMember(0);
        const auto points = pointsOf(view.densityGraph(0));
        QCOMPARE(points.size(), 1);
        QCOMPARE(points[0].y(), 1.0);
    }
};

QTEST_MAIN(TestDensityView)
#include "tst_density_view.moc"
