// SPDX-License-Identifier: GPL-3.0-or-later
// CalibrationView: reliability diagrams with a confidence histogram for each member and the ensemble, at the latest
// evaluation of a split (or at a chosen evaluation step), with accuracy, ECE, MCE, NLL and Brier in a table. The
// main entity (the ensemble when it has been evaluated, else the chosen member) is drawn as bars; the others as
// lines in their member colours; overlay runs' ensembles as dashed lines and extra table rows, to compare runs.
#pragma once

#include "run_view.h"

class QComboBox;
class QCustomPlot;
class QCPAxisRect;
class QCPBars;
class QCPGraph;
class QCPLayoutGrid;
class QCPTextElement;
class QTableWidget;

namespace ftw {

class CalibrationView : public RunView {
    Q_OBJECT
public:
    explicit CalibrationView(QWidget* parent = nullptr);

    QStringList splits() const;
    // A split to keep showing; empty: follow the run ("test" when present, else the first split with bins).
    void setSplit(const QString& split);
    QString split() const { return split_; }
    // Which reports: kAll (members and ensemble), -1 the ensemble, k member k.
    static constexpr int kAll = -2;
    void setEntity(int entity);
    // Evaluation step: -1 = the latest report of each member.
    void setStep(qint64 step);

    QCustomPlot* plot() const { return plot_; }
    QCPBars* reliabilityBars() const { return bars_; }     // accuracy per non-empty bin of the main entity
    QCPBars* histogramBars() const { return histogram_; }  // share of samples per bin of the main entity
    int mainEntity() const { return main_; }
    QCPGraph* memberCurve(int member, const RunData* run = nullptr) const;
    QTableWidget* metricsTable() const { return table_; }
    // What the view shows besides the reliability diagram; both go when the view is small.
    bool histogramShown() const { return histogramShown_; }
    bool tableShown() const;

    QString csvText() const override;

protected:
    void rebuild() override;
    void applyTheme() override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void adaptToSize();
    void setHistogramShown(bool shown);
    struct Shown {
        const RunData* run = nullptr;
        const Evaluation* eval = nullptr;
    };
    std::vector<Shown> selected() const;
    void syncControls();
    void fillTable(const std::vector<Shown>& shown);

    QCustomPlot* plot_ = nullptr;
    QCPLayoutGrid* charts_ = nullptr;
    QCPAxisRect* reliability_ = nullptr;
    QCPAxisRect* histogramRect_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QComboBox* splitBox_ = nullptr;
    QComboBox* entityBox_ = nullptr;
    QComboBox* stepBox_ = nullptr;
    QTableWidget* table_ = nullptr;
    QCPBars* bars_ = nullptr;
    QCPBars* histogram_ = nullptr;
    std::vector<std::pair<std::pair<const RunData*, int>, QCPGraph*>> curves_;
    QString split_;
    bool splitChosen_ = false;
    int entity_ = kAll;
    qint64 step_ = -1;
    int main_ = -1;
    bool histogramShown_ = true;
};

}  // namespace ftw
