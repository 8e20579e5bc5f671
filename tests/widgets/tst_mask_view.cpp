// SPDX-License-Identifier: GPL-3.0-or-later
// MaskView and its image building: a scripted layer that is all on except one block shows that block pruned
// (vermillion) right after the update that pruned it and regrown (green) when it comes back, at 1:1 and when
// downsampled; the scrubber steps through every update, follows the latest only until the user scrubs; hover
// names the weight and its history; a layer of millions of weights builds in milliseconds.
#include <QElapsedTimer>
#include <QSlider>
#include <QtTest>
#include <bit>

#include "mask_canvas.h"
#include "mask_image.h"
#include "mask_view.h"
#include "palette.h"
#include "run_data.h"
#include "scripted_run.h"

using namespace ftw;
using namespace scripted;

namespace {

constexpr int64_t kRows = 64, kCols = 128, kTotal = kRows * kCols;
// The block pruned at update 1 and regrown at update 2: rows [16, 32), columns [32, 64).
constexpr int64_t kR0 = 16, kR1 = 32, kC0 = 32, kC1 = 64;

// Updates: 0 all on; 1 the block pruned; 2 the block regrown.
void scriptBlockRun(RunData& data, bool finish = true) {
    data.apply(runStarted({{"fc1.weight", {kRows, kCols}, 0.9, 1}}));
    const Bits on = allOn(kTotal);
    Bits pruned = on;
    setBlock(pruned, kCols, kR0, kR1, kC0, kC1, false);
    data.apply(maskUpdate(0, 0, {"fc1.weight"}, {on}, {kTotal}));
    data.apply(maskUpdate(0, 10, {"fc1.weight"}, {pruned}, {kTotal}, {on}));
    data.apply(maskUpdate(0, 20, {"fc1.weight"}, {on}, {kTotal}, {pruned}));
    if (finish) data.apply(ft::RunFinished{ft::RunStatus::Finished, "", 1.0, ""});
}

bool inBlock(int64_t r, int64_t c) { return r >= kR0 && r < kR1 && c >= kC0 && c < kC1; }

}  // namespace

class TestMaskView : public QObject {
    Q_OBJECT
private slots:
    void gridLayouts() {
        const MaskGrid linear = maskGrid({300, 784}, 300 * 784);
        QCOMPARE(linear.rows(), int64_t(300));
        QCOMPARE(linear.cols(), int64_t(784));
        QCOMPARE(linear.indexAt(2, 5), int64_t(2 * 784 + 5));

        const MaskGrid conv = maskGrid({8, 4, 3, 3}, 288);
        QCOMPARE(conv.rows(), int64_t(8));
        QCOMPARE(conv.cols(), int64_t(36));
        QCOMPARE(conv.indexAt(1, 10), int64_t(36 + 10));

        // Per-filter tiles: filter f is an in x (kh*kw) = 4 x 9 tile; weight [f, i, ky, kx] sits in tile f.
        const MaskGrid tiles = maskGrid({8, 4, 3, 3}, 288, ConvLayout::FilterTiles);
        QCOMPARE(tiles.tileRows, int64_t(4));
        QCOMPARE(tiles.tileCols, int64_t(9));
        for (int64_t f = 0; f < 8; ++f) {
            const int64_t row = (f / tiles.tilesPerRow) * 4 + 2, col = (f % tiles.tilesPerRow) * 9 + 7;
            QCOMPARE(tiles.indexAt(row, col), f * 36 + 2 * 9 + 7);
        }

        // Unknown shape: a near-square block with padding after the last weight.
        const MaskGrid flat = maskGrid({}, 10);
        QCOMPARE(flat.cols(), int64_t(4));
        QCOMPARE(flat.rows(), int64_t(3));
        QCOMPARE(flat.indexAt(2, 1), int64_t(9));
        QCOMPARE(flat.indexAt(2, 2), int64_t(-1));
    }

