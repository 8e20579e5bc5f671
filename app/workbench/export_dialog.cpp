// SPDX-License-Identifier: GPL-3.0-or-later
// ExportDialog. See export_dialog.h.
#include "export_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>

#include "run_view.h"
#include "workbench_settings.h"

namespace ftw {

ExportDialog::ExportDialog(const QList<QPair<QString, RunView*>>& views, RunView* current, WorkbenchSettings* settings,
                           QWidget* parent)
    : QDialog(parent), views_(views), settings_(settings) {
    setWindowTitle(tr("Export view"));
    auto* form = new QFormLayout(this);
    view_ = new QComboBox(this);
    for (const auto& [title, view] : views_) view_->addItem(title);
    for (int i = 0; i < views_.size(); ++i)
        if (views_[i].second == current) view_->setCurrentIndex(i);
    form->addRow(tr("&View:"), view_);

    auto* pathRow = new QHBoxLayout;
    path_ = new QLineEdit(this);
    QString folder = settings_->exportFolder();
    if (folder.isEmpty()) folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    path_->setText(QDir(folder).filePath(QStringLiteral("figure.png")));
    auto* browseButton = new QPushButton(tr("&Browse…"), this);
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browseButton);
    form->addRow(tr("&File:"), pathRow);
    auto* hint = new QLabel(tr("The suffix chooses the format: .png, .svg, .pdf (figure) or .csv (data)."), this);
    hint->setWordWrap(true);
    form->addRow(hint);

    width_ = new QSpinBox(this);
    height_ = new QSpinBox(this);
    for (auto* s : {width_, height_}) {
        s->setRange(100, 10000);
        s->setSuffix(tr(" px"));
    }
    const QSize size = settings_->exportSize();
    width_->setValue(size.width());
    height_->setValue(size.height());
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(width_);
    sizeRow->addWidget(new QLabel(QStringLiteral("×"), this));
    sizeRow->addWidget(height_);
    sizeRow->addStretch(1);
    form->addRow(tr("&Size:"), sizeRow);

    error_ = new QLabel(this);
    error_->setWordWrap(true);
    error_->setStyleSheet(QStringLiteral("color: #d55e00;"));
    error_->hide();
    form->addRow(error_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(path_, &QLineEdit::textChanged, this, &ExportDialog::updateSizeEnabled);
    updateSizeEnabled();
}

void ExportDialog::browse() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export view"), path_->text(),
        tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf);;CSV data (*.csv)"));
    if (!path.isEmpty()) path_->setText(path);
}

void ExportDialog::updateSizeEnabled() {
    const bool csv = QFileInfo(path_->text()).suffix().compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0;
    width_->setEnabled(!csv);
    height_->setEnabled(!csv);
}

bool ExportDialog::exportView(RunView* view, const QString& path, QSize size, QString* error) {
    if (!view) {
        if (error) *error = tr("No view to export.");
        return false;
    }
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("csv")) return view->exportCsv(path, error);
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg") && suffix != QLatin1String("pdf")) {
        if (error) *error = tr("%1: unknown format \"%2\"; use .png, .svg, .pdf or .csv").arg(path, suffix);
        return false;
    }
    return view->exportImage(path, size, error);
}

void ExportDialog::accept() {
    const int i = view_->currentIndex();
    RunView* view = i >= 0 && i < views_.size() ? views_[i].second : nullptr;
    const QSize size(width_->value(), height_->value());
    QString error;
    if (!exportView(view, path_->text(), size, &error)) {
        error_->setText(error);
        error_->show();
        return;
    }
    settings_->setExportFolder(QFileInfo(path_->text()).absolutePath());
    settings_->setExportSize(size);
    QDialog::accept();
}

}  // namespace ftw
