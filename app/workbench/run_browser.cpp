// SPDX-License-Identifier: GPL-3.0-or-later
// RunBrowser. See run_browser.h.
#include "run_browser.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QResizeEvent>
#include <QSignalBlocker>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <set>

#include "ft/config/config_json.h"
#include "ft/config/config_schema.h"
#include "run_browser_model.h"

namespace ftw {

namespace {
QString q(const std::string& s) { return QString::fromStdString(s); }
QString valueText(const nlohmann::json& v) {
    if (v.is_null()) return RunBrowser::tr("(absent)");
    if (v.is_string()) return q(v.get<std::string>());
    return q(v.dump());
}
}  // namespace

RunBrowser::RunBrowser(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    text_ = new QLineEdit(this);
    text_->setPlaceholderText(tr("Filter: name, method, tag or note"));
    text_->setClearButtonEnabled(true);
    text_->setObjectName(QStringLiteral("runFilterText"));
    method_ = new QComboBox(this);
    method_->addItem(tr("Any method"), QString());
    if (const auto* m = ft::find_field_schema("method"))
        for (const auto& name : m->choices) method_->addItem(q(name), q(name));
    status_ = new QComboBox(this);
    status_->addItem(tr("Any status"), QString());
    for (auto s : {ft::RunStatus::Running, ft::RunStatus::Finished, ft::RunStatus::Cancelled, ft::RunStatus::Failed,
                   ft::RunStatus::Interrupted})
        status_->addItem(RunBrowserModel::statusText(s), q(ft::to_string(s)));
    tagFilter_ = new QComboBox(this);
    tagFilter_->addItem(tr("Any tag"), QString());
    trashed_ = new QCheckBox(tr("Trash"), this);
    trashed_->setToolTip(tr("Show the trashed runs (restore them from here)"));
    for (auto* c : {method_, status_, tagFilter_}) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        c->setMinimumContentsLength(6);
    }
    // Text on a row of its own, so that the dock can be narrow.
    layout->addWidget(text_);
    filters->addWidget(method_, 1);
    filters->addWidget(status_, 1);
    filters->addWidget(tagFilter_, 1);
    filters->addWidget(trashed_);
    layout->addLayout(filters);

    model_ = new RunBrowserModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RunBrowserModel::SortRole);
    table_ = new QTableView(this);
    table_->setObjectName(QStringLiteral("runTable"));
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunBrowserModel::IdColumn, Qt::DescendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::SelectedClicked);
    table_->verticalHeader()->hide();
    table_->setWordWrap(false);  // a long name is elided on its one line, never broken over two
    table_->horizontalHeader()->setStretchLastSection(false);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(RunBrowserModel::NameColumn, QHeaderView::Stretch);
    table_->setContextMenuPolicy(Qt::ActionsContextMenu);
    layout->addWidget(table_, 1);

    auto makeAction = [this](const QString& text, const QString& tip, const QKeySequence& key = {}) {
        auto* a = new QAction(text, this);
        a->setToolTip(tip);
        a->setStatusTip(tip);
        if (!key.isEmpty()) {
            a->setShortcut(key);
            a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        }
        table_->addAction(a);
        return a;
    };
    open_ = makeAction(tr("&Open"), tr("Show the selected run in the views"), QKeySequence(Qt::Key_Return));
    overlay_ = makeAction(tr("O&verlay"), tr("Draw the selected runs over the open run, for comparison"));
    diff_ = makeAction(tr("&Diff configs"), tr("Settings that differ between two selected runs"));
    tag_ = makeAction(tr("&Tag…"), tr("Add a tag to the selected runs"));
    note_ = makeAction(tr("&Note…"), tr("Write a note on the selected run"));
    trash_ = makeAction(tr("Move to &trash"), tr("Hide the selected runs (restore them from the trash)"),
                        QKeySequence::Delete);
    restore_ = makeAction(tr("&Restore"), tr("Bring the selected runs back from the trash"));
    resume_ = makeAction(tr("Res&ume"), tr("Continue a cancelled or interrupted run from its checkpoint"));
    auto* bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    for (auto* a : {open_, overlay_, diff_, tag_, note_, trash_, restore_, resume_}) bar->addAction(a);
    layout->addWidget(bar);

    connect(open_, &QAction::triggered, this, [this] {
        const auto ids = selectedRunIds();
        if (!ids.isEmpty()) emit openRequested(ids.first());
    });
    connect(table_, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        if (index.column() != RunBrowserModel::NameColumn)
            emit openRequested(index.data(RunBrowserModel::RunIdRole).toLongLong());
    });
    connect(overlay_, &QAction::triggered, this, [this] { emit overlayRequested(selectedRunIds()); });
    connect(diff_, &QAction::triggered, this, &RunBrowser::showDiffDialog);
    connect(tag_, &QAction::triggered, this, &RunBrowser::askTag);
    connect(note_, &QAction::triggered, this, &RunBrowser::askNote);
    connect(trash_, &QAction::triggered, this, [this] {
        QString error;
        if (!setTrashed(selectedRunIds(), true, &error)) report(error);
    });
    connect(restore_, &QAction::triggered, this, [this] {
        QString error;
        if (!setTrashed(selectedRunIds(), false, &error)) report(error);
    });
    connect(resume_, &QAction::triggered, this, [this] {
        const auto ids = selectedRunIds();
        if (ids.size() == 1) emit resumeRequested(ids.first());
    });
    connect(text_, &QLineEdit::textChanged, this, &RunBrowser::applyFilter);
    for (auto* c : {method_, status_, tagFilter_})
        connect(c, &QComboBox::currentIndexChanged, this, &RunBrowser::applyFilter);
    connect(trashed_, &QCheckBox::toggled, this, &RunBrowser::applyFilter);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunBrowser::updateActions);
    connect(model_, &RunBrowserModel::dataChanged, this, &RunBrowser::updateActions);
    connect(model_, &RunBrowserModel::storeError, this, &RunBrowser::report);
    poll_.setObjectName(QStringLiteral("runBrowserPoll"));
    poll_.setInterval(1000);
    poll_.setTimerType(Qt::CoarseTimer);
    connect(&poll_, &QTimer::timeout, this, &RunBrowser::refresh);
    updateActions();
}

