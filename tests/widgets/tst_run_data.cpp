// SPDX-License-Identifier: GPL-3.0-or-later
// RunData: events applied live give the series, masks, markers, tickets and evaluations they describe; a run
// recorded by StoreWriter and loaded back gives exactly the same RunData as the same events applied live.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "core/store/sim_run.h"
#include "ft/store/run_store.h"
#include "ft/store/store_writer.h"
#include "mask_source.h"
#include "run_data.h"
#include "scripted_run.h"

using namespace ftw;

namespace {

// The simulated run of the store tests plus the 2-D events (points, a ticket's and the ensemble's boundary).
std::vector<ft::Event> simEvents(store_test::SimTruth* truth, const store_test::SimSpec& spec = {}) {
    ft::EventRecorder recorder(true);
    *truth = store_test::publish_sim_run(recorder, spec);
    std::vector<ft::Event> events = recorder.events();
    ft::DataPoints2D points;
    points.x = {0.1f, -0.5f, 0.7f};
    points.y = {0.2f, 0.4f, -0.9f};
    points.label = {0, 1, 1};
    ft::DecisionBoundary ticket{0, 150, "ticket", -1, 1, -1, 1, 2, 2, {0.9f, 0.1f, 0.8f, 0.2f, 0.3f, 0.7f, 0.4f, 0.6f}};
    ft::DecisionBoundary ensemble = ticket;
    ensemble.member = -1;
    ensemble.source = "ensemble";
    ensemble.step = 210;               // past every other step: moves the last step, as in the store
    const auto at = events.end() - 1;  // before RunFinished
    events.insert(at, {ft::Event(points), ft::Event(ticket), ft::Event(ensemble)});
    return events;
}

bool sameDouble(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

void compareMetrics(const ft::ClassificationMetrics& a, const ft::ClassificationMetrics& b) {
    QCOMPARE(a.n, b.n);
    QCOMPARE(a.accuracy, b.accuracy);
    QVERIFY(sameDouble(a.nll, b.nll));
    QCOMPARE(a.brier, b.brier);
    QCOMPARE(a.ece, b.ece);
    QCOMPARE(a.mce, b.mce);
    QCOMPARE(a.reliability.size(), b.reliability.size());
    for (size_t i = 0; i < a.reliability.size(); ++i) {
        QCOMPARE(a.reliability[i].lo, b.reliability[i].lo);
        QCOMPARE(a.reliability[i].hi, b.reliability[i].hi);
        QCOMPARE(a.reliability[i].count, b.reliability[i].count);
        QCOMPARE(a.reliability[i].confidence, b.reliability[i].confidence);
        QCOMPARE(a.reliability[i].accuracy, b.reliability[i].accuracy);
    }
}

void compareRuns(const RunData& a, const RunData& b) {
    QCOMPARE(a.info().method, b.info().method);
    QCOMPARE(a.info().members, b.info().members);
    QCOMPARE(a.info().totalSteps, b.info().totalSteps);
    QCOMPARE(a.info().stepsPerEpoch, b.info().stepsPerEpoch);
    QCOMPARE(a.info().device, b.info().device);
    QCOMPARE(a.memberCount(), b.memberCount());
    QCOMPARE(a.lastStep(), b.lastStep());
    QCOMPARE(a.status(), b.status());
    QCOMPARE(a.seconds(), b.seconds());

    QCOMPARE(a.layers().size(), b.layers().size());
    for (size_t l = 0; l < a.layers().size(); ++l) {
        QCOMPARE(a.layers()[l].name, b.layers()[l].name);
        QCOMPARE(a.layers()[l].shape, b.layers()[l].shape);
        QCOMPARE(a.layers()[l].targetDensity, b.layers()[l].targetDensity);
        QCOMPARE(a.layers()[l].total, b.layers()[l].total);
    }

    const auto keys = a.allSeries();
    QCOMPARE(keys, b.allSeries());
    for (const auto& [member, key] : keys) {
        const Series* sa = a.series(member, key);
        const Series* sb = b.series(member, key);
        QVERIFY(sa && sb);
        QCOMPARE(sa->steps, sb->steps);
        QCOMPARE(sa->values.size(), sb->values.size());
        for (size_t i = 0; i < sa->values.size(); ++i) QVERIFY(sameDouble(sa->values[i], sb->values[i]));
    }

    for (int m = 0; m < a.memberCount(); ++m) {
        const auto& ua = a.maskUpdates(m);
        const auto& ub = b.maskUpdates(m);
        QCOMPARE(ua.size(), ub.size());
        for (size_t k = 0; k < ua.size(); ++k) {
            QCOMPARE(ua[k].index, ub[k].index);
            QCOMPARE(ua[k].step, ub[k].step);
            QCOMPARE(ua[k].epoch, ub[k].epoch);
            QCOMPARE(ua[k].rate, ub[k].rate);
            QCOMPARE(ua[k].initial, ub[k].initial);
            QCOMPARE(ua[k].exploration, ub[k].exploration);
            QCOMPARE(ua[k].everActive, ub[k].everActive);
            QCOMPARE(ua[k].layers.size(), ub[k].layers.size());
            for (size_t l = 0; l < ua[k].layers.size(); ++l) {
                const LayerMask& la = ua[k].layers[l];
                const LayerMask& lb = ub[k].layers[l];
                QCOMPARE(la.pruned, lb.pruned);
                QCOMPARE(la.regrown, lb.regrown);
                QCOMPARE(la.active, lb.active);
                QCOMPARE(la.total, lb.total);
                QCOMPARE(la.captured, lb.captured);
            }
        }
    }

    QCOMPARE(a.markers().size(), b.markers().size());
    for (size_t i = 0; i < a.markers().size(); ++i) {
        QCOMPARE(int(a.markers()[i].kind), int(b.markers()[i].kind));
        QCOMPARE(a.markers()[i].member, b.markers()[i].member);
        QCOMPARE(a.markers()[i].step, b.markers()[i].step);
        QCOMPARE(a.markers()[i].label, b.markers()[i].label);
        QCOMPARE(a.markers()[i].exploration, b.markers()[i].exploration);
    }

    QCOMPARE(a.tickets().size(), b.tickets().size());
    for (size_t i = 0; i < a.tickets().size(); ++i) {
        QCOMPARE(a.tickets()[i].ticket, b.tickets()[i].ticket);
        QCOMPARE(a.tickets()[i].member, b.tickets()[i].member);
        QCOMPARE(a.tickets()[i].step, b.tickets()[i].step);
        QCOMPARE(a.tickets()[i].valAccuracy, b.tickets()[i].valAccuracy);
        QCOMPARE(a.tickets()[i].reason, b.tickets()[i].reason);
    }

    QCOMPARE(a.evaluations().size(), b.evaluations().size());
    for (size_t i = 0; i < a.evaluations().size(); ++i) {
        const Evaluation& ea = a.evaluations()[i];
        const Evaluation& eb = b.evaluations()[i];
        QCOMPARE(ea.member, eb.member);
        QCOMPARE(ea.split, eb.split);
        QCOMPARE(ea.step, eb.step);
        compareMetrics(ea.metrics, eb.metrics);
        QCOMPARE(ea.disagreement, eb.disagreement);
        QCOMPARE(ea.kl, eb.kl);
    }

    QCOMPARE(a.logs().size(), b.logs().size());
    for (size_t i = 0; i < a.logs().size(); ++i) {
        QCOMPARE(int(a.logs()[i].level), int(b.logs()[i].level));
        QCOMPARE(a.logs()[i].text, b.logs()[i].text);
    }

    QCOMPARE(a.hasDataPoints(), b.hasDataPoints());
    QCOMPARE(a.dataPoints().x, b.dataPoints().x);
    QCOMPARE(a.dataPoints().y, b.dataPoints().y);
    QCOMPARE(a.dataPoints().label, b.dataPoints().label);
    QCOMPARE(a.boundaries().size(), b.boundaries().size());
    for (size_t i = 0; i < a.boundaries().size(); ++i) {
        QCOMPARE(a.boundaries()[i].source, b.boundaries()[i].source);
        QCOMPARE(a.boundaries()[i].member, b.boundaries()[i].member);
        QCOMPARE(a.boundaries()[i].step, b.boundaries()[i].step);
        QCOMPARE(a.boundaries()[i].probs, b.boundaries()[i].probs);
    }
}

}  // namespace

class TestRunData : public QObject {
    Q_OBJECT
private slots:
    void liveEventsFillSeriesMasksAndMarkers() {
        store_test::SimTruth truth;
        store_test::SimSpec spec;
        const auto events = simEvents(&truth, spec);
        RunData data;
        QSignalSpy changed(&data, &RunData::changed);
        data.apply(events);
        QCOMPARE(changed.count(), 1);  // one batch, one signal

        QCOMPARE(data.memberCount(), int(spec.members));
        QCOMPARE(data.layers().size(), spec.layer_sizes.size());
        QCOMPARE(data.layers()[1].name, QString::fromStdString(spec.layer_names[1]));
        QCOMPARE(data.status(), std::optional(ft::RunStatus::Finished));
        for (int m = 0; m < spec.members; ++m) {
            const Series* loss = data.series(m, "loss");
            QVERIFY(loss);
            QCOMPARE(int64_t(loss->steps.size()), spec.steps);
            for (size_t i = 0; i < loss->steps.size(); ++i) QCOMPARE(loss->values[i], truth.loss(m, loss->steps[i]));
            const auto& updates = data.maskUpdates(m);
            QCOMPARE(updates.size(), truth.masks[size_t(m)].size());
            for (size_t k = 0; k < updates.size(); ++k) {
                QCOMPARE(updates[k].index, int64_t(k));
                QCOMPARE(updates[k].step, truth.update_steps[size_t(m)][k]);
                for (size_t l = 0; l < spec.layer_sizes.size(); ++l)
                    QVERIFY(*data.maskAt(m, int64_t(k), int(l)) == truth.masks[size_t(m)][k][l]);
            }
        }
        int mask_markers = 0, tickets = 0, lr = 0;
        for (const Marker& mk : data.markers()) {
            mask_markers += mk.kind == MarkerKind::MaskUpdate;
            tickets += mk.kind == MarkerKind::Ticket;
            lr += mk.kind == MarkerKind::LrChange;
        }
        QCOMPARE(mask_markers, int(truth.masks[0].size() + truth.masks[1].size()));
        QCOMPARE(tickets, int(spec.members));
        QCOMPARE(lr, int(spec.members));
        QCOMPARE(data.tickets().size(), size_t(spec.members));
        QCOMPARE(data.evaluations().size(), size_t(spec.members + 1));
        QCOMPARE(data.evaluations().back().member, int64_t(-1));
        QCOMPARE(data.evaluations().back().disagreement.size(), size_t(spec.members));
        QVERIFY(std::isinf(data.evaluations().back().metrics.nll));
        QCOMPARE(data.boundaries().size(), size_t(2));
        QVERIFY(data.hasDataPoints());
    }

