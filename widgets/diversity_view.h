// SPDX-License-Identifier: GPL-3.0-or-later
// DiversityView: how different the ensemble's members are. Mask Hamming distance and Jaccard overlap between the
// tickets (each ticket's mask is its member's mask at the capture; before two tickets exist, the members' latest
// masks), the prediction disagreement and KL matrices of an ensemble evaluation, and diversity versus accuracy:
// the ensemble's evaluations in order (the run's trajectory) and the members of the chosen evaluation.
#pragma once

#include "run_view.h"

class QComboBox;
class QCustomPlot;
class QCPAxisRect;
class QCPColorMap;
class QCPGraph;
class QCPItemText;
class QCPLayoutGrid;

namespace ftw {

class DiversityView : public RunView {
    Q_OBJECT
public:
    enum MatrixKind { Hamming, Jaccard, Disagreement, Kl, MatrixKinds };

    explicit DiversityView(QWidget* parent = nullptr);

    // The ensemble evaluation shown (index into the list of ensemble evaluations with matrices; -1 = the latest).
    void setEvaluation(int index);
    int evaluationCount() const;

    QCustomPlot* plot() const { return plot_; }
    QCPColorMap* matrixMap(MatrixKind kind) const { return maps_[kind]; }
    // The matrix drawn and the names of its rows/columns ("ticket 0", ... or "member 0", ...).
    const ft::Matrix& matrix(MatrixKind kind) const { return matrices_[kind]; }
    QStringList matrixLabels(MatrixKind kind) const { return labels_[kind]; }
    QCPGraph* ensembleTrajectory() const { return trajectory_; }  // x: mean disagreement, y: accuracy
    // Member i of the shown evaluation (x: its mean disagreement with the others, y: its accuracy); null when
    // that member has no evaluation at the same step.
    QCPGraph* memberPoint(int i) const;

    // Mask distances over every layer with a mask in hand (masks[entity][layer]); NaN where nothing compares.
    struct MaskRef {
        MaskWords bits;
        int64_t total = 0;
    };
    static void maskMatrices(const std::vector<std::vector<MaskRef>>& masks, ft::Matrix* hamming, ft::Matrix* jaccard);

    QString csvText() const override;

protected:
    void rebuild() override;
    bool drawsMasks() const override { return true; }
    void applyTheme() override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitCellLabels();
    void arrangeMatrices();
    struct Trajectory {
        std::vector<int64_t> steps;
        QVector<double> x, y;
    };
    void computeMasks();
    void computePredictions();
    void drawMatrix(MatrixKind kind);
    void drawScatter();
    std::vector<const Evaluation*> ensembleEvaluations() const;

    QCustomPlot* plot_ = nullptr;
    QCPLayoutGrid* matrixGrid_ = nullptr;
    int matrixColumns_ = 4;
    std::vector<QCPItemText*> cellLabels_[MatrixKinds];
    QComboBox* evalBox_ = nullptr;
    QCPAxisRect* rects_[MatrixKinds] = {};
    QCPColorMap* maps_[MatrixKinds] = {};
    QCPAxisRect* scatterRect_ = nullptr;
    QCPGraph* trajectory_ = nullptr;
    std::vector<std::pair<int, QCPGraph*>> memberGraphs_;
    ft::Matrix matrices_[MatrixKinds];
    QStringList labels_[MatrixKinds];
    QString maskSource_;
    int evaluation_ = -1;
    Trajectory ensemble_;
    struct MemberPoint {
        int index = 0;
        double disagreement = 0, accuracy = 0;
    };
    std::vector<MemberPoint> memberXY_;
    int64_t evaluationStep_ = 0;
    QString evaluationSplit_;
};

}  // namespace ftw
