// SPDX-License-Identifier: GPL-3.0-or-later
// The run browser's table: one row per run of a store (RunStore::list_runs with a filter), refreshed in place so
// that a selection survives a refresh while a run is being written. Names are editable (rename_run) and the star
// column is checkable (set_starred); other edits (tags, notes, trash) go through the store, then refresh().
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "ft/store/run_store.h"

namespace ftw {

class RunBrowserModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        StarColumn,
        NameColumn,
        MethodColumn,
        StatusColumn,
        CreatedColumn,
        DurationColumn,
        ProgressColumn,
        TagsColumn,
        IdColumn,
        ColumnCount
    };
    enum Role {
        RunIdRole = Qt::UserRole + 1,  // qint64 run id (every column)
        StatusRole,                    // the reported status text, untranslated ("running", "finished", ...)
        TrashedRole,                   // bool
        ProgressRole,                  // double in [0, 1]: last stored step / total steps
        SortRole,                      // a value that sorts naturally (numbers as numbers)
    };

    explicit RunBrowserModel(QObject* parent = nullptr);

    // The store to list (not owned; nullptr empties the model). The model reads it in refresh() and writes it
    // in setData (rename, star) only.
    void setStore(ft::RunStore* store);
    ft::RunStore* store() const { return store_; }
    void setFilter(const ft::RunFilter& filter);
    const ft::RunFilter& filter() const { return filter_; }

    // Re-reads the list. Rows of runs that are still listed keep their place; gone runs are removed, new runs
    // inserted and changed rows reported by dataChanged. Returns false (and emits storeError) when the store
    // could not be read; the rows then stay as they were.
    bool refresh();

    qint64 runId(int row) const;
    int rowOfRun(qint64 id) const;  // -1 when not listed
    const ft::RunRecord& record(int row) const { return runs_.at(size_t(row)); }
    QString lastError() const { return lastError_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    // The status as shown to the user (translated).
    static QString statusText(ft::RunStatus status);

signals:
    void storeError(const QString& message);

private:
    bool fail(const QString& message);

    ft::RunStore* store_ = nullptr;
    ft::RunFilter filter_;
    std::vector<ft::RunRecord> runs_;
    QString lastError_;
};

}  // namespace ftw
