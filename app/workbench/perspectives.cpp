// SPDX-License-Identifier: GPL-3.0-or-later
// Perspectives (perspectives.h).
#include "perspectives.h"

#include <QCoreApplication>
#include <QDockWidget>
#include <QEvent>
#include <QGuiApplication>
#include <QMainWindow>

#include "workbench_settings.h"

namespace ftw {

namespace {
struct Text {
    Q_DECLARE_TR_FUNCTIONS(Perspectives)
};

// Tells the manager that the user changed a dock: moved, floated, closed or resized it with the mouse.
class DockWatcher : public QObject {
public:
    DockWatcher(QObject* parent, std::function<void()> changed) : QObject(parent), changed_(std::move(changed)) {}
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::Close ||
            (event->type() == QEvent::Resize && QGuiApplication::mouseButtons() != Qt::NoButton))
            changed_();
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> changed_;
};
}  // namespace

const std::vector<PerspectiveInfo>& perspectives() {
    static const std::vector<PerspectiveInfo> list = {
        {Perspective::Setup, QStringLiteral("setup"), Text::tr("Set up"),
         Text::tr("The experiment form with its preset diff, the stored runs and the log")},
        {Perspective::Watch, QStringLiteral("watch"), Text::tr("Watch"),
         Text::tr("What matters while a run trains: curves, masks and layer densities")},
        {Perspective::Masks, QStringLiteral("masks"), Text::tr("Masks"),
         Text::tr("The mask view large, the layer densities beside it")},
        {Perspective::Tickets, QStringLiteral("tickets"), Text::tr("Tickets"),
         Text::tr("How different the tickets are, and how calibrated the ensemble is")},
        {Perspective::Compare, QStringLiteral("compare"), Text::tr("Compare"),
         Text::tr("Stored runs overlaid: the run browser, curves and calibration")},
        {Perspective::Teach, QStringLiteral("teach"), Text::tr("Teach"),
         Text::tr("The teacher's chosen views at projector size (teaching mode)")},
        {Perspective::Study, QStringLiteral("study"), Text::tr("Study"),
         Text::tr("A study's points over seeds: a metric against a swept setting or the training FLOPs")},
    };
    return list;
}

const PerspectiveInfo& perspectiveInfo(Perspective p) {
    for (const auto& info : perspectives())
        if (info.id == p) return info;
    return perspectives().front();
}

std::optional<Perspective> perspectiveFromKey(const QString& key) {
    for (const auto& info : perspectives())
        if (info.key == key) return info.id;
    return std::nullopt;
}

QStringList perspectiveKeys() {
    QStringList out;
    for (const auto& info : perspectives()) out << info.key;
    return out;
}

QStringList DockArrangement::docks() const {
    QStringList out;
    for (const auto& c : columns)
        for (const auto& [name, share] : c.docks) out << name;
    return out;
}

PerspectiveManager::PerspectiveManager(QMainWindow* window, QHash<QString, QDockWidget*> docks, Defaults defaults,
                                       WorkbenchSettings* settings, QObject* parent)
    : QObject(parent), window_(window), docks_(std::move(docks)), defaults_(std::move(defaults)), settings_(settings) {
    auto* watcher = new DockWatcher(this, [this] {
        if (!arranging_ && focused_.isEmpty()) customised_[int(current_)] = true;
    });
    for (QDockWidget* d : std::as_const(docks_)) {
        d->installEventFilter(watcher);
        connect(d, &QDockWidget::dockLocationChanged, this, [this] {
            if (!arranging_ && focused_.isEmpty()) customised_[int(current_)] = true;
        });
        connect(d, &QDockWidget::topLevelChanged, this, [this] {
            if (!arranging_ && focused_.isEmpty()) customised_[int(current_)] = true;
        });
    }
    // What the user arranged in an earlier session.
    for (const auto& info : perspectives()) {
        const QByteArray saved = settings_->perspectiveState(info.key);
        if (!saved.isEmpty()) {
            states_[int(info.id)] = saved;
            customised_[int(info.id)] = true;
        }
    }
}

bool PerspectiveManager::isDefault() const { return !customised_.value(int(current_)); }

QByteArray PerspectiveManager::currentState() const {
    return focused_.isEmpty() ? window_->saveState(WorkbenchSettings::kLayoutVersion) : beforeFocus_;
}

bool PerspectiveManager::restore(const QByteArray& state) {
    arranging_ = true;
    const bool ok = window_->restoreState(state, WorkbenchSettings::kLayoutVersion);
    arranging_ = false;
    return ok;
}

