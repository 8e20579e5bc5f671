// SPDX-License-Identifier: GPL-3.0-or-later
// WorkbenchSettings (workbench_settings.h).
#include "workbench_settings.h"

#include <QSettings>

namespace ftw {

WorkbenchSettings::WorkbenchSettings(bool persistent, QObject* parent) : QObject(parent), persistent_(persistent) {}

QVariant WorkbenchSettings::value(const char* key, const QVariant& fallback) const {
    const QString k = QString::fromLatin1(key);
    if (!persistent_) return memory_.value(k, fallback);
    return QSettings().value(k, fallback);
}

void WorkbenchSettings::setValue(const QString& key, const QVariant& value) {
    if (persistent_)
        QSettings().setValue(key, value);
    else
        memory_.insert(key, value);
    emit changed(key);
}

QByteArray WorkbenchSettings::windowGeometry() const { return value(Keys::windowGeometry).toByteArray(); }
void WorkbenchSettings::setWindowGeometry(const QByteArray& g) {
    setValue(QString::fromLatin1(Keys::windowGeometry), g);
}

QString WorkbenchSettings::perspective() const { return value(Keys::perspective).toString(); }
void WorkbenchSettings::setPerspective(const QString& key) { setValue(QString::fromLatin1(Keys::perspective), key); }

QByteArray WorkbenchSettings::perspectiveState(const QString& key) const {
    const QString k = QString::fromLatin1(Keys::perspectiveStatePrefix) + key;
    return (persistent_ ? QSettings().value(k) : memory_.value(k)).toByteArray();
}

void WorkbenchSettings::setPerspectiveState(const QString& key, const QByteArray& state) {
    setValue(QString::fromLatin1(Keys::perspectiveStatePrefix) + key, state);
}

void WorkbenchSettings::clearPerspectiveState(const QString& key) {
    const QString k = QString::fromLatin1(Keys::perspectiveStatePrefix) + key;
    if (persistent_)
        QSettings().remove(k);
    else
        memory_.remove(k);
    emit changed(k);
}

QString WorkbenchSettings::theme() const { return value(Keys::theme, QStringLiteral("system")).toString(); }
void WorkbenchSettings::setTheme(const QString& name) { setValue(QString::fromLatin1(Keys::theme), name); }

int WorkbenchSettings::stepsPerSecond() const { return value(Keys::stepsPerSecond, 0).toInt(); }
void WorkbenchSettings::setStepsPerSecond(int rate) { setValue(QString::fromLatin1(Keys::stepsPerSecond), rate); }

QSize WorkbenchSettings::exportSize() const { return value(Keys::exportSize, QSize(1200, 800)).toSize(); }
void WorkbenchSettings::setExportSize(QSize size) { setValue(QString::fromLatin1(Keys::exportSize), size); }

QString WorkbenchSettings::exportFolder() const { return value(Keys::exportFolder).toString(); }
void WorkbenchSettings::setExportFolder(const QString& f) { setValue(QString::fromLatin1(Keys::exportFolder), f); }

}  // namespace ftw
