// SPDX-License-Identifier: GPL-3.0-or-later
// ControlBar (control_bar.h) and the wrapping layout behind it.
#include "control_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLayout>
#include <QStyle>

#include <algorithm>

#include "figure_export.h"

namespace ftw {
namespace {

// Lays its items out left to right at their preferred widths, starting a new row where the next item would not
// fit. In each row, the stretching items share the spare width; an item wider than the whole row gets the row.
class WrapLayout final : public QLayout {
public:
    explicit WrapLayout(QWidget* parent) : QLayout(parent) { setContentsMargins(0, 0, 0, 0); }
    ~WrapLayout() override {
        while (QLayoutItem* item = takeAt(0)) delete item;
    }

    void addItem(QLayoutItem* item) override { items_.push_back({item, false}); }
    void addStretching(QWidget* w, bool stretch) {
        addChildWidget(w);
        items_.push_back({new QWidgetItem(w), stretch});
        invalidate();
    }
    int count() const override { return int(items_.size()); }
    QLayoutItem* itemAt(int i) const override { return i >= 0 && i < count() ? items_[size_t(i)].item : nullptr; }
    QLayoutItem* takeAt(int i) override {
        if (i < 0 || i >= count()) return nullptr;
        QLayoutItem* item = items_[size_t(i)].item;
        items_.erase(items_.begin() + i);
        return item;
    }
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return arrange(QRect(0, 0, width, 0), false); }
    void setGeometry(const QRect& rect) override {
        QLayout::setGeometry(rect);
        arrange(rect, true);
    }
    QSize sizeHint() const override {  // everything on one row
        int w = 0, h = 0, n = 0;
        for (const auto& e : items_) {
            if (e.item->isEmpty()) continue;
            w += e.item->sizeHint().width() + (n++ ? gap() : 0);
            h = std::max(h, e.item->sizeHint().height());
        }
        const QMargins m = contentsMargins();
        return {w + m.left() + m.right(), h + m.top() + m.bottom()};
    }
    QSize minimumSize() const override {  // one group per row
        int w = 0, h = 0;
        for (const auto& e : items_) {
            if (e.item->isEmpty()) continue;
            w = std::max(w, e.item->minimumSize().width());
            h = std::max(h, e.item->sizeHint().height());
        }
        const QMargins m = contentsMargins();
        return {w + m.left() + m.right(), h + m.top() + m.bottom()};
    }

private:
    struct Entry {
        QLayoutItem* item;
        bool stretch;
    };

    int gap() const {
        const int s = spacing();
        if (s >= 0) return s;
        const QWidget* w = parentWidget();
        const int metric = w ? w->style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing, nullptr, w) : -1;
        return metric >= 0 ? metric : 6;
    }

    // Places the items in `rect` (when apply) and returns the height they take.
    int arrange(const QRect& outer, bool apply) const {
        const QRect rect = outer.marginsRemoved(contentsMargins());
        const int width = std::max(1, rect.width());
        int y = rect.top();
        size_t first = 0;
        while (first < items_.size()) {
            // Fill one row.
            size_t end = first;
            int used = 0, height = 0;
            for (; end < items_.size(); ++end) {
                QLayoutItem* item = items_[end].item;
                if (item->isEmpty()) continue;
                const int w = item->sizeHint().width() + (used > 0 ? gap() : 0);
                if (used > 0 && used + w > width) break;
                used += w;
                height = std::max(height, item->sizeHint().height());
            }
            if (apply) {
                int stretching = 0;
                for (size_t i = first; i < end; ++i) stretching += !items_[i].item->isEmpty() && items_[i].stretch;
                int spare = std::max(0, width - used);
                int x = rect.left();
                bool any = false;
                for (size_t i = first; i < end; ++i) {
                    QLayoutItem* item = items_[i].item;
                    if (item->isEmpty()) continue;
                    if (any) x += gap();
                    any = true;
                    int w = std::min(item->sizeHint().width(), width);
                    if (items_[i].stretch && stretching > 0) {
                        const int extra = spare / stretching--;
                        spare -= extra;
                        w += extra;
                    }
                    const int h = std::min(height, std::max(item->minimumSize().height(), item->sizeHint().height()));
                    item->setGeometry(QRect(x, y + (height - h) / 2, w, h));
                    x += w;
                }
            }
            y += height + (end < items_.size() ? gap() : 0);
            first = end;
        }
        return y - rect.top() + contentsMargins().top() + contentsMargins().bottom();
    }

    std::vector<Entry> items_;
};

}  // namespace

ControlBar::ControlBar(QWidget* parent) : QWidget(parent) {
    new WrapLayout(this);
    setProperty(kNoExportProperty, true);
    // Height follows the width (more rows when narrow). Not Fixed: a box layout would cap the height at one row.
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void ControlBar::add(QWidget* control, bool stretch) {
    static_cast<WrapLayout*>(layout())->addStretching(control, stretch);
}

void ControlBar::add(const QString& label, QWidget* control, bool stretch) {
    auto* group = new QWidget(this);
    auto* row = new QHBoxLayout(group);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(label, group));
    row->addWidget(control, 1);
    add(group, stretch);
}

}  // namespace ftw
