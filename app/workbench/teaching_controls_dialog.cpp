// SPDX-License-Identifier: GPL-3.0-or-later
// TeachingControlsDialog (teaching_controls_dialog.h).
#include "teaching_controls_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace ftw {

namespace {
QStringList checkedKeys(const QList<QCheckBox*>& list) {
    QStringList out;
    bool all = true;
    for (auto* c : list) {
        if (c->isChecked())
            out << c->property("key").toString();
        else
            all = false;
    }
    return all ? QStringList() : out;
}
}  // namespace

TeachingControlsDialog::TeachingControlsDialog(const QList<QPair<QString, QString>>& views,
                                               const QList<QPair<QString, QString>>& fields,
                                               const QStringList& chosenFields, const QStringList& chosenViews,
                                               QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Controls students see"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("In teaching mode only the checked settings and views are shown. Save the choice "
                                "with \"Save as preset\"."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* scroll = new QScrollArea(this);
    auto* content = new QWidget(scroll);
    auto* grid = new QGridLayout(content);
    auto* viewsBox = new QGroupBox(tr("Views"), content);
    auto* viewsLayout = new QVBoxLayout(viewsBox);
    for (const auto& [key, title] : views) {
        auto* c = new QCheckBox(title, viewsBox);
        c->setProperty("key", key);
        c->setChecked(chosenViews.isEmpty() || chosenViews.contains(key));
        viewsLayout->addWidget(c);
        viewChecks_ << c;
    }
    viewsLayout->addStretch(1);
    auto* fieldsBox = new QGroupBox(tr("Settings"), content);
    auto* fieldsLayout = new QGridLayout(fieldsBox);
    for (int i = 0; i < fields.size(); ++i) {
        auto* c = new QCheckBox(fields[i].second, fieldsBox);
        c->setToolTip(fields[i].first);
        c->setProperty("key", fields[i].first);
        c->setChecked(chosenFields.isEmpty() || chosenFields.contains(fields[i].first));
        fieldsLayout->addWidget(c, i / 2, i % 2);
        fieldChecks_ << c;
    }
    grid->addWidget(viewsBox, 0, 0);
    grid->addWidget(fieldsBox, 0, 1);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    layout->addWidget(scroll, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 560);
}

QStringList TeachingControlsDialog::fields() const { return checkedKeys(fieldChecks_); }
QStringList TeachingControlsDialog::views() const { return checkedKeys(viewChecks_); }

}  // namespace ftw
