// The engine: deterministic traces, conservation of tickets under faults and
// blue/green, each fault kind's effect in the metrics, thresholds judged
// both ways, traffic weight routing, warmup, the service model under load.
#include "simulator/engine/SimulationEngine.h"

#include "ScenarioFixture.h"
#include "simulator/engine/ServiceModel.h"

#include <QJsonArray>
#include <QTest>

#include <functional>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

QJsonValue json(const char* text) {
    const QByteArray wrapped = QByteArray("{\"v\":") + text + '}';
    return QJsonDocument::fromJson(wrapped).object().value(QStringLiteral("v"));
}

bool countsAddUp(const TicketCounts& t) {
    return t.created == t.matched + t.expired + t.cancelled + t.searching;
}

FaultSpec fault(FaultKind kind, FaultTarget target = FaultTarget::Both) {
    FaultSpec f;
    f.kind = kind;
    f.target = target;
    return f;
}

}  // namespace

using FaultCheck =
    std::function<bool(const MetricsSnapshot& with, const MetricsSnapshot& without, QString* why)>;
Q_DECLARE_METATYPE(FaultSpec)
Q_DECLARE_METATYPE(FaultCheck)

class TestSimulationEngine : public QObject {
    Q_OBJECT

private slots:
    void sameSeedSameTrace() {
        const Scenario s = test::smallScenario([](QJsonObject& o) {
            o.insert(
                u"faults"_s,
                json(
                    R"([{"kind": "latency", "at_s": 100, "duration_s": 60, "latency_ms": 200, "share": 0.5},
                                          {"kind": "matcher_stall", "at_s": 300, "duration_s": 30}])"));
            o.insert(u"traffic"_s, json(R"({"green_weight": 30})"));
        });
        SimulationEngine a(s), b(s);
        a.advanceTo(s.durationSeconds);
        b.advanceTo(s.durationSeconds);
        QCOMPARE(a.traceHash(), b.traceHash());
        QCOMPARE(a.eventsProcessed(), b.eventsProcessed());
        const RunSummary ra = a.summary(), rb = b.summary();
        QCOMPARE(ra.total.tickets, rb.total.tickets);
        QCOMPARE(ra.total.latencyP95Ms, rb.total.latencyP95Ms);
        QCOMPARE(ra.ratingCorrelation, rb.ratingCorrelation);
        QVERIFY(ra.total.matches > 50);

        // Slicing the run differently must not change the trace.
        SimulationEngine c(s);
        for (double t = 0; t < s.durationSeconds; t += 7.3)
            c.advanceTo(t, 100);
        c.advanceTo(s.durationSeconds);
        QCOMPARE(c.traceHash(), a.traceHash());
    }

    void otherSeedOtherTrace() {
        Scenario s = test::smallScenario();
        SimulationEngine a(s);
        a.advanceTo(600);
        s.seed += 1;
        SimulationEngine b(s);
        b.advanceTo(600);
        QVERIFY(a.traceHash() != b.traceHash());
    }

