// The simulator's integrity audit (simulator/engine/IntegrityCheck.h): each
// book that can disagree with another is caught and named, on hand-built
// books; clean runs of the shipped scenarios and of every other fault kind
// pass it; the inconsistency fault corrupts the targeted colour and the
// audit finds it within one period, for good; traces stay deterministic.
#include "simulator/engine/IntegrityCheck.h"
#include "simulator/engine/SimulationEngine.h"

#include "ScenarioFixture.h"

#include <QJsonArray>
#include <QTest>

#include <functional>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

// Consistent books, small enough to corrupt by hand: party 0 offline, party 1
// searching on blue, party 2 in a green match, party 3 idle.
struct World {
    Scenario scenario = test::smallScenario();
    std::vector<sim::Party> parties = std::vector<sim::Party>(4);
    std::vector<std::uint32_t> offline{0};
    sim::Environment blue{Color::Blue, scenario.service, scenario.queues, RatingModel{}};
    sim::Environment green{Color::Green, scenario.service, scenario.queues, RatingModel{}};
    std::vector<sim::MatchRecord> matches = std::vector<sim::MatchRecord>(1);
    std::vector<RegionMetrics> regions = std::vector<RegionMetrics>(scenario.queues.regions.size());
    std::uint64_t online = 3, inQueue = 1, inMatch = 1;
    std::array<std::uint64_t, 2> searchingParties{1, 0};
    TicketId ticket = 0;

    World() {
        for (std::uint32_t i = 0; i < parties.size(); ++i)
            parties[i].firstPlayer = 10 * i;
        parties[0].state = sim::PartyState::Offline;
        parties[0].offlineSlot = 0;

        TicketRequest request;
        request.queue = "duel-1v1";
        request.players.resize(1);
        request.players[0].id = "p10";
        request.players[0].pingMs.assign(scenario.queues.regions.size(), 30);
        sim::Release& release = *blue.releases()[0];
        ticket = release.matcher.enqueue(std::move(request), 0).id;
        release.partyOfTicket[ticket] = 1;
        parties[1].state = sim::PartyState::Searching;
        parties[1].ticket = ticket;

        parties[2].state = sim::PartyState::InMatch;
        parties[2].color = 1;
        matches[0].parties = {2};
        matches[0].teams = {0};
        matches[0].color = Color::Green;
        matches[0].used = true;

        parties[3].state = sim::PartyState::Idle;
        parties[3].region = 1;
        regions[0].playersOnline = 2;
        regions[0].playersInQueue = 1;
        regions[1].playersOnline = 1;
    }

    IntegrityReport audit() {
        const sim::Books books{
            .parties = parties,
            .offline = offline,
            .environments = {&blue, &green},
            .matches = matches,
            .regions = regions,
            .regionNames = scenario.queues.regions,
            .playersOnline = online,
            .playersInQueue = inQueue,
            .playersInMatch = inMatch,
            .searchingParties = searchingParties,
        };
        return sim::IntegrityCheck().run(books, 42);
    }
};

QString listed(const IntegrityReport& r) {
    QStringList out;
    for (const std::string& v : r.firstViolations)
        out << QString::fromStdString(v);
    return out.join(u" | "_s);
}

QJsonValue json(const char* text) {
    const QByteArray wrapped = QByteArray("{\"v\":") + text + '}';
    return QJsonDocument::fromJson(wrapped).object().value(QStringLiteral("v"));
}

FaultSpec inconsistency(FaultTarget target) {
    FaultSpec f;
    f.kind = FaultKind::Inconsistency;
    f.target = target;
    return f;
}

// Advances one simulated second at a time until the audit fails; the run
// time it failed at, or -1 if it did not within `limit` seconds.
double secondsToFailure(SimulationEngine& engine, double limit) {
    const double from = engine.runTime();
    for (double t = from + 1; t <= from + limit + 1e-9; t += 1) {
        engine.advanceTo(t);
        const MetricsSnapshot s = engine.snapshot();
        if (s.integrity && !s.integrity->ok)
            return t - from;
    }
    return -1;
}

}  // namespace

using Corruption = std::function<void(World&)>;
Q_DECLARE_METATYPE(Corruption)
Q_DECLARE_METATYPE(FaultTarget)
Q_DECLARE_METATYPE(Scenario)

