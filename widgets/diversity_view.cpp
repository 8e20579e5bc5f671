// SPDX-License-Identifier: GPL-3.0-or-later
// DiversityView (diversity_view.h).
#include "diversity_view.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QVBoxLayout>
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "control_bar.h"
#include "figure_export.h"
#include "palette.h"
#include "plot.h"
#include "plot_style.h"

namespace ftw {
namespace {

constexpr int kMaxCellLabels = 10;  // matrices up to 10 x 10 print their values in the cells

QString kindTitle(DiversityView::MatrixKind kind) {
    switch (kind) {
        case DiversityView::Hamming: return QObject::tr("mask Hamming");
        case DiversityView::Jaccard: return QObject::tr("mask Jaccard");
        case DiversityView::Disagreement: return QObject::tr("disagreement");
        case DiversityView::Kl: return QObject::tr("KL(p_col ‖ p_row)");
        default: return {};
    }
}

QString kindKey(DiversityView::MatrixKind kind) {
    static const char* keys[] = {"hamming", "jaccard", "disagreement", "kl"};
    return QString::fromLatin1(keys[kind]);
}

QCPColorGradient matrixGradient() {
    QCPColorGradient g;
    g.clearColorStops();
    for (int i = 0; i <= 8; ++i) g.setColorStopAt(i / 8.0, viridis(i / 8.0));
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

double rowMeanOffDiagonal(const ft::Matrix& m, size_t i) {
    double sum = 0;
    size_t n = 0;
    for (size_t j = 0; j < m[i].size(); ++j)
        if (j != i && std::isfinite(m[i][j])) {
            sum += m[i][j];
            ++n;
        }
    return n ? sum / double(n) : std::nan("");
}

}  // namespace

DiversityView::DiversityView(QWidget* parent) : RunView(parent) {
    plot_ = newPlot(this, QStringLiteral("diversity"));
    plot_->setInteractions({});
    plot_->setAutoAddPlottableToLegend(false);
    plot_->plotLayout()->clear();
    matrixGrid_ = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(0, 0, matrixGrid_);
    for (int k = 0; k < MatrixKinds; ++k) {
        auto* rect = new QCPAxisRect(plot_);
        matrixGrid_->addElement(0, k, rect);
        rect->axis(QCPAxis::atTop)->setVisible(true);
        rect->axis(QCPAxis::atTop)->setTicks(false);
        rect->axis(QCPAxis::atTop)->setTickLabels(false);
        rect->axis(QCPAxis::atTop)->setLabel(kindTitle(MatrixKind(k)));
        rect->axis(QCPAxis::atLeft)->setRangeReversed(true);  // row 0 at the top, as a matrix is read
        rects_[k] = rect;
    }
    scatterRect_ = new QCPAxisRect(plot_);
    auto* bottom = new QCPLayoutGrid;
    plot_->plotLayout()->addElement(1, 0, bottom);
    bottom->addElement(0, 0, scatterRect_);
    plot_->plotLayout()->setRowStretchFactor(0, 1.0);
    plot_->plotLayout()->setRowStretchFactor(1, 1.2);
    scatterRect_->axis(QCPAxis::atBottom)->setLabel(tr("mean prediction disagreement"));
    scatterRect_->axis(QCPAxis::atLeft)->setLabel(tr("accuracy"));
    // The legend beside the scatter (never over its points), at the top of its column at its natural height.
    auto* legend = new QCPLegend;
    auto* side = new QCPLayoutGrid;
    bottom->addElement(0, 1, side);
    bottom->setColumnStretchFactor(1, 0.01);
    side->addElement(0, 0, legend);
    side->addElement(1, 0, new QCPLayoutElement(plot_));
    side->setRowStretchFactor(0, 0.001);
    side->setRowStretchFactor(1, 1);
    legend->setLayer(QStringLiteral("legend"));
    plot_->legend = legend;
    auto* plot = static_cast<Plot*>(plot_);
    plot->manageLegend(legend, side, 0, 0, false, 0.5);
    plot->addFitter([this] {
        fitCellLabels();
        return false;  // labels inside the cells do not change the layout
    });

    evalBox_ = new QComboBox(this);
    auto* bar = new ControlBar(this);
    bar->add(tr("Ensemble evaluation"), evalBox_, true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(bar);
    layout->addWidget(plot_, 1);
    connect(evalBox_, &QComboBox::activated, this, [this](int i) {
        setEvaluation(i == evalBox_->count() - 1 ? -1 : i);  // the last entry follows the latest
    });
}

std::vector<const Evaluation*> DiversityView::ensembleEvaluations() const {
    std::vector<const Evaluation*> out;
    if (!runData()) return out;
    for (const Evaluation& e : runData()->evaluations())
        if (e.member < 0 && !e.disagreement.empty()) out.push_back(&e);
    return out;
}

int DiversityView::evaluationCount() const { return int(ensembleEvaluations().size()); }

void DiversityView::setEvaluation(int index) {
    evaluation_ = index;
    refreshNow();
}

QCPGraph* DiversityView::memberPoint(int i) const {
    for (const auto& [index, g] : memberGraphs_)
        if (index == i) return g;
    return nullptr;
}

void DiversityView::maskMatrices(const std::vector<std::vector<MaskRef>>& masks, ft::Matrix* hamming,
                                 ft::Matrix* jaccard) {
    const size_t n = masks.size();
    hamming->assign(n, std::vector<double>(n, std::nan("")));
    jaccard->assign(n, std::vector<double>(n, std::nan("")));
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) {
            int64_t differ = 0, both = 0, either = 0, weights = 0;
            for (size_t l = 0; l < std::min(masks[i].size(), masks[j].size()); ++l) {
                const MaskRef& a = masks[i][l];
                const MaskRef& b = masks[j][l];
                if (!a.bits || !b.bits || a.total != b.total || a.bits->size() != b.bits->size()) continue;
                const auto& wa = *a.bits;
                const auto& wb = *b.bits;
                for (size_t w = 0; w < wa.size(); ++w) {
                    differ += std::popcount(wa[w] ^ wb[w]);
                    both += std::popcount(wa[w] & wb[w]);
                    either += std::popcount(wa[w] | wb[w]);
                }
                weights += a.total;
            }
            if (weights == 0) continue;
            (*hamming)[i][j] = double(differ) / double(weights);
            (*jaccard)[i][j] = either > 0 ? double(both) / double(either) : 1.0;  // two empty masks are equal
        }
}

void DiversityView::computeMasks() {
    const RunData* d = runData();
    std::vector<std::vector<MaskRef>> masks;
    QStringList labels;
    // Masks not in memory are asked for; the matrices fill in as they arrive (masksArrived).
    const auto layersOf = [d](int64_t member, int64_t pos) {
        std::vector<MaskRef> out;
        const auto& u = d->maskUpdates(member)[size_t(pos)];
        for (size_t l = 0; l < u.layers.size(); ++l) out.push_back({d->maskAt(member, pos, int(l)), u.layers[l].total});
        return out;
    };
    if (d && d->tickets().size() >= 2) {
        maskSource_ = tr("tickets");
        for (const TicketInfo& t : d->tickets()) {
            const auto& updates = d->maskUpdates(t.member);
            // The member's mask at the capture: its last update at or before the ticket's step.
            int64_t at = -1;
            for (size_t k = 0; k < updates.size(); ++k)
                if (updates[k].step <= t.step) at = int64_t(k);
            masks.push_back(at >= 0 ? layersOf(t.member, at) : std::vector<MaskRef>{});
            labels << tr("ticket %1").arg(t.ticket);
        }
    } else if (d) {
        maskSource_ = tr("latest masks");
        for (int m = 0; m < d->memberCount(); ++m) {
            const auto& updates = d->maskUpdates(m);
            if (updates.empty()) continue;
            masks.push_back(layersOf(m, int64_t(updates.size()) - 1));
            labels << tr("member %1").arg(m);
        }
        if (masks.size() < 2) {
            masks.clear();
            labels.clear();
        }
    }
    maskMatrices(masks, &matrices_[Hamming], &matrices_[Jaccard]);
    labels_[Hamming] = labels_[Jaccard] = labels;
}

void DiversityView::computePredictions() {
    matrices_[Disagreement].clear();
    matrices_[Kl].clear();
    ensemble_ = Trajectory{};
    memberXY_.clear();
    const auto evals = ensembleEvaluations();
    if (evals.empty()) return;
    const int index = evaluation_ < 0 || evaluation_ >= int(evals.size()) ? int(evals.size()) - 1 : evaluation_;
    const Evaluation& chosen = *evals[size_t(index)];
    evaluationStep_ = chosen.step;
    evaluationSplit_ = chosen.split;
    matrices_[Disagreement] = chosen.disagreement;
    matrices_[Kl] = chosen.kl;
    const size_t n = chosen.disagreement.size();
    const bool tickets = runData()->tickets().size() == n;
    QStringList labels;
    for (size_t i = 0; i < n; ++i) labels << (tickets ? tr("ticket %1").arg(i) : tr("member %1").arg(i));
    labels_[Disagreement] = labels_[Kl] = labels;

    for (const Evaluation* e : evals)
        if (e->split == chosen.split) {
            ensemble_.steps.push_back(e->step);
            ensemble_.x << ft::mean_off_diagonal(e->disagreement);
            ensemble_.y << e->metrics.accuracy;
        }
    // The members' own reports of the same evaluation (same split and step).
    for (size_t i = 0; i < n; ++i)
        for (const Evaluation& e : runData()->evaluations())
            if (e.member == int64_t(i) && e.split == chosen.split && e.step == chosen.step) {
                memberXY_.push_back({int(i), rowMeanOffDiagonal(chosen.disagreement, i), e.metrics.accuracy});
                break;
            }
}

void DiversityView::drawMatrix(MatrixKind kind) {
    cellLabels_[kind].clear();  // the items themselves went with clearItems()
    QCPAxisRect* rect = rects_[kind];
    QCPAxis* x = rect->axis(QCPAxis::atBottom);
    QCPAxis* y = rect->axis(QCPAxis::atLeft);
    const ft::Matrix& m = matrices_[kind];
    const int n = int(m.size());
    QString title = kindTitle(kind);
    if ((kind == Hamming || kind == Jaccard) && n > 0) title += QStringLiteral(" · ") + maskSource_;
    rect->axis(QCPAxis::atTop)->setLabel(title);
    maps_[kind] = nullptr;
    if (n == 0) {
        x->setRange(0, 1);
        y->setRange(0, 1);
        return;
    }
    auto* map = new QCPColorMap(x, y);
    map->setName(kindKey(kind));
    map->setInterpolate(false);
    map->setGradient(matrixGradient());
    map->data()->setSize(n, n);
    map->data()->setRange(QCPRange(0, n - 1), QCPRange(0, n - 1));
    double top = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n && j < int(m[size_t(i)].size()); ++j) {
            const double v = m[size_t(i)][size_t(j)];
            map->data()->setCell(j, i, v);  // key = column, value = row
            if (std::isfinite(v)) top = std::max(top, v);
        }
    map->setDataRange(QCPRange(0, kind == Jaccard ? 1.0 : (top > 0 ? top : 1.0)));
    maps_[kind] = map;
    x->setRange(-0.5, n - 0.5);
    y->setRange(-0.5, n - 0.5);
    auto ticks = QSharedPointer<QCPAxisTickerText>::create();
    for (int i = 0; i < n && n <= kMaxCellLabels; ++i) ticks->addTick(i, QString::number(i));
    if (n <= kMaxCellLabels) {
        x->setTicker(ticks);
        y->setTicker(ticks);
    } else {
        x->setTicker(QSharedPointer<QCPAxisTicker>::create());
        y->setTicker(QSharedPointer<QCPAxisTicker>::create());
    }
    if (n > kMaxCellLabels) return;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n && j < int(m[size_t(i)].size()); ++j) {
            const double v = m[size_t(i)][size_t(j)];
            auto* text = new QCPItemText(plot_);
            text->setClipAxisRect(rect);
            text->position->setAxes(x, y);
            text->position->setAxisRect(rect);
            text->position->setCoords(j, i);
            text->setText(std::isfinite(v) ? QString::number(v, 'f', v < 10 ? 3 : 1) : QStringLiteral("–"));
            // Dark text on the light end of viridis, light text on the dark end.
            const double t = map->dataRange().size() > 0 ? (v - map->dataRange().lower) / map->dataRange().size() : 0;
            text->setColor(std::isfinite(v) && t > 0.6 ? Qt::black : Qt::white);
            cellLabels_[kind].push_back(text);
        }
}

