// SPDX-License-Identifier: GPL-3.0-or-later
// StudyView: a study's results as the paper draws them. A chosen metric against a swept setting, or against the
// training FLOPs, one line per series (the points that differ only in that setting, e.g. one per method), each
// point its mean over seeds with a ±1 std error bar. Fed the results of the store's studies (ft::StudyResults), so
// it is live as runs finish; a table below lists every point with its n. The legend sits beside the chart.
#pragma once

#include <QWidget>
#include <map>
#include <vector>

#include "ft/study/study_results.h"

class QComboBox;
class QCustomPlot;
class QCPAxisRect;
class QCPErrorBars;
class QCPGraph;
class QLabel;
class QPushButton;
class QTableWidget;

namespace ftw {

class StudyView : public QWidget {
    Q_OBJECT
public:
    explicit StudyView(QWidget* parent = nullptr);

    // Every study of the store; the chosen study, metric and axis stay while they still exist.
    void setStudies(std::vector<ft::StudyResults> studies);
    void setStudy(const QString& name);
    void setMetric(const QString& key);  // a study metric key ("accuracy", "nll", ...)
    // kFlopsAxis or a swept setting ("sparse.density"). Until one is set, a study is drawn against the first
    // numeric setting that all its points sweep (a grid axis), or the FLOPs when there is none.
    void setAxis(const QString& key);
    static inline const QString kFlopsAxis = QStringLiteral("train_flops");

    QString study() const { return study_; }
    QString metric() const { return metric_; }
    QString axis() const { return axis_; }
    // The axes the chosen study offers: training FLOPs, then its swept settings with numeric values.
    QStringList axes() const;
    QStringList seriesNames() const;
    QCPGraph* seriesGraph(const QString& name) const;
    QCPErrorBars* seriesErrors(const QString& name) const;
    // How far a series is drawn beside its true x, so that series at the same x (and their error bars) do not
    // cover each other: a small step per series, centred on the x; 0 when no x is shared. Table and CSV are exact.
    double seriesOffset(const QString& name) const;
    QCustomPlot* plot() const { return plot_; }
    QTableWidget* table() const { return table_; }
    QString csvText() const;
    // The figure (.png, .svg, .pdf: `size` in pixels or points) or the data (.csv) by the file's suffix; false with
    // a message naming the file.
    bool exportTo(const QString& path, QSize size, QString* error);

signals:
    // The "Run a study…" button: the window picks a file and starts it.
    void runStudyRequested();

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    const ft::StudyResults* current() const;
    void syncControls();
    void rebuild();
    void fillTable();

    std::vector<ft::StudyResults> studies_;
    QString study_, metric_ = QStringLiteral("accuracy"), axis_ = kFlopsAxis;
    QComboBox* studyBox_ = nullptr;
    QComboBox* metricBox_ = nullptr;
    QComboBox* axisBox_ = nullptr;
    QPushButton* runButton_ = nullptr;
    QPushButton* exportButton_ = nullptr;
    QLabel* status_ = nullptr;
    QCustomPlot* plot_ = nullptr;
    QCPAxisRect* rect_ = nullptr;
    QTableWidget* table_ = nullptr;
    std::vector<std::pair<QString, std::pair<QCPGraph*, QCPErrorBars*>>> series_;
    std::map<QString, double> offsets_;
    bool syncing_ = false;
    bool axisChosen_ = false;  // by the user; until then a study's first swept setting, else the FLOPs
    void pickAxis();
};

}  // namespace ftw
