// SPDX-License-Identifier: GPL-3.0-or-later
// WorkbenchSettings: every setting the workbench keeps between starts, behind one facade over QSettings with the
// keys in one place. Layout keys carry a version: when the set of docks or perspectives changes the version goes
// up, and layouts saved by an older version are ignored instead of forced onto new docks.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QSize>
#include <QString>
#include <QVariant>

namespace ftw {

class WorkbenchSettings : public QObject {
    Q_OBJECT
public:
    static constexpr int kLayoutVersion = 2;

    struct Keys {
        static constexpr const char* windowGeometry = "window/geometry";
        static constexpr const char* perspective = "layout/v2/perspective";
        static constexpr const char* perspectiveStatePrefix = "layout/v2/state/";
        static constexpr const char* theme = "appearance/theme";
        static constexpr const char* stepsPerSecond = "teaching/steps_per_second";
        static constexpr const char* exportSize = "export/size";
        static constexpr const char* exportFolder = "export/folder";
    };

    // `persistent` false: reads give the defaults and writes are kept in memory only (scripted runs and tests
    // leave the user's settings alone).
    explicit WorkbenchSettings(bool persistent, QObject* parent = nullptr);
    bool persistent() const { return persistent_; }

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);

    QString perspective() const;  // empty: none saved
    void setPerspective(const QString& key);
    QByteArray perspectiveState(const QString& key) const;  // empty: none saved
    void setPerspectiveState(const QString& key, const QByteArray& state);
    void clearPerspectiveState(const QString& key);

    QString theme() const;  // "system" unless chosen
    void setTheme(const QString& name);
    int stepsPerSecond() const;
    void setStepsPerSecond(int rate);
    QSize exportSize() const;
    void setExportSize(QSize size);
    QString exportFolder() const;  // empty: none chosen yet
    void setExportFolder(const QString& folder);

signals:
    void changed(const QString& key);

private:
    QVariant value(const char* key, const QVariant& fallback = {}) const;
    void setValue(const QString& key, const QVariant& value);

    bool persistent_;
    QHash<QString, QVariant> memory_;
};

}  // namespace ftw
