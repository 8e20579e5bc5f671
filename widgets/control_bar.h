// SPDX-License-Identifier: GPL-3.0-or-later
// ControlBar: the row of controls above a view. When the view is narrower than the row, the controls wrap onto
// more rows instead of forcing the view (and with it the docked window) wider: the bar's minimum width is that of
// its widest control group, not the sum of all. A label stays on the same row as its control. Figure exports
// leave the bar out.
#pragma once

#include <QWidget>

namespace ftw {

class ControlBar : public QWidget {
    Q_OBJECT
public:
    explicit ControlBar(QWidget* parent = nullptr);

    // Adds a control; stretch: it takes its row's spare width.
    void add(QWidget* control, bool stretch = false);
    // Adds a label and its control as one group that never splits across rows.
    void add(const QString& label, QWidget* control, bool stretch = false);
};

}  // namespace ftw
