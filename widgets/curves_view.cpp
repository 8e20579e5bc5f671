// SPDX-License-Identifier: GPL-3.0-or-later
// CurvesView (curves_view.h). Graph data is always the decimated envelope of the visible step range at the axis
// rect's pixel width: after every layout (resize, export at another size) and every zoom, it is computed again from
// the full-resolution series kept in RunData.
#include "curves_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMenu>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <limits>
#include <set>

#include "control_bar.h"
#include "decimation.h"
#include "event_markers.h"
#include "figure_export.h"
#include "plot.h"
#include "plot_style.h"

namespace ftw {
namespace {

const char* kColumnsProperty = "ftwColumns";  // pixel columns the rect's graphs were last decimated for

QString metricTitle(const QString& key) {
    static const std::map<QString, QString> titles = {
        {"loss", "loss"},
        {"accuracy", "accuracy"},
        {"lr", "learning rate"},
        {"prune_rate", "prune rate"},
        {"train_loss", "train loss (epoch)"},
        {"train_accuracy", "train accuracy (epoch)"},
        {"val_loss", "validation loss"},
        {"val_accuracy", "validation accuracy"},
        {"density", "density"},
        {"ever_active", "ever active"},
        {"epoch_seconds", "seconds per epoch"},
    };
    auto it = titles.find(key);
    return it == titles.end() ? key : it->second;
}

// Only the mini-batch metrics are noisy enough to smooth; an EMA of a schedule (learning rate, prune rate) or of an
// epoch metric would draw a change where there was none.
bool smoothable(const QString& key) { return key == QLatin1String("loss") || key == QLatin1String("accuracy"); }

// Per-epoch and per-update metrics have few points: drawn with a dot at each.
bool sparseMetric(const QString& key) {
    return key.startsWith(QLatin1String("train_")) || key.startsWith(QLatin1String("val_")) ||
           key == QLatin1String("density") || key == QLatin1String("ever_active") ||
           key == QLatin1String("epoch_seconds");
}

Qt::PenStyle overlayStyle(int overlay) {
    static const Qt::PenStyle styles[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine, Qt::DashDotDotLine};
    return styles[overlay % 4];
}

}  // namespace

CurvesView::CurvesView(QWidget* parent) : RunView(parent) {
    metrics_ = {"loss", "accuracy", "lr", "prune_rate"};
    plot_ = newPlot(this, QStringLiteral("curves"));
    plot_->setAutoAddPlottableToLegend(false);

    metricsButton_ = new QToolButton(this);
    metricsButton_->setText(tr("Metrics"));
    metricsButton_->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(metricsButton_);
    for (const QString& key : availableMetrics()) {
        QAction* a = menu->addAction(metricTitle(key));
        a->setCheckable(true);
        a->setData(key);
        a->setChecked(metrics_.contains(key));
        connect(a, &QAction::toggled, this, [this, menu] {
            QStringList keys;
            for (QAction* x : menu->actions())
                if (x->isChecked()) keys << x->data().toString();
            setMetrics(keys);
        });
    }
    metricsButton_->setMenu(menu);
    smoothingBox_ = new QDoubleSpinBox(this);
    smoothingBox_->setRange(0, 0.999);
    smoothingBox_->setDecimals(3);
    smoothingBox_->setSingleStep(0.05);
    smoothingBox_->setToolTip(
        tr("EMA weight w: s = w·s + (1 − w)·x on every step, debiased; the raw series stays "
           "drawn faintly. 0 = off."));
    logXBox_ = new QCheckBox(tr("log steps"), this);
    logYBox_ = new QCheckBox(tr("log values"), this);
    markersBox_ = new QCheckBox(tr("events"), this);
    markersBox_->setChecked(true);

    hiddenLabel_ = new QLabel(this);
    hiddenLabel_->setObjectName(QStringLiteral("hiddenCharts"));
    hiddenLabel_->setVisible(false);
    auto* bar = new ControlBar(this);
    bar->add(metricsButton_);
    bar->add(hiddenLabel_);
    bar->add(tr("Smoothing"), smoothingBox_);
    bar->add(logXBox_);
    bar->add(logYBox_);
    bar->add(markersBox_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(plot_, 1);

    connect(smoothingBox_, &QDoubleSpinBox::valueChanged, this, &CurvesView::setSmoothing);
    connect(logXBox_, &QCheckBox::toggled, this, &CurvesView::setLogX);
    connect(logYBox_, &QCheckBox::toggled, this, &CurvesView::setLogY);
    connect(markersBox_, &QCheckBox::toggled, this, &CurvesView::setMarkersVisible);
    connect(plot_, &QCustomPlot::afterLayout, this, [this] {
        for (const auto& [key, rect] : rects_)
            if (rect->property(kColumnsProperty).toInt() != pixelColumns(rect)) {
                redecimate();  // the layout changed the width: the envelope must match the new pixel columns
                break;
            }
    });
    connect(plot_, &QCustomPlot::mouseDoubleClick, this, [this] {
        userZoomed_ = false;  // back to the whole run, following new steps again
        refreshNow();
    });
    connect(plot_, &QCustomPlot::mouseMove, this, &CurvesView::showMarkerTip);
    static_cast<Plot*>(plot_)->addFitter([this] { return equalizeChartHeights(); });
    buildLayout();
}

QStringList CurvesView::availableMetrics() {
    return {"loss",     "accuracy",     "lr",      "prune_rate",  "train_loss",   "train_accuracy",
            "val_loss", "val_accuracy", "density", "ever_active", "epoch_seconds"};
}

void CurvesView::setMetrics(const QStringList& keys) {
    QStringList known;
    for (const QString& k : keys)
        if (!known.contains(k)) known << k;
    if (known == metrics_) return;
    metrics_ = known;
    for (QAction* a : metricsButton_->menu()->actions()) {
        const QSignalBlocker quiet(a);
        a->setChecked(metrics_.contains(a->data().toString()));
    }
    buildLayout();
    scheduleRefresh();
}

void CurvesView::setSmoothing(double weight) {
    if (!(weight >= 0 && weight < 1)) return;  // the spin box cannot produce it; a caller gets no change
    smoothing_ = weight;
    const QSignalBlocker quiet(smoothingBox_);
    smoothingBox_->setValue(weight);
    scheduleRefresh();
}

void CurvesView::setLogX(bool on) {
    logX_ = on;
    const QSignalBlocker quiet(logXBox_);
    logXBox_->setChecked(on);
    buildLayout();
    scheduleRefresh();
}

void CurvesView::setLogY(bool on) {
    logY_ = on;
    const QSignalBlocker quiet(logYBox_);
    logYBox_->setChecked(on);
    buildLayout();
    scheduleRefresh();
}

void CurvesView::setMarkersVisible(bool on) {
    markers_ = on;
    const QSignalBlocker quiet(markersBox_);
    markersBox_->setChecked(on);
    scheduleRefresh();
}

QCPAxisRect* CurvesView::axisRect(const QString& key) const {
    auto it = rects_.find(key);
    return it == rects_.end() ? nullptr : it->second;
}

QCPGraph* CurvesView::graph(const QString& key, int member, bool smoothed, const RunData* run) const {
    if (!run) run = runData();
    for (const Source& s : sources_)
        if (s.run == run && s.member == member && s.key == key && s.smoothed == smoothed) return s.graph;
    return nullptr;
}

void CurvesView::buildLayout() {
    plot_->clearGraphs();
    sources_.clear();
    auto* plot = static_cast<Plot*>(plot_);
    plot->forgetLegends();
    plot_->plotLayout()->clear();  // also deletes the legend
    rects_.clear();
    auto* margins = new QCPMarginGroup(plot_);
    // The legend gets a row of its own above the charts, so it never hides a curve.
    auto* legend = new QCPLegend;
    plot_->plotLayout()->addElement(0, 0, legend);
    legend->setLayer(QStringLiteral("legend"));
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setMargins(QMargins(4, 2, 4, 2));
    plot_->plotLayout()->setRowStretchFactor(0, 0.001);
    plot_->legend = legend;
    plot->manageLegend(legend, plot_->plotLayout(), 0, 0, true, 0.25);
    const QStringList shown = shownMetrics();
    for (int i = 0; i < shown.size(); ++i) {
        auto* rect = new QCPAxisRect(plot_);
        plot_->plotLayout()->addElement(i + 1, 0, rect);
        rect->setMarginGroup(QCP::msLeft | QCP::msRight, margins);
        QCPAxis* x = rect->axis(QCPAxis::atBottom);
        QCPAxis* y = rect->axis(QCPAxis::atLeft);
        y->setLabel(metricTitle(shown[i]));
        x->setScaleType(logX_ ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        y->setScaleType(logY_ ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
        if (logX_) x->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        if (logY_) y->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
        // The charts share the step axis: only the lowest one labels it.
        const bool lowest = i + 1 == shown.size();
        x->setTickLabels(lowest);
        if (lowest) x->setLabel(tr("step"));
        connect(x, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this, x](const QCPRange& r) {
            if (settingRange_) return;
            userZoomed_ = true;  // the user dragged or zoomed: keep this range while new steps arrive
            settingRange_ = true;
            for (const auto& [k, other] : rects_)
                if (other->axis(QCPAxis::atBottom) != x) other->axis(QCPAxis::atBottom)->setRange(r);
            settingRange_ = false;
            redecimate();
            fitRanges();
            plot_->replot(QCustomPlot::rpQueuedReplot);
        });
        rects_[shown[i]] = rect;
    }
    stylePlot(plot_, palette());
    // Room for one chart at least; more charts than the height holds are left out (fitShownMetrics).
    plot_->setMinimumHeight(kChartLines * QFontMetrics(plot_->font()).height() +
                            kOverheadLines * QFontMetrics(plot_->font()).height());
    const int hidden = int(metrics_.size() - shown.size());
    hiddenLabel_->setVisible(hidden > 0);
    hiddenLabel_->setText(tr("+%n more", nullptr, hidden));
    hiddenLabel_->setToolTip(tr("Not shown for lack of room: %1. Enlarge the view, or focus it (Ctrl+Shift+F).")
                                 .arg(QStringList(metrics_.mid(shown.size())).join(QStringLiteral(", "))));
}

bool CurvesView::equalizeChartHeights() {
    // The lowest chart also holds the step axis: it gets that much more of the height, so that every chart
    // draws its data at the same height.
    const QStringList shown = shownMetrics();
    if (shown.size() < 2 || !rects_.count(shown.front()) || !rects_.count(shown.back())) return false;
    QCPAxisRect* first = rects_[shown.front()];
    QCPAxisRect* last = rects_[shown.back()];
    if (first->rect().height() < 1 || last->rect().height() < 1) return false;
    const double axis =
        (last->outerRect().height() - last->rect().height()) - (first->outerRect().height() - first->rect().height());
    const double stretch = 1.0 + std::max(0.0, axis) / std::max(1, first->rect().height());
    const int row = int(shown.size());  // row 0 is the legend
    if (std::abs(plot_->plotLayout()->rowStretchFactors().value(row, 1.0) - stretch) < 0.02) return false;
    plot_->plotLayout()->setRowStretchFactor(row, stretch);
    return true;
}

QStringList CurvesView::shownMetrics() const {
    return metrics_.mid(0, std::max(1, std::min(int(metrics_.size()), fitCount_)));
}

void CurvesView::fitShownMetrics() {
    // Each chart needs a few lines of height to say anything; the first metrics chosen stay, the rest wait for room.
    if (!plot_->isVisible()) return;  // not laid out yet: its height means nothing
    const int line = QFontMetrics(plot_->font()).height();
    const int fits = std::max(1, (plot_->height() - kOverheadLines * line) / (kChartLines * line));
    if (fits == fitCount_) return;
    const bool before = int(shownMetrics().size()) == int(metrics_.size());
    fitCount_ = fits;
    if (before && fits >= int(metrics_.size())) return;  // nothing changes on screen
    buildLayout();
    scheduleRefresh();
}

int CurvesView::pixelColumns(QCPAxisRect* rect) const {
    // A hidden plot has no meaningful width yet: keep plenty of points (never fewer than a screen needs); the
    // layout of the first paint or of an export decimates again at the real width.
    if (!plot_->isVisible()) return std::max(rect->width(), 2000);
    return std::max(rect->width(), 1);
}

std::vector<double> CurvesView::valuesFor(const Source& s, const Series& series) {
    if (!s.smoothed) return series.values;
    Smoothed& c = smoothCache_[{s.run->instanceId(), s.member, s.key}];
    if (c.revision != s.run->revision() || c.weight != smoothing_ || c.values.size() != series.values.size()) {
        c.values = emaSmooth(series.values, smoothing_);
        c.revision = s.run->revision();
        c.weight = smoothing_;
    }
    return c.values;
}

void CurvesView::fillGraphs() {
    // Forget smoothed series of runs no longer shown.
    std::set<quint64> shown;
    if (runData()) shown.insert(runData()->instanceId());
    for (RunData* r : overlayRuns()) shown.insert(r->instanceId());
    for (auto it = smoothCache_.begin(); it != smoothCache_.end();)
        it = shown.count(std::get<0>(it->first)) ? std::next(it) : smoothCache_.erase(it);
    plot_->clearGraphs();
    sources_.clear();
    if (plot_->legend) plot_->legend->clearItems();
    std::vector<const RunData*> runs;
    if (runData()) runs.push_back(runData());
    for (RunData* r : overlayRuns()) runs.push_back(r);
    bool first_rect = true;
    for (const QString& key : shownMetrics()) {
        QCPAxisRect* rect = rects_[key];
        for (size_t r = 0; r < runs.size(); ++r) {
            const RunData* run = runs[r];
            const double smoothing = smoothable(key) ? smoothing_ : 0.0;
            for (int m = 0; m < run->memberCount(); ++m) {
                const Series* series = run->series(m, key);
                if (!series || series->empty()) continue;
                QString name = tr("member %1").arg(m);
                if (r > 0) name = (run->name().isEmpty() ? tr("run %1").arg(run->runId()) : run->name()) + " · " + name;
                for (bool smoothed : {false, true}) {
                    if (smoothed && smoothing <= 0) continue;
                    auto* g = plot_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
                    QPen pen = seriesPen(m, palette(), !smoothed && smoothing > 0);
                    if (r > 0) pen.setStyle(overlayStyle(int(r) - 1));
                    g->setPen(pen);
                    if (sparseMetric(key))
                        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, pen.color(), pen.color(), 4));
                    g->setName(smoothed ? name + tr(" (EMA %1)").arg(smoothing_) : name);
                    g->setAdaptiveSampling(false);  // the data is already at screen resolution
                    // The legend lists each member once (its smoothed line when smoothing, else the raw one).
                    if (first_rect && (smoothed || smoothing <= 0) && plot_->legend) g->addToLegend(plot_->legend);
                    sources_.push_back({g, run, m, key, smoothed});
                }
            }
        }
        if (markers_ && runData()) {
            MarkerFilter filter;
            addEventMarkers(plot_, rect, *runData(), filter, palette(), first_rect ? plot_->legend : nullptr);
        }
        first_rect = false;
    }
}

bool CurvesView::present(const RunData* run) const {
    return run && (run == runData() || overlayRuns().contains(const_cast<RunData*>(run)));
}

void CurvesView::redecimate() {
    for (const auto& [key, rect] : rects_) rect->setProperty(kColumnsProperty, pixelColumns(rect));
    for (const Source& s : sources_) {
        if (!present(s.run)) continue;  // deleted since the graphs were made: the next rebuild drops it
        const Series* series = s.run->series(s.member, s.key);
        if (!series) continue;
        std::vector<double> values = valuesFor(s, *series);
        if (logY_)  // no place on a log axis: a gap, never a clamped value
            for (double& v : values)
                if (!(v > 0)) v = std::numeric_limits<double>::quiet_NaN();
        QCPAxis* x = s.graph->keyAxis();
        const XYData d = decimateMinMax(series->steps, values, x->range().lower, x->range().upper,
                                        pixelColumns(x->axisRect()), logX_);
        s.graph->setData(d.x, d.y, true);
    }
}

void CurvesView::fitRanges() {
    if (!userZoomed_) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const Source& s : sources_) {
            if (!present(s.run)) continue;
            const Series* series = s.run->series(s.member, s.key);
            if (!series || series->empty()) continue;
            for (int64_t step : {series->steps.front(), series->steps.back()}) {
                if (logX_ && step <= 0) continue;
                lo = std::min(lo, double(step));
                hi = std::max(hi, double(step));
            }
            if (logX_)  // the first positive step
                for (int64_t step : series->steps)
                    if (step > 0) {
                        lo = std::min(lo, double(step));
                        break;
                    }
        }
        if (std::isfinite(lo)) {
            if (hi <= lo) hi = lo + 1;
            settingRange_ = true;
            for (const auto& [key, rect] : rects_) rect->axis(QCPAxis::atBottom)->setRange(lo, hi);
            settingRange_ = false;
            redecimate();
        }
    }
    for (const auto& [key, rect] : rects_) {
        QCPRange range;
        bool any = false;
        for (QCPGraph* g : rect->graphs()) {
            if (g->property("ftwMarker").toBool()) continue;
            bool found = false;
            const QCPRange r =
                g->getValueRange(found, logY_ ? QCP::sdPositive : QCP::sdBoth, rect->axis(QCPAxis::atBottom)->range());
            if (!found) continue;
            range = any ? QCPRange(std::min(range.lower, r.lower), std::max(range.upper, r.upper)) : r;
            any = true;
        }
        if (!any) continue;
        if (logY_) {
            range.lower /= 1.2;
            range.upper *= 1.2;
        } else {
            // A flat series (a constant rate) gets a visible band around its value instead of a zoom into noise.
            const double scale = std::max(std::abs(range.upper), std::abs(range.lower));
            const double pad =
                range.size() > 1e-9 * std::max(1.0, scale) ? 0.05 * range.size() : (scale > 0 ? 0.05 * scale : 1.0);
            range.lower -= pad;
            range.upper += pad;
        }
        rect->axis(QCPAxis::atLeft)->setRange(range);
    }
}

