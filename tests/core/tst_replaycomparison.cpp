// core/ReplayComparison: the paired bootstrap comparison of two replays.
// Identical replays pass with a change of exactly zero; a real worsening
// breaks its bar with an interval clear of zero; an improvement passes; a
// change carried by one arrival is not told apart from chance; small groups
// and figures without data are shown, not judged; bars parse or say why.
#include "core/ReplayComparison.h"

#include <QTest>

#include <cmath>

using namespace pulsco;

namespace {

// n arrivals in one queue over two home regions, every one matched, with
// waits and qualities spread so percentiles move when they change.
ReplayOutcomes matchedArrivals(std::size_t n) {
    ReplayOutcomes o;
    o.queues = {"ranked-5v5"};
    o.regions = {"eu-west", "us-east", ""};
    for (std::size_t i = 0; i < n; ++i) {
        ArrivalOutcome a;
        a.queue = 0;
        a.homeRegion = std::uint32_t(i % 2);
        a.fate = ArrivalFate::Matched;
        a.waitSeconds = float(1 + (i * 7919) % 100) / 10.0f;   // 0.1 .. 10 s
        a.quality = 0.6f + float((i * 104729) % 40) / 100.0f;  // 0.6 .. 0.99
        a.ratingSpread = float(i % 5);
        a.pingMs = float(20 + i % 60);
        o.arrivals.push_back(a);
    }
    return o;
}

// A copy: callers may pass a temporary comparison.
MetricChange figure(const ReplayComparison& c, const std::string& group,
                    const std::string& metric) {
    for (const GroupComparison& g : c.groups) {
        const std::string name = g.queue.empty()    ? "all"
                                 : g.region.empty() ? g.queue
                                                    : g.queue + "/" + g.region;
        if (name == group)
            for (const MetricChange& m : g.metrics)
                if (m.metric == metric)
                    return m;
    }
    return {};
}

ReplayComparison compare(const ReplayOutcomes& a, const ReplayOutcomes& b,
                         ComparisonOptions options = {}) {
    options.resamples = 400;
    std::string error;
    auto c = compareReplays(a, b, options, &error);
    if (!c)
        qFatal("compareReplays refused: %s", error.c_str());
    return *c;
}

}  // namespace

class TestReplayComparison : public QObject {
    Q_OBJECT
private slots:
    void identicalReplaysPass();
    void slowerWaitsRegress();
    void lowerQualityRegressesHigherPasses();
    void oneArrivalIsNotARealChange();
    void smallGroupsAndMissingDataAreNotJudged();
    void theSeedFixesTheIntervals();
    void differentArrivalsAreRefused();
    void barsParse_data();
    void barsParse();
    void barsRefuse_data();
    void barsRefuse();
};

void TestReplayComparison::identicalReplaysPass() {
    const ReplayOutcomes a = matchedArrivals(1000);
    const ReplayComparison c = compare(a, a);
    QVERIFY(!c.regressed());
    // all traffic, the queue, its two regions
    QCOMPARE(c.groups.size(), std::size_t(4));
    for (const GroupComparison& g : c.groups)
        for (const MetricChange& m : g.metrics) {
            QCOMPARE(m.change, 0.0);
            QCOMPARE(m.low, 0.0);
            QCOMPARE(m.high, 0.0);
        }
    const MetricChange& wait = figure(c, "all", "wait_p95_s");
    QVERIFY(wait.judged);
    QCOMPARE(wait.samplesA, std::uint64_t(1000));
    QVERIFY2(wait.verdict.find("within <=+10%") != std::string::npos, wait.verdict.c_str());
}