    void blockCountsAddUpToTheMask() {
        // Counting per block loses nothing: the sums over all pixels equal the mask's popcounts.
        std::mt19937_64 rng(7);
        const int64_t n = 300 * 777;
        Bits cur(size_t((n + 63) / 64)), prev(cur.size());
        for (auto& w : cur) w = rng();
        for (auto& w : prev) w = rng();
        const int64_t tail = n % 64;
        cur.back() &= (uint64_t{1} << tail) - 1;
        prev.back() &= (uint64_t{1} << tail) - 1;
        int64_t alive = 0, regrown = 0, pruned = 0;
        for (size_t w = 0; w < cur.size(); ++w) {
            alive += std::popcount(cur[w]);
            regrown += std::popcount(cur[w] & ~prev[w]);
            pruned += std::popcount(prev[w] & ~cur[w]);
        }
        const MaskGrid grid = maskGrid({300, 777}, n);
        for (QSize size : {QSize(777, 300), QSize(100, 37), QSize(1, 1), QSize(13, 299)}) {
            const BlockCounts c = countBlocks(grid, cur.data(), prev.data(), wholeGrid(grid), size);
            int64_t cells = 0, a = 0, g = 0, p = 0;
            for (size_t i = 0; i < c.cells.size(); ++i) {
                cells += c.cells[i];
                a += c.alive[i];
                g += c.regrown[i];
                p += c.pruned[i];
            }
            QCOMPARE(cells, n);
            QCOMPARE(a, alive);
            QCOMPARE(g, regrown);
            QCOMPARE(p, pruned);
        }
    }

    void prunedBlockIsRedAndRegrownBlockIsGreen() {
        RunData data;
        scriptBlockRun(data);
        MaskView view;
        view.setRunData(&data);
        view.refreshNow();
        const MaskColors colors = maskColors(view.canvas()->palette());

        view.setUpdateIndex(1);
        QImage image = view.canvas()->layerImage(0, QSize(kCols, kRows));  // 1:1
        QCOMPARE(image.size(), QSize(int(kCols), int(kRows)));
        for (int64_t r = 0; r < kRows; ++r)
            for (int64_t c = 0; c < kCols; ++c)
                QCOMPARE(QColor(image.pixel(int(c), int(r))), inBlock(r, c) ? colors.pruned : colors.active);

        view.setUpdateIndex(2);
        image = view.canvas()->layerImage(0, QSize(kCols, kRows));
        QCOMPARE(QColor(image.pixel(40, 20)), colors.regrown);
        QCOMPARE(QColor(image.pixel(10, 10)), colors.active);

        view.setUpdateIndex(0);  // the initial mask has nothing to compare with: all kept
        image = view.canvas()->layerImage(0, QSize(kCols, kRows));
        QCOMPARE(QColor(image.pixel(40, 20)), colors.active);
    }

    void downsampledImageKeepsThePrunedBlock() {
        RunData data;
        scriptBlockRun(data);
        MaskView view;
        view.setRunData(&data);
        view.refreshNow();
        view.setUpdateIndex(1);
        const MaskColors colors = maskColors(view.canvas()->palette());
        // 4 x 4 cells per pixel: the block is pixel rows [4, 8), columns [8, 16), every pixel fully pruned.
        const QImage image = view.canvas()->layerImage(0, QSize(32, 16));
        QCOMPARE(image.size(), QSize(32, 16));
        for (int y = 0; y < 16; ++y)
            for (int x = 0; x < 32; ++x)
                QCOMPARE(QColor(image.pixel(x, y)),
                         (y >= 4 && y < 8 && x >= 8 && x < 16) ? colors.pruned : colors.active);
        // A pixel partly pruned, partly kept mixes the two colours by their shares (each at least 30 %).
        const QImage coarse = view.canvas()->layerImage(0, QSize(kCols / 64, kRows / 32));  // 2 x 2 pixels
        const QColor mixed(coarse.pixel(0, 0));  // rows 0-31, cols 0-63: 512 of 2048 cells pruned
        const double pruned = std::max(512.0 / 2048, kBlockMinShare), kept = 1536.0 / 2048;
        const int expected_red =
            int(std::lround((kept * colors.active.red() + pruned * colors.pruned.red()) / (kept + pruned)));
        QCOMPARE(mixed.red(), expected_red);
    }

