// SPDX-License-Identifier: GPL-3.0-or-later
// ExperimentPanel. See experiment_panel.h.
#include "experiment_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSplitter>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "config_form.h"
#include "ft/config/config_json.h"
#include "ft/config/config_schema.h"

namespace ftw {

using nlohmann::json;

namespace {
QString valueText(const json& v) {
    if (v.is_null()) return ExperimentPanel::tr("(absent)");
    if (v.is_string()) return QString::fromStdString(v.get<std::string>());
    return QString::fromStdString(v.dump());
}

// The preset as a full config: every field written, defaults included (what the form shows for it).
json fullConfig(const json& partial) {
    json full = ft::config_to_json(ft::RunConfig{});
    for (const auto& f : ft::config_schema())
        if (const json* v = ft::json_at(partial, f.key)) ft::set_json_at(full, f.key, *v);
    return full;
}
}  // namespace

ExperimentPanel::ExperimentPanel(PresetLibrary* library, QWidget* parent) : QWidget(parent), library_(library) {
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    auto* presetLabel = new QLabel(tr("&Preset:"), this);
    presets_ = new QComboBox(this);
    presets_->setObjectName(QStringLiteral("presetCombo"));
    // Narrow enough that the dock can be narrow too; the full name is in the tooltip and the popup.
    presets_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    presets_->setMinimumContentsLength(10);
    presetLabel->setBuddy(presets_);
    saveButton_ = new QToolButton(this);
    saveButton_->setText(tr("Save as preset…"));
    saveButton_->setToolTip(tr("Save the form, the visible controls and the teaching settings as a preset"));
    controlsButton_ = new QToolButton(this);
    controlsButton_->setText(tr("Controls…"));
    controlsButton_->setToolTip(tr("Choose which settings and views a student sees (saved with the preset)"));
    diffToggle_ = new QToolButton(this);
    diffToggle_->setText(tr("Diff"));
    diffToggle_->setCheckable(true);
    diffToggle_->setToolTip(tr("Show only the settings that differ from the preset"));
    top->addWidget(presetLabel);
    top->addWidget(presets_, 1);
    top->addWidget(diffToggle_);
    layout->addLayout(top);
    auto* buttons = new QHBoxLayout;  // a row of its own, so that the dock can be narrow
    buttons->addWidget(controlsButton_);
    buttons->addWidget(saveButton_);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    // Shown while the form holds a stored run's settings instead of the user's draft.
    runBanner_ = new QWidget(this);
    runBanner_->setObjectName(QStringLiteral("runBanner"));
    auto* banner = new QHBoxLayout(runBanner_);
    banner->setContentsMargins(0, 0, 0, 0);
    runLabel_ = new QLabel(runBanner_);
    runLabel_->setWordWrap(true);
    editAsNew_ = new QPushButton(tr("Edit as new experiment"), runBanner_);
    editAsNew_->setObjectName(QStringLiteral("editAsNew"));
    editAsNew_->setToolTip(tr("Start a new experiment from these settings"));
    banner->addWidget(runLabel_, 1);
    banner->addWidget(editAsNew_);
    runBanner_->setVisible(false);
    layout->addWidget(runBanner_);
    connect(editAsNew_, &QPushButton::clicked, this, &ExperimentPanel::editAsNew);

    diffSummary_ = new QLabel(this);
    diffSummary_->setObjectName(QStringLiteral("diffSummary"));
    diffSummary_->setWordWrap(true);
    layout->addWidget(diffSummary_);

    auto* split = new QSplitter(Qt::Vertical, this);
    diff_ = new QTreeWidget(split);
    diff_->setObjectName(QStringLiteral("presetDiff"));
    diff_->setColumnCount(3);
    diff_->setHeaderLabels({tr("Setting"), tr("Preset"), tr("Current")});
    diff_->setRootIsDecorated(false);
    diff_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    diff_->setVisible(false);
    form_ = new ConfigForm(split);
    split->addWidget(diff_);
    split->addWidget(form_);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    refreshPresets();
    connect(presets_, &QComboBox::activated, this, [this](int index) {
        QString error;
        if (!selectPreset(presets_->itemData(index).toString(), &error)) diffSummary_->setText(error);
    });
    connect(form_, &ConfigForm::edited, this, [this] {
        updateDiff();
        emit edited();
    });
    connect(form_, &ConfigForm::validityChanged, this, &ExperimentPanel::validityChanged);
    connect(diffToggle_, &QToolButton::toggled, diff_, &QWidget::setVisible);
    connect(saveButton_, &QToolButton::clicked, this, &ExperimentPanel::saveAsPresetRequested);
    connect(controlsButton_, &QToolButton::clicked, this, &ExperimentPanel::chooseControlsRequested);
}

void ExperimentPanel::refreshPresets() {
    const QSignalBlocker block(presets_);
    const QString current = presetName();
    presets_->clear();
    for (const auto& name : library_->names()) {
        QString label = name;
        if (!library_->isBuiltIn(name)) label = tr("%1 (mine)").arg(name);
        presets_->addItem(label, name);
    }
    const int i = presets_->findData(current);
    if (i >= 0) presets_->setCurrentIndex(i);
}

bool ExperimentPanel::selectPreset(const QString& name, QString* error) {
    auto preset = library_->find(name, error);
    if (!preset) return false;
    preset_ = std::move(preset);
    presetFull_ = fullConfig(preset_->config);
    form_->setConfigJson(preset_->config);
    form_->setVisibleFields(preset_->teaching ? preset_->visibleFields : QStringList());
    {
        const QSignalBlocker block(presets_);
        const int i = presets_->findData(name);
        if (i >= 0) presets_->setCurrentIndex(i);
    }
    presets_->setToolTip(preset_->description());
    updateDiff();
    emit presetLoaded(name);
    return true;
}

bool ExperimentPanel::applyOverrides(const QStringList& assignments, QString* error) {
    json j = form_->configJson();
    try {
        for (const auto& a : assignments) ft::apply_override(j, a.toStdString());
    } catch (const ft::ConfigException& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    form_->setConfigJson(j);
    updateDiff();
    return true;
}

int ExperimentPanel::differenceCount() const { return diff_->topLevelItemCount(); }

void ExperimentPanel::updateDiff() {
    diff_->clear();
    if (!preset_) {
        diffSummary_->clear();
        return;
    }
    const auto differences = configDifferences(presetFull_, form_->configJson());
    for (const auto& d : differences) {
        auto* item = new QTreeWidgetItem(diff_);
        item->setText(0, QString::fromStdString(d.key));
        item->setToolTip(0, ConfigForm::fieldLabel(QString::fromStdString(d.key)));
        item->setText(1, valueText(d.base));
        item->setText(2, valueText(d.current));
    }
    diffSummary_->setText(
        differences.empty()
            ? tr("Same as preset %1").arg(preset_->name)
            : tr("%n setting(s) differ from preset %1", nullptr, int(differences.size())).arg(preset_->name));
}

void ExperimentPanel::setRunning(bool running) {
    running_ = running;
    form_->setReadOnly(running || viewingRun_);
    presets_->setEnabled(!running && !viewingRun_);
    editAsNew_->setEnabled(!running);
}

void ExperimentPanel::showRunConfig(const QString& configJson, const QString& label) {
    const json config = json::parse(configJson.toStdString(), nullptr, false);
    if (config.is_discarded() || !config.is_object()) return;
    if (!viewingRun_) draft_ = form_->configJson();
    viewingRun_ = true;
    form_->setConfigJson(config);
    runLabel_->setText(tr("The settings of %1, as it ran (read-only).").arg(label));
    runBanner_->setVisible(true);
    setRunning(running_);
    updateDiff();
}

void ExperimentPanel::showDraft() {
    if (!viewingRun_) return;
    viewingRun_ = false;
    runBanner_->setVisible(false);
    form_->setConfigJson(draft_);
    setRunning(running_);
    updateDiff();
    emit edited();
}

void ExperimentPanel::editAsNew() {
    if (!viewingRun_) return;
    viewingRun_ = false;
    runBanner_->setVisible(false);
    draft_ = json();
    setRunning(running_);
    updateDiff();
    emit edited();
}

}  // namespace ftw
