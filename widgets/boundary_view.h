// SPDX-License-Identifier: GPL-3.0-or-later
// BoundaryView (teaching mode, 2-D data): the decision boundary of each ticket, of the ensemble and of the live
// network, one panel each, with the training points on top. A grid cell's colour is the probability-weighted mix
// of the class colours, paler where the network is unsure, so the boundary is where the colours meet.
#pragma once

#include <QImage>
#include <QPointer>
#include <QWidget>

#include "figure_export.h"
#include "run_view.h"

class QCheckBox;

namespace ftw {

class BoundaryCanvas : public QWidget, public FigurePainter {
    Q_OBJECT
public:
    explicit BoundaryCanvas(QWidget* parent = nullptr);
    void setRun(RunData* data);
    void setPointsVisible(bool on);

    // Panels in order: tickets by index, the ensemble, then live and other sources.
    int panelCount() const { return int(order_.size()); }
    QString panelTitle(int panel) const;
    const ft::DecisionBoundary* panelBoundary(int panel) const;
    // The panel's grid as an image (resolution x resolution, row 0 = y_max at the top), without points.
    QImage panelImage(int panel) const;
    QRect panelRect(int panel) const;  // where the panel's image is drawn, in widget coordinates

    // The colour of one grid cell: probabilities of `classes` classes.
    static QColor cellColor(const float* probs, int64_t classes, const QColor& background);

    void paintFigure(QPainter& painter, const QRect& target) override;
    QSize sizeHint() const override { return {480, 320}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<QRect> layoutPanels(const QRect& area, int title_height) const;
    void paintPanels(QPainter& painter, const QRect& area);

    QPointer<RunData> data_;
    std::vector<size_t> order_;  // indices into RunData::boundaries()
    bool points_ = true;
};

class BoundaryView : public RunView {
    Q_OBJECT
public:
    explicit BoundaryView(QWidget* parent = nullptr);
    BoundaryCanvas* canvas() const { return canvas_; }
    QString csvText() const override;

protected:
    void rebuild() override;

private:
    BoundaryCanvas* canvas_ = nullptr;
    QCheckBox* pointsBox_ = nullptr;
};

}  // namespace ftw
