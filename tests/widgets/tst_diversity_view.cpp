// SPDX-License-Identifier: GPL-3.0-or-later
// DiversityView: the Hamming and Jaccard cells equal the distances between the tickets' masks at capture; the
// disagreement and KL cells equal the evaluation's matrices; diversity versus accuracy follows the evaluations.
#include <qcustomplot.h>

#include <QtTest>
#include <cmath>

#include "diversity_view.h"
#include "ft/eval/diversity.h"
#include "run_data.h"
#include "scripted_run.h"

using namespace ftw;
using namespace scripted;

namespace {

constexpr int64_t kN = 500;

ft::Matrix disagreementOf(double scale) {
    return {{0, 0.10 * scale, 0.20 * scale}, {0.10 * scale, 0, 0.15 * scale}, {0.20 * scale, 0.15 * scale, 0}};
}
ft::Matrix klOf(double scale) {
    return {{0, 0.31 * scale, 0.52 * scale}, {0.29 * scale, 0, 0.44 * scale}, {0.50 * scale, 0.41 * scale, 0}};
}

// EDST-like: member 0 explores three cycles; a ticket at the end of each, its mask then being the current one.
// The member's mask changes after each capture, so only the capture-time mask gives the right distances.
std::vector<Bits> script(RunData& data) {
    data.apply(runStarted({{"fc", {kN}, 0.3, 1}}, 1, "edst"));
    std::mt19937_64 rng(11);
    const auto random = [&] {
        Bits b = allOff(kN);
        for (int64_t i = 0; i < kN; ++i) setBit(b, i, rng() % 10 < 3);
        return b;
    };
    std::vector<Bits> tickets;
    Bits previous = random();
    data.apply(maskUpdate(0, 0, {"fc"}, {previous}, {kN}));
    for (int t = 0; t < 3; ++t) {
        const Bits mask = random();
        data.apply(maskUpdate(0, 100 * t + 50, {"fc"}, {mask}, {kN}, {previous}));
        data.apply(ft::TicketCaptured{0, t, 100 * t + 60, t + 1, 0.7, "best validation"});
        tickets.push_back(mask);
        const Bits after = random();  // the next cycle's exploration
        data.apply(maskUpdate(0, 100 * t + 70, {"fc"}, {after}, {kN}, {mask}));
        previous = after;
    }
    for (int e = 0; e < 2; ++e) {  // two evaluations of the ensemble, each after its members' reports
        data.apply(ft::StepMetrics{0, 400 + 100 * e, 5, 1.0, 0.5, 0.1, 0.0});
        for (int m = 0; m < 3; ++m)
            data.apply(ft::EvalReport{
                m, ft::EvalSplit::test(), metrics(0.6 + 0.05 * m + 0.01 * e, 0.05, {{0, 1, 10, 0.7, 0.6}}), {}, {}});
        data.apply(ft::EvalReport{-1, ft::EvalSplit::test(), metrics(0.8 + 0.05 * e, 0.03, {{0, 1, 10, 0.8, 0.8}}),
                                  disagreementOf(1.0 + e), klOf(1.0 + e)});
    }
    return tickets;
}

}  // namespace

class TestDiversityView : public QObject {
    Q_OBJECT
private slots:
    void maskMatricesAreTheTicketsDistancesAtCapture() {
        RunData data;
        const std::vector<Bits> tickets = script(data);
        DiversityView view;
        view.setRunData(&data);
        view.refreshNow();
        QCPColorMap* hamming = view.matrixMap(DiversityView::Hamming);
        QCPColorMap* jaccard = view.matrixMap(DiversityView::Jaccard);
        QVERIFY(hamming && jaccard);
        QCOMPARE(hamming->data()->keySize(), 3);
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
                const ft::MaskDistance d = ft::mask_distance(tickets[size_t(i)], tickets[size_t(j)], kN);
                QCOMPARE(hamming->data()->cell(j, i), d.hamming);
                QCOMPARE(jaccard->data()->cell(j, i), d.jaccard);
            }
        QCOMPARE(view.matrixLabels(DiversityView::Hamming), (QStringList{"ticket 0", "ticket 1", "ticket 2"}));
    }

    void predictionMatricesAreTheEvaluationsMatrices() {
        RunData data;
        script(data);
        DiversityView view;
        view.setRunData(&data);
        view.refreshNow();
        QCOMPARE(view.evaluationCount(), 2);
        for (int e : {0, 1}) {
            view.setEvaluation(e);
            const ft::Matrix d = disagreementOf(1.0 + e), kl = klOf(1.0 + e);
            QCPColorMap* dm = view.matrixMap(DiversityView::Disagreement);
            QCPColorMap* km = view.matrixMap(DiversityView::Kl);
            for (int i = 0; i < 3; ++i)
                for (int j = 0; j < 3; ++j) {
                    QCOMPARE(dm->data()->cell(j, i), d[size_t(i)][size_t(j)]);
                    QCOMPARE(km->data()->cell(j, i), kl[size_t(i)][size_t(j)]);  // not symmetric: orientation kept
                }
        }
    }

    void diversityVersusAccuracyFollowsTheEvaluations() {
        RunData data;
        script(data);
        DiversityView view;
        view.setRunData(&data);
        view.refreshNow();  // the latest evaluation
        QCPGraph* trajectory = view.ensembleTrajectory();
        QVERIFY(trajectory);
        std::vector<std::pair<double, double>> points;
        for (auto it = trajectory->data()->constBegin(); it != trajectory->data()->constEnd(); ++it)
            points.emplace_back(it->key, it->value);
        QCOMPARE(points.size(), size_t(2));
        QCOMPARE(points[0].first, ft::mean_off_diagonal(disagreementOf(1.0)));
        QCOMPARE(points[0].second, 0.8);
        QCOMPARE(points[1].first, ft::mean_off_diagonal(disagreementOf(2.0)));
        QCOMPARE(points[1].second, 0.85);
        for (int m = 0; m < 3; ++m) {
            QCPGraph* g = view.memberPoint(m);
            QVERIFY(g);
            const auto it = g->data()->constBegin();
            const ft::Matrix d = disagreementOf(2.0);
            double row = 0;
            for (int j = 0; j < 3; ++j)
                if (j != m) row += d[size_t(m)][size_t(j)] / 2;
            QVERIFY(std::abs(it->key - row) < 1e-12);
            QCOMPARE(it->value, 0.6 + 0.05 * m + 0.01);
        }
    }

    void membersLatestMasksBeforeTwoTickets() {
        RunData data;
        data.apply(runStarted({{"fc", {64}, 0.5, 1}}, 2));
        Bits a = allOff(64), b = allOff(64);
        setBlock(a, 64, 0, 1, 0, 32, true);   // first half
        setBlock(b, 64, 0, 1, 16, 48, true);  // overlaps a in 16
        data.apply(maskUpdate(0, 0, {"fc"}, {a}, {64}));
        data.apply(maskUpdate(1, 0, {"fc"}, {b}, {64}));
        DiversityView view;
        view.setRunData(&data);
        view.refreshNow();
        QCOMPARE(view.matrix(DiversityView::Hamming)[0][1], 32.0 / 64.0);
        QCOMPARE(view.matrix(DiversityView::Jaccard)[0][1], 16.0 / 48.0);
        QCOMPARE(view.matrixLabels(DiversityView::Jaccard), (QStringList{"member 0", "member 1"}));
        QVERIFY(!view.matrixMap(DiversityView::Disagreement));  // no evaluation yet: nothing drawn
    }
};

QTEST_MAIN(TestDiversityView)
#include "tst_diversity_view.moc"