    void storedRunLoadsLikeLive() {
        store_test::SimTruth truth;
        const auto events = simEvents(&truth);
        RunData live;
        live.apply(events);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("runs.sqlite").toStdString();
        ft::NewRun run;
        run.name = "sim";
        run.method = ft::Method::DstEnsemble;
        run.seeds = {1, 2};
        int64_t id = 0;
        {
            ft::StoreWriter writer(path, run);
            id = writer.run_id();
            for (const auto& e : events) writer.on_event(e);
            writer.close();
            QVERIFY2(!writer.failed(), writer.error().c_str());
        }
        const ft::RunStore store = ft::RunStore::open(path, ft::StoreMode::ReadOnly);
        RunData loaded;
        QSignalSpy changed(&loaded, &RunData::changed);
        QString error;
        QVERIFY2(RunData::load(store, id, &loaded, &error), qPrintable(error));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(loaded.runId(), id);
        QCOMPARE(loaded.name(), QStringLiteral("sim"));
        compareRuns(live, loaded);

        // The masks are not read with the run: each comes from the store when asked for, and equals the live one.
        loaded.setMaskSource(new MaskSource(dir.filePath("runs.sqlite"), id));
        QCOMPARE(loaded.maskReads(), int64_t(0));
        QSignalSpy arrived(&loaded, &RunData::masksArrived);
        int64_t asked = 0;
        for (int m = 0; m < live.memberCount(); ++m)
            for (size_t k = 0; k < live.maskUpdates(m).size(); ++k)
                for (size_t l = 0; l < live.maskUpdates(m)[k].layers.size(); ++l) {
                    const MaskWords want = live.maskAt(m, int64_t(k), int(l));
                    if (!want) continue;
                    QVERIFY(!loaded.maskAt(m, int64_t(k), int(l)));  // not in memory yet: asked for
                    ++asked;
                    QTRY_VERIFY(loaded.maskAt(m, int64_t(k), int(l)));
                    QVERIFY(*loaded.maskAt(m, int64_t(k), int(l)) == *want);
                    QCOMPARE(loaded.maskReads(), asked);  // one read per mask asked for, none more
                }
        QVERIFY(asked > 4);
        QVERIFY(arrived.count() >= asked);

        // A weight's history over every update comes from the store in one read, equal to the live masks.
        for (int m = 0; m < live.memberCount(); ++m)
            for (int layer = 0; layer < int(live.layers().size()); ++layer) {
                const int64_t index = live.layers()[size_t(layer)].total / 2;
                QSignalSpy history(&loaded, &RunData::historyArrived);
                (void)loaded.weightHistory(m, layer, index);
                QVERIFY(history.wait(5000));
                const auto fromStore = loaded.weightHistory(m, layer, index);
                const auto fromLive = live.weightHistory(m, layer, index);
                QCOMPARE(fromStore.size(), live.maskUpdates(m).size());
                QCOMPARE(fromStore, fromLive);
                QVERIFY(std::count(fromStore.begin(), fromStore.end(), int8_t(-1)) == 0);
            }
    }

