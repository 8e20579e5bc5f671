// SPDX-License-Identifier: GPL-3.0-or-later
// CurvesView: training curves of every member (loss, accuracy, learning rate, prune rate, and the epoch-end
// validation metrics on demand), one stacked chart per metric sharing the step axis, with the run's events as
// markers. Long series are reduced to a min/max envelope per pixel column of the visible range (re-done on zoom),
// so 100k+ steps stay fast and no spike is hidden. Smoothing is an EMA of the full-resolution series, drawn over
// the raw series (kept faint) with its weight in the legend. Overlay runs are drawn dashed.
#pragma once

#include <QStringList>
#include <map>
#include <tuple>
#include <vector>

#include "run_view.h"

class QCheckBox;
class QCustomPlot;
class QCPAxisRect;
class QCPGraph;
class QDoubleSpinBox;
class QLabel;
class QToolButton;

namespace ftw {

class CurvesView : public RunView {
    Q_OBJECT
public:
    explicit CurvesView(QWidget* parent = nullptr);

    // Metric keys as RunData stores them: loss, accuracy, lr, prune_rate, train_loss, train_accuracy, val_loss,
    // val_accuracy, density, ever_active, epoch_seconds.
    static QStringList availableMetrics();
    void setMetrics(const QStringList& keys);
    QStringList metrics() const { return metrics_; }
    // EMA weight in [0, 1); 0 = no smoothing. Applies to the mini-batch loss and accuracy only.
    void setSmoothing(double weight);
    double smoothing() const { return smoothing_; }
    void setLogX(bool on);
    void setLogY(bool on);
    void setMarkersVisible(bool on);

    QCustomPlot* plot() const { return plot_; }
    QCPAxisRect* axisRect(const QString& key) const;
    // The graph of a metric of a member of `run` (null: the main run); `smoothed` picks the EMA graph.
    QCPGraph* graph(const QString& key, int member, bool smoothed = false, const RunData* run = nullptr) const;

    QString csvText() const override;

protected:
    void rebuild() override;
    void applyTheme() override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    struct Source {
        QCPGraph* graph = nullptr;
        const RunData* run = nullptr;
        int member = 0;
        QString key;
        bool smoothed = false;
    };
    static constexpr int kChartLines = 5;     // a chart's least height with its margins, in text lines
    static constexpr int kOverheadLines = 6;  // the legend and the step axis
    void buildLayout();
    QStringList shownMetrics() const;  // the first metrics, as many as the height holds
    void fitShownMetrics();
    bool equalizeChartHeights();
    void fillGraphs();
    void redecimate();
    void fitRanges();
    std::vector<double> valuesFor(const Source& s, const Series& series);
    int pixelColumns(QCPAxisRect* rect) const;
    bool present(const RunData* run) const;  // still the main run or an overlay (not deleted)
    void showMarkerTip(QMouseEvent* event);

    QCustomPlot* plot_ = nullptr;
    QToolButton* metricsButton_ = nullptr;
    QDoubleSpinBox* smoothingBox_ = nullptr;
    QCheckBox* logXBox_ = nullptr;
    QCheckBox* logYBox_ = nullptr;
    QCheckBox* markersBox_ = nullptr;
    QLabel* hiddenLabel_ = nullptr;
    int fitCount_ = 1 << 20;
    QStringList metrics_;
    std::map<QString, QCPAxisRect*> rects_;
    std::vector<Source> sources_;
    double smoothing_ = 0;
    bool logX_ = false, logY_ = false, markers_ = true;
    bool userZoomed_ = false;
    bool settingRange_ = false;
    // Smoothed series cache: (run instance, member, key) -> (run revision, weight, values).
    struct Smoothed {
        int64_t revision = -1;
        double weight = -1;
        std::vector<double> values;
    };
    std::map<std::tuple<quint64, int, QString>, Smoothed> smoothCache_;
};

}  // namespace ftw
