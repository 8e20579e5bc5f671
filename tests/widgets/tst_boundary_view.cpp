// SPDX-License-Identifier: GPL-3.0-or-later
// BoundaryView: a panel per ticket, then the ensemble, in that order; a grid whose left half is class 0 and right
// half class 1 shows the class colours on the correct sides (grid row 0 at the bottom), and training points are
// drawn where their coordinates fall.
#include <QtTest>

#include "boundary_view.h"
#include "palette.h"
#include "run_data.h"

using namespace ftw;

namespace {

// res x res grid over [-1, 1]^2: class 0 where x < 0, class 1 where x > 0, except the bottom row, all class 1.
ft::DecisionBoundary halfAndHalf(const std::string& source, int64_t member, int64_t step, int res = 8) {
    ft::DecisionBoundary b;
    b.member = member;
    b.step = step;
    b.source = source;
    b.x_min = -1;
    b.x_max = 1;
    b.y_min = -1;
    b.y_max = 1;
    b.resolution = res;
    b.classes = 2;
    for (int gy = 0; gy < res; ++gy)
        for (int gx = 0; gx < res; ++gx) {
            const bool one = gy == 0 || gx >= res / 2;
            b.probs.push_back(one ? 0.0f : 1.0f);
            b.probs.push_back(one ? 1.0f : 0.0f);
        }
    return b;
}

}  // namespace

class TestBoundaryView : public QObject {
    Q_OBJECT
private slots:
    void panelsComeInTicketThenEnsembleOrder() {
        RunData data;
        data.apply(std::vector<ft::Event>{halfAndHalf("ensemble", -1, 300), halfAndHalf("ticket", 1, 200),
                                          halfAndHalf("ticket", 0, 100), halfAndHalf("live", 0, 250)});
        BoundaryView view;
        view.setRunData(&data);
        view.refreshNow();
        BoundaryCanvas* c = view.canvas();
        QCOMPARE(c->panelCount(), 4);
        QCOMPARE(c->panelTitle(0), QStringLiteral("ticket 0 (step 100)"));
        QCOMPARE(c->panelTitle(1), QStringLiteral("ticket 1 (step 200)"));
        QCOMPARE(c->panelTitle(2), QStringLiteral("ensemble (step 300)"));
        QCOMPARE(c->panelTitle(3), QStringLiteral("live, member 0 (step 250)"));

        // A newer boundary of the same source and member replaces the old panel.
        data.apply(halfAndHalf("live", 0, 400));
        view.refreshNow();
        QCOMPARE(c->panelCount(), 4);
        QCOMPARE(c->panelTitle(3), QStringLiteral("live, member 0 (step 400)"));
    }

    void classColoursLandOnTheirSides() {
        RunData data;
        data.apply(halfAndHalf("ticket", 0, 100));
        BoundaryView view;
        view.setRunData(&data);
        view.refreshNow();
        const QImage image = view.canvas()->panelImage(0);
        QCOMPARE(image.size(), QSize(8, 8));
        const QColor zero = classColor(0), one = classColor(1);
        QCOMPARE(QColor(image.pixel(1, 2)), zero);  // left, above the bottom row
        QCOMPARE(QColor(image.pixel(6, 2)), one);   // right
        QCOMPARE(QColor(image.pixel(1, 7)), one);   // the bottom image row is grid row 0 (y_min)
        // An unsure cell (0.5 / 0.5) is paler than either class.
        const float unsure[] = {0.5f, 0.5f};
        const QColor mid = BoundaryCanvas::cellColor(unsure, 2, Qt::white);
        QVERIFY(mid.lightness() > zero.lightness() && mid.lightness() > one.lightness());
    }

    void pointsAreDrawnWhereTheyLie() {
        RunData data;
        data.apply(halfAndHalf("ticket", 0, 100, 64));
        ft::DataPoints2D points;
        points.x = {0.5f};
        points.y = {0.5f};
        points.label = {0};  // a class-0 point in the class-1 region: its fill must stand out
        data.apply(points);
        BoundaryView view;
        view.resize(400, 400);
        view.setRunData(&data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refreshNow();
        const QRect r = view.canvas()->panelRect(0);
        const QImage shot = view.canvas()->grab().toImage();
        const double s = shot.width() / double(view.canvas()->width());
        // (0.5, 0.5) in a [-1, 1] grid whose pixels are centred on the grid points.
        const double h = 2.0 / 63.0, x0 = -1 - h / 2, span = 2 + h;
        const QPoint p(int((r.x() + (0.5 - x0) / span * r.width()) * s),
                       int((r.y() + (1 + h / 2 - 0.5) / span * r.height()) * s));
        QCOMPARE(QColor(shot.pixel(p)).rgb(), classColor(0).rgb());
        const QPoint away(int((r.x() + 0.9 * r.width()) * s), int((r.y() + 0.1 * r.height()) * s));
        QCOMPARE(QColor(shot.pixel(away)).rgb(), classColor(1).rgb());
    }
};

QTEST_MAIN(TestBoundaryView)
#include "tst_boundary_view.moc"