    // The store keeps no per-layer execution; under sparse.execution = auto the summary says which path each
    // layer ran, and a layer it does not name shows as masked.
    void autoExecutionIsReadFromTheSummary() {
        store_test::SimTruth truth;
        const auto events = simEvents(&truth);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("runs.sqlite").toStdString();
        ft::NewRun run;
        run.name = "auto";
        run.method = ft::Method::DstEnsemble;
        run.seeds = {1, 2};
        run.config = {{"sparse", {{"execution", "auto"}}}};
        int64_t id = 0;
        {
            ft::StoreWriter writer(path, run);
            id = writer.run_id();
            for (const auto& e : events) writer.on_event(e);
            writer.close();
            QVERIFY2(!writer.failed(), writer.error().c_str());
        }
        const store_test::SimSpec spec;
        {
            ft::RunStore store = ft::RunStore::open(path);
            store.set_summary(id, {{"model",
                                    {{"layers",
                                      {{{"name", spec.layer_names[0]}, {"execution", "sparse"}},
                                       {{"name", spec.layer_names[1]}, {"execution", "masked"}}}}}}});
        }
        const ft::RunStore store = ft::RunStore::open(path, ft::StoreMode::ReadOnly);
        RunData loaded;
        QString error;
        QVERIFY2(RunData::load(store, id, &loaded, &error), qPrintable(error));
        QCOMPARE(loaded.layers().size(), size_t(3));
        QVERIFY(loaded.layers()[0].sparseExecution);
        QVERIFY(!loaded.layers()[1].sparseExecution);
        QVERIFY(!loaded.layers()[2].sparseExecution);
    }

