// SPDX-License-Identifier: GPL-3.0-or-later
// StudyView fed scripted study results: one series per method against a swept setting with mean and ±std error
// bars, the FLOPs axis, live updates keeping the choice, the table and CSV, and a chart whose text and legend
// stay readable at a laptop's dock size.
#include <qcustomplot.h>
#include <QTableWidget>
#include <QtTest>

#include "legibility_probe.h"
#include "study_view.h"

using ftw::StudyView;

namespace {

ft::StudyPointResult point(int id, const std::string& method, double density, double mean, double std, int n,
                           double flops) {
    ft::StudyPointResult p;
    p.point.point = id;
    p.point.method = method;
    p.point.label = "method=" + method + " sparse.density=" + std::to_string(density);
    p.point.settings = {{"method", method}, {"sparse.density", density}};
    p.stats["accuracy"] = {mean, std, n};
    p.stats["nll"] = {1 - mean, std / 2, n};
    p.stats["train_flops"] = {flops, 0, n};
    p.finished = n;
    p.runs.resize(3);
    return p;
}

ft::StudyResults sweep(int finishedLast = 3) {
    ft::StudyResults s;
    s.study.id = 1;
    s.study.name = "density-sweep";
    s.study.state = ft::StudyState::Running;
    int id = 0;
    for (const std::string m : {"edst", "dst-ensemble"})
        for (double d : {0.05, 0.1, 0.2}) {
            const double base = m == "edst" ? 0.88 : 0.89;
            s.points.push_back(point(id++, m, d, base + d / 10, 0.002 + d / 100, 3, m == "edst" ? d * 2.6 : d * 4.4));
        }
    s.points.back().finished = finishedLast;
    if (finishedLast == 0) s.points.back().stats.clear();
    s.finished = 15 + finishedLast;
    s.pending = 3 - finishedLast;
    return s;
}

class TstStudyView : public QObject {
    Q_OBJECT
private slots:
    void oneSeriesPerMethodAgainstTheSweptSetting() {
        StudyView v;
        v.setStudies({sweep()});
        QCOMPARE(v.study(), QStringLiteral("density-sweep"));
        QVERIFY(v.axes().contains(QStringLiteral("sparse.density")));
        v.setAxis(QStringLiteral("sparse.density"));
        QCOMPARE(v.seriesNames(), (QStringList{QStringLiteral("method=edst"), QStringLiteral("method=dst-ensemble")}));
        QCPGraph* g = v.seriesGraph(QStringLiteral("method=edst"));
        QVERIFY(g);
        QCOMPARE(g->dataCount(), 3);
        // Both methods were trained at every density: drawn a small step apart, centred on the density.
        const double edst = v.seriesOffset(QStringLiteral("method=edst"));
        const double dst = v.seriesOffset(QStringLiteral("method=dst-ensemble"));
        QVERIFY(edst < 0 && dst > 0);
        QCOMPARE(edst, -dst);
        QVERIFY2(dst < 0.05 * (0.2 - 0.05), qPrintable(QString::number(dst)));  // small against the grid's steps
        QCOMPARE(g->data()->at(0)->key, 0.05 + edst);
        QCOMPARE(g->data()->at(2)->value, 0.88 + 0.02);
        QCOMPARE(v.table()->item(0, 4)->text(), QStringLiteral("0.05"));  // the table keeps the true value
        QCPErrorBars* e = v.seriesErrors(QStringLiteral("method=edst"));
        QVERIFY(e);
        QCOMPARE(e->dataCount(), 3);
        QCOMPARE(e->data()->at(2).errorPlus, 0.002 + 0.2 / 100);
        QCOMPARE(v.plot()->legend->itemCount(), 2);
    }

