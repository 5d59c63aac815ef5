// The one fault model: which colour a fault hits, what a request suffers,
// when the matcher stalls, how arrivals surge, and the one wording.
#include "core/FaultEffects.h"

#include <QTest>

#include <vector>

using namespace pulsco;

Q_DECLARE_METATYPE(pulsco::FaultSpec)

namespace {

FaultSpec fault(FaultKind kind, FaultTarget target, double latencyMs = 0, double share = 1.0) {
    FaultSpec f;
    f.kind = kind;
    f.target = target;
    f.latencyMs = latencyMs;
    f.share = share;
    return f;
}

// A draw that answers from a script and counts how often it was asked.
struct ScriptedChance {
    std::vector<bool> answers;
    std::vector<double> asked;
    bool operator()(double share) {
        asked.push_back(share);
        return asked.size() <= answers.size() ? answers[asked.size() - 1] : false;
    }
};

}  // namespace

class TestFaultEffects : public QObject {
    Q_OBJECT
private slots:
    void targets_data();
    void targets();
    void requestImpactAddsAndFails();
    void onlyDrawsForSharedFaults();
    void storeLatencySlowsWritesOnly();
    void latencyFactorMultiplies();
    void stallAndSurge();
    void shareIsHonouredByAFairDraw();
    void wording_data();
    void wording();
};

void TestFaultEffects::targets_data() {
    QTest::addColumn<int>("target");
    QTest::addColumn<bool>("blue");
    QTest::addColumn<bool>("green");
    QTest::addRow("blue") << int(FaultTarget::Blue) << true << false;
    QTest::addRow("green") << int(FaultTarget::Green) << false << true;
    QTest::addRow("both") << int(FaultTarget::Both) << true << true;
}

void TestFaultEffects::targets() {
    QFETCH(int, target);
    QFETCH(bool, blue);
    QFETCH(bool, green);
    const auto t = FaultTarget(target);
    QCOMPARE(hits(t, Color::Blue), blue);
    QCOMPARE(hits(t, Color::Green), green);
    QCOMPARE(colorOf(t).has_value(), t != FaultTarget::Both);
}

void TestFaultEffects::requestImpactAddsAndFails() {
    const std::vector<FaultSpec> running{
        fault(FaultKind::Latency, FaultTarget::Green, 300, 0.5),
        fault(FaultKind::Latency, FaultTarget::Both, 50, 1.0),
        fault(FaultKind::ErrorRate, FaultTarget::Green, 0, 0.2),
        fault(FaultKind::Latency, FaultTarget::Blue, 1000, 1.0),  // not green's
    };
    ScriptedChance yes{{true, true, true}, {}};
    const RequestImpact hit = requestImpact(running, Color::Green, false, std::ref(yes));
    QCOMPARE(hit.addedLatencyMs, 350.0);
    QVERIFY(hit.fails);
    QCOMPARE(yes.asked, (std::vector<double>{0.5, 1.0, 0.2}));

    ScriptedChance no{{false, false, false}, {}};
    const RequestImpact miss = requestImpact(running, Color::Green, false, std::ref(no));
    QCOMPARE(miss.addedLatencyMs, 0.0);
    QVERIFY(!miss.fails);
}

void TestFaultEffects::onlyDrawsForSharedFaults() {
    // Stalls, surges and store latency take no draw: the simulator's random
    // stream (and so its trace) does not depend on them.
    const std::vector<FaultSpec> running{
        fault(FaultKind::MatcherStall, FaultTarget::Both),
        fault(FaultKind::PlayerSurge, FaultTarget::Both),
        fault(FaultKind::StoreLatency, FaultTarget::Both, 40),
    };
    ScriptedChance chance;
    requestImpact(running, Color::Blue, true, std::ref(chance));
    QVERIFY(chance.asked.empty());
}

void TestFaultEffects::storeLatencySlowsWritesOnly() {
    const std::vector<FaultSpec> running{fault(FaultKind::StoreLatency, FaultTarget::Blue, 40)};
    const auto never = [](double) { return false; };
    QCOMPARE(requestImpact(running, Color::Blue, true, never).addedLatencyMs, 40.0);
    QCOMPARE(requestImpact(running, Color::Blue, false, never).addedLatencyMs, 0.0);
    QCOMPARE(requestImpact(running, Color::Green, true, never).addedLatencyMs, 0.0);
    QCOMPARE(storeLatencyMs(running, Color::Blue), 40.0);
    QCOMPARE(storeLatencyMs(running, Color::Green), 0.0);
}

