// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI bridge: events published on another thread arrive on the GUI thread in order, in batches no more often
// than the interval; only step metrics are thinned (the latest value of each member survives), mask updates,
// tickets, evaluations and phase changes never are; "step to next mask update" pauses the run after a real update.
#include <time.h>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "gui_bridge.h"

using namespace ftw;

namespace {

ft::MaskUpdate maskUpdate(int64_t member, int64_t step, bool initial) {
    ft::MaskUpdate u;
    u.member = member;
    u.step = step;
    u.initial = initial;
    u.layers.push_back({"fc", 1, 1, 10, 100, {}});
    return u;
}

// Publishes members x steps step metrics with a mask update every 50 steps and a few other events.
void publish(ft::EventSink& sink, int members, int steps) {
    for (int m = 0; m < members; ++m) {
        sink.on_event(maskUpdate(m, 0, true));
        sink.on_event(ft::PhaseChange{m, 0, 1, ft::Phase::Exploration, -1});
        for (int s = 1; s <= steps; ++s) {
            sink.on_event(ft::StepMetrics{m, s, 1, 1.0 / s, 0.5, 0.1, 0.3});
            if (s % 50 == 0) sink.on_event(maskUpdate(m, s, false));
        }
        sink.on_event(ft::TicketCaptured{m, m, steps, 1, 0.9, "best validation"});
    }
    ft::EvalReport report;
    report.member = -1;
    report.split = ft::EvalSplit::test();
    sink.on_event(report);
}

}  // namespace

class TestGuiBridge : public QObject {
    Q_OBJECT
private slots:
    void deliversEverythingButThinnedStepsInOrder() {
        GuiBridge bridge(nullptr);
        bridge.setMinInterval(20);
        std::vector<ft::Event> received;
        std::vector<qint64> deliveries;
        QElapsedTimer clock;
        clock.start();
        connect(&bridge, &GuiBridge::eventsReady, this, [&](std::vector<ft::Event>& batch) {
            deliveries.push_back(clock.elapsed());
            for (auto& e : batch) received.push_back(std::move(e));
        });
        const int members = 2, steps = 20000;
        std::thread producer([&] { publish(bridge, members, steps); });
        producer.join();
        const int expectedOthers = members * (1 + 1 + steps / 50 + 1) + 1;
        QTRY_VERIFY_WITH_TIMEOUT(!received.empty() && std::holds_alternative<ft::EvalReport>(received.back()), 5000);

        int others = 0;
        std::map<int64_t, int64_t> lastStep;
        std::vector<int64_t> maskSteps;
        for (const auto& e : received) {
            if (const auto* s = std::get_if<ft::StepMetrics>(&e)) {
                QVERIFY(s->step > lastStep[s->member]);  // in order, never repeated
                lastStep[s->member] = s->step;
                continue;
            }
            ++others;
            if (const auto* u = std::get_if<ft::MaskUpdate>(&e)) {
                if (!u->initial) {
                    QCOMPARE(lastStep[u->member], u->step);  // the step that made the update came first
                    maskSteps.push_back(u->step);
                }
            }
        }
        QCOMPARE(others, expectedOthers);
        QCOMPARE(int(maskSteps.size()), members * steps / 50);
        for (int m = 0; m < members; ++m) QCOMPARE(lastStep[m], int64_t(steps));  // the latest value survives
        QCOMPARE(qint64(bridge.eventsReceived()), qint64(expectedOthers + members * steps));
        for (size_t i = 1; i < deliveries.size(); ++i)
            QVERIFY2(deliveries[i] - deliveries[i - 1] >= 15, "batches closer than the interval");
    }

    void thinsOnlyWhenTheGuiIsBehind() {
        GuiBridge bridge(nullptr);
        bridge.setMinInterval(1000);
        std::vector<ft::Event> received;
        connect(&bridge, &GuiBridge::eventsReady, this,
                [&](std::vector<ft::Event>& batch) { received.insert(received.end(), batch.begin(), batch.end()); });
        // A slow trickle: fewer steps per batch than the cap, so every one arrives.
        for (int s = 1; s <= GuiBridge::kMaxStepsPerBatch - 1; ++s)
            bridge.on_event(ft::StepMetrics{0, s, 1, 1, 1, 1, 0});
        bridge.flush();
        QCOMPARE(int(received.size()), GuiBridge::kMaxStepsPerBatch - 1);
        QCOMPARE(bridge.stepsThinned(), qint64(0));
        // A burst far above the cap in one interval: at most the cap plus the latest are kept.
        received.clear();
        for (int s = 1; s <= 5000; ++s) bridge.on_event(ft::StepMetrics{0, s, 1, 1, 1, 1, 0});
        bridge.flush();
        QCOMPARE(int(received.size()), GuiBridge::kMaxStepsPerBatch);
        QCOMPARE(std::get<ft::StepMetrics>(received.back()).step, int64_t(5000));
        QCOMPARE(bridge.stepsThinned(), qint64(5000 - GuiBridge::kMaxStepsPerBatch));
    }

    void batchesComeLessOftenWhileTheGuiIsBusy() {
        GuiBridge bridge(nullptr);
        bridge.setMinInterval(10);
        bridge.setCpuBudget(0.15);
        bool burn = true;
        auto cpuMs = [] {
            timespec ts{};
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
            return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
        };
        connect(&bridge, &GuiBridge::eventsReady, this, [&](std::vector<ft::Event>&) {
            if (!burn) return;
            const double until = cpuMs() + 20;  // a redraw that costs 20 ms of CPU per batch
            while (cpuMs() < until) {}
        });
        std::atomic<bool> stop{false};
        std::thread producer([&] {
            for (int64_t s = 1; !stop; ++s) {
                bridge.on_event(ft::StepMetrics{0, s, 1, 1, 1, 1, 0});
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
        QTRY_VERIFY_WITH_TIMEOUT(bridge.interval() >= 80, 15000);  // 20 ms per batch at 15 %: >= 133 ms apart
        QVERIFY(bridge.interval() <= GuiBridge::kMaxIntervalMs);
        burn = false;
        QTRY_COMPARE_WITH_TIMEOUT(bridge.interval(), 10, 15000);  // back to the full rate once the GUI is idle
        stop = true;
        producer.join();
    }

    void pausesAfterTheNextRealMaskUpdate() {
        ft::RunControl control;
        GuiBridge bridge(&control);
        QSignalSpy paused(&bridge, &GuiBridge::pausedAtMaskUpdate);
        bridge.requestPauseAtMaskUpdate();
        bridge.on_event(maskUpdate(0, 0, true));  // the initial mask is not an update
        bridge.on_event(ft::StepMetrics{0, 1, 1, 1, 1, 1, 0});
        QVERIFY(!control.paused());
        QVERIFY(bridge.pauseAtMaskUpdateRequested());
        bridge.on_event(maskUpdate(0, 25, false));
        QVERIFY(control.paused());
        QVERIFY(!bridge.pauseAtMaskUpdateRequested());  // one request, one pause
        QVERIFY(paused.wait(1000));
        QCOMPARE(paused.at(0).at(1).toLongLong(), qint64(25));
        control.resume();
        bridge.on_event(maskUpdate(0, 50, false));
        QVERIFY(!control.paused());
    }
};

QTEST_MAIN(TestGuiBridge)
#include "tst_gui_bridge.moc"