void PerspectiveManager::switchTo(Perspective p) {
    unfocus();
    if (started_ && p == current_) return;
    if (started_) states_[int(current_)] = currentState();
    started_ = true;
    current_ = p;
    const QByteArray state = states_.value(int(p));
    if (state.isEmpty() || !restore(state)) {
        customised_.remove(int(p));
        arrange(defaults_(p));
    }
    settings_->setPerspective(perspectiveInfo(p).key);
    emit switched(p);
}

void PerspectiveManager::reset() {
    unfocus();
    states_.remove(int(current_));
    customised_.remove(int(current_));
    settings_->clearPerspectiveState(perspectiveInfo(current_).key);
    arrange(defaults_(current_));
    emit switched(current_);
}

void PerspectiveManager::refreshDefault() {
    // Perspectives the user has not arranged follow the experiment; the others keep what the user made.
    for (const auto& info : perspectives())
        if (!customised_.value(int(info.id))) states_.remove(int(info.id));
    if (!started_ || customised_.value(int(current_))) return;
    const QString wasFocused = focused_;
    unfocus();
    arrange(defaults_(current_));
    if (!wasFocused.isEmpty()) focus(wasFocused);
}

void PerspectiveManager::arrange(const DockArrangement& a) {
    arranging_ = true;
    // Out of the layout first: splitting next to a tabbed dock would add a tab instead of a neighbour.
    for (QDockWidget* d : std::as_const(docks_)) {
        d->setFloating(false);
        window_->removeDockWidget(d);
    }
    QDockWidget* previousColumn = nullptr;
    for (const auto& column : a.columns) {
        QDockWidget* above = nullptr;
        for (const auto& [name, share] : column.docks) {
            QDockWidget* d = docks_.value(name);
            if (!d) continue;
            if (above)
                window_->splitDockWidget(above, d, Qt::Vertical);
            else if (previousColumn)
                window_->splitDockWidget(previousColumn, d, Qt::Horizontal);
            else
                window_->addDockWidget(Qt::LeftDockWidgetArea, d);
            d->show();
            if (!above) previousColumn = d;
            above = d;
        }
    }
    // The rest wait, hidden, on the right; the View menu brings any of them in.
    const QStringList shown = a.docks();
    for (auto it = docks_.begin(); it != docks_.end(); ++it)
        if (!shown.contains(it.key())) {
            window_->addDockWidget(Qt::RightDockWidgetArea, it.value());
            it.value()->hide();
        }
    arranging_ = false;
    pendingSizes_ = a;
    applyPendingSizes();
}

void PerspectiveManager::applyPendingSizes() {
    if (!pendingSizes_ || !window_->isVisible()) return;
    const DockArrangement a = *pendingSizes_;
    pendingSizes_.reset();
    arranging_ = true;
    QList<QDockWidget*> tops;
    QList<int> widths;
    double total = 0;
    for (const auto& c : a.columns) total += c.width;
    for (const auto& c : a.columns) {
        QList<QDockWidget*> docks;
        QList<int> heights;
        double shares = 0;
        for (const auto& [name, share] : c.docks) shares += share;
        for (const auto& [name, share] : c.docks)
            if (QDockWidget* d = docks_.value(name)) {
                docks << d;
                heights << std::max(1, int(window_->height() * share / std::max(shares, 1e-9)));
            }
        if (docks.isEmpty()) continue;
        tops << docks.front();
        widths << std::max(1, int(window_->width() * c.width / std::max(total, 1e-9)));
        if (docks.size() > 1) window_->resizeDocks(docks, heights, Qt::Vertical);
    }
    if (tops.size() > 1) window_->resizeDocks(tops, widths, Qt::Horizontal);
    arranging_ = false;
}

void PerspectiveManager::focus(const QString& dock) {
    if (!docks_.contains(dock)) return;
    if (focused_ == dock) {
        unfocus();
        return;
    }
    unfocus();
    beforeFocus_ = window_->saveState(WorkbenchSettings::kLayoutVersion);
    arranging_ = true;
    for (auto it = docks_.begin(); it != docks_.end(); ++it) {
        if (it.key() == dock) continue;
        it.value()->hide();
    }
    QDockWidget* d = docks_.value(dock);
    d->setFloating(false);
    d->show();
    d->raise();
    arranging_ = false;
    focused_ = dock;
    emit focusChanged(focused_);
}

void PerspectiveManager::unfocus() {
    if (focused_.isEmpty()) return;
    focused_.clear();
    restore(beforeFocus_);
    beforeFocus_.clear();
    emit focusChanged(QString());
}

void PerspectiveManager::save() {
    if (started_) states_[int(current_)] = currentState();
    for (const auto& info : perspectives()) {
        if (customised_.value(int(info.id)) && states_.contains(int(info.id)))
            settings_->setPerspectiveState(info.key, states_.value(int(info.id)));
        else
            settings_->clearPerspectiveState(info.key);
    }
}

}  // namespace ftw
