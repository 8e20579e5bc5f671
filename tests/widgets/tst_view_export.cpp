// SPDX-License-Identifier: GPL-3.0-or-later
// Export of every view: PNG with the PNG signature at the requested size, SVG that parses as XML with an <svg>
// root, PDF that starts with %PDF and has the requested page size, CSV with the view's header and data rows; bad
// paths and formats fail with a message naming the file. The mask view's PNG shows the pruned block.
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>
#include <functional>
#include <memory>

#include <qcustomplot.h>

#include "boundary_view.h"
#include "calibration_view.h"
#include "curves_view.h"
#include "density_view.h"
#include "diversity_view.h"
#include "mask_canvas.h"
#include "mask_view.h"
#include "palette.h"
#include "run_data.h"
#include "scripted_run.h"

using namespace ftw;
using namespace scripted;

namespace {

// A small run with something for every view: masks with a pruned block, curves, tickets, evaluations, 2-D data.
void script(RunData& data) {
    data.apply(runStarted({{"fc1.weight", {32, 64}, 0.8, 1}}, 2));
    const int64_t n = 32 * 64;
    Bits on = allOn(n), pruned = on;
    setBlock(pruned, 64, 8, 24, 16, 48, false);
    for (int m = 0; m < 2; ++m) {
        data.apply(maskUpdate(m, 0, {"fc1.weight"}, {on}, {n}));
        for (int64_t s = 1; s <= 100; ++s) data.apply(ft::StepMetrics{m, s, 1, 1.0 / double(s), 0.5, 0.1, 0.2});
        data.apply(maskUpdate(m, 100, {"fc1.weight"}, {m == 0 ? pruned : on}, {n}, {on}));
        data.apply(ft::TicketCaptured{m, m, 100, 1, 0.6, "best validation"});
    }
    const std::vector<ft::ReliabilityBin> bins = {{0, 0.5, 40, 0.4, 0.35}, {0.5, 1, 60, 0.8, 0.75}};
    for (int m = 0; m < 2; ++m) data.apply(ft::EvalReport{m, ft::EvalSplit::test(), metrics(0.6, 0.05, bins), {}, {}});
    data.apply(ft::EvalReport{
        -1, ft::EvalSplit::test(), metrics(0.7, 0.04, bins), {{0, 0.2}, {0.2, 0}}, {{0, 0.5}, {0.4, 0}}});
    ft::DecisionBoundary b{0, 100, "ticket", -1, 1, -1, 1, 2, 2, {0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.1f, 0.9f}};
    data.apply(b);
    data.apply(ft::RunFinished{ft::RunStatus::Finished, "", 1.0, ""});
}

using Factory = std::function<RunView*()>;

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

Q_DECLARE_METATYPE(Factory)

class TestViewExport : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { script(data_); }

    void everyViewExports_data() {
        QTest::addColumn<Factory>("make");
        QTest::addColumn<QString>("csvHeader");
        QTest::newRow("mask") << Factory([] { return new MaskView; }) << "member,update,step";
        QTest::newRow("density") << Factory([] { return new DensityView; }) << "member,update,step,layer,density";
        QTest::newRow("diversity") << Factory([] { return new DiversityView; }) << "kind,i,j";
        QTest::newRow("calibration") << Factory([] { return new CalibrationView; }) << "run,member,split,step,bin_lo";
        QTest::newRow("curves") << Factory([] { return new CurvesView; }) << "run,member,key,step,value";
        QTest::newRow("boundary") << Factory([] { return new BoundaryView; }) << "source,member,step,x,y";
    }

