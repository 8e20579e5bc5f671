// SPDX-License-Identifier: GPL-3.0-or-later
// Perspectives: the window's dock arrangements by task (ARCHITECTURE.md, "The workbench's layout"). Each
// perspective shows the few views its task needs, each big enough to read; the user's own arrangement of a
// perspective is kept (WorkbenchSettings, versioned) and Reset brings back its default. Any view can be focused:
// it fills the window until it is focused again or another perspective is chosen.
#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>

class QDockWidget;
class QMainWindow;

namespace ftw {

class WorkbenchSettings;

enum class Perspective { Setup, Watch, Masks, Tickets, Compare, Teach, Study };

struct PerspectiveInfo {
    Perspective id;
    QString key;    // for the command line and the settings: setup, watch, masks, tickets, compare, teach
    QString title;  // translated
    QString toolTip;
};
const std::vector<PerspectiveInfo>& perspectives();
const PerspectiveInfo& perspectiveInfo(Perspective p);
std::optional<Perspective> perspectiveFromKey(const QString& key);
QStringList perspectiveKeys();

// A default arrangement: columns left to right, each a list of (dock, share of the column's height); the
// columns' shares of the width.
struct DockArrangement {
    struct Column {
        double width = 1;
        std::vector<std::pair<QString, double>> docks;
    };
    std::vector<Column> columns;
    QStringList docks() const;
};

class PerspectiveManager : public QObject {
    Q_OBJECT
public:
    // `defaults` gives a perspective's default arrangement (it may depend on the experiment: 2-D data, the
    // teacher's choice of views); `docks` are every dock of the window by name.
    using Defaults = std::function<DockArrangement(Perspective)>;
    PerspectiveManager(QMainWindow* window, QHash<QString, QDockWidget*> docks, Defaults defaults,
                       WorkbenchSettings* settings, QObject* parent = nullptr);

    Perspective current() const { return current_; }
    // Keeps the current perspective's arrangement and shows p's: the user's, else its default.
    void switchTo(Perspective p);
    // The current perspective's default arrangement, forgetting the user's.
    void reset();
    // Arranges the current perspective again when it still has its default arrangement (the defaults changed,
    // e.g. another dataset); a user's own arrangement stays.
    void refreshDefault();
    bool isDefault() const;

    // One view fills the window; focusing it again (or unfocus()) restores the perspective.
    void focus(const QString& dock);
    void unfocus();
    QString focused() const { return focused_; }

    // Sizes can only be applied once the window has its size: the window calls this when it is shown/resized.
    void applyPendingSizes();
    // Writes every perspective's arrangement (the current one as it is now) to the settings.
    void save();

signals:
    void switched(Perspective p);
    void focusChanged(const QString& dock);

private:
    void arrange(const DockArrangement& a);
    QByteArray currentState() const;
    bool restore(const QByteArray& state);

    QMainWindow* window_;
    QHash<QString, QDockWidget*> docks_;
    Defaults defaults_;
    WorkbenchSettings* settings_;
    Perspective current_ = Perspective::Watch;
    bool started_ = false;           // a perspective has been shown
    bool arranging_ = false;         // dock changes now are ours, not the user's
    QHash<int, bool> customised_;    // by perspective: the user arranged it (kept across sessions)
    QHash<int, QByteArray> states_;  // by perspective: its arrangement when last left
    std::optional<DockArrangement> pendingSizes_;
    QString focused_;
    QByteArray beforeFocus_;
};

}  // namespace ftw