void TestReplayComparison::slowerWaitsRegress() {
    const ReplayOutcomes a = matchedArrivals(1000);
    ReplayOutcomes b = a;
    for (ArrivalOutcome& o : b.arrivals)
        o.waitSeconds *= 1.5f;
    const ReplayComparison c = compare(a, b);
    QVERIFY(c.regressed());
    for (const char* group : {"all", "ranked-5v5", "ranked-5v5/eu-west", "ranked-5v5/us-east"}) {
        const MetricChange& m = figure(c, group, "wait_p95_s");
        QVERIFY2(m.regressed, m.verdict.c_str());
        QVERIFY(m.low > 0);
        QVERIFY(m.low <= m.change && m.change <= m.high);
        QVERIFY2(m.verdict.find("+50") != std::string::npos, m.verdict.c_str());
    }
    // Only waits changed: nothing else is flagged.
    for (const GroupComparison& g : c.groups)
        for (const MetricChange& m : g.metrics)
            QCOMPARE(m.regressed, m.metric == "wait_p50_s" || m.metric == "wait_p95_s");
    QCOMPARE(c.regressions.size(), std::size_t(8));
    QVERIFY2(c.regressions.front().rfind("all traffic: wait_p50_s", 0) == 0,
             c.regressions.front().c_str());
}

void TestReplayComparison::lowerQualityRegressesHigherPasses() {
    const ReplayOutcomes a = matchedArrivals(1000);
    ReplayOutcomes worse = a, better = a;
    for (ArrivalOutcome& o : worse.arrivals)
        o.quality -= 0.1f;
    for (ArrivalOutcome& o : better.arrivals)
        o.quality = std::min(1.0f, o.quality + 0.1f);
    const MetricChange& down = figure(compare(a, worse), "all", "quality_p50");
    QVERIFY2(down.regressed, down.verdict.c_str());
    QVERIFY(down.high < 0);
    const ReplayComparison up = compare(a, better);
    QVERIFY(!up.regressed());
    QVERIFY(figure(up, "all", "quality_p50").change > 0.05);
}

void TestReplayComparison::oneArrivalIsNotARealChange() {
    // One more expiry in 400 arrivals: +0.0025 breaks "<=+0.001", but a
    // resample misses that arrival often enough that 0 is in the interval.
    const ReplayOutcomes a = matchedArrivals(400);
    ReplayOutcomes b = a;
    b.arrivals[17].fate = ArrivalFate::Expired;
    ComparisonOptions options;
    std::string why;
    options.bars = {*parseComparisonBar("expiry_rate", "<=+0.001", &why)};
    const MetricChange& m = figure(compare(a, b, options), "all", "expiry_rate");
    QVERIFY(m.judged);
    QVERIFY(!m.regressed);
    QCOMPARE(m.low, 0.0);
    QVERIFY(m.high > 0);
    QVERIFY2(m.verdict.find("not told apart from chance") != std::string::npos, m.verdict.c_str());
}

void TestReplayComparison::smallGroupsAndMissingDataAreNotJudged() {
    ReplayOutcomes a = matchedArrivals(300);
    // A second queue with 20 arrivals, every one expired in A and B.
    a.queues.push_back("duel-1v1");
    for (int i = 0; i < 20; ++i) {
        ArrivalOutcome o;
        o.queue = 1;
        o.homeRegion = 0;
        o.fate = ArrivalFate::Expired;
        a.arrivals.push_back(o);
    }
    ReplayOutcomes b = a;
    for (ArrivalOutcome& o : b.arrivals)
        o.waitSeconds *= 3;
    const ReplayComparison c = compare(a, b);
    const MetricChange& small = figure(c, "duel-1v1", "expiry_rate");
    QVERIFY(!small.judged);
    QVERIFY2(small.verdict.find("20 arrivals, fewer than 100") != std::string::npos,
             small.verdict.c_str());
    // With the minimum lowered it is judged, and its waits have no data.
    ComparisonOptions options;
    options.minArrivals = 10;
    const MetricChange& noWaits = figure(compare(a, b, options), "duel-1v1", "wait_p95_s");
    QVERIFY(!noWaits.a && !noWaits.b);
    QVERIFY(!noWaits.judged);
    QVERIFY2(noWaits.verdict.find("no data in A or B") != std::string::npos,
             noWaits.verdict.c_str());
    QVERIFY(figure(c, "ranked-5v5", "wait_p95_s").regressed);
}