    void theMaskCacheStaysWithinItsBudget() {
        // A live run whose masks exceed the budget keeps the newest; older ones would be read back from a store.
        RunData data;
        data.setMaskBudget(3 * 1024 * sizeof(uint64_t));
        std::vector<scripted::Bits> previous;
        for (int k = 0; k < 10; ++k) {
            auto bits = scripted::allOff(1024 * 64);
            scripted::setBit(bits, k, true);
            data.apply(scripted::maskUpdate(0, 100 * k, {"fc"}, {bits}, {1024 * 64}, previous));
            previous = {bits};
        }
        QVERIFY(data.maskBytes() <= 3 * 1024 * sizeof(uint64_t));
        QVERIFY(data.maskAt(0, 9, 0));
        QVERIFY(!data.maskAt(0, 0, 0));  // evicted, and no store to read it from
        QVERIFY(data.maskUpdates(0)[0].layers[0].captured);
    }

    void loadingAMissingRunFailsWithTheFileAndRun() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("runs.sqlite").toStdString();
        { ft::RunStore::open(path); }
        const ft::RunStore store = ft::RunStore::open(path, ft::StoreMode::ReadOnly);
        RunData data;
        data.apply(scripted::runStarted({{"fc", {2, 2}, 0.5, 1}}));
        QString error;
        QVERIFY(!RunData::load(store, 42, &data, &error));
        QVERIFY2(error.contains(QString::fromStdString(path)), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("42")), qPrintable(error));
        QVERIFY(data.layers().empty());  // left empty, not half-filled
    }

    void resetForgetsEverythingAndBumpsTheGeneration() {
        RunData data;
        data.apply(scripted::runStarted({{"fc", {4, 4}, 0.5, 1}}));
        data.apply(ft::StepMetrics{0, 1, 1, 2.0, 0.1, 0.1, 0.0});
        const int generation = data.generation();
        data.reset();
        QCOMPARE(data.generation(), generation + 1);
        QVERIFY(!data.started());
        QVERIFY(data.layers().empty());
        QVERIFY(!data.series(0, "loss"));
    }

    void aMaskWithTheWrongWordCountIsRefusedWithAWarning() {
        RunData data;
        data.apply(scripted::runStarted({{"fc", {10, 10}, 0.5, 1}}));
        auto u = scripted::maskUpdate(0, 0, {"fc"}, {scripted::allOn(100)}, {100});
        u.layers[0].bits.push_back(0);  // 3 words for 100 bits
        data.apply(u);
        QCOMPARE(data.maskUpdates(0).size(), size_t(1));
        QVERIFY(!data.maskUpdates(0)[0].layers[0].captured);
        QVERIFY(!data.maskAt(0, 0, 0));
        QCOMPARE(data.logs().size(), size_t(1));
        QVERIFY(data.logs()[0].text.contains(QStringLiteral("3 words, expected 2")));
    }

    void repeatedStepsReplaceAndOutOfOrderStepsAreSorted() {
        RunData data;
        data.apply(ft::StepMetrics{0, 5, 1, 1.0, 0, 0, 0});
        data.apply(ft::StepMetrics{0, 7, 1, 2.0, 0, 0, 0});
        data.apply(ft::StepMetrics{0, 6, 1, 3.0, 0, 0, 0});
        data.apply(ft::StepMetrics{0, 7, 1, 4.0, 0, 0, 0});
        const Series* s = data.series(0, "loss");
        QVERIFY(s);
        QCOMPARE(s->steps, (std::vector<int64_t>{5, 6, 7}));
        QCOMPARE(s->values, (std::vector<double>{1.0, 3.0, 4.0}));
    }

    void movedBatchesShareTheirMasks() {
        RunData data;
        std::vector<ft::Event> batch{scripted::maskUpdate(0, 0, {"fc"}, {scripted::allOn(130)}, {130})};
        data.apply(std::move(batch));
        const MaskWords bits = data.maskAt(0, 0, 0);
        QVERIFY(bits);
        QCOMPARE(bits.use_count(), 2L);  // held once by RunData's cache, once here
        QCOMPARE(bits->size(), size_t(3));
    }
};

QTEST_GUILESS_MAIN(TestRunData)
#include "tst_run_data.moc"
