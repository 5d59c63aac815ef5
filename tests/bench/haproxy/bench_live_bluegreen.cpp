// Blue-green on live servers through a real HAProxy (tools/pulsco-staging),
// with pulsco-sim --balancer as the players and the console's rollout
// session headless on top. Prints:
//   BENCH rollout.live_weight_error_pts  largest |requested - measured| green
//         share at 10, 50 and 100 %, sampled each second once the trigger
//         window has filled with the step's traffic (target <= 2)
//   BENCH rollout.live_auto_rollback_s   from a 30 % error rate injected on
//         green at 10 % to a measured green share below 1 % (target <= 15)
//   BENCH rollout.live_drain_s           from the rollback to HAProxy showing
//         no session open on green (WebSocket tunnels closed or moved)
// Never fails the build: when something is missing it says why and exits 0.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#include "BenchReport.h"
#include "support/LiveBlueGreen.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>

#include <cmath>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

bool waitFor(const std::function<bool()>& done, int ms) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > ms)
            return false;
        QTest::qWait(100);
    }
    return true;
}

int skip(const QString& why) {
    std::printf("bench_live_bluegreen: skipped: %s\n", qPrintable(why));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const int window = 10;  // the shipped plan's trigger_window_s
    const int hold = window + 8;

    double worstError = 0;
    {
        Stack stack;
        Console console;
        Sim sim;
        if (const QString e = startAll(stack, console, sim, 3 * hold + 20); !e.isEmpty())
            return skip(e);
        const QString steps = QStringLiteral(R"([{"set_weight": 10}, {"pause": {"duration_s": %1}},
            {"set_weight": 50}, {"pause": {"duration_s": %1}}, {"set_weight": 100},
            {"pause": {"duration_s": %1}}])")
                                  .arg(hold);
        if (const QString e = console.start(steps.toUtf8()); !e.isEmpty())
            return skip(e);
        for (int weight : {10, 50, 100}) {
            if (!waitFor([&] { return console.confirmed(weight); }, 20000))
                return skip(u"weight %1 never read back"_s.arg(weight));
            QTest::qWait((window + 1) * 1000);  // the window holds this step's traffic only
            for (int i = 0; i < hold - window - 3; ++i) {
                const double share = console.share();
                const double error = std::abs(share - weight);
                std::printf("bench_live_bluegreen: requested %d %%, measured %.2f %%\n", weight,
                            share);
                worstError = std::max(worstError, error);
                QTest::qWait(1000);
            }
        }
        sim.process.kill();
        sim.process.waitForFinished();
    }
    bench::report("rollout.live_weight_error_pts", worstError, "pts");

    Stack stack;
    Console console;
    Sim sim;
    if (const QString e = startAll(stack, console, sim, 90); !e.isEmpty())
        return skip(e);
    if (const QString e = console.start(R"([{"set_weight": 10}, {"pause": {"duration_s": 300}}])");
        !e.isEmpty())
        return skip(e);
    if (!waitFor([&] { return console.confirmed(10); }, 20000))
        return skip(u"weight 10 never read back"_s);
    QTest::qWait((window + 4) * 1000);
    FaultSpec fault;
    fault.kind = FaultKind::ErrorRate;
    fault.target = FaultTarget::Green;
    fault.share = 0.3;
    console.source->injectFault(fault);
    QElapsedTimer sinceFault;
    sinceFault.start();
    if (!waitFor([&] { return console.share() >= 0 && console.share() < 1; }, 120000))
        return skip(u"the measured green share never fell below 1 %"_s);
    bench::report("rollout.live_auto_rollback_s", sinceFault.elapsed() / 1000.0, "s");
    // How long HAProxy kept anything open on green after the rollback (the
    // session's traffic_drained row, from HAProxy's counters).
    if (waitFor([&] { return !console.rows(audit::kTrafficDrained).empty(); }, 60000)) {
        const QJsonObject drained =
            QJsonDocument::fromJson(console.rows(audit::kTrafficDrained).back().evidence).object();
        bench::report("rollout.live_drain_s", drained.value(u"seconds"_s).toDouble(), "s");
    }
    sim.process.kill();
    sim.process.waitForFinished();
    return 0;
}
