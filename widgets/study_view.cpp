// SPDX-License-Identifier: GPL-3.0-or-later
#include "study_view.h"

#include <qcustomplot.h>
#include <QComboBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "control_bar.h"
#include "figure_export.h"
#include "palette.h"
#include "plot.h"
#include "plot_style.h"

namespace ftw {
namespace {

QString metricTitle(const QString& key) {
    if (const ft::StudyMetric* m = ft::find_study_metric(key.toStdString())) return QString::fromUtf8(m->header);
    return key;
}

QString axisTitle(const QString& key) {
    return key == StudyView::kFlopsAxis ? StudyView::tr("training FLOPs (× one dense run)") : key;
}

// The x value of a point on `axis`, when it has one.
std::optional<double> xOf(const ft::StudyPointResult& p, const QString& axis) {
    if (axis == StudyView::kFlopsAxis) {
        const auto it = p.stats.find("train_flops");
        if (it == p.stats.end()) return std::nullopt;
        return it->second.mean;
    }
    const std::string key = axis.toStdString();
    if (!p.point.settings.contains(key) || !p.point.settings[key].is_number()) return std::nullopt;
    return p.point.settings[key].get<double>();
}

// Points that differ only in the axis setting form one series: named by their other swept settings, or by their
// method when nothing else differs (the FLOPs axis: one series per method).
QString seriesOf(const ft::StudyPointResult& p, const QString& axis) {
    if (axis == StudyView::kFlopsAxis) return QString::fromStdString(p.point.method);
    QStringList parts;
    for (const auto& [key, value] : p.point.settings.items()) {
        if (QString::fromStdString(key) == axis) continue;
        parts << QString::fromStdString(key) + QLatin1Char('=') +
                     QString::fromStdString(value.is_string() ? value.get<std::string>() : value.dump());
    }
    return parts.isEmpty() ? QString::fromStdString(p.point.method) : parts.join(QLatin1Char(' '));
}

QString meanStd(const ft::MetricStats& s, int digits) {
    QString text = QString::number(s.mean, 'f', digits);
    if (s.n > 1) text += QStringLiteral(" ± ") + QString::number(s.std, 'f', digits);
    return text;
}

}  // namespace

StudyView::StudyView(QWidget* parent) : QWidget(parent) {
    studyBox_ = new QComboBox(this);
    studyBox_->setObjectName(QStringLiteral("studyBox"));
    studyBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    metricBox_ = new QComboBox(this);
    metricBox_->setObjectName(QStringLiteral("studyMetric"));
    for (const auto& m : ft::study_metrics())
        metricBox_->addItem(metricTitle(QString::fromUtf8(m.key)), QString::fromUtf8(m.key));
    axisBox_ = new QComboBox(this);
    axisBox_->setObjectName(QStringLiteral("studyAxis"));
    runButton_ = new QPushButton(tr("Run a study…"), this);
    runButton_->setToolTip(tr("Run a study file (a grid over settings and seeds) with the local executor"));
    exportButton_ = new QPushButton(tr("Export…"), this);
    exportButton_->setToolTip(tr("Save the chart (PNG, SVG, PDF) or its data (CSV)"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("studyStatus"));
    status_->setProperty(kNoExportProperty, true);
    auto* bar = new ControlBar(this);
    bar->add(tr("Study"), studyBox_);
    bar->add(tr("Metric"), metricBox_);
    bar->add(tr("against"), axisBox_);
    bar->add(runButton_);
    bar->add(exportButton_);

    plot_ = newPlot(this, QStringLiteral("study"));
    plot_->setAutoAddPlottableToLegend(false);
    table_ = new QTableWidget(this);
    table_->setObjectName(QStringLiteral("studyTable"));
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->setVisible(false);
    table_->horizontalHeader()->setStretchLastSection(true);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(status_);
    layout->addWidget(plot_, 3);
    layout->addWidget(table_, 1);

    connect(studyBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (!syncing_ && i >= 0) setStudy(studyBox_->itemText(i));
    });
    connect(metricBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (!syncing_ && i >= 0) setMetric(metricBox_->itemData(i).toString());
    });
    connect(axisBox_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (!syncing_ && i >= 0) setAxis(axisBox_->itemData(i).toString());
    });
    connect(runButton_, &QPushButton::clicked, this, &StudyView::runStudyRequested);
    connect(exportButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the study chart"), study_ + ".svg",
                                                          tr("Figures and data (*.svg *.pdf *.png *.csv)"));
        if (path.isEmpty()) return;
        QString error;
        if (!exportTo(path, QSize(900, 600), &error)) status_->setText(error);
    });
    rebuild();
}

