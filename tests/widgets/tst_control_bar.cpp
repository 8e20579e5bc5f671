// SPDX-License-Identifier: GPL-3.0-or-later
// ControlBar: one row when there is room; narrower than that, the groups wrap onto more rows, none sticks out of
// the bar, a label stays beside its control, the bar grows in height instead of forcing the view wider, and a
// stretching control takes its row's spare width.
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QVBoxLayout>
#include <QtTest>

#include "control_bar.h"

using namespace ftw;

namespace {

struct Fixture {
    QWidget view;
    ControlBar* bar = new ControlBar(&view);
    QComboBox* member = new QComboBox;
    QComboBox* layer = new QComboBox;
    QCheckBox* log = new QCheckBox(QStringLiteral("log values"));
    QCheckBox* events = new QCheckBox(QStringLiteral("events"));

    Fixture() {
        member->addItems({QStringLiteral("member 0"), QStringLiteral("member 1")});
        layer->addItems({QStringLiteral("conv1"), QStringLiteral("a rather long layer name, fc3")});
        bar->add(QStringLiteral("Member"), member);
        bar->add(QStringLiteral("Layer"), layer, true);
        bar->add(log);
        bar->add(events);
        auto* layout = new QVBoxLayout(&view);
        layout->addWidget(bar);
        layout->addWidget(new QWidget, 1);
    }
    void showAt(int width) {
        view.resize(width, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCoreApplication::processEvents();
    }
    QRect in_bar(QWidget* w) const { return QRect(w->mapTo(bar, QPoint(0, 0)), w->size()); }
    QLabel* labelOf(QWidget* control) const {
        return control->parentWidget()->findChild<QLabel*>(QString(), Qt::FindDirectChildrenOnly);
    }
};

}  // namespace

class TestControlBar : public QObject {
    Q_OBJECT
private slots:
    void oneRowWhenWide() {
        Fixture f;
        f.showAt(f.bar->sizeHint().width() + 200);
        const int y = f.in_bar(f.member).center().y();
        for (QWidget* w :
             {static_cast<QWidget*>(f.layer), static_cast<QWidget*>(f.log), static_cast<QWidget*>(f.events)})
            QCOMPARE(f.in_bar(w).center().y(), y);
        // The stretching layer box took the spare width.
        QVERIFY(f.layer->width() >= f.layer->sizeHint().width() + 150);
    }

    void wrapsWhenNarrowAndKeepsLabelsWithControls() {
        Fixture f;
        const int narrow = f.bar->minimumSizeHint().width() + 10;
        QVERIFY2(narrow < f.bar->sizeHint().width() / 2, "the bar's minimum is one group, not the whole row");
        f.showAt(narrow);
        QVERIFY(f.bar->height() > f.bar->sizeHint().height());  // more rows
        QSet<int> rows;
        for (QWidget* w : {static_cast<QWidget*>(f.member), static_cast<QWidget*>(f.layer),
                           static_cast<QWidget*>(f.log), static_cast<QWidget*>(f.events)}) {
            const QRect r = f.in_bar(w);
            QVERIFY2(r.right() < f.bar->width() + 1, qPrintable(w->metaObject()->className()));
            QVERIFY(r.bottom() <= f.bar->height());
            rows.insert(r.center().y());
        }
        QVERIFY(rows.size() >= 3);
        for (QComboBox* c : {f.member, f.layer}) {
            QLabel* label = f.labelOf(c);
            QVERIFY(label);
            QCOMPARE(f.in_bar(label).center().y() / 4, f.in_bar(c).center().y() / 4);  // same row
            QVERIFY(f.in_bar(label).right() < f.in_bar(c).left());
        }
        // The view's minimum width follows the bar's widest group.
        QVERIFY(f.view.minimumSizeHint().width() <= narrow + 40);
    }
};

QTEST_MAIN(TestControlBar)
#include "tst_control_bar.moc"
