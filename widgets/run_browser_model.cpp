// SPDX-License-Identifier: GPL-3.0-or-later
// The run browser's table model. See run_browser_model.h.
#include "run_browser_model.h"

#include <QDateTime>
#include <QFont>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>
#include <unordered_map>

namespace ftw {
namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// What the table shows of a run; two records with equal views need no repaint.
bool sameDisplay(const ft::RunRecord& a, const ft::RunRecord& b) {
    return a.name == b.name && a.method == b.method && a.status == b.status && a.message == b.message &&
           a.created == b.created && a.finished == b.finished && a.seconds == b.seconds && a.tags == b.tags &&
           a.trashed == b.trashed && a.starred == b.starred && a.last_step == b.last_step &&
           a.total_steps == b.total_steps && a.color == b.color;
}

QString durationText(double seconds) {
    if (seconds <= 0) return {};
    const auto s = qint64(seconds + 0.5);
    if (s < 60) return RunBrowserModel::tr("%1 s").arg(s);
    if (s < 3600) return RunBrowserModel::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return RunBrowserModel::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

// Short enough to leave the name column room in a narrow browser: the time for today's runs, the day and time
// this year, the date before that. The full date and time is the cell's tooltip.
QString createdText(double created, const QDateTime& now) {
    const QDateTime t = QDateTime::fromSecsSinceEpoch(qint64(created));
    const QLocale locale;
    if (t.date() == now.date()) return locale.toString(t.time(), QLocale::ShortFormat);
    if (t.date().year() == now.date().year())
        return locale.toString(t, QStringLiteral("d MMM ")) + locale.toString(t.time(), QLocale::ShortFormat);
    return locale.toString(t.date(), QLocale::ShortFormat);
}

double durationOf(const ft::RunRecord& r) {
    if (r.seconds > 0) return r.seconds;
    if (r.finished > 0) return r.finished - r.created;
    if (r.status == ft::RunStatus::Running) return double(QDateTime::currentSecsSinceEpoch()) - r.created;
    return 0;
}

double progressOf(const ft::RunRecord& r) {
    if (r.status == ft::RunStatus::Finished) return 1.0;
    if (r.total_steps <= 0) return 0.0;
    return std::min(1.0, double(r.last_step) / double(r.total_steps));
}

}  // namespace

RunBrowserModel::RunBrowserModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunBrowserModel::setStore(ft::RunStore* store) {
    beginResetModel();
    store_ = store;
    runs_.clear();
    endResetModel();
    if (store_) refresh();
}

void RunBrowserModel::setFilter(const ft::RunFilter& filter) {
    filter_ = filter;
    refresh();
}

bool RunBrowserModel::fail(const QString& message) {
    lastError_ = message;
    emit storeError(message);
    return false;
}

bool RunBrowserModel::refresh() {
    if (!store_) {
        if (!runs_.empty()) {
            beginResetModel();
            runs_.clear();
            endResetModel();
        }
        return true;
    }
    std::vector<ft::RunRecord> fresh;
    try {
        fresh = store_->list_runs(filter_);
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    lastError_.clear();

    std::unordered_map<int64_t, size_t> freshIndex;
    for (size_t i = 0; i < fresh.size(); ++i) freshIndex[fresh[i].id] = i;

    // 1. Remove the runs that are no longer listed, one contiguous block at a time (from the bottom).
    for (int row = int(runs_.size()) - 1; row >= 0;) {
        if (freshIndex.count(runs_[size_t(row)].id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !freshIndex.count(runs_[size_t(first - 1)].id)) --first;
        beginRemoveRows({}, first, row);
        runs_.erase(runs_.begin() + first, runs_.begin() + row + 1);
        endRemoveRows();
        row = first - 1;
    }
    // 2. The store lists runs by id, so the remaining rows are in the fresh order; anything else (a store that
    // changed its order) is a reset.
    size_t last = 0;
    bool ordered = true;
    for (const auto& r : runs_) {
        const size_t at = freshIndex.at(r.id);
        if (at < last) ordered = false;
        last = at;
    }
    if (!ordered) {
        beginResetModel();
        runs_ = std::move(fresh);
        endResetModel();
        return true;
    }
    // 3. Insert the new runs where they belong and report changed rows.
    for (size_t i = 0; i < fresh.size(); ++i) {
        if (i < runs_.size() && runs_[i].id == fresh[i].id) {
            if (!sameDisplay(runs_[i], fresh[i])) {
                runs_[i] = fresh[i];
                emit dataChanged(index(int(i), 0), index(int(i), ColumnCount - 1));
            } else {
                runs_[i] = fresh[i];  // heartbeat and other fields the table does not show
            }
            continue;
        }
        beginInsertRows({}, int(i), int(i));
        runs_.insert(runs_.begin() + qsizetype(i), fresh[i]);
        endInsertRows();
    }
    return true;
}

qint64 RunBrowserModel::runId(int row) const {
    if (row < 0 || row >= int(runs_.size())) return 0;
    return runs_[size_t(row)].id;
}

int RunBrowserModel::rowOfRun(qint64 id) const {
    for (size_t i = 0; i < runs_.size(); ++i)
        if (runs_[i].id == id) return int(i);
    return -1;
}

int RunBrowserModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(runs_.size()); }

int RunBrowserModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString RunBrowserModel::statusText(ft::RunStatus status) {
    switch (status) {
        case ft::RunStatus::Running: return tr("running");
        case ft::RunStatus::Finished: return tr("finished");
        case ft::RunStatus::Cancelled: return tr("cancelled");
        case ft::RunStatus::Failed: return tr("failed");
        case ft::RunStatus::Interrupted: return tr("interrupted");
    }
    return q(ft::to_string(status));
}

QVariant RunBrowserModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(runs_.size()) || index.column() >= ColumnCount) return {};
    const auto& r = runs_[size_t(index.row())];
    switch (role) {
        case RunIdRole: return QVariant::fromValue<qint64>(r.id);
        case StatusRole: return q(ft::to_string(r.status));
        case TrashedRole: return r.trashed;
        case ProgressRole: return progressOf(r);
        default: break;
    }
    const int col = index.column();
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (col) {
            case StarColumn: return {};
            case NameColumn: return q(r.name);
            case MethodColumn: return q(ft::to_string(r.method));
            case StatusColumn: return statusText(r.status);
            case CreatedColumn: return createdText(r.created, QDateTime::currentDateTime());
            case DurationColumn: return durationText(durationOf(r));
            case ProgressColumn: return QStringLiteral("%1 %").arg(qRound(progressOf(r) * 100));
            case TagsColumn: {
                QStringList tags;
                for (const auto& t : r.tags) tags << q(t);
                return tags.join(QStringLiteral(", "));
            }
            case IdColumn: return QVariant::fromValue<qint64>(r.id);
        }
    }
    if (role == SortRole) {
        switch (col) {
            case StarColumn: return r.starred;
            case CreatedColumn: return r.created;
            case DurationColumn: return durationOf(r);
            case ProgressColumn: return progressOf(r);
            case IdColumn: return QVariant::fromValue<qint64>(r.id);
            default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::CheckStateRole && col == StarColumn) return r.starred ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::ToolTipRole) {
        if (col == StatusColumn && !r.message.empty()) return q(r.message);
        if (col == StarColumn) return tr("Starred");
        if (col == CreatedColumn)
            return QLocale().toString(QDateTime::fromSecsSinceEpoch(qint64(r.created)), QLocale::LongFormat);
        return tr("Run %1 (%2), created with %3").arg(r.id).arg(q(r.config_hash)).arg(q(r.version));
    }
    if (role == Qt::FontRole && r.trashed) {
        QFont f;
        f.setItalic(true);
        return f;
    }
    if (role == Qt::ForegroundRole && r.trashed)
        return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    if (role == Qt::TextAlignmentRole && (col == ProgressColumn || col == DurationColumn || col == IdColumn))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RunBrowserModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
            case StarColumn: return QStringLiteral("\u2605");
            case NameColumn: return tr("Name");
            case MethodColumn: return tr("Method");
            case StatusColumn: return tr("Status");
            case CreatedColumn: return tr("Created");
            case DurationColumn: return tr("Duration");
            case ProgressColumn: return tr("Progress");
            case TagsColumn: return tr("Tags");
            case IdColumn: return tr("Id");
        }
    }
    if (role == Qt::ToolTipRole && section == StarColumn) return tr("Starred runs");
    return {};
}

Qt::ItemFlags RunBrowserModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    const bool writable = store_ && store_->mode() == ft::StoreMode::ReadWrite;
    if (writable && index.column() == NameColumn) f |= Qt::ItemIsEditable;
    if (writable && index.column() == StarColumn) f |= Qt::ItemIsUserCheckable;
    return f;
}

bool RunBrowserModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || !store_ || index.row() >= int(runs_.size())) return false;
    if (!(flags(index) & (Qt::ItemIsEditable | Qt::ItemIsUserCheckable))) return false;
    auto& r = runs_[size_t(index.row())];
    try {
        if (index.column() == NameColumn && role == Qt::EditRole) {
            const std::string name = value.toString().trimmed().toStdString();
            if (name.empty() || name == r.name) return false;
            store_->rename_run(r.id, name);
            r.name = name;
        } else if (index.column() == StarColumn && role == Qt::CheckStateRole) {
            const bool starred = value.toInt() == Qt::Checked;
            store_->set_starred(r.id, starred);
            r.starred = starred;
        } else {
            return false;
        }
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    emit dataChanged(index, index);
    return true;
}

}  // namespace ftw
