// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment setup dock: a preset picker (the core's presets and the user's), the generated config form with
// the core's messages inline, and a diff view listing only the settings that differ from the chosen preset.
#pragma once

#include <QWidget>
#include <optional>

#include "preset_library.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTreeWidget;
class QToolButton;

namespace ftw {

class ConfigForm;

class ExperimentPanel : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentPanel(PresetLibrary* library, QWidget* parent = nullptr);

    ConfigForm* form() const { return form_; }
    QTreeWidget* diffView() const { return diff_; }

    // Loads a preset into the form. False (with a message) for an unknown or unreadable preset.
    bool selectPreset(const QString& name, QString* error);
    QString presetName() const { return preset_ ? preset_->name : QString(); }
    const std::optional<WorkbenchPreset>& preset() const { return preset_; }
    // Applies "key=value" overrides (as `freetickets train --set`) on top of the form's values.
    bool applyOverrides(const QStringList& assignments, QString* error);
    // Re-reads the preset list (after a save).
    void refreshPresets();
    // Number of settings that differ from the preset (what the diff view lists).
    int differenceCount() const;
    // While a run is in progress the form is read-only: the run uses the config it started with.
    void setRunning(bool running);
    // Shows the settings a stored run ran with (read-only), keeping the user's own draft aside; "Edit as new
    // experiment" makes them the draft. `label` names the run.
    void showRunConfig(const QString& configJson, const QString& label);
    // Back to the user's draft (the live run's settings, or what was being edited).
    void showDraft();
    bool showingRun() const { return viewingRun_; }
    // Turns the shown run's settings into the draft, editable (the "Edit as new experiment" button).
    void editAsNew();

signals:
    void presetLoaded(const QString& name);
    void edited();
    void validityChanged(bool valid);
    void saveAsPresetRequested();
    void chooseControlsRequested();

private:
    void updateDiff();

    PresetLibrary* library_;
    QComboBox* presets_ = nullptr;
    QToolButton* saveButton_ = nullptr;
    QToolButton* controlsButton_ = nullptr;
    QToolButton* diffToggle_ = nullptr;
    QLabel* diffSummary_ = nullptr;
    QTreeWidget* diff_ = nullptr;
    ConfigForm* form_ = nullptr;
    QWidget* runBanner_ = nullptr;
    QLabel* runLabel_ = nullptr;
    QPushButton* editAsNew_ = nullptr;
    bool viewingRun_ = false;
    bool running_ = false;
    nlohmann::json draft_;
    std::optional<WorkbenchPreset> preset_;
    nlohmann::json presetFull_;  // the preset with every default filled in (the diff's base)
};

}  // namespace ftw
