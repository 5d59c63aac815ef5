// The replay engine (simulator/engine/ReplayEngine, issue 20): recorded
// arrivals through the core matchmaker on the virtual clock. Arrivals are
// counted exactly by queue, party size and home region; the same input and
// seed give the same trace hash (another seed, with copies, another);
// --amplify K feeds K times the arrivals; a recorded cancel cancels; the
// books balance; recorded regions are matched to the rules' by name.
#include "simulator/engine/ReplayEngine.h"

#include "bridge/QueueConfigJson.h"
#include "core/HomeRegion.h"

#include <QTest>

using namespace pulsco;

namespace {

QueueConfig shippedRules() {
    QString error;
    auto rules =
        loadQueueConfig(QStringLiteral(PULSCO_SOURCE_DIR "/resources/queues.json"), &error);
    if (!rules)
        qFatal("%s", qPrintable(error));
    return *rules;
}

// A day of traffic in miniature: solo duels and parties in every queue,
// pings spread over the shipped regions, one cancel.
std::vector<RecordedEvent> recorded(const QueueConfig& rules, int tickets) {
    std::vector<RecordedEvent> out;
    const char* queues[] = {"duel-1v1", "casual-3v3", "ranked-5v5"};
    const int sizes[] = {1, 2, 3};
    for (int i = 0; i < tickets; ++i) {
        RecordedTicket t;
        t.t = 100.0 + i * 0.05;
        t.ticket = "blue-t" + std::to_string(i + 1);
        t.request.queue = queues[i % 3];
        const int size = i % 3 == 0 ? 1 : sizes[(i / 3) % 3];
        for (int m = 0; m < size; ++m) {
            PartyMember p;
            p.id = "p" + std::to_string(i) + "-" + std::to_string(m);
            p.rating = {20.0 + (i * 7 % 11), 3.0 + (i % 4)};
            for (std::size_t r = 0; r < rules.regions.size(); ++r)
                p.pingMs.push_back(int(20 + ((i + int(r) * 2 + m) % 5) * 15));
            t.request.players.push_back(std::move(p));
        }
        out.push_back(std::move(t));
        if (i == 5)
            out.push_back(RecordedCancel{100.0 + i * 0.05 + 0.01, "blue-t5"});
    }
    return out;
}

struct Run {
    std::uint64_t hash = 0;
    MetricsSnapshot snapshot;
    ReplayArrivals arrivals;
    std::map<std::string, std::uint64_t> refused;
};

Run run(const QueueConfig& rules, const std::vector<RecordedEvent>& events,
        ReplayOptions options = {}) {
    ReplayEngine engine(rules, rules.regions, events, options);
    engine.advanceTo(engine.durationSeconds());
    return {engine.traceHash(), engine.snapshot(), engine.arrivals(), engine.refused()};
}

}  // namespace

class TestReplayEngine : public QObject {
    Q_OBJECT
private slots:
    void countsArrivalsExactly();
    void sameInputSameTrace();
    void amplifyMultipliesArrivals();
    void replaysCancelsAndBalancesTheBooks();
    void matchesRegionsByName();
};

void TestReplayEngine::countsArrivalsExactly() {
    const QueueConfig rules = shippedRules();
    const auto events = recorded(rules, 600);
    ReplayArrivals expected;
    for (const RecordedEvent& e : events)
        if (const auto* t = std::get_if<RecordedTicket>(&e)) {
            ++expected.total;
            ++expected.byQueue[t->request.queue];
            ++expected.byPartySize[int(t->request.players.size())];
            const int home = homeRegion(t->request.players);
            ++expected.byHomeRegion[home < 0 ? std::string() : rules.regions[std::size_t(home)]];
        }
    ReplayEngine engine(rules, rules.regions, events);
    QVERIFY(engine.durationSeconds() > 100);
    engine.advanceTo(engine.durationSeconds());
    QVERIFY(engine.finished());
    QCOMPARE(engine.arrivals(), expected);
    QVERIFY(engine.arrivals().byHomeRegion.size() >= 3);
}