void TestReplayComparison::theSeedFixesTheIntervals() {
    const ReplayOutcomes a = matchedArrivals(500);
    ReplayOutcomes b = a;
    for (std::size_t i = 0; i < b.arrivals.size(); i += 3)
        b.arrivals[i].waitSeconds += 1;
    ComparisonOptions one, other;
    other.seed = 99;
    const MetricChange x = figure(compare(a, b, one), "all", "wait_p95_s");
    const MetricChange y = figure(compare(a, b, one), "all", "wait_p95_s");
    const MetricChange z = figure(compare(a, b, other), "all", "wait_p95_s");
    QCOMPARE(x.low, y.low);
    QCOMPARE(x.high, y.high);
    QVERIFY(x.low != z.low || x.high != z.high);
    QCOMPARE(x.change, z.change);  // the point estimate is the data's, not the draw's
}

void TestReplayComparison::differentArrivalsAreRefused() {
    const ReplayOutcomes a = matchedArrivals(100);
    ReplayOutcomes shorter = a, otherQueue = a;
    shorter.arrivals.pop_back();
    otherQueue.queues = {"casual-3v3"};
    std::string error;
    QVERIFY(!compareReplays(a, shorter, {}, &error));
    QVERIFY2(error.find("100 and 99") != std::string::npos, error.c_str());
    QVERIFY(!compareReplays(a, otherQueue, {}, &error));
    QVERIFY2(error.find("differ at arrival 1") != std::string::npos, error.c_str());
}

void TestReplayComparison::barsParse_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<double>("a");
    QTest::addColumn<double>("b");
    QTest::addColumn<bool>("holds");
    QTest::newRow("relative within") << "<=+10%" << 10.0 << 11.0 << true;
    QTest::newRow("relative beyond") << "<=+10%" << 10.0 << 11.5 << false;
    QTest::newRow("relative from zero") << "<=+10%" << 0.0 << 0.1 << false;
    QTest::newRow("zero to zero") << "<+10%" << 0.0 << 0.0 << true;
    QTest::newRow("absolute") << "<=+0.005" << 0.01 << 0.014 << true;
    QTest::newRow("absolute beyond") << "<+0.005" << 0.01 << 0.016 << false;
    QTest::newRow("lower bound") << ">=-0.02" << 0.9 << 0.85 << false;
    QTest::newRow("improvement") << ">=-0.02" << 0.9 << 0.95 << true;
    QTest::newRow("unsigned") << "<5" << 1.0 << 5.5 << true;
}

void TestReplayComparison::barsParse() {
    QFETCH(QString, text);
    QFETCH(double, a);
    QFETCH(double, b);
    QFETCH(bool, holds);
    std::string why;
    const auto bar = parseComparisonBar("wait_p95_s", text.toStdString(), &why);
    QVERIFY2(bar, why.c_str());
    QCOMPARE(bar->holds(a, b), holds);
}

void TestReplayComparison::barsRefuse_data() {
    QTest::addColumn<QString>("metric");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("says");
    QTest::newRow("unknown figure") << "wait_p99_s"
                                    << "<1"
                                    << "unknown figure \"wait_p99_s\"";
    QTest::newRow("no operator") << "wait_p95_s"
                                 << "10%"
                                 << "must start with <, <=, > or >=";
    QTest::newRow("no number") << "wait_p95_s"
                               << "<=%"
                               << "a signed number";
    QTest::newRow("trailing text") << "wait_p95_s"
                                   << "<=10s"
                                   << "a signed number";
    QTest::newRow("plus minus") << "wait_p95_s"
                                << "<=+-1"
                                << "a signed number";
    QTest::newRow("equality") << "wait_p95_s"
                              << "==0"
                              << "must start with";
}

void TestReplayComparison::barsRefuse() {
    QFETCH(QString, metric);
    QFETCH(QString, text);
    QFETCH(QString, says);
    std::string why;
    QVERIFY(!parseComparisonBar(metric.toStdString(), text.toStdString(), &why));
    QVERIFY2(why.find(says.toStdString()) != std::string::npos, why.c_str());
}

QTEST_GUILESS_MAIN(TestReplayComparison)
#include "tst_replaycomparison.moc"