void CurvesView::rebuild() {
    fillGraphs();
    fitRanges();
    if (userZoomed_) redecimate();
    plot_->replot();
}

void CurvesView::applyTheme() {
    fitShownMetrics();  // a larger font (teaching mode) leaves room for fewer charts
    stylePlot(plot_, palette());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void CurvesView::showEvent(QShowEvent* event) {
    RunView::showEvent(event);
    fitShownMetrics();
}

void CurvesView::resizeEvent(QResizeEvent* event) {
    RunView::resizeEvent(event);
    fitShownMetrics();
    scheduleRefresh();
}

void CurvesView::showMarkerTip(QMouseEvent* event) {
    if (!runData()) return;
    for (const auto& [key, rect] : rects_) {
        if (!rect->rect().contains(event->pos())) continue;
        QCPAxis* x = rect->axis(QCPAxis::atBottom);
        const double step = x->pixelToCoord(event->pos().x());
        const double tolerance = std::abs(x->pixelToCoord(event->pos().x() + 4) - step);
        const QStringList near = markersNear(*runData(), MarkerFilter{}, step, tolerance);
        if (near.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), near.mid(0, 8).join(QLatin1Char('\n')), plot_);
        return;
    }
}

QString CurvesView::csvText() const {
    QString out = QStringLiteral("run,member,key,step,value,smoothed\n");
    std::vector<const RunData*> runs;
    if (runData()) runs.push_back(runData());
    for (RunData* r : overlayRuns()) runs.push_back(r);
    for (const RunData* run : runs) {
        const QString name = csvField(run->name().isEmpty() ? QString::number(run->runId()) : run->name());
        for (const QString& key : metrics_)
            for (int m = 0; m < run->memberCount(); ++m) {
                const Series* s = run->series(m, key);
                if (!s) continue;
                const std::vector<double> smooth =
                    smoothing_ > 0 && smoothable(key) ? emaSmooth(s->values, smoothing_) : s->values;
                for (size_t i = 0; i < s->steps.size(); ++i)
                    out += csvRow({name, QString::number(m), csvField(key), QString::number(s->steps[i]),
                                   csvNumber(s->values[i]), csvNumber(smooth[i])});
            }
    }
    return out;
}

}  // namespace ftw