RunBrowser::~RunBrowser() { model_->setStore(nullptr); }

bool RunBrowser::openStore(const QString& path, QString* error) {
    std::unique_ptr<ft::RunStore> store;
    try {
        store = std::make_unique<ft::RunStore>(ft::RunStore::open(path.toStdString(), ft::StoreMode::ReadWrite));
    } catch (const std::exception& first) {
        // A store on a read-only medium (or owned by someone else) can still be browsed.
        try {
            store = std::make_unique<ft::RunStore>(ft::RunStore::open(path.toStdString(), ft::StoreMode::ReadOnly));
        } catch (const std::exception&) {
            if (error) *error = QString::fromUtf8(first.what());
            return false;
        }
    }
    model_->setStore(nullptr);
    store_ = std::move(store);
    model_->setStore(store_.get());
    refresh();
    poll_.start();
    updateActions();
    return true;
}

QString RunBrowser::storePath() const { return store_ ? q(store_->path()) : QString(); }

void RunBrowser::applyFilter() {
    ft::RunFilter f;
    f.text = text_->text().toStdString();
    const std::string method = method_->currentData().toString().toStdString();
    const std::string status = status_->currentData().toString().toStdString();
    if (!method.empty()) f.method = ft::method_from_string(method);
    if (!status.empty()) f.status = ft::run_status_from_string(status);
    f.tag = tagFilter_->currentData().toString().toStdString();
    f.trashed_only = trashed_->isChecked();
    model_->setFilter(f);
    updateActions();
}

void RunBrowser::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitColumns();
}

void RunBrowser::fitColumns() {
    auto* header = table_->horizontalHeader();
    const int available = table_->viewport()->width();
    if (available <= 0) return;
    // QTableView makes sizeHintForColumn protected; QAbstractItemView's is public (and virtual).
    const QAbstractItemView* view = table_;
    auto natural = [&](int c) { return std::max(header->sectionSizeHint(c), view->sizeHintForColumn(c)); };
    const int nameMin = std::max(fontMetrics().averageCharWidth() * 16, available * 2 / 5);
    // Least needed first; Star, Name, Method and Status always stay.
    const int optional[] = {RunBrowserModel::IdColumn, RunBrowserModel::TagsColumn, RunBrowserModel::ProgressColumn,
                            RunBrowserModel::DurationColumn, RunBrowserModel::CreatedColumn};
    int others = 0;
    for (int c = 0; c < RunBrowserModel::ColumnCount; ++c)
        if (c != RunBrowserModel::NameColumn) others += natural(c);
    // Hide from the least needed on until the name has its room; everything after that stays shown.
    bool hiding = true;
    for (int c : optional) {
        const bool hide = hiding && available - others < nameMin;
        if (hide) others -= natural(c);
        if (!hide) hiding = false;
        table_->setColumnHidden(c, hide);
    }
}

void RunBrowser::refresh() {
    if (!store_) return;
    model_->refresh();
    fitColumns();
    // Keep the tag filter's list in step with the store.
    try {
        const QString current = tagFilter_->currentData().toString();
        QStringList tags;
        for (const auto& t : store_->all_tags()) tags << q(t);
        QStringList shown;
        for (int i = 1; i < tagFilter_->count(); ++i) shown << tagFilter_->itemData(i).toString();
        if (tags != shown) {
            const QSignalBlocker block(tagFilter_);
            while (tagFilter_->count() > 1) tagFilter_->removeItem(1);
            for (const auto& t : tags) tagFilter_->addItem(t, t);
            tagFilter_->setCurrentIndex(std::max(0, tagFilter_->findData(current)));
        }
    } catch (const std::exception& e) {
        report(QString::fromUtf8(e.what()));
    }
}