    void conservationHolds_data() {
        QTest::addColumn<int>("weight");
        QTest::addColumn<QString>("faults");
        const char* faultSets[] = {
            "[]",
            R"([{"kind": "matcher_stall", "at_s": 60, "duration_s": 200, "target": "green"}])",
            R"([{"kind": "region_outage", "at_s": 100, "duration_s": 300, "region": "eu-west"}])",
            R"([{"kind": "bad_release", "at_s": 50, "duration_s": 300, "target": "both", "multiplier": 0.05},
                {"kind": "error_rate", "at_s": 80, "duration_s": 200, "share": 0.3}])",
            R"([{"kind": "player_surge", "at_s": 10, "duration_s": 300, "multiplier": 4},
                {"kind": "latency", "at_s": 10, "duration_s": 300, "latency_ms": 6000, "share": 0.2}])",
        };
        int row = 0;
        for (int weight : {0, 40, 100})
            for (const char* f : faultSets)
                QTest::addRow("%d: weight %d", row++, weight) << weight << QString::fromLatin1(f);
    }

    void conservationHolds() {
        QFETCH(int, weight);
        QFETCH(QString, faults);
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            Scenario s = test::smallScenario([&](QJsonObject& o) {
                o.insert(u"faults"_s, QJsonDocument::fromJson(faults.toUtf8()).array());
                o.insert(u"duration_s"_s, 700);
            });
            s.seed = seed;
            s.traffic.greenWeightPercent = weight;
            SimulationEngine engine(s);
            for (double t = 50; t <= 700; t += 50) {
                if (t == 350)
                    engine.setTrafficWeight(100 - weight);  // a switch mid-run
                engine.advanceTo(t);
                const MetricsSnapshot snap = engine.snapshot();
                QVERIFY2(snap.conservationOk, qPrintable(u"seed %1 at %2 s"_s.arg(seed).arg(t)));
                QVERIFY(countsAddUp(snap.blue.tickets));
                QVERIFY(countsAddUp(snap.green.tickets));
                QVERIFY(countsAddUp(snap.total.tickets));
                QCOMPARE(snap.playersInQueue + snap.playersInMatch <= snap.playersOnline, true);
            }
            QVERIFY(engine.snapshot().total.tickets.created > 100);
        }
    }

    void faultEffectIsVisible_data() {
        QTest::addColumn<FaultSpec>("spec");
        QTest::addColumn<int>("weight");
        QTest::addColumn<FaultCheck>("check");

        FaultSpec latency = fault(FaultKind::Latency);
        latency.latencyMs = 300;
        latency.share = 1.0;
        QTest::addRow("latency")
            << latency << 0 << FaultCheck([](const auto& with, const auto& without, QString* why) {
                   *why = u"p50 %1 vs %2"_s.arg(with.blue.recentApiLatencyMs.quantile(0.5))
                              .arg(without.blue.recentApiLatencyMs.quantile(0.5));
                   return with.blue.recentApiLatencyMs.quantile(0.5) >= 300 &&
                          without.blue.recentApiLatencyMs.quantile(0.5) < 100;
               });

        FaultSpec errors = fault(FaultKind::ErrorRate, FaultTarget::Green);
        errors.share = 0.5;
        QTest::addRow("error_rate green")
            << errors << 50 << FaultCheck([](const auto& with, const auto& without, QString* why) {
                   const double rate =
                       double(with.green.recentErrors) /
                       double(std::max<std::uint64_t>(1, with.green.recentRequests));
                   *why = u"green error rate %1, blue errors %2"_s.arg(rate).arg(
                       with.blue.recentErrors);
                   return rate > 0.3 && with.green.errorsByCode.count("503") == 1 &&
                          with.blue.recentErrors == 0 && without.green.errorsTotal == 0;
               });

        QTest::addRow("matcher_stall")
            << fault(FaultKind::MatcherStall) << 0
            << FaultCheck([](const auto& with, const auto& without, QString* why) {
                   *why = u"matches/min %1, searching %2 vs %3"_s.arg(with.blue.matchesPerMinute)
                              .arg(with.blue.tickets.searching)
                              .arg(without.blue.tickets.searching);
                   return with.blue.matchesPerMinute == 0 && without.blue.matchesPerMinute > 0 &&
                          with.blue.tickets.searching > 2 * without.blue.tickets.searching;
               });

        FaultSpec outage = fault(FaultKind::RegionOutage);
        outage.region = "eu-west";
        QTest::addRow("region_outage")
            << outage << 0 << FaultCheck([](const auto& with, const auto& without, QString* why) {
                   const RegionMetrics& eu = with.regions.at("eu-west");
                   *why =
                       u"eu-west reachable %1, in queue %2, cancelled %3 vs %4"_s.arg(eu.reachable)
                           .arg(eu.playersInQueue)
                           .arg(with.blue.tickets.cancelled)
                           .arg(without.blue.tickets.cancelled);
                   return !eu.reachable && eu.playersInQueue == 0 &&
                          without.regions.at("eu-west").reachable &&
                          with.blue.tickets.cancelled > without.blue.tickets.cancelled &&
                          eu.playersOnline < without.regions.at("eu-west").playersOnline;
               });

        FaultSpec surge = fault(FaultKind::PlayerSurge);
        surge.multiplier = 5;
        QTest::addRow("player_surge")
            << surge << 0 << FaultCheck([](const auto& with, const auto& without, QString* why) {
                   *why = u"online %1 vs %2"_s.arg(with.playersOnline).arg(without.playersOnline);
                   return with.playersOnline > without.playersOnline + 40;
               });

        FaultSpec bad = fault(FaultKind::BadRelease, FaultTarget::Green);
        bad.multiplier = 0.02;
        QTest::addRow("bad_release green")
            << bad << 100 << FaultCheck([](const auto& with, const auto& without, QString* why) {
                   *why = u"green searching %1 vs %2, matched %3 vs %4"_s
                              .arg(with.green.tickets.searching)
                              .arg(without.green.tickets.searching)
                              .arg(with.green.tickets.matched)
                              .arg(without.green.tickets.matched);
                   return with.green.tickets.searching > 2 * without.green.tickets.searching &&
                          with.green.tickets.matched < without.green.tickets.matched;
               });

        FaultSpec store = fault(FaultKind::StoreLatency, FaultTarget::Blue);
        store.latencyMs = 250;
        QTest::addRow("store_latency")
            << store << 0 << FaultCheck([](const auto& with, const auto& without, QString* why) {
                   *why = u"max %1 vs %2"_s.arg(with.blue.recentApiLatencyMs.max())
                              .arg(without.blue.recentApiLatencyMs.max());
                   return with.blue.recentApiLatencyMs.max() >= 250 &&
                          without.blue.recentApiLatencyMs.max() < 250 &&
                          with.blue.recentApiLatencyMs.mean() >
                              without.blue.recentApiLatencyMs.mean();
               });
    }

    void faultEffectIsVisible() {
        QFETCH(FaultSpec, spec);
        QFETCH(int, weight);
        QFETCH(FaultCheck, check);
        Scenario s = test::smallScenario();
        s.traffic.greenWeightPercent = weight;
        s.warmupSeconds = 300;
        s.population.online = {{0, 250}};  // room in the pool for a surge
        SimulationEngine with(s), without(s);
        with.enableLog(10000);
        with.advanceTo(60);
        without.advanceTo(60);
        with.injectFault(spec);
        QCOMPARE(with.activeFaults().size(), std::size_t(1));
        with.advanceTo(300);
        without.advanceTo(300);
        const MetricsSnapshot a = with.snapshot(), b = without.snapshot();
        QString why;
        QVERIFY2(check(a, b, &why), qPrintable(why));
        QCOMPARE(a.activeFaults.size(), std::size_t(1));
        QVERIFY(a.conservationOk);

        with.clearFaults();
        QVERIFY(with.activeFaults().empty());
        const std::vector<LogEvent> log = with.takeLog();
        const auto started = std::count_if(log.begin(), log.end(), [](const LogEvent& e) {
            return e.kind == LogEventKind::FaultStart;
        });
        const auto ended = std::count_if(log.begin(), log.end(), [](const LogEvent& e) {
            return e.kind == LogEventKind::FaultEnd;
        });
        QCOMPARE(started, 1);
        QCOMPARE(ended, 1);
    }

    void timelineFaultsStartAndEnd() {
        const Scenario s = test::smallScenario([](QJsonObject& o) {
            o.insert(
                u"faults"_s,
                json(R"([{"kind": "error_rate", "at_s": 100, "duration_s": 50, "share": 1}])"));
        });
        SimulationEngine engine(s);
        engine.advanceTo(99);
        QVERIFY(engine.activeFaults().empty());
        engine.advanceTo(101);
        QCOMPARE(engine.activeFaults().size(), std::size_t(1));
        engine.advanceTo(151);
        QVERIFY(engine.activeFaults().empty());
        QVERIFY(engine.snapshot().total.errorsTotal > 0);
    }

    void thresholdsJudgedBothWays() {
        Scenario s = test::smallScenario([](QJsonObject& o) {
            o.insert(u"duration_s"_s, 600);
            o.insert(u"thresholds"_s, json(R"({"api_latency_p95_ms": "<150", "error_rate": "<0.001",
                                               "matches_total": ">10", "conservation_ok": "==1",
                                               "green.error_rate": "<0.5"})"));
        });
        SimulationEngine good(s);
        good.advanceTo(s.durationSeconds);
        RunSummary r = good.summary();
        QCOMPARE(r.thresholds.size(), std::size_t(5));
        QVERIFY(!r.passed());
        // Green saw no traffic: "no data" fails its threshold rather than passing silently.
        for (const ThresholdResult& t : r.thresholds) {
            const bool isGreen = t.threshold.metric == "green.error_rate";
            QCOMPARE(t.passed, !isGreen);
            QCOMPARE(t.hasValue, !isGreen);
        }
        std::erase_if(s.thresholds,
                      [](const Threshold& t) { return t.metric == "green.error_rate"; });
        SimulationEngine again(s);
        again.advanceTo(s.durationSeconds);
        QVERIFY(again.summary().passed());

        s.thresholds.clear();
        std::string why;
        s.thresholds.push_back(*parseThreshold("api_latency_p95_ms", "<1", &why));
        s.thresholds.push_back(*parseThreshold("error_rate", "<0.001", &why));
        SimulationEngine bad(s);
        bad.advanceTo(s.durationSeconds);
        r = bad.summary();
        QVERIFY(!r.passed());
        QVERIFY(!r.thresholds[0].passed);
        QVERIFY(r.thresholds[0].hasValue && r.thresholds[0].value > 1);
        QVERIFY(r.thresholds[1].passed);
    }

    void liveBreachesAreLogged() {
        const Scenario s = test::smallScenario([](QJsonObject& o) {
            o.insert(u"traffic"_s, json(R"({"green_weight": 50})"));
            o.insert(
                u"faults"_s,
                json(
                    R"([{"kind": "error_rate", "at_s": 200, "duration_s": 200, "target": "green", "share": 0.3}])"));
            o.insert(u"thresholds"_s,
                     json(R"({"green.error_rate": "<0.01", "blue.error_rate": "<0.01"})"));
        });
        SimulationEngine engine(s);
        engine.enableLog(100000);
        engine.advanceTo(190);
        auto breaches = [](const std::vector<LogEvent>& log, LogEventKind kind) {
            return std::count_if(log.begin(), log.end(), [&](const LogEvent& e) {
                return e.kind == kind && e.text.find("green.error_rate") != std::string::npos;
            });
        };
        QCOMPARE(breaches(engine.takeLog(), LogEventKind::Breach), 0);
        engine.advanceTo(390);
        std::vector<LogEvent> log = engine.takeLog();
        QCOMPARE(breaches(log, LogEventKind::Breach), 1);  // once, not every check
        const auto breach = std::find_if(log.begin(), log.end(), [](const LogEvent& e) {
            return e.kind == LogEventKind::Breach;
        });
        QCOMPARE(breach->color, std::string("green"));
        QVERIFY(breach->timeSeconds >= 200 && breach->timeSeconds <= 215);
        engine.advanceTo(600);  // the window forgets the fault a minute after it ends
        QCOMPARE(breaches(engine.takeLog(), LogEventKind::Info), 1);
    }

    void trafficWeightRoutes_data() {
        QTest::addColumn<int>("weight");
        QTest::addRow("all blue") << 0;
        QTest::addRow("ten percent") << 10;
        QTest::addRow("half") << 50;
        QTest::addRow("all green") << 100;
    }

    void trafficWeightRoutes() {
        QFETCH(int, weight);
        Scenario s = test::smallScenario();
        s.traffic.greenWeightPercent = weight;
        SimulationEngine engine(s);
        engine.advanceTo(900);
        const MetricsSnapshot snap = engine.snapshot();
        const double green =
            double(snap.green.tickets.created) / double(snap.total.tickets.created);
        QCOMPARE(snap.green.requestedWeightPercent.value_or(-1), weight);
        QCOMPARE(snap.blue.requestedWeightPercent.value_or(-1), 100 - weight);
        QVERIFY2(std::abs(green - weight / 100.0) < 0.06, qPrintable(QString::number(green)));
        if (weight == 0)
            QCOMPARE(snap.green.requestsTotal, std::uint64_t(0));
    }

    void warmupStartsFromSteadyState() {
        Scenario s = test::smallScenario();
        s.warmupSeconds = 600;
        SimulationEngine engine(s);
        engine.warmUp();
        const MetricsSnapshot snap = engine.snapshot();
        QCOMPARE(snap.timeSeconds, 0.0);
        QVERIFY(snap.playersOnline > 300);
        QCOMPARE(snap.total.tickets.matched, std::uint64_t(0));
        QCOMPARE(snap.total.tickets.created, snap.total.tickets.searching);
        QCOMPARE(snap.total.requestsTotal, std::uint64_t(0));
        QVERIFY(snap.conservationOk);
        QVERIFY(snap.playersInMatch > 0);  // matches from the warmup are still being played
    }

    void snapshotIsComplete() {
        Scenario s = test::smallScenario();
        SimulationEngine engine(s);
        engine.advanceTo(400);
        const MetricsSnapshot snap = engine.snapshot();
        QCOMPARE(snap.timeSeconds, 400.0);
        QCOMPARE(snap.regions.size(), s.queues.regions.size());
        QCOMPARE(snap.total.queues.size(), s.queues.queues.size());
        QVERIFY(snap.total.recentRequests > 0);
        QVERIFY(snap.total.recentApiLatencyMs.count() == snap.total.recentRequests);
        QVERIFY(snap.total.recentRequests <= snap.total.requestsTotal);
        QVERIFY(snap.total.matchesPerMinute > 0);
        QVERIFY(snap.tickDurationMs.count() > 0);
        QVERIFY(snap.total.matchQuality.count() == snap.total.matchesTotal);
        QVERIFY(snap.concurrentPlayersPeak >= snap.playersOnline);
        std::uint64_t regionOnline = 0;
        for (const auto& [name, r] : snap.regions)
            regionOnline += r.playersOnline;
        QCOMPARE(regionOnline, snap.playersOnline);
    }

    void ratingsConverge() {
        Scenario s = test::smallScenario();
        s.durationSeconds = 4 * 3600;
        SimulationEngine engine(s);
        engine.advanceTo(600);
        const double early = engine.summary().ratingCorrelation;
        engine.advanceTo(s.durationSeconds);
        const RunSummary late = engine.summary();
        QVERIFY2(late.ratingCorrelation > early,
                 qPrintable(u"%1 -> %2"_s.arg(early).arg(late.ratingCorrelation)));
        QVERIFY2(late.ratingCorrelation > 0.6, qPrintable(QString::number(late.ratingCorrelation)));
        QVERIFY(late.total.balancedMatchShare > 0.3);
    }

    void spearmanRanks() {
        QCOMPARE(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
        QCOMPARE(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
        QCOMPARE(spearman({1, 2, 3}, {5, 5, 5}), 0.0);
        QCOMPARE(spearman({1}, {1}), 0.0);
        QVERIFY(std::abs(spearman({1, 2, 3, 4, 5}, {1, 3, 2, 5, 4}) - 0.8) < 1e-12);
    }

    // Remedies act on their colour: a restart cures a stall there (the other
    // colour of a fault for both stays stalled), a fail-over cures the slow
    // store, and a scale-out doubles the API workers.
    void remediesActOnTheirColour() {
        Scenario scenario = test::smallScenario();
        scenario.traffic.greenWeightPercent = 50;
        SimulationEngine engine(scenario);
        engine.enableLog(100000);
        engine.advanceTo(30);
        FaultSpec stall;
        stall.kind = FaultKind::MatcherStall;
        stall.target = FaultTarget::Both;
        engine.injectFault(stall);
        FaultSpec slowStore;
        slowStore.kind = FaultKind::StoreLatency;
        slowStore.latencyMs = 200;
        slowStore.target = FaultTarget::Blue;
        engine.injectFault(slowStore);
        engine.advanceTo(60);
        const std::uint64_t stalledMatches = engine.snapshot().total.matchesTotal;
        engine.advanceTo(90);
        QCOMPARE(engine.snapshot().total.matchesTotal, stalledMatches);  // both stalled
        engine.restartMatcher(Color::Blue);
        QCOMPARE(engine.activeFaults().size(), std::size_t(2));  // green is still stalled
        engine.advanceTo(150);
        const MetricsSnapshot blueOnly = engine.snapshot();
        QVERIFY(blueOnly.blue.matchesTotal > 0);
        const std::uint64_t greenStalled = blueOnly.green.matchesTotal;
        engine.advanceTo(180);
        QCOMPARE(engine.snapshot().green.matchesTotal, greenStalled);
        engine.restartMatcher(Color::Green);
        QCOMPARE(engine.activeFaults(), std::vector<std::string>{"store latency +200 ms, blue"});
        engine.failoverStore(std::nullopt);
        QVERIFY(engine.activeFaults().empty());
        engine.advanceTo(300);
        QVERIFY(engine.snapshot().green.matchesTotal > greenStalled);  // green matches again
        engine.scaleOut();
        const std::vector<LogEvent> log = engine.takeLog();
        const auto said = [&](const std::string& text) {
            return std::any_of(log.begin(), log.end(),
                               [&](const LogEvent& e) { return e.text == text; });
        };
        QVERIFY(said("matcher restarted: matcher stall, both over on blue"));
        QVERIFY(said("matcher restarted: matcher stall, both over"));
        QVERIFY(said("store failed over to its standby: store latency +200 ms, blue over"));
        const std::string workers = std::to_string(scenario.service.workers);
        QVERIFY(said("scaled out: API workers " + workers + " -> " +
                     std::to_string(2 * scenario.service.workers)));
    }

    // Shedding a region that is out sends its players to their nearest other
    // region: cut off during the outage, they are matched again once it is
    // shed, never in the shed region itself; putting it back in service while
    // it is still out cuts them off again.
    void shedRegionServesItsPlayersElsewhere() {
        Scenario scenario =
            test::smallScenario([](QJsonObject& o) { o.insert(u"duration_s"_s, 1600); });
        SimulationEngine engine(scenario);
        engine.enableLog(100000);
        QVERIFY(!engine.shedRegion("mars", true));
        engine.advanceTo(200);
        FaultSpec outage;
        outage.kind = FaultKind::RegionOutage;
        outage.region = "eu-west";
        engine.injectFault(outage);
        const auto eu = [&] { return engine.snapshot().regions.at("eu-west"); };
        engine.advanceTo(400);
        const std::uint64_t servedWhileOut = eu().ticketWaitSeconds.count();
        engine.advanceTo(600);
        QCOMPARE(eu().ticketWaitSeconds.count(), servedWhileOut);  // nobody of eu-west matched
        QCOMPARE(eu().shed, false);

        QVERIFY(engine.shedRegion("eu-west", true));
        QCOMPARE(eu().shed, true);
        QCOMPARE(eu().reachable, false);  // shed, not mended
        const std::uint64_t hostedThere = eu().matchesTotal;
        engine.advanceTo(900);
        QVERIFY2(eu().ticketWaitSeconds.count() > servedWhileOut + 20,
                 qPrintable(u"%1 -> %2"_s.arg(servedWhileOut).arg(eu().ticketWaitSeconds.count())));
        QCOMPARE(eu().matchesTotal, hostedThere);  // none placed in the shed region
        QVERIFY(engine.snapshot().conservationOk);

        QVERIFY(engine.shedRegion("eu-west", false));
        QCOMPARE(eu().shed, false);
        engine.advanceTo(1200);  // those searching finish (patience 200 s); then nobody new
        const std::uint64_t servedAfter = eu().ticketWaitSeconds.count();
        engine.advanceTo(1500);
        QCOMPARE(eu().ticketWaitSeconds.count(), servedAfter);
        const std::vector<LogEvent> log = engine.takeLog();
        QVERIFY(std::any_of(log.begin(), log.end(), [](const LogEvent& e) {
            return e.text == "region eu-west shed: no match is placed there, its players play in "
                             "their nearest other region";
        }));
    }

    // A healthy region shed: from that moment no match is hosted there,
    // tickets already searching included, while its players go on being
    // matched elsewhere; an outage that follows drops none of them.
    void shedHealthyRegionHostsNoMatch() {
        Scenario scenario = test::smallScenario([](QJsonObject& o) {
            QJsonObject population = o.value(u"population"_s).toObject();
            population.insert(u"players"_s, 3000);
            o.insert(u"population"_s, population);
        });
        SimulationEngine engine(scenario);
        engine.enableLog(100000);
        const auto eu = [&] { return engine.snapshot().regions.at("eu-west"); };
        engine.advanceTo(200);
        QVERIFY2(engine.snapshot().total.tickets.searching > 0, "nobody searching to move");
        QVERIFY(eu().matchesTotal > 0);
        QVERIFY(engine.shedRegion("eu-west", true));
        const std::uint64_t hosted = eu().matchesTotal;
        const std::uint64_t served = eu().ticketWaitSeconds.count();
        engine.advanceTo(250);
        QCOMPARE(eu().matchesTotal, hosted);  // not even those queued before the shed
        FaultSpec outage;
        outage.kind = FaultKind::RegionOutage;
        outage.region = "eu-west";
        engine.injectFault(outage);
        engine.advanceTo(500);
        const std::vector<LogEvent> log = engine.takeLog();
        QVERIFY(std::none_of(log.begin(), log.end(), [](const LogEvent& e) {
            return e.text.find("(region unreachable)") != std::string::npos;
        }));  // none dropped: shed, they reach the service through other regions
        QVERIFY(std::any_of(log.begin(), log.end(), [](const LogEvent& e) {
            return e.text.find("(the party gave up)") != std::string::npos;
        }));  // the cancels there were, players' own
        QCOMPARE(eu().matchesTotal, hosted);
        QVERIFY2(eu().ticketWaitSeconds.count() > served + 20,
                 qPrintable(u"%1 -> %2"_s.arg(served).arg(eu().ticketWaitSeconds.count())));
        QVERIFY(engine.snapshot().conservationOk);
        // Back in service (the outage ended first): hosted there again.
        engine.clearFaults();
        QVERIFY(engine.shedRegion("eu-west", false));
        engine.advanceTo(700);
        QVERIFY(eu().matchesTotal > hosted);
    }

    void serviceOverloadRaisesLatencyThenErrors() {
        ServiceSpec spec;
        spec.workers = 2;
        spec.serviceMedianMs = 10;
        spec.serviceP95Ms = 20;
        spec.queueLimit = 50;
        spec.timeoutMs = 2000;
        spec.networkMs = 0;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            sim::Random rng(seed, 1);
            // Below capacity (~200/s): 100 requests per second.
            sim::ServiceModel light(spec);
            double lightWorst = 0;
            for (int i = 0; i < 1000; ++i) {
                const auto out = light.serve(i * 0.01, rng, 0, 1.0, false);
                QVERIFY(out.ok());
                lightWorst = std::max(lightWorst, out.latencyMs);
            }
            // Far above capacity: 1000 per second. Latency climbs, then 503s.
            sim::ServiceModel heavy(spec);
            double firstLatency = -1, peakLatency = 0;
            int overloaded = 0;
            for (int i = 0; i < 2000; ++i) {
                const auto out = heavy.serve(i * 0.001, rng, 0, 1.0, false);
                if (firstLatency < 0)
                    firstLatency = out.latencyMs;
                if (out.ok())
                    peakLatency = std::max(peakLatency, out.latencyMs);
                overloaded += out.code == sim::ServiceCode::Overloaded ? 1 : 0;
            }
            QVERIFY(peakLatency > 5 * lightWorst);
            QVERIFY(overloaded > 500);
            QVERIFY(firstLatency < 100);
            // Injected errors fail fast without a worker.
            QCOMPARE(heavy.serve(10.0, rng, 0, 1.0, true).code, sim::ServiceCode::Injected);
            // latency_factor: the same draws, the server's time x1.5 (and
            // here all of the latency is the server's: networkMs is 0).
            sim::Random drawsA(seed, 2), drawsB(seed, 2);
            sim::ServiceModel plain(spec), slow(spec);
            for (int i = 0; i < 200; ++i) {
                const auto p = plain.serve(i * 0.01, drawsA, 0, 1.0, false);
                const auto s = slow.serve(i * 0.01, drawsB, 0, 1.5, false);
                QVERIFY(p.ok() && s.ok());
                QCOMPARE_LE(std::abs(s.latencyMs - 1.5 * p.latencyMs), 1e-9);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestSimulationEngine)
#include "tst_simulationengine.moc"
