// SPDX-License-Identifier: GPL-3.0-or-later
// MaskCanvas: the picture of the mask view. For one mask update of one member it draws every layer (or one
// layer, zoomable down to single weights) as an image at screen resolution: kept weights, pruned since the previous
// update (vermillion) and regrown (bluish green). Hovering says which weight or block is under the mouse and the
// weight's alive/dead history.
#pragma once

#include <QImage>
#include <QPointer>
#include <QWidget>
#include <map>
#include <vector>

#include "figure_export.h"
#include "mask_image.h"
#include "run_data.h"

namespace ftw {

class JobTracker;

class MaskCanvas : public QWidget, public FigurePainter {
    Q_OBJECT
public:
    explicit MaskCanvas(QWidget* parent = nullptr);

    void setFrame(RunData* data, int64_t member, int64_t update_index);
    void setLayer(int layer);  // -1: every layer; else that layer alone (zoomable)
    int layer() const { return layer_; }
    void setConvLayout(ConvLayout layout);
    ConvLayout convLayout() const { return convLayout_; }

    // Zoom of the single-layer mode, in cells of the layer's grid (whole grid when not zoomed).
    void setZoom(const CellRect& cells);
    void resetZoom();
    CellRect zoom() const;

    MaskGrid gridFor(int layer) const;
    // Where layer `layer`'s image is drawn in widget coordinates (empty when the layer is not shown).
    QRect imageRect(int layer) const;
    // The current frame's image of `layer` at most `max_pixels` large (what the canvas draws, before scaling).
    QImage layerImage(int layer, QSize max_pixels) const;
    // The hover text at a widget position (empty when not over an image).
    QString describeAt(QPoint pos) const;
    // Frames painted with every shown layer's picture of that very update (benchmarks: how many of the updates a
    // quick scrub really showed).
    qint64 completeFrames() const { return completeFrames_; }
    // Says again what is under the mouse (a weight's history read from the store has arrived).
    void refreshHover();

    void paintFigure(QPainter& painter, const QRect& target) override;
    QSize sizeHint() const override { return {480, 360}; }

signals:
    void hovered(const QString& text);
    void layerActivated(int layer);  // double-click on a layer in the overview

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Tile {
        int layer = 0;
        QRect title, image;
    };
    // Views of more cells than this are drawn off the GUI thread.
    static constexpr int64_t kSynchronousCells = int64_t(1) << 21;
    struct CachedImage {
        int generation = -1;
        MaskWords current, previous;  // held, so that the addresses stay this frame's
        CellRect view;
        QSize size;
        ConvLayout layout = ConvLayout::Matrix;
        MaskColors colors;
        QImage image;
        bool sameAs(const CachedImage& o) const;
    };

    void zoomAbout(double factor, int64_t col, int64_t row);
    void panBy(double fx, double fy);  // in shares of the view
    std::vector<int> shownLayers() const;
    std::vector<Tile> layoutTiles(const QRect& area, int title_height) const;
    CellRect viewFor(int layer) const;
    const LayerMask* maskOf(int64_t update, int layer) const;
    // `current` (may be null) says whether the image is this frame's (not the last picture kept while drawing).
    QImage buildImage(int layer, QSize max_pixels, bool use_cache, bool* current = nullptr) const;
    QString titleOf(int layer) const;
    void paintTiles(QPainter& painter, const QRect& area, qreal dpr, bool use_cache);
    // The tile and the cells under a widget position; false when not over an image.
    bool cellsAt(QPoint pos, int* layer, CellRect* cells) const;

    QPointer<RunData> data_;
    int64_t member_ = 0, update_ = -1;
    int layer_ = -1;
    ConvLayout convLayout_ = ConvLayout::Matrix;
    bool zoomed_ = false;
    CellRect zoom_;
    bool panning_ = false;
    QPoint hoverPos_{-1, -1};
    qint64 completeFrames_ = 0;
    int64_t lastCompleteUpdate_ = -2;
    QPoint panFrom_;
    CellRect panStart_;
    mutable std::map<int, CachedImage> cache_;
    mutable std::map<int, CachedImage> pending_;  // being drawn on the worker, by layer
    JobTracker* jobs_ = nullptr;
};

}  // namespace ftw
