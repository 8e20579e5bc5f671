// SPDX-License-Identifier: GPL-3.0-or-later
// The run browser dock: the runs of the open store (RunBrowserModel) with a filter bar, and the actions on them:
// open, overlay several for comparison, config diff (only what differs), tag, note, trash and restore, resume a
// cancelled run. The list refreshes once a second, so runs that another process writes appear and progress.
#pragma once

#include <QList>
#include <QTimer>
#include <QWidget>
#include <memory>
#include <optional>

#include "ft/store/run_store.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace ftw {

class RunBrowserModel;

class RunBrowser : public QWidget {
    Q_OBJECT
public:
    explicit RunBrowser(QWidget* parent = nullptr);
    ~RunBrowser() override;

protected:
    void resizeEvent(QResizeEvent* event) override;

public:
    // Opens a store (read-write when possible, otherwise read-only). False with a message naming the file.
    bool openStore(const QString& path, QString* error);
    QString storePath() const;
    ft::RunStore* store() const { return store_.get(); }
    RunBrowserModel* model() const { return model_; }
    QTableView* table() const { return table_; }

    QList<qint64> selectedRunIds() const;
    void selectRun(qint64 id);
    void refresh();

    // The actions, also for menus and tests; each works on the selected runs.
    QAction* openAction() const { return open_; }
    QAction* overlayAction() const { return overlay_; }
    QAction* diffAction() const { return diff_; }
    QAction* tagAction() const { return tag_; }
    QAction* noteAction() const { return note_; }
    QAction* trashAction() const { return trash_; }
    QAction* restoreAction() const { return restore_; }
    QAction* resumeAction() const { return resume_; }

    // Non-interactive forms of the actions (the interactive ones ask for the text first).
    bool addTag(const QList<qint64>& ids, const QString& tag, QString* error);
    bool setNote(qint64 id, const QString& text, QString* error);
    bool setTrashed(const QList<qint64>& ids, bool trashed, QString* error);
    // The differing settings of two runs, as the diff dialog lists them.
    std::vector<ft::ConfigDifference> configDiff(qint64 a, qint64 b, QString* error) const;

    // Hides the least needed columns (id, tags, progress, duration, created, in that order) while the name column
    // would get less than about 40 % of the table's width, and shows them again when there is room. Called on every
    // resize and refresh; public for tests.
    void fitColumns();

signals:
    void openRequested(qint64 id);
    void overlayRequested(const QList<qint64>& ids);
    void resumeRequested(qint64 id);
    void storeError(const QString& message);

private:
    void applyFilter();
    void updateActions();
    void showDiffDialog();
    void askTag();
    void askNote();
    void report(const QString& message);

    std::unique_ptr<ft::RunStore> store_;
    RunBrowserModel* model_ = nullptr;
    QSortFilterProxyModel* proxy_ = nullptr;
    QTableView* table_ = nullptr;
    QLineEdit* text_ = nullptr;
    QComboBox* method_ = nullptr;
    QComboBox* status_ = nullptr;
    QComboBox* tagFilter_ = nullptr;
    QCheckBox* trashed_ = nullptr;
    QAction *open_, *overlay_, *diff_, *tag_, *note_, *trash_, *restore_, *resume_;
    QTimer poll_;
};

}  // namespace ftw
