// SPDX-License-Identifier: GPL-3.0-or-later
// PresetLibrary. See preset_library.h.
#include "preset_library.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>

#include "ft/config/presets.h"

namespace ftw {

using nlohmann::json;

namespace {

QStringList stringList(const json& j) {
    QStringList out;
    if (j.is_array())
        for (const auto& e : j)
            if (e.is_string()) out << QString::fromStdString(e.get<std::string>());
    return out;
}

json toJson(const QStringList& list) {
    json out = json::array();
    for (const auto& s : list) out.push_back(s.toStdString());
    return out;
}

}  // namespace

QString WorkbenchPreset::description() const {
    auto it = config.find("description");
    return it != config.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

PresetLibrary::PresetLibrary(QString userDir) : userDir_(std::move(userDir)) {}

bool PresetLibrary::validName(const QString& name) {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re.match(name).hasMatch();
}

QString PresetLibrary::filePath(const QString& name) const {
    return QDir(userDir_).filePath(name + QStringLiteral(".json"));
}

QStringList PresetLibrary::names() const {
    QStringList out;
    for (const auto& n : ft::preset_names()) out << QString::fromStdString(n);
    QStringList user;
    for (const auto& f : QDir(userDir_).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
        const QString n = f.completeBaseName();
        if (validName(n) && !out.contains(n)) user << n;
    }
    return out + user;
}

bool PresetLibrary::isBuiltIn(const QString& name) const { return ft::has_preset(name.toStdString()); }

std::optional<WorkbenchPreset> PresetLibrary::find(const QString& name, QString* error) const {
    WorkbenchPreset p;
    p.name = name;
    if (isBuiltIn(name)) {
        p.builtIn = true;
        p.config = ft::preset_json(name.toStdString());
        // The teaching demo opens in teaching mode; every control stays visible until a teacher saves a choice.
        p.teaching = name == QLatin1String("spirals-teach");
        return p;
    }
    const QString path = filePath(name);
    QFile file(path);
    if (!validName(name) || !file.exists()) {
        if (error) *error = tr("no preset named \"%1\" (known: %2)").arg(name, names().join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        if (error) *error = tr("%1: cannot read the preset: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    const json j = json::parse(file.readAll().toStdString(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("config") || !j["config"].is_object()) {
        if (error)
            *error = tr("%1: not a workbench preset (expected a JSON object with a \"config\" object)").arg(path);
        return std::nullopt;
    }
    p.config = j["config"];
    if (auto w = j.find("workbench"); w != j.end() && w->is_object()) {
        p.teaching = w->value("teaching", false);
        p.visibleFields = stringList(w->value("visible_fields", json::array()));
        p.visibleViews = stringList(w->value("visible_views", json::array()));
        const auto rate = w->find("steps_per_second");
        p.stepsPerSecond = rate != w->end() && rate->is_number() ? rate->get<double>() : 0.0;
    }
    return p;
}

bool PresetLibrary::save(const WorkbenchPreset& preset, QString* error) {
    if (!validName(preset.name)) {
        if (error)
            *error = tr("\"%1\" is not a usable preset name: use letters, digits, '.', '_' or '-' (at most 64)")
                         .arg(preset.name);
        return false;
    }
    if (isBuiltIn(preset.name)) {
        if (error) *error = tr("\"%1\" is a built-in preset; save under another name").arg(preset.name);
        return false;
    }
    if (!QDir().mkpath(userDir_)) {
        if (error) *error = tr("%1: cannot create the preset folder").arg(userDir_);
        return false;
    }
    json config = preset.config;
    config["name"] = preset.name.toStdString();
    json out = {{"config", config},
                {"workbench",
                 {{"teaching", preset.teaching},
                  {"visible_fields", toJson(preset.visibleFields)},
                  {"visible_views", toJson(preset.visibleViews)},
                  {"steps_per_second", preset.stepsPerSecond}}}};
    QSaveFile file(filePath(preset.name));
    const std::string text = out.dump(2) + "\n";
    if (!file.open(QIODevice::WriteOnly) || file.write(text.data(), qint64(text.size())) != qint64(text.size()) ||
        !file.commit()) {
        if (error) *error = tr("%1: cannot write the preset: %2").arg(filePath(preset.name), file.errorString());
        return false;
    }
    return true;
}

bool PresetLibrary::remove(const QString& name, QString* error) {
    if (isBuiltIn(name) || !validName(name) || !QFile::remove(filePath(name))) {
        if (error) *error = tr("%1: cannot remove this preset").arg(name);
        return false;
    }
    return true;
}

QString defaultUserPresetDir() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(QStringLiteral("presets"));
}

}  // namespace ftw