void DiversityView::drawScatter() {
    QCPAxis* x = scatterRect_->axis(QCPAxis::atBottom);
    QCPAxis* y = scatterRect_->axis(QCPAxis::atLeft);
    memberGraphs_.clear();
    trajectory_ = nullptr;
    if (plot_->legend) plot_->legend->clearItems();
    const double inf = std::numeric_limits<double>::infinity();
    double xmin = inf, xmax = -inf, ymin = inf, ymax = -inf;
    const auto extend = [&](double vx, double vy) {
        if (!std::isfinite(vx) || !std::isfinite(vy)) return;
        xmin = std::min(xmin, vx);
        xmax = std::max(xmax, vx);
        ymin = std::min(ymin, vy);
        ymax = std::max(ymax, vy);
    };
    if (!ensemble_.x.isEmpty()) {
        trajectory_ = plot_->addGraph(x, y);
        trajectory_->setName(tr("ensemble (%1)").arg(evaluationSplit_));
        trajectory_->setProperty("ftwToolTip", tr("the ensemble at each evaluation, joined in order"));
        const QColor c = seriesColor(-1, palette());
        trajectory_->setPen(QPen(c, 1.5));
        trajectory_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, c, c, 7));
        // Keys are not sorted by x: a trajectory is drawn in time order, so the graph must keep insertion order.
        trajectory_->setLineStyle(QCPGraph::lsNone);
        auto* curve = new QCPCurve(x, y);
        curve->setPen(QPen(c, 1.5));
        curve->setData(ensemble_.x, ensemble_.y);
        curve->setName(QStringLiteral("trajectory"));
        trajectory_->setData(ensemble_.x, ensemble_.y);
        trajectory_->addToLegend(plot_->legend);
        for (int i = 0; i < ensemble_.x.size(); ++i) extend(ensemble_.x[i], ensemble_.y[i]);
    }
    for (const MemberPoint& p : memberXY_) {
        auto* g = plot_->addGraph(x, y);
        const QColor c = memberColor(p.index);
        g->setName(labels_[Disagreement].value(p.index));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(c, 2), QBrush(c), 9));
        g->setData({p.disagreement}, {p.accuracy});
        g->addToLegend(plot_->legend);
        memberGraphs_.push_back({p.index, g});
        extend(p.disagreement, p.accuracy);
    }
    if (!(xmax >= xmin)) {
        xmin = ymin = 0;
        xmax = ymax = 1;
    }
    // The points' own range with a margin, so that no point sits on the frame; a single point gets a small window
    // around it instead of a zoom into nothing.
    const auto padded = [](double lo, double hi) {
        const double span = hi - lo;
        const double pad = span > 1e-9 ? 0.12 * span : std::max(0.01, 0.05 * std::abs(hi));
        return QCPRange(lo - pad, hi + pad);
    };
    x->setRange(padded(xmin, xmax));
    y->setRange(padded(ymin, ymax));
}