void StudyView::setStudies(std::vector<ft::StudyResults> studies) {
    studies_ = std::move(studies);
    if (!current() && !studies_.empty()) study_ = QString::fromStdString(studies_.back().study.name);
    pickAxis();
    rebuild();
}

void StudyView::setStudy(const QString& name) {
    if (name == study_) return;
    study_ = name;
    pickAxis();
    rebuild();
}

void StudyView::setMetric(const QString& key) {
    if (key == metric_ || !ft::find_study_metric(key.toStdString())) return;
    metric_ = key;
    rebuild();
}

void StudyView::pickAxis() {
    const QStringList offered = axes();
    if (axisChosen_ && offered.contains(axis_)) return;
    axis_ = kFlopsAxis;
    const ft::StudyResults* s = current();
    if (!s) return;
    // A setting every point sweeps (a grid axis); a setting only some points change says little as an axis.
    for (int i = 1; i < offered.size(); ++i) {
        const std::string key = offered[i].toStdString();
        if (std::all_of(s->points.begin(), s->points.end(), [&](const auto& p) {
                return p.point.settings.contains(key) && p.point.settings[key].is_number();
            })) {
            axis_ = offered[i];
            return;
        }
    }
}

void StudyView::setAxis(const QString& key) {
    if (!axes().contains(key)) return;
    axisChosen_ = true;
    if (key == axis_) return;
    axis_ = key;
    rebuild();
}

const ft::StudyResults* StudyView::current() const {
    for (const auto& s : studies_)
        if (QString::fromStdString(s.study.name) == study_) return &s;
    return nullptr;
}

QStringList StudyView::axes() const {
    QStringList out = {kFlopsAxis};
    const ft::StudyResults* s = current();
    if (!s) return out;
    for (const auto& p : s->points)
        for (const auto& [key, value] : p.point.settings.items())
            if (value.is_number() && !out.contains(QString::fromStdString(key))) out << QString::fromStdString(key);
    return out;
}

QStringList StudyView::seriesNames() const {
    QStringList out;
    for (const auto& [name, plottables] : series_) out << name;
    return out;
}

QCPGraph* StudyView::seriesGraph(const QString& name) const {
    for (const auto& [n, plottables] : series_)
        if (n == name) return plottables.first;
    return nullptr;
}

double StudyView::seriesOffset(const QString& name) const {
    const auto it = offsets_.find(name);
    return it == offsets_.end() ? 0.0 : it->second;
}

QCPErrorBars* StudyView::seriesErrors(const QString& name) const {
    for (const auto& [n, plottables] : series_)
        if (n == name) return plottables.second;
    return nullptr;
}

void StudyView::syncControls() {
    syncing_ = true;
    studyBox_->clear();
    for (const auto& s : studies_) studyBox_->addItem(QString::fromStdString(s.study.name));
    studyBox_->setCurrentIndex(studyBox_->findText(study_));
    metricBox_->setCurrentIndex(metricBox_->findData(metric_));
    axisBox_->clear();
    for (const QString& a : axes()) axisBox_->addItem(axisTitle(a), a);
    axisBox_->setCurrentIndex(axisBox_->findData(axis_));
    syncing_ = false;
    const ft::StudyResults* s = current();
    if (!s) {
        status_->setText(studies_.empty() ? tr("No studies in this store yet: run one (freetickets study run FILE, "
                                               "or “Run a study…”).")
                                          : QString());
        return;
    }
    QString text = tr("%1: %2, %3 of %4 runs finished")
                       .arg(study_, QString::fromStdString(ft::to_string(s->study.state)))
                       .arg(s->finished)
                       .arg(s->total());
    if (s->running) text += tr(", %1 running").arg(s->running);
    if (s->failed) text += tr(", %1 failed").arg(s->failed);
    status_->setText(text + tr(" · mean ± 1 std over seeds"));
}

