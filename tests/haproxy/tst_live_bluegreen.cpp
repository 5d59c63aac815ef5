// Blue-green on live servers end to end (issue 15), on real processes only:
// tools/pulsco-staging's HAProxy in front of a real blue and green
// pulsco-matchd, pulsco-sim --target through HAProxy (--balancer), and the
// console's rollout session (headless) on a LiveSource with the HAProxy
// traffic controller. Steps of the shipped shape with pauses in seconds.
//
// - rollback: at 10 % the measured green share is 10 ± 3 %; a 30 % error
//   rate injected on green fires the automatic rollback; HAProxy reads green
//   weight 0 and DRAIN back; the measured green share falls below 1 %; the
//   audit trail holds the read-back; the generator's ledger shows no
//   acknowledged ticket lost.
// - promote: 10 → 50 → 100 %, the measured share follows each step.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#include "support/LiveBlueGreen.h"
#include "support/StagingStack.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

// Waits `ms` of event loop (snapshots, polls and the controller run).
void run(int ms) {
    QTest::qWait(ms);
}

}  // namespace

class TestLiveBlueGreen : public QObject {
    Q_OBJECT
private slots:
    void rollbackMovesAllTheTrafficBack() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 70);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        const QString startError = console.start(R"([{"set_weight": 10},
            {"pause": {"duration_s": 120}}, {"set_weight": 100}])");
        QVERIFY2(startError.isEmpty(), qPrintable(startError));
        QTRY_VERIFY_WITH_TIMEOUT(console.confirmed(10), 15000);
        QCOMPARE(console.controller->appliedWeight(), 10);
        // The read-back is in the trail, with the controller named.
        const AuditEntry ten = console.rows(audit::kWeightConfirmed).back();
        QCOMPARE(ten.actor, u"system"_s);
        const QJsonObject tenEvidence = QJsonDocument::fromJson(ten.evidence).object();
        QCOMPARE(tenEvidence.value(u"controller"_s).toString(), u"haproxy"_s);
        QVERIFY2(tenEvidence.value(u"read_back"_s).toString().contains(u"get weight"_s),
                 qPrintable(ten.note));

        // The window fills with 10 % traffic: measured, not declared.
        run(int(console.session->windowSeconds() * 1000) + 4000);
        const double atTen = console.share();
        qInfo("at 10 %%: measured %.1f %% of %llu new tickets (tolerance %.1f)", atTen,
              console.sample(), console.tolerance(10));
        QVERIFY2(
            std::abs(atTen - 10) <= console.tolerance(10),
            qPrintable(u"green share %1 % of %2 new tickets"_s.arg(atTen).arg(console.sample())));
        QVERIFY(console.tolerance(10) < 8);  // a wrong weight (20 %) cannot pass
        // HAProxy's per-server counters agree with the servers' own count of
        // requests (more than the weight: a ticket's polls stay on its server).
        const std::optional<double> balancer = console.session->balancerGreenShare();
        const std::optional<double> served = console.session->greenRequestShare();
        QVERIFY(balancer && served);
        QVERIFY2(std::abs(*balancer - *served) <= 3,
                 qPrintable(u"HAProxy %1 %, servers %2 %"_s.arg(*balancer).arg(*served)));
        QCOMPARE(console.session->latestSnapshot()->green.requestedWeightPercent.value_or(-1), 10);

        // A bad release on green: 30 % of its requests fail.
        FaultSpec fault;
        fault.kind = FaultKind::ErrorRate;
        fault.target = FaultTarget::Green;
        fault.share = 0.3;
        QSignalSpy refused(console.source.get(), &Source::commandFailed);
        console.source->injectFault(fault);
        QElapsedTimer sinceFault;
        sinceFault.start();
        QTRY_VERIFY_WITH_TIMEOUT(!console.rows(audit::kRollback).empty(), 20000);
        QCOMPARE(refused.size(), 0);
        const AuditEntry rollback = console.rows(audit::kRollback).back();
        QCOMPARE(rollback.actor, u"system"_s);
        QVERIFY2(rollback.note.contains(u"trigger fired"_s), qPrintable(rollback.note));
        QTRY_VERIFY_WITH_TIMEOUT(console.confirmed(0), 15000);
        const AuditEntry zero = console.rows(audit::kWeightConfirmed).back();
        QVERIFY2(zero.note.contains(u"get weight pulsco/green: 0"_s), qPrintable(zero.note));
        QVERIFY2(zero.note.contains(u"DRAIN"_s), qPrintable(zero.note));
        // HAProxy itself says so.
        QVERIFY(runtime(stack.rt(), "get weight pulsco/green").startsWith("0 "));
        // And the traffic really left: green's measured share under 1 %.
        QTRY_VERIFY_WITH_TIMEOUT(console.share() >= 0 && console.share() < 1, 40000);
        qInfo("measured green share below 1 %% %.1f s after the fault",
              sinceFault.elapsed() / 1000.0);
        // HAProxy's own counters: nothing left open on green, and how long
        // that took is in the trail.
        QTRY_VERIFY_WITH_TIMEOUT(!console.rows(audit::kTrafficDrained).empty(), 30000);

        // The generator ends; nothing it was told was accepted is lost.
        QVERIFY(sim.process.waitForFinished(120000));
        // The drill is over: green answers truthfully again.
        console.source->clearFaults();
        QTRY_VERIFY_WITH_TIMEOUT(console.session->latestSnapshot()->activeFaults.empty(), 10000);
        const auto ids = sim.acknowledged();
        QNetworkAccessManager network;
        int checked = 0;
        for (const auto& [color, list] : ids) {
            const quint16 port = color == u"green"_s ? stack.green() : stack.blue();
            // Every acknowledged ticket is on its server (a server may hold
            // more: a ticket whose answer the injected 503s replaced).
            const quint64 created = createdOn(network, stack.url(port));
            QVERIFY2(created >= quint64(list.size()),
                     qPrintable(u"%1 created %2, acknowledged %3"_s.arg(color).arg(created).arg(
                         list.size())));
            for (const QString& id : list) {
                const int status =
                    getStatus(network, stack.url(stack.api()) + u"/v1/tickets/"_s + id);
                QVERIFY2(status == 200, qPrintable(id + u": HTTP "_s + QString::number(status)));
                ++checked;
            }
        }
        QVERIFY(ids.count(u"green"_s) && ids.at(u"green"_s).size() > 10);
        QVERIFY(ids.count(u"blue"_s) && ids.at(u"blue"_s).size() > 100);
        QVERIFY(checked > 50);
        QCOMPARE(stack.interrupt(), 0);
    }

    void promoteFollowsEveryStep() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 75);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const int hold = int(console.session->windowSeconds()) + 5;
        const QString startError = console.start(QStringLiteral(R"([{"set_weight": 10},
            {"pause": {"duration_s": %1}}, {"set_weight": 50}, {"pause": {"duration_s": %1}},
            {"set_weight": 100}])")
                                                     .arg(hold)
                                                     .toUtf8());
        QVERIFY2(startError.isEmpty(), qPrintable(startError));
        for (int weight : {10, 50}) {
            QTRY_VERIFY_WITH_TIMEOUT(console.confirmed(weight), 15000);
            run((hold - 1) * 1000);  // the window is full of this weight's traffic
            const double share = console.share();
            QVERIFY2(
                std::abs(share - weight) <= console.tolerance(weight),
                qPrintable(u"at %1 %: measured %2 % of %3 new tickets"_s.arg(weight).arg(share).arg(
                    console.sample())));
            QVERIFY(console.tolerance(weight) < 8);
        }
        QTRY_VERIFY_WITH_TIMEOUT(console.confirmed(100), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(console.session->stepper()->state() == RolloutState::Promoted,
                                 15000);
        run(int(console.session->windowSeconds() * 1000) + 5000);
        QVERIFY2(console.share() > 99, qPrintable(u"measured %1 %"_s.arg(console.share())));
        QVERIFY(runtime(stack.rt(), "get weight pulsco/blue").startsWith("0 "));
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLiveBlueGreen)
#include "tst_live_bluegreen.moc"