    void aLoneAliveWeightInADeadBlockStaysVisibleZoomedOut() {
        // One alive weight among 4096 dead ones, all drawn on one pixel: the pixel is clearly not the dead colour.
        const int64_t n = 64 * 64;
        BlockCounts counts;
        counts.width = counts.height = 1;
        counts.cells = {uint32_t(n)};
        counts.alive = {1};
        counts.regrown = {0};
        counts.pruned = {0};
        const MaskColors colors = maskColors(QPalette());
        const QColor pixel(blockImage(counts, colors).pixel(0, 0));
        const auto distance = [](const QColor& a, const QColor& b) {
            return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
        };
        QVERIFY2(distance(pixel, colors.inactive) >= distance(colors.active, colors.inactive) / 5,
                 qPrintable(pixel.name()));
        // With the plain mean (1/4096 of the alive colour) it would be the dead colour to the last bit.
        QVERIFY(pixel != colors.inactive);
    }

    void renderedWidgetShowsRedWhereTheBlockWasPruned() {
        RunData data;
        scriptBlockRun(data);
        MaskView view;
        view.resize(700, 500);
        view.setRunData(&data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refreshNow();
        view.setUpdateIndex(1);
        const QRect r = view.canvas()->imageRect(0);
        QVERIFY(r.width() > 20 && r.height() > 10);
        const QImage shot = view.canvas()->grab().toImage();
        const double sx = shot.width() / double(view.canvas()->width());
        const auto at = [&](double fc, double fr) {  // a cell position (fractions of the grid) in the screenshot
            return QColor(shot.pixel(int((r.x() + fc * r.width()) * sx), int((r.y() + fr * r.height()) * sx)));
        };
        const QColor inside = at((kC0 + kC1) / 2.0 / kCols, (kR0 + kR1) / 2.0 / kRows);
        QVERIFY2(inside.red() > 150 && inside.green() < 130 && inside.blue() < 60, qPrintable(inside.name()));
        const QColor outside = at(0.9, 0.8);
        QCOMPARE(outside, maskColors(view.canvas()->palette()).active);
    }

    void scrubberFollowsLatestUntilTheUserScrubs() {
        RunData data;
        scriptBlockRun(data, false);
        MaskView view;
        view.setRunData(&data);
        view.refreshNow();
        QCOMPARE(view.updateCount(), 3);
        QCOMPARE(view.timeline()->maximum(), 2);
        QVERIFY(view.followLatest());
        QCOMPARE(view.updateIndex(), 2);

        data.apply(maskUpdate(0, 30, {"fc1.weight"}, {allOn(kTotal)}, {kTotal}, {allOn(kTotal)}));
        view.refreshNow();
        QCOMPARE(view.updateIndex(), 3);  // followed

        view.timeline()->triggerAction(QAbstractSlider::SliderSingleStepSub);  // as a user key press does
        QVERIFY(!view.followLatest());
        QCOMPARE(view.updateIndex(), 2);
        data.apply(maskUpdate(0, 40, {"fc1.weight"}, {allOn(kTotal)}, {kTotal}, {allOn(kTotal)}));
        view.refreshNow();
        QCOMPARE(view.updateIndex(), 2);  // stays where the user put it
        QCOMPARE(view.updateCount(), 5);

        view.setFollowLatest(true);
        QCOMPARE(view.updateIndex(), 4);
    }

    void playStepsThroughEveryUpdateAndStopsAtTheEnd() {
        RunData data;
        scriptBlockRun(data);
        MaskView view;
        view.setRunData(&data);
        view.refreshNow();
        std::vector<int> seen;
        connect(&view, &MaskView::currentUpdateChanged, this, [&](int, int index, qint64) { seen.push_back(index); });
        view.setUpdateIndex(0);
        seen.clear();
        view.setSpeed(50);
        view.play();
        QVERIFY(view.playing());
        QVERIFY(!view.followLatest());
        QTRY_VERIFY_WITH_TIMEOUT(!view.playing(), 5000);
        QCOMPARE(seen, (std::vector<int>{1, 2}));  // every update, in order, none skipped
    }

    void hoverNamesTheWeightAndItsHistory() {
        RunData data;
        scriptBlockRun(data);
        MaskView view;
        view.resize(kCols * 4 + 40, kRows * 4 + 200);
        view.setRunData(&data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refreshNow();
        view.setUpdateIndex(1);
        view.setLayer(0);
        // Zoom to the 8 x 8 cells around weight [20, 40] so that a cell is several pixels wide.
        view.canvas()->setZoom({36, 16, 44, 24});
        const QRect r = view.canvas()->imageRect(0);
        const CellRect z = view.canvas()->zoom();
        QCOMPARE(z.width(), int64_t(8));
        const QPoint p(r.x() + int((40 - z.col0 + 0.5) * r.width() / z.width()),
                       r.y() + int((20 - z.row0 + 0.5) * r.height() / z.height()));
        const QString text = view.canvas()->describeAt(p);
        QVERIFY2(text.contains(QStringLiteral("weight [20, 40]")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("pruned at this update")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("alive at updates 0 (step 0), 2 (step 20)")), qPrintable(text));

        view.canvas()->resetZoom();  // whole layer on fewer pixels than cells? then it reports a block
        const QRect whole = view.canvas()->imageRect(0);
        const QString block = view.canvas()->describeAt(whole.center());
        QVERIFY(!block.isEmpty());
    }

    void keysZoomPanAndFitOneLayer() {
        RunData data;
        scriptBlockRun(data);
        MaskView view;
        view.resize(kCols * 4 + 40, kRows * 4 + 200);
        view.setRunData(&data);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.refreshNow();
        view.setLayer(0);
        MaskCanvas* canvas = view.canvas();
        const CellRect whole = canvas->zoom();
        QTest::keyClick(canvas, Qt::Key_Plus);
        const CellRect in = canvas->zoom();
        QCOMPARE(in.width(), whole.width() / 2);
        QCOMPARE(in.height(), whole.height() / 2);
        QTest::keyClick(canvas, Qt::Key_Right);
        QCOMPARE(canvas->zoom().col0, in.col0 + in.width() / 8);
        QCOMPARE(canvas->zoom().width(), in.width());
        QTest::keyClick(canvas, Qt::Key_Down);
        QCOMPARE(canvas->zoom().row0, in.row0 + in.height() / 8);
        QTest::keyClick(canvas, Qt::Key_Minus);
        QCOMPARE(canvas->zoom().width(), whole.width());
        QTest::keyClick(canvas, Qt::Key_Plus);
        QTest::keyClick(canvas, Qt::Key_0);  // fit
        QCOMPARE(canvas->zoom().col0, whole.col0);
        QCOMPARE(canvas->zoom().width(), whole.width());
        QCOMPARE(canvas->zoom().height(), whole.height());
    }

    void viewsReadMasksInPlace() {
        RunData data;
        scriptBlockRun(data);
        MaskView a, b;
        a.setRunData(&data);
        b.setRunData(&data);
        a.resize(400, 300);
        b.resize(400, 300);
        a.refreshNow();
        b.refreshNow();
        (void)a.canvas()->grab();
        (void)b.canvas()->grab();
        // Each mask exists once, in RunData's cache: a view holds references to the frame it drew (its current and
        // previous mask), never a copy.
        const size_t bytes = data.maskBytes();
        size_t expected = 0;
        for (size_t k = 0; k < data.maskUpdates(0).size(); ++k) {
            const MaskWords m = data.maskAt(0, int64_t(k), 0);
            expected += m->size() * sizeof(uint64_t);
            QVERIFY2(m.use_count() <= 2 + 2 * 2, qPrintable(QString::number(m.use_count())));  // cache, here, 2 views
        }
        QCOMPARE(bytes, expected);
    }

    void aLayerOfMillionsOfWeightsBuildsFast() {
        const int64_t rows = 2048, cols = 2048, n = rows * cols;  // 4.2 M weights
        std::mt19937_64 rng(3);
        Bits cur(size_t(n / 64)), prev(cur.size());
        for (auto& w : cur) w = rng() & rng();  // ~25 % density
        for (auto& w : prev) w = rng() & rng();
        const MaskGrid grid = maskGrid({rows, cols}, n);
        const MaskColors colors = maskColors(QPalette());
        QElapsedTimer t;
        t.start();
        const int repeats = 5;
        QImage image;
        for (int i = 0; i < repeats; ++i)
            image = blockImage(countBlocks(grid, cur.data(), prev.data(), wholeGrid(grid), QSize(600, 600)), colors);
        const double ms = double(t.nsecsElapsed()) / 1e6 / repeats;
        qInfo("4.2 M-weight layer to a 600 x 600 image: %.2f ms", ms);
        QCOMPARE(image.size(), QSize(600, 600));
        QVERIFY2(ms < 250, qPrintable(QString::number(ms)));  // generous: a shared 2-core machine
    }
};

QTEST_MAIN(TestMaskView)
#include "tst_mask_view.moc"