void StudyView::rebuild() {
    syncControls();
    auto* plot = static_cast<Plot*>(plot_);
    plot_->clearPlottables();
    series_.clear();
    offsets_.clear();
    plot->forgetLegends();
    plot_->plotLayout()->clear();
    rect_ = new QCPAxisRect(plot_);
    plot_->plotLayout()->addElement(0, 0, rect_);
    // The legend gets a column of its own beside the chart, so it never covers a point; at the column's top (an
    // empty cell below takes the rest of its height).
    auto* side = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(0, 1, side);
    plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
    auto* legend = new QCPLegend;
    side->addElement(0, 0, legend);
    side->addElement(1, 0, new QCPLayoutElement(plot_));
    side->setRowStretchFactor(0, 0.001);
    side->setRowStretchFactor(1, 1);
    legend->setLayer(QStringLiteral("legend"));
    legend->setMargins(QMargins(4, 2, 4, 2));
    plot_->legend = legend;
    plot->manageLegend(legend, side, 0, 0, false, 0.9);
    QCPAxis* x = rect_->axis(QCPAxis::atBottom);
    QCPAxis* y = rect_->axis(QCPAxis::atLeft);
    x->setLabel(axisTitle(axis_));
    y->setLabel(metricTitle(metric_));

    if (const ft::StudyResults* s = current()) {
        std::map<QString, std::vector<const ft::StudyPointResult*>> groups;
        std::vector<QString> order;
        for (const auto& p : s->points) {
            if (!xOf(p, axis_) || !p.stats.count(metric_.toStdString())) continue;
            const QString g = seriesOf(p, axis_);
            if (!groups.count(g)) order.push_back(g);
            groups[g].push_back(&p);
        }
        // Series that share an x are spread around it by a small step each (a "dodge"), so their markers and error
        // bars stay apart; the step is a fraction of the x range, small against the distance between grid values.
        std::map<double, int> seriesAtX;
        double lo = 1e300, hi = -1e300;
        for (const auto& g : order) {
            std::set<double> xs;
            for (const auto* p : groups[g]) xs.insert(*xOf(*p, axis_));
            for (double xv : xs) {
                ++seriesAtX[xv];
                lo = std::min(lo, xv);
                hi = std::max(hi, xv);
            }
        }
        const bool shared =
            std::any_of(seriesAtX.begin(), seriesAtX.end(), [](const auto& kv) { return kv.second > 1; });
        const double step = shared ? (hi > lo ? (hi - lo) * 0.012 : std::abs(hi) * 0.012 + 1e-3) : 0.0;
        offsets_.clear();
        for (size_t gi = 0; gi < order.size(); ++gi)
            offsets_[order[gi]] = (double(gi) - double(order.size() - 1) / 2.0) * step;

        double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
        for (size_t gi = 0; gi < order.size(); ++gi) {
            auto& points = groups[order[gi]];
            std::sort(points.begin(), points.end(),
                      [&](auto* a, auto* b) { return *xOf(*a, axis_) < *xOf(*b, axis_); });
            QVector<double> xs, ys, errs;
            for (const auto* p : points) {
                const auto& st = p->stats.at(metric_.toStdString());
                xs << *xOf(*p, axis_) + offsets_[order[gi]];
                ys << st.mean;
                errs << st.std;
                xmin = std::min(xmin, xs.back());
                xmax = std::max(xmax, xs.back());
                ymin = std::min(ymin, st.mean - st.std);
                ymax = std::max(ymax, st.mean + st.std);
            }
            const QColor color = memberColor(int(gi));
            auto* graph = plot_->addGraph(x, y);
            graph->setName(order[gi]);
            graph->setData(xs, ys, true);
            graph->setPen(QPen(color, 2));
            graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 8));
            graph->addToLegend(legend);
            auto* bars = new QCPErrorBars(x, y);
            bars->setDataPlottable(graph);
            bars->setData(errs);
            bars->setPen(QPen(color, 1.5));
            bars->setWhiskerWidth(8);
            series_.push_back({order[gi], {graph, bars}});
        }
        if (!series_.empty()) {
            // Room around the extreme points, so markers and whiskers never sit on the axes.
            const double dx = std::max((xmax - xmin) * 0.08, std::abs(xmax) * 0.05 + 1e-9);
            const double dy = std::max((ymax - ymin) * 0.1, std::abs(ymax) * 0.002 + 1e-9);
            x->setRange(xmin - dx, xmax + dx);
            y->setRange(ymin - dy, ymax + dy);
        }
    }
    stylePlot(plot_, palette());
    fillTable();
    plot_->replot();
}