void TestReplayEngine::sameInputSameTrace() {
    const QueueConfig rules = shippedRules();
    const auto events = recorded(rules, 240);
    const Run a = run(rules, events), b = run(rules, events);
    QCOMPARE(a.hash, b.hash);
    QCOMPARE(a.snapshot, b.snapshot);
    QVERIFY(a.snapshot.total.matchesTotal > 30);
    // Advancing in slices gives the same run as in one go.
    ReplayEngine sliced(rules, rules.regions, events);
    while (!sliced.finished())
        sliced.advanceTo(sliced.runTime() + 0.7);
    QCOMPARE(sliced.traceHash(), a.hash);
    // With copies the seed matters: another seed, other jitters.
    ReplayOptions one, two;
    one.amplify = two.amplify = 2;
    two.seed = 2;
    QCOMPARE(run(rules, events, one).hash, run(rules, events, one).hash);
    QVERIFY(run(rules, events, one).hash != run(rules, events, two).hash);
}

void TestReplayEngine::amplifyMultipliesArrivals() {
    const QueueConfig rules = shippedRules();
    const auto events = recorded(rules, 150);
    const Run once = run(rules, events);
    ReplayOptions o;
    o.amplify = 4;
    const Run four = run(rules, events, o);
    QCOMPARE(four.arrivals.total, 4 * once.arrivals.total);
    for (const auto& [queue, n] : once.arrivals.byQueue)
        QCOMPARE(four.arrivals.byQueue.at(queue), 4 * n);
    for (const auto& [size, n] : once.arrivals.byPartySize)
        QCOMPARE(four.arrivals.byPartySize.at(size), 4 * n);
    // Copies have their own players: none is refused as already searching.
    QVERIFY(four.refused.count("a player already searching") == 0);
    QCOMPARE(four.snapshot.total.tickets.created, 4 * once.snapshot.total.tickets.created);
}

void TestReplayEngine::replaysCancelsAndBalancesTheBooks() {
    const QueueConfig rules = shippedRules();
    const auto events = recorded(rules, 200);
    const Run engine = run(rules, events);
    const MetricsSnapshot& s = engine.snapshot;
    QCOMPARE(s.total.tickets.cancelled, 1u);
    QVERIFY(s.conservationOk);
    QCOMPARE(s.total.tickets.searching, 0u);  // the run lasts past every max wait
    QCOMPARE(
        s.total.tickets.created +
            [&] {
                std::uint64_t refused = 0;
                for (const auto& [why, n] : engine.refused)
                    refused += n;
                return refused;
            }(),
        engine.arrivals.total);
    QCOMPARE(s.total.ticketWaitSeconds.count(), s.total.tickets.matched);
    QVERIFY(s.total.matchQuality.count() == s.total.matchesTotal);
}

void TestReplayEngine::matchesRegionsByName() {
    const QueueConfig rules = shippedRules();
    // The recording lists the regions reversed and one the rules lack.
    std::vector<std::string> recordedRegions(rules.regions.rbegin(), rules.regions.rend());
    recordedRegions.push_back("moon-base");
    RecordedTicket t{0, "blue-t1", {"duel-1v1", {}}};
    PartyMember p;
    p.id = "solo";
    p.pingMs.assign(recordedRegions.size(), kUnreachablePing);
    p.pingMs[0] = 40;  // the last of the rules' regions
    p.pingMs.back() = 1;
    t.request.players.push_back(p);
    ReplayEngine engine(rules, recordedRegions, {t});
    engine.advanceTo(engine.durationSeconds());
    QCOMPARE(engine.arrivals().byHomeRegion.begin()->first, rules.regions.back());
    QCOMPARE(engine.notes().size(), 1u);
    QVERIFY(engine.notes()[0].find("moon-base") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestReplayEngine)
#include "tst_replayengine.moc"
