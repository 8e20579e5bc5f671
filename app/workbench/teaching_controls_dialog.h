// SPDX-License-Identifier: GPL-3.0-or-later
// The teacher's choice of what students see in teaching mode: which settings of the experiment form and which
// views. Everything checked means no restriction (an empty list), so a preset saved that way keeps showing new
// settings and views added later.
#pragma once

#include <QDialog>
#include <QList>
#include <QPair>
#include <QStringList>

class QCheckBox;

namespace ftw {

class TeachingControlsDialog : public QDialog {
    Q_OBJECT
public:
    // views: (key, title) of every view; fields: every form key with its label. `chosenFields` / `chosenViews`
    // empty = all.
    TeachingControlsDialog(const QList<QPair<QString, QString>>& views, const QList<QPair<QString, QString>>& fields,
                           const QStringList& chosenFields, const QStringList& chosenViews, QWidget* parent = nullptr);

    QStringList fields() const;  // empty: all
    QStringList views() const;   // empty: all

private:
    QList<QCheckBox*> viewChecks_, fieldChecks_;
};

}  // namespace ftw