QList<qint64> RunBrowser::selectedRunIds() const {
    QList<qint64> ids;
    for (const auto& index : table_->selectionModel()->selectedRows())
        ids << index.data(RunBrowserModel::RunIdRole).toLongLong();
    return ids;
}

void RunBrowser::selectRun(qint64 id) {
    const int row = model_->rowOfRun(id);
    if (row < 0) return;
    const QModelIndex index = proxy_->mapFromSource(model_->index(row, RunBrowserModel::NameColumn));
    table_->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    table_->scrollTo(index);
}

void RunBrowser::updateActions() {
    const auto ids = selectedRunIds();
    const bool writable = store_ && store_->mode() == ft::StoreMode::ReadWrite;
    bool anyTrashed = false, anyListed = false, resumable = false;
    for (const auto& index : table_->selectionModel()->selectedRows()) {
        const bool t = index.data(RunBrowserModel::TrashedRole).toBool();
        anyTrashed |= t;
        anyListed |= !t;
    }
    if (ids.size() == 1) {
        const int row = model_->rowOfRun(ids.first());
        if (row >= 0) {
            const auto& r = model_->record(row);
            resumable = ft::is_resumable(r.status) && !r.checkpoint_dir.empty();
        }
    }
    open_->setEnabled(ids.size() >= 1);
    overlay_->setEnabled(!ids.isEmpty());
    diff_->setEnabled(ids.size() == 2);
    tag_->setEnabled(writable && !ids.isEmpty());
    note_->setEnabled(writable && ids.size() == 1);
    trash_->setEnabled(writable && anyListed);
    restore_->setEnabled(writable && anyTrashed);
    resume_->setEnabled(writable && resumable);
}

void RunBrowser::report(const QString& message) { emit storeError(message); }

bool RunBrowser::addTag(const QList<qint64>& ids, const QString& tag, QString* error) {
    const QString t = tag.trimmed();
    if (!store_ || t.isEmpty()) return false;
    try {
        for (auto id : ids) store_->add_tag(id, t.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    refresh();
    return true;
}

bool RunBrowser::setNote(qint64 id, const QString& text, QString* error) {
    if (!store_) return false;
    try {
        store_->set_note(id, text.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    refresh();
    return true;
}

bool RunBrowser::setTrashed(const QList<qint64>& ids, bool trashed, QString* error) {
    if (!store_) return false;
    try {
        for (auto id : ids) trashed ? store_->trash(id) : store_->restore(id);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    refresh();
    updateActions();
    return true;
}

std::vector<ft::ConfigDifference> RunBrowser::configDiff(qint64 a, qint64 b, QString* error) const {
    if (!store_) return {};
    try {
        return store_->config_diff(a, b);
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return {};
    }
}

void RunBrowser::askTag() {
    const auto ids = selectedRunIds();
    if (ids.isEmpty()) return;
    bool ok = false;
    const QString tag = QInputDialog::getText(this, tr("Tag runs"), tr("Tag for %n run(s):", nullptr, int(ids.size())),
                                              QLineEdit::Normal, {}, &ok);
    QString error;
    if (ok && !addTag(ids, tag, &error) && !error.isEmpty()) report(error);
}

void RunBrowser::askNote() {
    const auto ids = selectedRunIds();
    if (ids.size() != 1 || !store_) return;
    QString current;
    try {
        current = q(store_->get_note(ids.first()));
    } catch (const std::exception& e) {
        report(QString::fromUtf8(e.what()));
        return;
    }
    bool ok = false;
    const QString text =
        QInputDialog::getMultiLineText(this, tr("Note"), tr("Note on run %1:").arg(ids.first()), current, &ok);
    QString error;
    if (ok && !setNote(ids.first(), text, &error)) report(error);
}

void RunBrowser::showDiffDialog() {
    const auto ids = selectedRunIds();
    if (ids.size() != 2) return;
    QString error;
    const auto diff = configDiff(ids[0], ids[1], &error);
    if (!error.isEmpty()) {
        report(error);
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Config diff: run %1 and run %2").arg(ids[0]).arg(ids[1]));
    auto* layout = new QVBoxLayout(&dialog);
    auto* label = new QLabel(
        diff.empty() ? tr("The two configs are identical.") : tr("%n setting(s) differ:", nullptr, int(diff.size())),
        &dialog);
    layout->addWidget(label);
    auto* tree = new QTreeWidget(&dialog);
    tree->setRootIsDecorated(false);
    tree->setHeaderLabels({tr("Setting"), tr("Run %1").arg(ids[0]), tr("Run %1").arg(ids[1])});
    for (const auto& d : diff) {
        auto* item = new QTreeWidgetItem(tree);
        item->setText(0, q(d.key));
        item->setText(1, valueText(d.value_a));
        item->setText(2, valueText(d.value_b));
    }
    tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(tree, 1);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(560, 360);
    dialog.exec();
}

}  // namespace ftw
