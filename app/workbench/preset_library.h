// SPDX-License-Identifier: GPL-3.0-or-later
// Presets as the workbench sees them: the core's built-in presets plus the user's own ("save as preset"), which
// also carry the teaching settings a teacher chose: teaching mode on or off, the form fields and the views to
// show, and the steps-per-second limit. A user preset is one JSON file in the user's preset folder:
//   {"config": {...the config, as the core reads it...},
//    "workbench": {"teaching": true, "visible_fields": [...], "visible_views": [...], "steps_per_second": 20}}
// The config part is checked by the core when it is used, like any config.
#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <optional>

#include <nlohmann/json.hpp>

namespace ftw {

struct WorkbenchPreset {
    QString name;
    bool builtIn = false;
    nlohmann::json config = nlohmann::json::object();  // as written (the fields it sets)
    bool teaching = false;
    QStringList visibleFields;  // empty: every field
    QStringList visibleViews;   // empty: the default layout
    double stepsPerSecond = 0;  // 0: unlimited
    QString description() const;
};

class PresetLibrary {
    Q_DECLARE_TR_FUNCTIONS(PresetLibrary)
public:
    // `userDir`: where user presets live (created on the first save).
    explicit PresetLibrary(QString userDir);

    const QString& userDir() const { return userDir_; }
    // Built-in presets first (the core's order), then user presets by name.
    QStringList names() const;
    bool isBuiltIn(const QString& name) const;
    // Null when there is no such preset or its file is unreadable (then *error names the file and the problem).
    std::optional<WorkbenchPreset> find(const QString& name, QString* error = nullptr) const;
    // Writes a user preset. Refuses built-in names and names that are not usable as file names.
    bool save(const WorkbenchPreset& preset, QString* error);
    bool remove(const QString& name, QString* error);

    // The path a user preset is stored at.
    QString filePath(const QString& name) const;
    static bool validName(const QString& name);

private:
    QString userDir_;
};

// The default user preset folder: <AppDataLocation>/presets.
QString defaultUserPresetDir();

}  // namespace ftw
