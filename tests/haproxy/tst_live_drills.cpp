// Incident drills on the staging stack (issue 22, item 5): real HAProxy in
// front of real blue and green pulsco-matchd (--environment staging),
// players from pulsco-sim through the balancer, the console's drill session
// on a LiveSource with HAProxy's traffic controller, and a scripted trainee.
// Timelines are compressed to seconds; everything else is as on rollout
// day: the fault is injected into the server, the alert comes from the
// servers' own figures, the remedy goes through the real controller or admin
// API, and the drill ends when the figures recover.
#include "support/HttpTestClient.h"
#include "support/LiveDrill.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

bool mentions(const QStringList& timeline, const QString& text) {
    return std::any_of(timeline.begin(), timeline.end(),
                       [&](const QString& line) { return line.contains(text); });
}

}  // namespace

class TestLiveDrills : public QObject {
    Q_OBJECT
private slots:
    // The error surge on green: the trainee acknowledges the green rollback
    // trigger and rolls back; HAProxy reads back weight 0; green's errors
    // stop once its last tickets are done; MTTD and MTTR are measured.
    void errorSurgeRolledBackPasses() {
        Stack stack;
        Console console;
        Sim sim;
        // Impatient players: a ticket left on green after the rollback is
        // given up within seconds, as its player would on rollout day.
        const QString error = startAll(stack, console, sim, 200, R"(, "patience_s": 10)");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 2;
        plan.action = DrillAction{DrillActionKind::Rollback, {}, {}};
        const LiveDrill run = runLive(console, compressedErrorSurge(), plan, 200000);
        for (const QString& line : run.timeline)
            qInfo("%s", qPrintable(line));
        const DrillScore& score = run.record.score;
        QVERIFY2(score.passed, qPrintable(score.reasons.join(u"; "_s)));
        QVERIFY(score.detected && score.resolved);
        qInfo("error surge on the staging stack: MTTD %.1f s, MTTR %.1f s", score.mttdSeconds,
              score.mttrSeconds);
        QVERIFY(score.mttdSeconds > 0 && score.mttrSeconds > score.mttdSeconds);
        // The setup weight and the rollback went through HAProxy, read back.
        const QString timeline = run.timeline.join(u'\n');
        QVERIFY2(mentions(run.timeline, u"traffic: green 10 % in effect"_s) &&
                     timeline.contains(u"get weight pulsco/green: 10 "_s),
                 qPrintable(timeline));
        QVERIFY2(mentions(run.timeline, u"traffic: green 0 % in effect"_s) &&
                     timeline.contains(u"get weight pulsco/green: 0 "_s),
                 qPrintable(timeline));
        QVERIFY(runtime(stack.rt(), "get weight pulsco/green").startsWith("0 "));
        QVERIFY(mentions(run.timeline, u"health restored"_s));
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The wrong remedy: draining blue sends everyone to the failing release.
    // The drill fails with its cost, and the traffic really moved.
    void drainingBlueFails() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 120, R"(, "patience_s": 10)");
        QVERIFY2(error.isEmpty(), qPrintable(error));
        DrillScript drill = compressedErrorSurge();
        drill.timeLimitSeconds = 45;
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 1;
        plan.action = DrillAction{DrillActionKind::Drain, u"blue"_s, {}};
        const LiveDrill run = runLive(console, drill, plan, 90000);
        const DrillScore& score = run.record.score;
        QVERIFY(!score.passed);
        QCOMPARE(score.wrongActions.size(), std::size_t(1));
        const QString reasons = score.reasons.join(u"; "_s);
        QVERIFY2(reasons.contains(u"wrong action"_s), qPrintable(reasons));
        QVERIFY2(reasons.contains(drill.costOf(DrillAction{DrillActionKind::Drain, u"blue"_s, {}})),
                 qPrintable(reasons));
        QVERIFY2(mentions(run.timeline, u"traffic: green 100 % in effect"_s),
                 qPrintable(run.timeline.join(u'\n')));
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The matcher stall on blue: the trainee acknowledges matcher-stalled and
    // restarts the matcher through blue's admin API. The restart really ends
    // the stall (the server stops reporting it), the searching tickets come
    // back from the store, and matches form again.
    void matcherStallRestartedPasses() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 200);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 2;
        plan.action = DrillAction{DrillActionKind::RestartMatcher, {}, {}};
        const LiveDrill run = runLive(console, compressedMatcherStall(), plan, 200000);
        for (const QString& line : run.timeline)
            qInfo("%s", qPrintable(line));
        const DrillScore& score = run.record.score;
        QVERIFY2(score.passed, qPrintable(score.reasons.join(u"; "_s)));
        QVERIFY(score.detected && score.resolved);
        qInfo("matcher stall on the staging stack: MTTD %.1f s, MTTR %.1f s", score.mttdSeconds,
              score.mttrSeconds);
        QVERIFY(score.mttdSeconds >= 15);  // the alert holds for 15 s before it fires
        QVERIFY(score.mttrSeconds > score.mttdSeconds);
        QVERIFY2(mentions(run.timeline, u"searching tickets queued again from the store"_s),
                 qPrintable(run.timeline.join(u'\n')));
        QVERIFY(mentions(run.timeline, u"health restored"_s));
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The region outage: asia-east's game servers go out on both colours and
    // region-unreachable fires. The trainee sheds asia-east through both
    // servers' admin API; their snapshots report it shed, so the alert
    // clears while the outage stays in force, and the drill passes. When it
    // ends, the region is back in service on every server.
    void regionOutageShedPasses() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 120);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        DrillScript drill = shippedDrill(u"region-outage"_s);
        drill.faults.front().atSeconds = 5;
        drill.timeLimitSeconds = 90;
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 2;
        plan.action = DrillAction{DrillActionKind::ShedRegion, {}, u"asia-east"_s};
        plan.escalate = true;
        const LiveDrill run = runLive(console, drill, plan, 120000);
        for (const QString& line : run.timeline)
            qInfo("%s", qPrintable(line));
        const DrillScore& score = run.record.score;
        QVERIFY2(score.passed, qPrintable(score.reasons.join(u"; "_s)));
        qInfo("region outage on the staging stack: MTTD %.1f s, MTTR %.1f s", score.mttdSeconds,
              score.mttrSeconds);
        // Health came back while the outage was still in force: only the
        // servers reporting asia-east shed (both of them) can do that.
        QVERIFY2(mentions(run.timeline, u"health restored: region-unreachable clear"_s) &&
                     mentions(run.timeline, u"regions shed now: asia-east"_s),
                 qPrintable(run.timeline.join(u'\n')));
        QVERIFY(!mentions(run.timeline, u"fault ended"_s));
        QVERIFY(!mentions(run.timeline, u"shed region failed"_s));
        const QByteArray bearer = "Authorization: Bearer " + stack.adminToken().toUtf8() + "\r\n";
        for (const quint16 server : {stack.blue(), stack.green()})
            QTRY_COMPARE_WITH_TIMEOUT(http(server, "GET", "/v1/admin/regions/shed", {}, bearer)
                                          .json()
                                          .value(u"shed")
                                          .toArray()
                                          .size(),
                                      0, 10000);
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The wrong remedy for a stall: a rollback moves no traffic that matters
    // and leaves the matcher wedged. The drill runs out of time and fails
    // with the rollback's cost; blue still reports the stall.
    void matcherStallRolledBackFails() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 120);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // The stall check waits 60 s without a match and its alert 15 s more,
        // so the trainee acts about 80 s in; the drill gives them 110.
        DrillScript drill = compressedMatcherStall();
        drill.timeLimitSeconds = 110;
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 1;
        plan.action = DrillAction{DrillActionKind::Rollback, {}, {}};
        const LiveDrill run = runLive(console, drill, plan, 170000);
        const DrillScore& score = run.record.score;
        QVERIFY(!score.passed);
        QVERIFY(!score.resolved);
        QCOMPARE(score.wrongActions.size(), std::size_t(1));
        const QString reasons = score.reasons.join(u"; "_s);
        QVERIFY2(reasons.contains(drill.costOf(DrillAction{DrillActionKind::Rollback, {}, {}})),
                 qPrintable(reasons));
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The surge at peak, live: a server cannot make players, so the drill
    // starts real ones (pulsco-sim through the balancer) at the fault's
    // time and stops them with the drill. The servers measure the extra
    // load: API requests per second at least double.
    void surgeBringsRealExtraPlayers() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 200);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // The extra players behave like the usual ones (the same scenario).
        QFile scenarioFile(console.dir.filePath(u"surge.json"_s));
        QVERIFY(scenarioFile.open(QIODevice::WriteOnly));
        scenarioFile.write(scenario(200));
        scenarioFile.close();
        SurgeLoadConfig config;
        config.simProgram = kStagingBin + u"/pulsco-sim"_s;
        config.targets = {stack.url(stack.api())};
        config.balancer = true;
        config.scenario = scenarioFile.fileName();
        config.usualPlayers = kPlayers;
        config.maxExtraPlayers = 2 * kPlayers;  // x5 wants 4 x 300: bounded to 600
        SurgeLoad load(config);

        std::vector<std::pair<double, double>> served;  // (server time, API requests)
        QObject::connect(console.source.get(), &Source::snapshotReady, [&](const SnapshotPtr& s) {
            served.emplace_back(s->timeSeconds,
                                double(s->blue.requestsTotal + s->green.requestsTotal));
        });
        DrillScript drill = shippedDrill(u"surge-5x-peak"_s);
        drill.faults.front().atSeconds = 20;
        drill.timeLimitSeconds = 45;
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 1000;  // watches only
        plan.actDelay = 1000;
        const LiveDrill run =
            runLive(console, drill, plan, 150000, &load, rulesForCompressedPopulation());
        for (const QString& line : run.timeline)
            qInfo("%s", qPrintable(line));
        QVERIFY2(
            mentions(run.timeline,
                     u"fault injected: player surge x5.0: 600 extra players from pulsco-sim"_s),
            qPrintable(run.timeline.join(u'\n')));
        QVERIFY(mentions(run.timeline, u"1200 wanted, bounded to 600 on this machine"_s));
        // The drill is over: its extra players are gone.
        QTRY_VERIFY_WITH_TIMEOUT(!load.running(), 5000);

        QVERIFY(served.size() > 10);
        const double t0 = served.front().first;
        const auto rate = [&](double from, double to) {
            std::optional<std::pair<double, double>> first, last;
            for (const auto& p : served)
                if (p.first - t0 >= from && p.first - t0 <= to) {
                    if (!first)
                        first = p;
                    last = p;
                }
            return first && last && last->first > first->first
                       ? (last->second - first->second) / (last->first - first->first)
                       : 0.0;
        };
        const double before = rate(5, 19);
        const double during = rate(30, 44);
        qInfo("API requests per second: %.0f before the surge, %.0f during it", before, during);
        QVERIFY2(during >= 2 * before, qPrintable(u"%1 -> %2"_s.arg(before).arg(during)));
        QObject::disconnect(console.source.get(), &Source::snapshotReady, nullptr, nullptr);
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The surge at peak, end to end, its population compressed like its
    // timeline: 300 players, 1200 more in the surge, capacity-exceeded's bar
    // at 400 online instead of 1500 (measured by the servers); the
    // trainee acknowledges, scales out (the stack's spare joins blue's pool
    // through HAProxy's runtime API and serves tickets) and escalates.
    void surgeAtPeakScaledOutPasses() {
        Stack stack;
        Console console;
        console.watchSpare = true;
        Sim sim;
        const QString error = startAll(stack, console, sim, 300);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        SurgeLoad load(surgeConfig(stack, console.dir, kPlayers));
        const auto spareCreated = [&] {
            return http(stack.spare(), "GET", "/v1/stats")
                .json()
                .value(u"blue"_s)
                .toObject()
                .value(u"tickets"_s)
                .toObject()
                .value(u"created"_s)
                .toInt();
        };
        QCOMPARE(spareCreated(), 0);
        DrillScript drill = shippedDrill(u"surge-5x-peak"_s);
        drill.faults.front().atSeconds = 5;
        drill.timeLimitSeconds = 150;
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 2;
        plan.action = DrillAction{DrillActionKind::ScaleOut, {}, {}};
        plan.escalate = true;
        std::uint64_t mostOnline = 0;  // as the servers count them, all three together
        QObject::connect(console.source.get(), &Source::snapshotReady, [&](const SnapshotPtr& s) {
            mostOnline = std::max(mostOnline, s->playersOnline);
        });
        const LiveDrill run =
            runLive(console, drill, plan, 200000, &load, rulesForCompressedPopulation());
        qInfo("most players online: %llu", static_cast<unsigned long long>(mostOnline));
        for (const QString& line : run.timeline)
            qInfo("%s", qPrintable(line));
        const DrillScore& score = run.record.score;
        QVERIFY2(score.passed, qPrintable(score.reasons.join(u"; "_s)));
        qInfo("surge at peak on the staging stack: MTTD %.1f s, MTTR %.1f s", score.mttdSeconds,
              score.mttrSeconds);
        QVERIFY2(mentions(run.timeline, u"alert firing: capacity-exceeded"_s),
                 qPrintable(run.timeline.join(u'\n')));
        QVERIFY2(mentions(run.timeline, u"scale out: a spare server joined blue's pool"_s),
                 qPrintable(run.timeline.join(u'\n')));
        // In blue's pool the spare takes new tickets (the usual players go on).
        QTRY_VERIFY_WITH_TIMEOUT(spareCreated() > 0, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(!load.running(), 5000);
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // The wrong remedy at peak: restarting the matcher re-queues everyone
    // at once and adds no capacity. Fails with its cost.
    void surgeAtPeakRestartFails() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 200);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        SurgeLoad load(surgeConfig(stack, console.dir, kPlayers));
        DrillScript drill = shippedDrill(u"surge-5x-peak"_s);
        drill.faults.front().atSeconds = 5;
        drill.timeLimitSeconds = 100;
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 2;
        plan.actDelay = 1;
        plan.action = DrillAction{DrillActionKind::RestartMatcher, {}, {}};
        const LiveDrill run =
            runLive(console, drill, plan, 150000, &load, rulesForCompressedPopulation());
        const DrillScore& score = run.record.score;
        QVERIFY(!score.passed);
        QCOMPARE(score.wrongActions.size(), std::size_t(1));
        const QString reasons = score.reasons.join(u"; "_s);
        QVERIFY2(
            reasons.contains(drill.costOf(DrillAction{DrillActionKind::RestartMatcher, {}, {}})),
            qPrintable(reasons));
        QTRY_VERIFY_WITH_TIMEOUT(!load.running(), 5000);
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }

    // Without a load generator a live surge drill is refused up front, with
    // the option that fixes it, rather than run without its fault.
    void surgeWithoutLoadIsRefused() {
        Stack stack;
        Console console;
        QVERIFY2(stack.start().isEmpty(), "stack");
        QVERIFY2(console.open(stack).isEmpty(), "console");
        QVERIFY(
            QTest::qWaitFor([&] { return console.session->latestSnapshot() != nullptr; }, 15000));
        DrillSession session(shippedDrill(u"surge-5x-peak"_s), console.source.get(), nullptr);
        QString why;
        QVERIFY(!session.start(&why));
        QVERIFY2(why.contains(u"--surge-target URL"_s), qPrintable(why));
        QCOMPARE(stack.interrupt(), 0);
    }

    // Pause on live servers: their clocks cannot stop, so the drill's clock
    // stops and its faults are lifted from the servers until it resumes;
    // then they are back (for the time they had left).
    void pauseLiftsTheFaultsAndStopsTheClock() {
        Stack stack;
        Console console;
        QVERIFY2(stack.start().isEmpty(), "stack");
        QVERIFY2(console.open(stack).isEmpty(), "console");
        QVERIFY(
            QTest::qWaitFor([&] { return console.session->latestSnapshot() != nullptr; }, 15000));
        const auto greenFaulted = [&] {
            const SnapshotPtr s = console.source->latestSnapshot();
            return s && std::find(s->activeFaults.begin(), s->activeFaults.end(),
                                  "error rate 30 % (503), green") != s->activeFaults.end();
        };
        DrillSession session(compressedErrorSurge(), console.source.get(), nullptr);
        session.setTrafficController(console.controller.get());
        QVERIFY(session.start());
        QTRY_VERIFY_WITH_TIMEOUT(greenFaulted(), 20000);

        session.pause();
        QCOMPARE(session.phase(), DrillSession::Phase::Paused);
        QTRY_VERIFY_WITH_TIMEOUT(!greenFaulted(), 5000);
        const double frozen = session.drillTime();
        QTest::qWait(3000);
        QCOMPARE(session.drillTime(), frozen);

        session.resume();
        QTRY_VERIFY_WITH_TIMEOUT(greenFaulted(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(session.drillTime() > frozen + 0.5, 5000);
        const QStringList timeline = [&] {
            QStringList out;
            for (const DrillEvent& e : session.record().events)
                out << e.text;
            return out;
        }();
        QVERIFY2(mentions(timeline, u"the drill's faults are lifted from the servers"_s),
                 qPrintable(timeline.join(u'\n')));
        session.finish();
        QTRY_VERIFY_WITH_TIMEOUT(!greenFaulted(), 5000);  // nothing outlives the drill
        QCOMPARE(stack.interrupt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLiveDrills)
#include "tst_live_drills.moc"