    void everyViewExports() {
        QFETCH(Factory, make);
        QFETCH(QString, csvHeader);
        std::unique_ptr<RunView> view(make());
        view->resize(640, 480);
        view->setRunData(&data_);
        view->show();
        QVERIFY(QTest::qWaitForWindowExposed(view.get()));
        QTemporaryDir dir;
        QString error;

        const QString png = dir.filePath("view.png");
        QVERIFY2(view->exportImage(png, QSize(1000, 700), &error), qPrintable(error));
        const QByteArray png_bytes = readAll(png);
        QVERIFY(png_bytes.startsWith(QByteArray("\x89PNG\r\n\x1a\n", 8)));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1000, 700));
        // Not a blank page: the figure has many colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 3, qPrintable(QString::number(colours.size())));

        const QString svg = dir.filePath("view.svg");
        QVERIFY2(view->exportImage(svg, QSize(800, 500), &error), qPrintable(error));
        QXmlStreamReader xml(readAll(svg));
        QVERIFY(xml.readNextStartElement());
        QCOMPARE(xml.name().toString(), QStringLiteral("svg"));
        while (!xml.atEnd()) xml.readNext();
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));

        const QString pdf = dir.filePath("view.pdf");
        QVERIFY2(view->exportImage(pdf, QSize(600, 400), &error), qPrintable(error));
        const QByteArray pdf_bytes = readAll(pdf);
        QVERIFY(pdf_bytes.startsWith("%PDF"));
        const QRegularExpression media(QStringLiteral("/MediaBox \\[0 0 600(\\.0+)? 400(\\.0+)?\\]"));
        QVERIFY2(media.match(QString::fromLatin1(pdf_bytes)).hasMatch(), "the page is not 600 x 400 points");

        const QString csv = dir.filePath("view.csv");
        QVERIFY2(view->exportCsv(csv, &error), qPrintable(error));
        const QList<QByteArray> lines = readAll(csv).split('\n');
        QVERIFY(lines.front().startsWith(csvHeader.toUtf8()));
        QVERIFY2(lines.size() > 2, "no data rows");
    }

    void maskFigureShowsThePrunedBlock() {
        MaskView view;
        view.resize(640, 480);
        view.setRunData(&data_);
        view.refreshNow();
        view.setMember(0);
        view.setUpdateIndex(1);
        view.setLayer(0);
        QTemporaryDir dir;
        QString error;
        const QString png = dir.filePath("mask.png");
        QVERIFY2(view.exportImage(png, QSize(1280, 960), &error), qPrintable(error));
        const QImage image(png);
        const QRgb pruned = maskColors(view.palette()).pruned.rgb();
        int red = 0;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2) red += (image.pixel(x, y) & 0xFFFFFF) == (pruned & 0xFFFFFF);
        // The block is a quarter of the layer's cells; the layer fills a good part of the figure.
        QVERIFY2(red > 2000, qPrintable(QString::number(red)));
    }

    void badPathsAndFormatsFailWithTheFileName() {
        CurvesView view;
        view.setRunData(&data_);
        QTemporaryDir dir;
        QString error;
        const QString gif = dir.filePath("figure.gif");
        QVERIFY(!view.exportImage(gif, QSize(100, 100), &error));
        QVERIFY2(error.contains(gif) && error.contains(QStringLiteral(".png")), qPrintable(error));
        const QString missing = dir.filePath("no/such/folder/figure.png");
        QVERIFY(!view.exportImage(missing, QSize(100, 100), &error));
        QVERIFY2(error.startsWith(missing), qPrintable(error));
        QVERIFY(!view.exportImage(dir.filePath("zero.png"), QSize(0, 100), &error));
        QVERIFY2(error.contains(QStringLiteral("0 x 100")), qPrintable(error));
        QVERIFY(!view.exportCsv(dir.filePath("no/such/data.csv"), &error));
        QVERIFY2(error.contains(QStringLiteral("data.csv")), qPrintable(error));
        QVERIFY(!QFile::exists(gif));
    }

    void csvQuotesNamesWithCommasAndQuotes() {
        RunData data;
        data.apply(runStarted({{"fc, \"odd\" name", {2, 2}, 0.5, 1}}));
        data.apply(maskUpdate(0, 0, {"fc, \"odd\" name"}, {allOn(4)}, {4}));
        MaskView view;
        view.setRunData(&data);
        QTemporaryDir dir;
        QString error;
        QVERIFY2(view.exportCsv(dir.filePath("m.csv"), &error), qPrintable(error));
        const QByteArray text = readAll(dir.filePath("m.csv"));
        QVERIFY2(text.contains("0,0,0,1,0,\"fc, \"\"odd\"\" name\",0,0,4,4,1\n"), text.constData());
    }

    void darkPaletteRestylesTheViewsButKeepsMemberColours() {
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(30, 30, 30));
        dark.setColor(QPalette::WindowText, Qt::white);
        dark.setColor(QPalette::Base, QColor(18, 18, 18));
        dark.setColor(QPalette::Text, Qt::white);
        QVERIFY(isDarkPalette(dark));

        CurvesView curves;
        curves.setRunData(&data_);
        curves.setPalette(dark);
        curves.refreshNow();
        QCPAxisRect* rect = curves.axisRect("loss");
        QCOMPARE(rect->backgroundBrush().color(), dark.color(QPalette::Base));
        QCOMPARE(rect->axis(QCPAxis::atLeft)->tickLabelColor(), QColor(Qt::white));
        QCOMPARE(curves.graph("loss", 1)->pen().color().rgb(), memberColor(1).rgb());

        MaskView mask;
        mask.setRunData(&data_);
        mask.setPalette(dark);
        mask.refreshNow();
        mask.setMember(0);
        mask.setUpdateIndex(1);
        const QImage image = mask.canvas()->layerImage(0, QSize(64, 32));
        const QColor kept(image.pixel(0, 0)), pruned(image.pixel(20, 10));
        QCOMPARE(kept, maskColors(dark).active);
        QVERIFY(kept.lightness() > 200);  // light weights on a dark background
        QCOMPARE(pruned, maskColors(dark).pruned);

        CalibrationView calibration;
        calibration.setRunData(&data_);
        calibration.setPalette(dark);
        calibration.refreshNow();
        QCOMPARE(calibration.reliabilityBars()->brush().color().rgb(), seriesColor(-1, dark).rgb());
        QVERIFY(seriesColor(-1, dark).lightness() > 200);  // the ensemble stays visible
    }

    void aResetRunEmptiesTheViews() {
        RunData data;
        script(data);
        MaskView mask;
        CurvesView curves;
        CalibrationView calibration;
        DiversityView diversity;
        for (RunView* v : std::initializer_list<RunView*>{&mask, &curves, &calibration, &diversity}) {
            v->setRunData(&data);
            v->refreshNow();
        }
        QCOMPARE(mask.updateCount(), 2);
        QVERIFY(curves.graph("loss", 0));
        QCOMPARE(calibration.metricsTable()->rowCount(), 3);
        data.reset();
        QVERIFY(mask.refreshPending());  // the reset is coalesced like any change
        for (RunView* v : std::initializer_list<RunView*>{&mask, &curves, &calibration, &diversity}) v->refreshNow();
        QCOMPARE(mask.updateCount(), 0);
        QCOMPARE(mask.updateIndex(), -1);
        QVERIFY(!curves.graph("loss", 0));
        QCOMPARE(calibration.metricsTable()->rowCount(), 0);
        QVERIFY(!diversity.matrixMap(DiversityView::Hamming));
        {
            RunData other;
            script(other);
            curves.setOverlayRuns({&other});
            curves.refreshNow();
            QVERIFY(curves.graph("loss", 0, false, &other));
        }  // an overlay run deleted under the view is dropped, not dereferenced
        curves.refreshNow();
        QVERIFY(curves.overlayRuns().isEmpty());
    }

private:
    RunData data_;
};

QTEST_MAIN(TestViewExport)
#include "tst_view_export.moc"
