// SPDX-License-Identifier: GPL-3.0-or-later
// CalibrationView (calibration_view.h).
#include "calibration_view.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHeaderView>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>
#include <set>

#include "control_bar.h"
#include "figure_export.h"
#include "palette.h"
#include "plot.h"
#include "plot_fit.h"
#include "plot_style.h"

namespace ftw {
namespace {

QString who(int member) { return member < 0 ? QObject::tr("ensemble") : QObject::tr("member %1").arg(member); }

QString runName(const RunData* run) {
    if (!run->name().isEmpty()) return run->name();
    return run->runId() >= 0 ? QObject::tr("run %1").arg(run->runId()) : QObject::tr("this run");
}

QString number(double v, int decimals = 4) {
    return std::isfinite(v) ? QString::number(v, 'f', decimals) : (std::isinf(v) ? QStringLiteral("∞") : "–");
}

Qt::PenStyle overlayStyle(int overlay) {
    static const Qt::PenStyle styles[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine, Qt::DashDotDotLine};
    return styles[overlay % 4];
}

}  // namespace

CalibrationView::CalibrationView(QWidget* parent) : RunView(parent) {
    plot_ = newPlot(this, QStringLiteral("calibration"));
    plot_->setInteractions({});
    plot_->setAutoAddPlottableToLegend(false);
    plot_->plotLayout()->clear();
    title_ = new QCPTextElement(plot_, QString());
    reliability_ = new QCPAxisRect(plot_);
    histogramRect_ = new QCPAxisRect(plot_);
    // The title spans the plot; below it the diagrams, with the legend in a column beside them.
    plot_->plotLayout()->addElement(0, 0, title_);
    charts_ = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(1, 0, charts_);
    plot_->plotLayout()->setRowStretchFactor(0, 0.01);
    auto* grid = charts_;
    grid->addElement(0, 0, reliability_);
    grid->addElement(1, 0, histogramRect_);
    grid->setRowStretchFactor(0, 3);
    grid->setRowStretchFactor(1, 1);
    auto* margins = new QCPMarginGroup(plot_);
    reliability_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    histogramRect_->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
    reliability_->axis(QCPAxis::atLeft)->setLabel(tr("accuracy"));
    reliability_->axis(QCPAxis::atBottom)->setLabel(tr("confidence"));
    reliability_->axis(QCPAxis::atLeft)->setRange(0, 1);
    reliability_->axis(QCPAxis::atBottom)->setRange(0, 1);
    histogramRect_->axis(QCPAxis::atLeft)->setLabel(tr("share of samples"));
    histogramRect_->axis(QCPAxis::atBottom)->setRange(0, 1);
    // The legend beside the diagrams (never over the bars), at the top of its column.
    auto* side = new QCPLayoutGrid;
    grid->addElement(0, 1, side);
    grid->setColumnStretchFactor(1, 0.01);
    auto* legend = new QCPLegend;
    side->addElement(0, 0, legend);
    side->addElement(1, 0, new QCPLayoutElement(plot_));
    side->setRowStretchFactor(0, 0.001);
    side->setRowStretchFactor(1, 1);
    legend->setLayer(QStringLiteral("legend"));
    plot_->legend = legend;
    static_cast<Plot*>(plot_)->manageLegend(legend, side, 0, 0, false, 0.9);
    static_cast<Plot*>(plot_)->addFitter([this] {
        const QMargins m = title_->margins();
        return fitTitle(title_, plot_->viewport().width() - m.left() - m.right() - 4);
    });
    table_ = new QTableWidget(0, 9, this);
    table_->setHorizontalHeaderLabels(
        {tr("run"), tr("who"), tr("step"), tr("n"), tr("accuracy"), tr("ECE"), tr("MCE"), tr("NLL"), tr("Brier")});
    table_->verticalHeader()->setVisible(false);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->setMaximumHeight(160);

    splitBox_ = new QComboBox(this);
    entityBox_ = new QComboBox(this);
    stepBox_ = new QComboBox(this);
    entityBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    stepBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* bar = new ControlBar(this);
    bar->add(tr("Split"), splitBox_, true);
    bar->add(tr("Show"), entityBox_);
    bar->add(tr("Evaluation"), stepBox_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(plot_, 1);
    layout->addWidget(table_);
    connect(splitBox_, &QComboBox::activated, this, [this](int i) { setSplit(splitBox_->itemText(i)); });
    connect(entityBox_, &QComboBox::activated, this, [this](int i) { setEntity(entityBox_->itemData(i).toInt()); });
    connect(stepBox_, &QComboBox::activated, this, [this](int i) { setStep(stepBox_->itemData(i).toLongLong()); });
}

bool CalibrationView::tableShown() const { return !table_->isHidden(); }

void CalibrationView::resizeEvent(QResizeEvent* event) {
    RunView::resizeEvent(event);
    adaptToSize();
}

void CalibrationView::adaptToSize() {
    // With little room the secondary parts go first, the table before the histogram, instead of squeezing the
    // reliability diagram: it is what the view is for.
    const int line = fontMetrics().height();
    const bool table = height() >= 30 * line && width() >= 26 * line;
    table_->setVisible(table);
    const int plotHeight = height() - (table ? table_->maximumHeight() : 0);
    setHistogramShown(plotHeight >= 22 * line);
}

void CalibrationView::setHistogramShown(bool shown) {
    if (shown == histogramShown_) return;
    histogramShown_ = shown;
    if (shown)
        charts_->addElement(1, 0, histogramRect_);
    else
        charts_->take(histogramRect_);
    charts_->setRowStretchFactor(1, shown ? 1.0 : 0.001);
    histogramRect_->setVisible(shown);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QStringList CalibrationView::splits() const {
    QStringList out;
    if (!runData()) return out;
    for (const Evaluation& e : runData()->evaluations())
        if (!out.contains(e.split) && !e.metrics.reliability.empty()) out << e.split;
    return out;
}

void CalibrationView::setSplit(const QString& split) {
    split_ = split;
    splitChosen_ = !split.isEmpty();
    step_ = -1;
    refreshNow();
}

void CalibrationView::setEntity(int entity) {
    entity_ = entity;
    refreshNow();
}

void CalibrationView::setStep(qint64 step) {
    step_ = step;
    refreshNow();
}

QCPGraph* CalibrationView::memberCurve(int member, const RunData* run) const {
    if (!run) run = runData();
    for (const auto& [key, g] : curves_)
        if (key.first == run && key.second == member) return g;
    return nullptr;
}

std::vector<CalibrationView::Shown> CalibrationView::selected() const {
    std::vector<Shown> out;
    const RunData* d = runData();
    if (!d) return out;
    std::map<int64_t, const Evaluation*> latest;  // by member, the last matching report
    for (const Evaluation& e : d->evaluations())
        if (e.split == split_ && (step_ < 0 || e.step == step_) && !e.metrics.reliability.empty())
            latest[e.member] = &e;
    for (const auto& [member, e] : latest)
        if (entity_ == kAll || member == entity_) out.push_back({d, e});
    // An overlay run shows its latest ensemble report of the split, else its lowest member's latest.
    for (const RunData* r : overlayRuns()) {
        const Evaluation* ensemble = nullptr;
        const Evaluation* member = nullptr;
        for (const Evaluation& e : r->evaluations()) {
            if (e.split != split_ || e.metrics.reliability.empty()) continue;
            if (e.member < 0)
                ensemble = &e;
            else if (!member || e.member <= member->member)
                member = &e;
        }
        if (ensemble || member) out.push_back({r, ensemble ? ensemble : member});
    }
    return out;
}

void CalibrationView::syncControls() {
    const QStringList all = splits();
    // Until the user picks a split, follow the best one present: a run shows "val" while it trains and switches
    // to "test" when the final evaluation arrives.
    if (!splitChosen_ || !all.contains(split_)) split_ = all.contains("test") ? QStringLiteral("test") : all.value(0);
    {
        const QSignalBlocker quiet(splitBox_);
        splitBox_->clear();
        splitBox_->addItems(all);
        splitBox_->setCurrentIndex(all.indexOf(split_));
    }
    {
        const QSignalBlocker quiet(entityBox_);
        entityBox_->clear();
        entityBox_->addItem(tr("members and ensemble"), kAll);
        entityBox_->addItem(tr("ensemble"), -1);
        for (int m = 0; runData() && m < runData()->memberCount(); ++m) entityBox_->addItem(who(m), m);
        entityBox_->setCurrentIndex(std::max(0, entityBox_->findData(entity_)));
    }
    {
        const QSignalBlocker quiet(stepBox_);
        stepBox_->clear();
        stepBox_->addItem(tr("latest"), qint64(-1));
        std::set<int64_t> steps;
        if (runData())
            for (const Evaluation& e : runData()->evaluations())
                if (e.split == split_) steps.insert(e.step);
        for (int64_t s : steps) stepBox_->addItem(tr("step %1").arg(s), qint64(s));
        stepBox_->setCurrentIndex(std::max(0, stepBox_->findData(step_)));
    }
}

void CalibrationView::fillTable(const std::vector<Shown>& shown) {
    table_->setRowCount(int(shown.size()));
    for (int row = 0; row < int(shown.size()); ++row) {
        const Evaluation& e = *shown[size_t(row)].eval;
        const auto& m = e.metrics;
        const QStringList cells = {runName(shown[size_t(row)].run),
                                   who(int(e.member)),
                                   QString::number(e.step),
                                   QString::number(m.n),
                                   number(m.accuracy),
                                   number(m.ece),
                                   number(m.mce),
                                   number(m.nll),
                                   number(m.brier)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 1) item->setForeground(seriesColor(int(e.member), palette()));
            table_->setItem(row, c, item);
        }
    }
}

void CalibrationView::rebuild() {
    syncControls();
    plot_->clearPlottables();
    if (plot_->legend) plot_->legend->clearItems();
    bars_ = histogram_ = nullptr;
    curves_.clear();
    const std::vector<Shown> shown = selected();
    fillTable(shown);

    QCPAxis* rx = reliability_->axis(QCPAxis::atBottom);
    QCPAxis* ry = reliability_->axis(QCPAxis::atLeft);
    QCPAxis* hx = histogramRect_->axis(QCPAxis::atBottom);
    QCPAxis* hy = histogramRect_->axis(QCPAxis::atLeft);
    auto* diagonal = plot_->addGraph(rx, ry);
    diagonal->setName(tr("perfect calibration"));
    QColor grey = palette().color(QPalette::WindowText);
    grey.setAlphaF(0.5);
    diagonal->setPen(QPen(grey, 1, Qt::DashLine));
    diagonal->setData({0, 1}, {0, 1}, true);
    diagonal->addToLegend(plot_->legend);

    // The main entity: the ensemble when shown, else the first member shown of the main run.
    const Shown* main = nullptr;
    for (const Shown& s : shown)
        if (s.run == runData() && (!main || s.eval->member < main->eval->member)) main = &s;
    main_ = main ? int(main->eval->member) : -1;
    title_->setText(main ? tr("%1, %2 at step %3: accuracy %4 · ECE %5 · MCE %6 · NLL %7 · Brier %8")
                               .arg(who(main_), split_, QString::number(main->eval->step),
                                    number(main->eval->metrics.accuracy), number(main->eval->metrics.ece),
                                    number(main->eval->metrics.mce), number(main->eval->metrics.nll),
                                    number(main->eval->metrics.brier))
                         : (runData() ? tr("No evaluation with reliability bins yet.") : QString()));
    double hist_top = 0.05;
    int overlay = 0;
    for (const Shown& s : shown) {
        const Evaluation& e = *s.eval;
        const auto& bins = e.metrics.reliability;
        const double n = std::max<double>(1, double(e.metrics.n));
        QVector<double> centre, accuracy, confidence, share;
        double width = 0;
        for (const auto& b : bins) {
            width = std::max(width, b.hi - b.lo);
            if (b.count <= 0) continue;  // an empty bin has no accuracy to show
            centre << 0.5 * (b.lo + b.hi);
            accuracy << b.accuracy;
            confidence << b.confidence;
            share << double(b.count) / n;
            hist_top = std::max(hist_top, share.back());
        }
        const bool is_main = &s == main;
        const QColor c = seriesColor(int(e.member), palette());
        QString name = who(int(e.member)) + tr(" · ECE %1").arg(number(e.metrics.ece, 3));
        if (s.run != runData()) name = runName(s.run) + QStringLiteral(" · ") + name;
        if (is_main) {
            QColor fill = c;
            fill.setAlphaF(0.45);
            bars_ = new QCPBars(rx, ry);
            bars_->setName(name);
            bars_->setWidth(width > 0 ? width : 0.05);
            bars_->setBrush(fill);
            bars_->setPen(QPen(c, 1));
            bars_->setData(centre, accuracy, true);
            bars_->addToLegend(plot_->legend);
            histogram_ = new QCPBars(hx, hy);
            histogram_->setName(name);
            histogram_->setWidth(width > 0 ? width : 0.05);
            histogram_->setBrush(fill);
            histogram_->setPen(QPen(c, 1));
            histogram_->setData(centre, share, true);
            continue;
        }
        // Other members and overlay runs: accuracy at each non-empty bin's mean confidence.
        QPen pen(c, 1.5);
        if (s.run != runData()) pen.setStyle(overlayStyle(overlay++));
        auto* g = plot_->addGraph(rx, ry);
        g->setName(name);
        g->setPen(pen);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 5));
        g->setData(confidence, accuracy, true);
        g->addToLegend(plot_->legend);
        curves_.push_back({{s.run, int(e.member)}, g});
        auto* h = plot_->addGraph(hx, hy);
        h->setName(name);
        h->setPen(pen);
        h->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 4));
        h->setData(centre, share, true);
    }
    rx->setRange(0, 1);
    ry->setRange(0, 1.02);
    hx->setRange(0, 1);
    hy->setRange(0, hist_top * 1.1);
    stylePlot(plot_, palette());
    plot_->replot();
}

void CalibrationView::applyTheme() {
    stylePlot(plot_, palette());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString CalibrationView::csvText() const {
    QString out = QStringLiteral(
        "run,member,split,step,bin_lo,bin_hi,count,confidence,accuracy,n,accuracy_all,ece,mce,nll,brier\n");
    for (const Shown& s : selected()) {
        const Evaluation& e = *s.eval;
        const auto& m = e.metrics;
        for (const auto& b : m.reliability)
            out += csvRow({csvField(runName(s.run)), QString::number(e.member), csvField(e.split),
                           QString::number(e.step), csvNumber(b.lo), csvNumber(b.hi), QString::number(b.count),
                           csvNumber(b.confidence), csvNumber(b.accuracy), QString::number(m.n), csvNumber(m.accuracy),
                           csvNumber(m.ece), csvNumber(m.mce), csvNumber(m.nll), csvNumber(m.brier)});
    }
    return out;
}

}  // namespace ftw