void DiversityView::fitCellLabels() {
    // A value is printed in its cell only when the cell can hold it; the colour and the tooltip-free CSV still
    // carry it otherwise.
    for (int k = 0; k < MatrixKinds; ++k) {
        if (cellLabels_[k].empty()) continue;
        QCPAxis* x = rects_[k]->axis(QCPAxis::atBottom);
        QCPAxis* y = rects_[k]->axis(QCPAxis::atLeft);
        const double cellWidth = std::abs(x->coordToPixel(1) - x->coordToPixel(0));
        const double cellHeight = std::abs(y->coordToPixel(1) - y->coordToPixel(0));
        for (QCPItemText* t : cellLabels_[k]) {
            const QFontMetricsF fm(t->font());
            const bool fits = fm.horizontalAdvance(t->text()) + 4 <= cellWidth && fm.height() + 2 <= cellHeight;
            t->setVisible(fits);
        }
    }
}

void DiversityView::resizeEvent(QResizeEvent* event) {
    RunView::resizeEvent(event);
    arrangeMatrices();
}

void DiversityView::arrangeMatrices() {
    // Four square matrices: in one row when that makes them bigger, else two by two.
    const double width = plot_->width(), height = 0.45 * plot_->height();
    const double inRow = std::min(width / 4, height), inSquare = std::min(width / 2, height / 2);
    const int columns = inSquare > 1.15 * inRow ? 2 : 4;
    if (columns == matrixColumns_) return;
    matrixColumns_ = columns;
    for (QCPAxisRect* r : rects_) matrixGrid_->take(r);
    matrixGrid_->simplify();
    for (int k = 0; k < MatrixKinds; ++k) matrixGrid_->addElement(k / columns, k % columns, rects_[k]);
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

void DiversityView::rebuild() {
    const auto evals = ensembleEvaluations();
    {
        const QSignalBlocker quiet(evalBox_);
        evalBox_->clear();
        for (const Evaluation* e : evals) evalBox_->addItem(tr("%1 at step %2").arg(e->split).arg(e->step));
        if (!evals.empty()) evalBox_->addItem(tr("latest"));
        evalBox_->setCurrentIndex(evaluation_ < 0 || evaluation_ >= int(evals.size()) ? evalBox_->count() - 1
                                                                                      : evaluation_);
    }
    plot_->clearPlottables();
    plot_->clearItems();
    computeMasks();
    computePredictions();
    for (int k = 0; k < MatrixKinds; ++k) drawMatrix(MatrixKind(k));
    drawScatter();
    stylePlot(plot_, palette());
    plot_->replot();
}

void DiversityView::applyTheme() {
    stylePlot(plot_, palette());
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

QString DiversityView::csvText() const {
    QString out = QStringLiteral("kind,i,j,label_i,label_j,step,value\n");
    const auto n = [](int64_t v) { return QString::number(v); };
    for (int k = 0; k < MatrixKinds; ++k) {
        const ft::Matrix& m = matrices_[k];
        const bool prediction = k == Disagreement || k == Kl;
        for (size_t i = 0; i < m.size(); ++i)
            for (size_t j = 0; j < m[i].size(); ++j)
                out += csvRow({kindKey(MatrixKind(k)), n(int64_t(i)), n(int64_t(j)), csvField(labels_[k].value(int(i))),
                               csvField(labels_[k].value(int(j))), prediction ? n(evaluationStep_) : QString(),
                               csvNumber(m[i][j])});
    }
    for (int i = 0; i < ensemble_.x.size(); ++i) {
        const QString step = n(ensemble_.steps[size_t(i)]);
        out += csvRow({"ensemble_mean_disagreement", n(i), "", "ensemble", "", step, csvNumber(ensemble_.x[i])});
        out += csvRow({"ensemble_accuracy", n(i), "", "ensemble", "", step, csvNumber(ensemble_.y[i])});
    }
    for (const MemberPoint& p : memberXY_) {
        const QString label = csvField(labels_[Disagreement].value(p.index));
        out += csvRow(
            {"member_mean_disagreement", n(p.index), "", label, "", n(evaluationStep_), csvNumber(p.disagreement)});
        out += csvRow({"member_accuracy", n(p.index), "", label, "", n(evaluationStep_), csvNumber(p.accuracy)});
    }
    return out;
}

}  // namespace ftw