void TestFaultEffects::latencyFactorMultiplies() {
    // Two slower releases on green compound; blue is untouched; one draw each.
    FaultSpec slower = fault(FaultKind::LatencyFactor, FaultTarget::Green, 0, 0.5);
    slower.multiplier = 1.2;
    FaultSpec slowerStill = fault(FaultKind::LatencyFactor, FaultTarget::Both, 0, 1.0);
    slowerStill.multiplier = 1.5;
    const std::vector<FaultSpec> running{slower, slowerStill};
    ScriptedChance yes{{true, true}, {}};
    const RequestImpact green = requestImpact(running, Color::Green, false, std::ref(yes));
    QCOMPARE(green.latencyFactor, 1.2 * 1.5);
    QCOMPARE(green.addedLatencyMs, 0.0);
    QCOMPARE(yes.asked, (std::vector<double>{0.5, 1.0}));
    ScriptedChance firstMisses{{false, true}, {}};
    QCOMPARE(requestImpact(running, Color::Green, false, std::ref(firstMisses)).latencyFactor, 1.5);
    const std::vector<FaultSpec> greenOnly{slower};
    ScriptedChance blue{{true}, {}};
    QCOMPARE(requestImpact(greenOnly, Color::Blue, false, std::ref(blue)).latencyFactor, 1.0);
    QVERIFY(blue.asked.empty());
}

void TestFaultEffects::stallAndSurge() {
    FaultSpec surge = fault(FaultKind::PlayerSurge, FaultTarget::Both);
    surge.multiplier = 3;
    const std::vector<FaultSpec> running{fault(FaultKind::MatcherStall, FaultTarget::Green), surge,
                                         surge};
    QVERIFY(matcherStalled(running, Color::Green));
    QVERIFY(!matcherStalled(running, Color::Blue));
    QCOMPARE(arrivalMultiplier(running), 9.0);
    QCOMPARE(arrivalMultiplier(std::vector<FaultSpec>{}), 1.0);
}

void TestFaultEffects::shareIsHonouredByAFairDraw() {
    // With a uniform draw, an error_rate of 25 % fails a quarter of requests.
    const std::vector<FaultSpec> running{fault(FaultKind::ErrorRate, FaultTarget::Both, 0, 0.25)};
    int failed = 0;
    const int n = 10'000;
    for (int i = 0; i < n; ++i) {
        const double u = (i + 0.5) / n;
        failed += requestImpact(running, Color::Blue, false, [u](double s) { return u < s; }).fails;
    }
    QCOMPARE(failed, n / 4);
}

void TestFaultEffects::wording_data() {
    QTest::addColumn<FaultSpec>("spec");
    QTest::addColumn<int>("where");  // -1: the fault's own target
    QTest::addColumn<QString>("text");
    FaultSpec latency = fault(FaultKind::Latency, FaultTarget::Green, 300, 0.5);
    QTest::addRow("latency") << latency << -1 << u"latency +300 ms on 50 % of requests, green"_qs;
    QTest::addRow("latency on a server") << fault(FaultKind::Latency, FaultTarget::Both, 300, 1.0)
                                         << 0 << u"latency +300 ms on 100 % of requests, blue"_qs;
    QTest::addRow("error rate") << fault(FaultKind::ErrorRate, FaultTarget::Both, 0, 0.125) << -1
                                << u"error rate 12.5 % (503), both"_qs;
    QTest::addRow("stall") << fault(FaultKind::MatcherStall, FaultTarget::Blue) << -1
                           << u"matcher stall, blue"_qs;
    QTest::addRow("store latency") << fault(FaultKind::StoreLatency, FaultTarget::Green, 40) << 1
                                   << u"store latency +40 ms, green"_qs;
    FaultSpec slower = fault(FaultKind::LatencyFactor, FaultTarget::Green, 0, 1.0);
    slower.multiplier = 1.2;
    QTest::addRow("latency factor")
        << slower << -1 << u"latency x1.20 on 100 % of requests, green"_qs;
    FaultSpec outage = fault(FaultKind::RegionOutage, FaultTarget::Both);
    outage.region = "eu-west";
    QTest::addRow("outage") << outage << -1 << u"region outage eu-west"_qs;
    FaultSpec surge = fault(FaultKind::PlayerSurge, FaultTarget::Both);
    surge.multiplier = 2.5;
    QTest::addRow("surge") << surge << -1 << u"player surge x2.5"_qs;
    FaultSpec bad = fault(FaultKind::BadRelease, FaultTarget::Green);
    bad.multiplier = 0.25;
    QTest::addRow("bad release") << bad << -1 << u"bad release (skill window x0.25), green"_qs;
}

void TestFaultEffects::wording() {
    QFETCH(FaultSpec, spec);
    QFETCH(int, where);
    QFETCH(QString, text);
    const std::optional<Color> at = where < 0 ? std::nullopt : std::optional(kColors[where]);
    QCOMPARE(QString::fromStdString(describeFault(spec, at)), text);
}

QTEST_APPLESS_MAIN(TestFaultEffects)
#include "tst_faulteffects.moc"
