// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment form: generated from the core's schema, it rejects each invalid knob of spec §11 with the core's
// own message shown under that field, never clamps, and becomes valid again once the value is fixed.
#include <QLabel>
#include <QSignalSpy>
#include <QtTest>

#include "config_form.h"
#include "ft/config/config_json.h"
#include "ft/config/config_schema.h"

using namespace ftw;
using nlohmann::json;

namespace {

// What the core says about `key` when the default config gets `key=text` the way `freetickets train --set` reads
// it: the oracle the form is compared with.
QString coreMessages(const QString& key, const QString& text) {
    json j = ft::config_to_json(ft::RunConfig{});
    ft::apply_override(j, (key + QLatin1Char('=') + text).toStdString());
    QStringList lines;
    try {
        ft::config_from_json(j, "test");
    } catch (const ft::ConfigException& e) {
        for (const auto& err : e.errors())
            if (QString::fromStdString(err.field) == key) lines << QString::fromStdString(err.message());
    }
    return lines.join(QLatin1Char('\n'));
}

}  // namespace

class TestConfigForm : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }

    void fieldsComeFromTheSchema() {
        ConfigForm form;
        QStringList keys;
        for (const auto& f : ft::config_schema()) keys << QString::fromStdString(f.key);
        QCOMPARE(form.keys(), keys);
        for (const auto& key : keys) {
            QWidget* editor = form.editor(key);
            QVERIFY2(editor, qPrintable(key));
            QVERIFY2(!editor->toolTip().isEmpty(), qPrintable(key));
            const auto* s = ft::find_field_schema(key.toStdString());
            if (!s->range.empty() && key != QLatin1String("edst.explore_epochs"))
                QVERIFY2(editor->toolTip().contains(QString::fromStdString(s->range).toHtmlEscaped()), qPrintable(key));
        }
        QVERIFY(form.isValid());  // the defaults
        QVERIFY(form.config().has_value());
    }

    void rejectsEachInvalidKnobWithTheCoresMessage_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("text");
        // Spec §11, one row per invalid value. Enum knobs (method, sparse.init, growth, schedule) and the model and
        // dataset names are picked from closed lists, so they cannot be entered wrong (see closedChoices).
        const char* rows[][2] = {
            {"sparse.density", "0"},
            {"sparse.density", "-0.1"},
            {"sparse.density", "1.5"},
            {"sparse.density", "abc"},
            {"sparse.erk_power_scale", "-1"},
            {"sparse.update_frequency", "0"},
            {"sparse.update_frequency", "-5"},
            {"sparse.update_frequency", "2.5"},
            {"sparse.prune_rate", "1.01"},
            {"sparse.prune_rate", "-0.1"},
            {"sparse.prune_rate_min", "2"},
            {"sparse.stop_fraction", "0"},
            {"sparse.stop_fraction", "1.2"},
            {"edst.exploration_rate", "0"},
            {"edst.exploration_rate", "1.5"},
            {"ensemble.members", "0"},
            {"edst.explore_epochs", "0"},
            {"edst.explore_epochs", "450"},
            {"train.epochs", "155"},
            {"train.epochs", "0"},
            {"train.lr", "0"},
            {"train.lr", "-1"},
            {"edst.lr_refine_high", "-0.01"},
            {"edst.lr_refine_low", "0"},
            {"train.milestones", "[0.75, 0.5]"},
            {"train.milestones", "[0.5, 1]"},
            {"train.gamma", "0"},
            {"train.gamma", "2"},
            {"train.momentum", "1"},
            {"train.momentum", "-0.5"},
            {"train.weight_decay", "-0.0001"},
            {"train.batch_size", "0"},
            {"data.validation_split", "1"},
            {"data.validation_split", "-0.1"},
            {"eval.ece_bins", "0"},
            {"device", "tpu"},
            {"threads", "-2"},
            {"model.hidden", "[10]"},
            {"ensemble.seeds", "[]"},
            {"pf.finetune_lr", "0"},
            {"pf.finetune_epochs", "0"},
            {"data.synthetic_samples", "5"},
            {"model.name", "wrn-28-2"},
        };
        for (const auto& r : rows)
            QTest::addRow("%s=%s", r[0], r[1]) << QString::fromLatin1(r[0]) << QString::fromLatin1(r[1]);
    }
    void rejectsEachInvalidKnobWithTheCoresMessage() {
        QFETCH(QString, key);
        QFETCH(QString, text);
        const QString expected = coreMessages(key, text);
        QVERIFY2(!expected.isEmpty(), "the core accepts this value: the table is wrong");

        ConfigForm form;
        QSignalSpy validity(&form, &ConfigForm::validityChanged);
        const QString good = form.fieldText(key);
        QVERIFY(form.setFieldText(key, text));
        QVERIFY(!form.isValid());
        QVERIFY(!form.config().has_value());
        QCOMPARE(form.errorText(key), expected);
        auto* label = form.findChild<QLabel*>(key + QStringLiteral(".error"));
        QVERIFY(label);
        QCOMPARE(label->text(), expected);
        QVERIFY(!label->isHidden());
        QCOMPARE(form.fieldText(key), text);  // kept as typed: nothing clamped or rewritten

        QVERIFY(form.setFieldText(key, good));
        QVERIFY2(form.isValid(), qPrintable(form.errorText(key)));
        QVERIFY(form.errorText(key).isEmpty());
        QVERIFY(label->isHidden());
        QCOMPARE(validity.count(), 2);  // invalid, then valid again
    }

    void closedChoicesOfferOnlyValidNames() {
        ConfigForm form;
        QVERIFY(!form.setFieldText(QStringLiteral("model.name"), QStringLiteral("resnet9000")));
        QVERIFY(!form.setFieldText(QStringLiteral("method"), QStringLiteral("lottery")));
        QVERIFY(!form.setFieldText(QStringLiteral("sparse.growth"), QStringLiteral("magic")));
        QVERIFY(form.isValid());
        QVERIFY(form.setFieldText(QStringLiteral("sparse.growth"), QStringLiteral("random")));
        QCOMPARE(form.config()->sparse.growth, ft::Growth::Random);
        QVERIFY(!form.setFieldText(QStringLiteral("no.such.key"), QStringLiteral("1")));
    }

    void aTypeErrorDoesNotHideOtherErrors() {
        ConfigForm form;
        QVERIFY(form.setFieldText(QStringLiteral("train.lr"), QStringLiteral("fast")));
        QVERIFY(form.setFieldText(QStringLiteral("sparse.density"), QStringLiteral("1.5")));
        QCOMPARE(form.errorText(QStringLiteral("train.lr")),
                 coreMessages(QStringLiteral("train.lr"), QStringLiteral("fast")));
        QCOMPARE(form.errorText(QStringLiteral("sparse.density")),
                 coreMessages(QStringLiteral("sparse.density"), QStringLiteral("1.5")));
    }

    void roundTripsAConfig() {
        ft::RunConfig c;
        c.sparse.density = 0.05;
        c.ensemble.seeds = {3, 4, 5};
        c.train.milestones = {0.3, 0.6, 0.9};
        c.sparse.exact_count = true;
        c.method = ft::Method::DstEnsemble;
        ConfigForm form;
        form.setConfigJson(ft::config_to_json(c));
        QVERIFY(form.isValid());
        QCOMPARE(form.configJson(), ft::config_to_json(c));
        QCOMPARE(form.fieldText(QStringLiteral("ensemble.seeds")), QStringLiteral("3, 4, 5"));
        QVERIFY(form.setFieldText(QStringLiteral("ensemble.seeds"), QStringLiteral("7, 8")));
        QCOMPARE(form.config()->ensemble.seeds, (std::vector<int64_t>{7, 8}));
    }

    void reportsUnknownKeysOfALoadedConfig() {
        ConfigForm form;
        json j = {{"sparse", {{"densty", 0.3}}}};
        form.setConfigJson(j);
        QVERIFY(!form.isValid());
        auto* general = form.findChild<QLabel*>(QStringLiteral("generalErrors"));
        QVERIFY(general && !general->isHidden());
        QVERIFY(general->text().contains(QStringLiteral("sparse.densty")));
        QVERIFY(general->text().contains(QStringLiteral("unknown key")));
    }

    void showsOnlyTheChosenFields() {
        ConfigForm form;
        form.show();
        form.setVisibleFields({QStringLiteral("sparse.density"), QStringLiteral("train.lr")});
        QVERIFY(form.editor(QStringLiteral("sparse.density"))->isVisibleTo(&form));
        QVERIFY(!form.editor(QStringLiteral("sparse.growth"))->isVisibleTo(&form));
        QVERIFY(!form.editor(QStringLiteral("edst.exploration_rate"))->isVisibleTo(&form));
        form.setVisibleFields({});
        QVERIFY(form.editor(QStringLiteral("sparse.growth"))->isVisibleTo(&form));
    }

    void differencesListOnlyChangedLeaves() {
        const json base = ft::config_to_json(ft::RunConfig{});
        json current = base;
        current["sparse"]["density"] = 0.1;
        current["ensemble"]["seeds"] = {1};
        const auto d = configDifferences(base, current);
        QCOMPARE(d.size(), size_t(2));
        QCOMPARE(QString::fromStdString(d[0].key), QStringLiteral("ensemble.seeds"));
        QCOMPARE(QString::fromStdString(d[1].key), QStringLiteral("sparse.density"));
        QCOMPARE(d[1].base, json(0.2));
        QCOMPARE(d[1].current, json(0.1));
        QVERIFY(configDifferences(base, base).empty());
    }
};

QTEST_MAIN(TestConfigForm)
#include "tst_config_form.moc"