    void theFlopsAxisGroupsByMethod() {
        StudyView v;
        v.setStudies({sweep()});
        QCOMPARE(v.axis(), QStringLiteral("sparse.density"));  // a study is drawn against what it sweeps
        v.setAxis(StudyView::kFlopsAxis);
        QCOMPARE(v.seriesNames(), (QStringList{QStringLiteral("edst"), QStringLiteral("dst-ensemble")}));
        QCPGraph* g = v.seriesGraph(QStringLiteral("dst-ensemble"));
        QCOMPARE(g->dataCount(), 3);
        QCOMPARE(g->data()->at(1)->key, 0.1 * 4.4);  // sorted by FLOPs
        v.setMetric(QStringLiteral("nll"));
        QCOMPARE(v.seriesGraph(QStringLiteral("edst"))->data()->at(0)->value, 1 - (0.88 + 0.005));
        QCOMPARE(v.table()->horizontalHeaderItem(3)->text(), QStringLiteral("NLL"));
    }

    void liveUpdatesKeepTheChoiceAndAPointWithoutResultsIsLeftOut() {
        StudyView v;
        v.setStudies({sweep(0)});
        v.setAxis(QStringLiteral("sparse.density"));
        v.setMetric(QStringLiteral("nll"));
        QCOMPARE(v.seriesGraph(QStringLiteral("method=dst-ensemble"))->dataCount(), 2);
        QCOMPARE(v.table()->rowCount(), 6);
        QCOMPARE(v.table()->item(5, 2)->text(), QStringLiteral("0/3"));
        v.setStudies({sweep(3)});  // the last point's runs finished
        QCOMPARE(v.axis(), QStringLiteral("sparse.density"));
        QCOMPARE(v.metric(), QStringLiteral("nll"));
        QCOMPARE(v.seriesGraph(QStringLiteral("method=dst-ensemble"))->dataCount(), 3);
        QVERIFY(v.table()->item(5, 3)->text().contains(QStringLiteral(" ± ")));
        const QString csv = v.csvText();
        QVERIFY(csv.startsWith(QStringLiteral("series,point,sparse.density,nll_mean,nll_std,n\n")));
        QCOMPARE(csv.count(QLatin1Char('\n')), 7);
    }

    void exportsFigureAndData() {
        StudyView v;
        v.resize(700, 500);
        v.setStudies({sweep()});
        QTemporaryDir dir;
        QString error;
        QVERIFY2(v.exportTo(dir.filePath(QStringLiteral("s.svg")), QSize(600, 400), &error), qPrintable(error));
        QFile svg(dir.filePath(QStringLiteral("s.svg")));
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.readAll().contains("<svg"));
        QVERIFY2(v.exportTo(dir.filePath(QStringLiteral("s.csv")), QSize(), &error), qPrintable(error));
        QFile csv(dir.filePath(QStringLiteral("s.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(csv.readAll()), v.csvText());
        QVERIFY(!v.exportTo(dir.filePath(QStringLiteral("s.bmp")), QSize(600, 400), &error));
        QVERIFY(error.contains(QStringLiteral("s.bmp")));
    }

    void noStudiesSaysHowToStartOne() {
        StudyView v;
        v.setStudies({});
        v.show();
        auto* status = v.findChild<QLabel*>(QStringLiteral("studyStatus"));
        QVERIFY(status->text().contains(QStringLiteral("study run")));
        QVERIFY(v.seriesNames().isEmpty());
    }

    void readableAtALaptopDockSize() {
        for (const QSize size : {QSize(520, 420), QSize(900, 700)}) {
            StudyView v;
            v.resize(size);
            v.setStudies({sweep()});
            v.setAxis(QStringLiteral("sparse.density"));
            v.show();
            QVERIFY(QTest::qWaitForWindowExposed(&v));
            v.plot()->replot();
            QCoreApplication::processEvents();
            const auto texts = probe::collectTexts(&v);
            QVERIFY2(probe::overlaps(texts).isEmpty(), qPrintable(probe::overlaps(texts).join('\n')));
            QVERIFY2(probe::legendsOverData(&v).isEmpty(), qPrintable(probe::legendsOverData(&v).join('\n')));
        }
    }
};

}  // namespace

QTEST_MAIN(TstStudyView)
#include "tst_study_view.moc"