void StudyView::fillTable() {
    table_->clear();
    const ft::StudyResults* s = current();
    const QStringList headers = {tr("point"), tr("method"), tr("runs"), metricTitle(metric_), axisTitle(axis_)};
    table_->setColumnCount(int(headers.size()));
    table_->setHorizontalHeaderLabels(headers);
    table_->setRowCount(s ? int(s->points.size()) : 0);
    if (!s) return;
    const int digits = metric_ == QLatin1String("seconds") ? 1 : 4;
    for (int r = 0; r < int(s->points.size()); ++r) {
        const auto& p = s->points[size_t(r)];
        const auto it = p.stats.find(metric_.toStdString());
        const auto xv = xOf(p, axis_);
        const QStringList cells = {QString::fromStdString(p.point.label), QString::fromStdString(p.point.method),
                                   QStringLiteral("%1/%2").arg(p.finished).arg(p.runs.size()),
                                   it == p.stats.end() ? QString() : meanStd(it->second, digits),
                                   xv ? QString::number(*xv, 'g', 4) : QString()};
        for (int c = 0; c < int(cells.size()); ++c) table_->setItem(r, c, new QTableWidgetItem(cells[c]));
    }
    table_->resizeColumnsToContents();
}

QString StudyView::csvText() const {
    QString out = csvRow({QStringLiteral("series"), QStringLiteral("point"), csvField(axis_),
                          csvField(metric_ + QStringLiteral("_mean")), csvField(metric_ + QStringLiteral("_std")),
                          QStringLiteral("n")});
    const ft::StudyResults* s = current();
    if (!s) return out;
    for (const auto& p : s->points) {
        const auto it = p.stats.find(metric_.toStdString());
        const auto xv = xOf(p, axis_);
        if (it == p.stats.end() || !xv) continue;
        out += csvRow({csvField(seriesOf(p, axis_)), csvField(QString::fromStdString(p.point.label)),
                       QString::number(*xv, 'g', 17), QString::number(it->second.mean, 'g', 17),
                       QString::number(it->second.std, 'g', 17), QString::number(it->second.n)});
    }
    return out;
}

bool StudyView::exportTo(const QString& path, QSize size, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("csv")) return writeTextFile(path, csvText(), error);
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf")) {
        if (error) *error = tr("%1: unknown format \"%2\"; use .png, .svg, .pdf or .csv").arg(path, suffix);
        return false;
    }
    return exportFigure(this, path, size, error);
}

void StudyView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    // The table gives way to the chart in a small dock.
    table_->setVisible(height() > 420);
}

void StudyView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        stylePlot(plot_, palette());
        plot_->replot();
    }
}

}  // namespace ftw