class TestSimIntegrity : public QObject {
    Q_OBJECT

private slots:
    void eachBookIsCrossChecked_data() {
        QTest::addColumn<Corruption>("corrupt");
        QTest::addColumn<QString>("named");
        QTest::addRow("consistent") << Corruption([](World&) {}) << QString();
        QTest::addRow("ticket gone from the matchmaker")
            << Corruption([](World& w) { w.blue.releases()[0]->matcher.cancel(w.ticket, 1); })
            << u"blue party 1 (p10): searching with ticket 1, which the matchmaker does not hold"_s;
        QTest::addRow("ticket booked to another party")
            << Corruption([](World& w) { w.blue.releases()[0]->partyOfTicket[w.ticket] = 3; })
            << u"blue party 1 (p10): ticket 1 is booked to party 3"_s;
        QTest::addRow("ticket booked to nobody")
            << Corruption([](World& w) { w.blue.releases()[0]->partyOfTicket.clear(); })
            << u"blue party 1 (p10): ticket 1 is booked to no party"_s;
        QTest::addRow("searching in a release that does not exist")
            << Corruption([](World& w) { w.parties[1].release = 3; })
            << u"blue party 1 (p10): searching in release 3, which does not exist"_s;
        QTest::addRow("party dropped from its match")
            << Corruption([](World& w) { w.matches[0].parties.clear(); })
            << u"green party 2 (p20): in a match, but no live match holds it"_s;
        QTest::addRow("party in two matches")
            << Corruption([](World& w) { w.matches.push_back(w.matches[0]); })
            << u"green party 2 (p20): held by several live matches"_s;
        QTest::addRow("match holds an idle party")
            << Corruption([](World& w) { w.matches[0].parties.push_back(3); })
            << u"green match slot 0 holds party 3 (p30), which is idle"_s;
        QTest::addRow("match holds a party that does not exist")
            << Corruption([](World& w) { w.matches[0].parties.push_back(99); })
            << u"green match slot 0: party 99 does not exist"_s;
        QTest::addRow("party on the other colour")
            << Corruption([](World& w) { w.parties[2].color = 0; })
            << u"green match slot 0 holds blue party 2 (p20)"_s;
        QTest::addRow("offline list")
            << Corruption([](World& w) { w.offline[0] = 3; })
            << u"party 0 (p0): offline, but the offline list does not hold it"_s;
        QTest::addRow("searching gauge") << Corruption([](World& w) { w.searchingParties[0] = 2; })
                                         << u"blue parties searching: gauge 2, parties say 1"_s;
        QTest::addRow("online gauge") << Corruption([](World& w) { w.online = 4; })
                                      << u"players online: gauge 4, parties say 3"_s;
        QTest::addRow("in-match gauge") << Corruption([](World& w) { w.inMatch = 0; })
                                        << u"players in a match: gauge 0, parties say 1"_s;
        QTest::addRow("region gauge")
            << Corruption([](World& w) { w.regions[1].playersOnline = 5; })
            << u"region us-east players online: gauge 5, parties say 1"_s;
        QTest::addRow("a searching party the matchmaker never heard of") << Corruption([](World&
                                                                                              w) {
            w.parties[3].state = sim::PartyState::Searching;
            w.parties[3].ticket = 77;
        }) << u"blue release 0: the matchmaker holds 1 searching tickets, 2 parties search there"_s;
    }

    void eachBookIsCrossChecked() {
        QFETCH(Corruption, corrupt);
        QFETCH(QString, named);
        World world;
        QVERIFY2(world.audit().ok, qPrintable(listed(world.audit())));
        corrupt(world);
        const IntegrityReport r = world.audit();
        QCOMPARE(r.atSeconds, 42.0);
        QCOMPARE(r.storeCheck, std::string("none"));
        QCOMPARE(r.ok, named.isEmpty());
        QCOMPARE(r.violations == 0, named.isEmpty());
        QVERIFY(r.firstViolations.size() <= sim::IntegrityCheck::kListed);
        QVERIFY(r.firstViolations.size() == std::min<std::uint64_t>(r.violations, 5));
        if (!named.isEmpty())
            QVERIFY2(listed(r).contains(named), qPrintable(listed(r)));
    }

