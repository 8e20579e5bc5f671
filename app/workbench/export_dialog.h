// SPDX-License-Identifier: GPL-3.0-or-later
// The export dialog: one view, as a figure (PNG, SVG or PDF at a chosen size) or as the data behind it (CSV); the
// format follows the file's suffix. The last folder and size are remembered (WorkbenchSettings).
#pragma once

#include <QDialog>
#include <QList>
#include <QPair>

class QComboBox;
class QLineEdit;
class QSpinBox;
class QLabel;

namespace ftw {

class RunView;
class WorkbenchSettings;

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    // views: (title, view) in menu order; `current`: the one preselected.
    ExportDialog(const QList<QPair<QString, RunView*>>& views, RunView* current, WorkbenchSettings* settings,
                 QWidget* parent = nullptr);

    // Writes the chosen export; false with a message naming the file.
    static bool exportView(RunView* view, const QString& path, QSize size, QString* error);

    void accept() override;

private:
    void browse();
    void updateSizeEnabled();

    QList<QPair<QString, RunView*>> views_;
    WorkbenchSettings* settings_;
    QComboBox* view_ = nullptr;
    QLineEdit* path_ = nullptr;
    QSpinBox* width_ = nullptr;
    QSpinBox* height_ = nullptr;
    QLabel* error_ = nullptr;
};

}  // namespace ftw