    // Runs the simulator's own books keep consistent: every shipped
    // scenario, and every other fault kind on both colours (the audit must
    // not cry wolf on outages, drained bad releases, surges...).
    void cleanRunsPass_data() {
        QTest::addColumn<Scenario>("scenario");
        for (const char* name :
             {"baseline-1000", "bad-release-green", "region-outage", "surge-5x", "ramp-500-1000"}) {
            const ScenarioLoad load =
                loadScenarioFile(shippedScenarioPath(QString::fromLatin1(name)));
            QVERIFY2(load.scenario, qPrintable(load.error));
            QTest::addRow("%s", name) << *load.scenario;
        }
        const char* faultSets[] = {
            R"([{"kind": "matcher_stall", "at_s": 60, "duration_s": 200, "target": "green"}])",
            R"([{"kind": "region_outage", "at_s": 100, "duration_s": 300, "region": "eu-west"}])",
            R"([{"kind": "bad_release", "at_s": 50, "duration_s": 300, "target": "both", "multiplier": 0.05},
                {"kind": "error_rate", "at_s": 80, "duration_s": 200, "share": 0.3}])",
            R"([{"kind": "player_surge", "at_s": 10, "duration_s": 300, "multiplier": 4},
                {"kind": "latency", "at_s": 10, "duration_s": 300, "latency_ms": 6000, "share": 0.2}])",
        };
        int row = 0;
        for (const char* faults : faultSets) {
            QTest::addRow("small, faults %d", row++) << test::smallScenario([&](QJsonObject& o) {
                o.insert(u"faults"_s, json(faults));
                o.insert(u"traffic"_s, json(R"({"green_weight": 40})"));
            });
        }
    }

    void cleanRunsPass() {
        QFETCH(Scenario, scenario);
        SimulationEngine engine(scenario);
        engine.advanceTo(9);
        QVERIFY(!engine.snapshot().integrity);  // no data before the first audit
        for (double t = 10; t <= 900; t += 10) {
            if (t == 450)
                engine.setTrafficWeight(100 - engine.trafficWeight());
            engine.advanceTo(t);
            const MetricsSnapshot s = engine.snapshot();
            QVERIFY(s.integrity);
            QVERIFY2(s.integrity->ok,
                     qPrintable(u"at %1 s: %2"_s.arg(t).arg(listed(*s.integrity))));
            QCOMPARE(s.integrity->violations, std::uint64_t(0));
            QCOMPARE(s.integrity->atSeconds, t);  // on the snapshot's clock
            QCOMPARE(s.integrity->storeCheck, std::string("none"));
            QVERIFY(s.integrity->durationMs >= 0);
        }
    }

    void inconsistencyCorruptsTheTargetColour_data() {
        QTest::addColumn<FaultTarget>("target");
        QTest::addColumn<QStringList>("hit");
        QTest::addColumn<QStringList>("spared");
        QTest::addRow("green") << FaultTarget::Green << QStringList{u"green"_s}
                               << QStringList{u"blue"_s};
        QTest::addRow("blue") << FaultTarget::Blue << QStringList{u"blue"_s}
                              << QStringList{u"green"_s};
        QTest::addRow("both") << FaultTarget::Both << QStringList{u"blue"_s, u"green"_s}
                              << QStringList{};
    }

    void inconsistencyCorruptsTheTargetColour() {
        QFETCH(FaultTarget, target);
        QFETCH(QStringList, hit);
        QFETCH(QStringList, spared);
        Scenario s = test::smallScenario();
        s.traffic.greenWeightPercent = 50;
        SimulationEngine engine(s);
        engine.enableLog(1000000);
        engine.advanceTo(303);
        QVERIFY(engine.snapshot().integrity->ok);
        engine.injectFault(inconsistency(target));
        const double took = secondsToFailure(engine, 15);
        qInfo("inconsistency found %.0f simulated seconds after it was injected", took);
        QVERIFY2(took > 0 && took <= sim::IntegrityCheck::kPeriodSeconds,
                 qPrintable(QString::number(took)));
        MetricsSnapshot snap = engine.snapshot();
        const IntegrityReport& r = *snap.integrity;
        QCOMPARE(r.violations, std::uint64_t(hit.size()));  // one record per colour, once
        const QString found = listed(r);
        for (const QString& colour : hit)
            QVERIFY2(found.contains(colour + u" party "_s) &&
                         found.contains(u"in a match, but no live match holds it"_s),
                     qPrintable(found));
        for (const QString& colour : spared)
            QVERIFY2(!found.contains(colour), qPrintable(found));
        // Every counter still agrees: conservation cannot see it.
        QVERIFY(snap.conservationOk);
        // Clearing the fault repairs nothing: the record stays lost.
        engine.clearFaults();
        engine.advanceTo(engine.runTime() + 120);
        snap = engine.snapshot();
        QVERIFY(!snap.integrity->ok);
        QCOMPARE(snap.integrity->violations, std::uint64_t(hit.size()));
        QCOMPARE(snap.integrity->atSeconds, engine.runTime());
        // Logged once, when it first failed, with what it found.
        std::vector<LogEvent> failures;
        for (LogEvent& e : engine.takeLog())
            if (e.text.rfind("integrity audit", 0) == 0)
                failures.push_back(std::move(e));
        QCOMPARE(failures.size(), std::size_t(1));
        QVERIFY(failures[0].kind == LogEventKind::Error);
        QCOMPARE(failures[0].timeSeconds, 310.0);
        QVERIFY2(failures[0].text.find(
                     hit.size() == 1 ? "failed: 1 violation, " + hit[0].toStdString() + " party "
                                     : std::string("failed: 2 violations, ")) != std::string::npos,
                 failures[0].text.c_str());
    }

    // Injected while its colour carries no traffic, the fault corrupts the
    // first ticket there: it leaves the queue as if matched, no match is
    // recorded, and the counters still agree.
    void inconsistencyWaitsForATicketOnItsColour() {
        Scenario s = test::smallScenario();
        SimulationEngine engine(s);  // all blue
        engine.advanceTo(100);
        engine.injectFault(inconsistency(FaultTarget::Green));
        engine.advanceTo(200);
        QVERIFY(engine.snapshot().integrity->ok);
        QCOMPARE(engine.snapshot().green.tickets.created, std::uint64_t(0));
        engine.setTrafficWeight(100);
        const double took = secondsToFailure(engine, 60);
        qInfo("found %.0f simulated seconds after green took traffic", took);
        QVERIFY2(took > 0, "never found");
        const MetricsSnapshot snap = engine.snapshot();
        QVERIFY(snap.green.tickets.created > 0);
        QCOMPARE(snap.integrity->violations, std::uint64_t(1));
        QVERIFY2(listed(*snap.integrity).startsWith(u"green party "_s) &&
                     listed(*snap.integrity).contains(u"no live match holds it"_s),
                 qPrintable(listed(*snap.integrity)));
        QVERIFY(snap.conservationOk);
        // Corrupted once: later green tickets and matches are left alone.
        engine.advanceTo(engine.runTime() + 300);
        QVERIFY(engine.snapshot().green.matchesTotal > 0);
        QCOMPARE(engine.snapshot().integrity->violations, std::uint64_t(1));
        QVERIFY(engine.snapshot().conservationOk);
    }

    // The fault goes through the calendar and the trace like every other:
    // same scenario, same hash, however the run is sliced; the hash differs
    // from the run without it.
    void inconsistencyKeepsTracesDeterministic() {
        const auto withFault = [](QJsonObject& o) {
            o.insert(u"traffic"_s, json(R"({"green_weight": 30})"));
            o.insert(u"faults"_s,
                     json(R"([{"kind": "inconsistency", "at_s": 200, "target": "green"}])"));
        };
        const Scenario s = test::smallScenario(withFault);
        SimulationEngine a(s), b(s), sliced(s);
        a.advanceTo(600);
        b.advanceTo(600);
        for (double t = 0; t < 600; t += 7.3)
            sliced.advanceTo(t, 100);
        sliced.advanceTo(600);
        QCOMPARE(a.traceHash(), b.traceHash());
        QCOMPARE(sliced.traceHash(), a.traceHash());
        QVERIFY(!a.snapshot().integrity->ok);
        QCOMPARE(a.snapshot().integrity->firstViolations, b.snapshot().integrity->firstViolations);
        SimulationEngine clean(test::smallScenario(
            [](QJsonObject& o) { o.insert(u"traffic"_s, json(R"({"green_weight": 30})")); }));
        clean.advanceTo(600);
        QVERIFY(clean.traceHash() != a.traceHash());
    }

    // The audit reads the books only: the shipped baseline keeps the trace
    // hash it had before the audit existed (the one docs/simulator.md shows).
    // A deliberate change to the engine's behaviour changes it: update both.
    void auditLeavesTheTraceAlone() {
        const ScenarioLoad load = loadScenarioFile(shippedScenarioPath(u"baseline-1000"_s));
        QVERIFY2(load.scenario, qPrintable(load.error));
        SimulationEngine engine(*load.scenario);
        engine.advanceTo(load.scenario->durationSeconds);
        QVERIFY(engine.snapshot().integrity->ok);
        QCOMPARE(engine.traceHash(), std::uint64_t(0x8043ed05f2695f8dull));
    }
};

QTEST_GUILESS_MAIN(TestSimIntegrity)
#include "tst_simintegrity.moc"
