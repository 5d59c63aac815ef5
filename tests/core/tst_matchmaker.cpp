// The matchmaker's behaviour on small hand-made cases: refusals and their
// messages, windows and ping limits at their exact steps, region choice,
// expiry, cancel, parties, balance, quality and determinism.
#include "core/MatchQuality.h"
#include "core/Matchmaker.h"

#include "MatcherFixtures.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

using namespace pulsco;
using test::member;
using test::party;
using test::solo;

Q_DECLARE_METATYPE(pulsco::TicketRequest)
Q_DECLARE_METATYPE(std::vector<int>)

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// The players of a match, per team, by id.
std::vector<std::set<std::string>> teamsOf(const Matchmaker& mm, const MatchFormed& match,
                                           const std::map<TicketId, TicketRequest>& requests) {
    std::vector<std::set<std::string>> teams(
        mm.config().queues[std::size_t(match.queue)].teamCount);
    for (const MatchSlot& slot : match.tickets) {
        for (const PartyMember& m : requests.at(slot.ticket).players)
            teams[std::size_t(slot.team)].insert(m.id);
    }
    return teams;
}

}  // namespace

class TestMatchmaker : public QObject {
    Q_OBJECT
private slots:
    void refusals_data();
    void refusals();
    void duplicatePlayerAcrossQueues();
    void queuedTicketIsVisible();
    void cancel();
    void windowWidensAtSteps_data();
    void windowWidensAtSteps();
    void oldestTicketSetsTheWindow();
    void pingLimitRelaxesAtSteps_data();
    void pingLimitRelaxesAtSteps();
    void unreachableAnchorIsRetriedAtTheNextStep();
    void closedRegionHostsNoMatch();
    void regionMinimisesWorstPing_data();
    void regionMinimisesWorstPing();
    void expiresAtMaxWait();
    void partiesStayTogether();
    void partyMixThatCannotPackWaits();
    void balanceIsOptimal();
    void qualityIsOrderedSensibly();
    void qualityTermsFormula();
    void deterministic();
    void outputBuffersAreRecycled();
    void timeNeverRunsBackwards();
    void invalidConfigThrows();
    void moveKeepsState();
    void manyTicketsMatchInOneTick();
};

void TestMatchmaker::refusals_data() {
    QTest::addColumn<TicketRequest>("request");
    QTest::addColumn<int>("error");
    QTest::addColumn<QString>("message");
    QTest::addRow("unknown queue") << solo("nope", "a", 25) << int(EnqueueError::UnknownQueue)
                                   << u"queue: unknown queue \"nope\""_qs;
    QTest::addRow("empty party") << TicketRequest{"ranked-5v5", {}}
                                 << int(EnqueueError::PartySizeNotAllowed)
                                 << u"players: must list at least one player"_qs;
    QTest::addRow("party of four")
        << party("ranked-5v5", "p", 4, 25) << int(EnqueueError::PartySizeNotAllowed)
        << u"players: a party of 4 is not allowed in ranked-5v5 (allowed: 1, 2, 3, 5)"_qs;
    QTest::addRow("party in duel")
        << party("duel-1v1", "p", 2, 25) << int(EnqueueError::PartySizeNotAllowed)
        << u"players: a party of 2 is not allowed in duel-1v1 (allowed: 1)"_qs;
    QTest::addRow("empty id") << solo("duel-1v1", "", 25) << int(EnqueueError::InvalidPlayer)
                              << u"players[0].id: must be a non-empty string"_qs;
    TicketRequest nanMu = party("casual-3v3", "p", 2, 25);
    nanMu.players[1].rating.mu = kNaN;
    QTest::addRow("mu not a number") << nanMu << int(EnqueueError::InvalidPlayer)
                                     << u"players[1].rating.mu: must be a finite number"_qs;
    TicketRequest negativeSigma = solo("duel-1v1", "a", 25);
    negativeSigma.players[0].rating.sigma = -1;
    QTest::addRow("negative sigma") << negativeSigma << int(EnqueueError::InvalidPlayer)
                                    << u"players[0].rating.sigma: must be a finite number >= 0"_qs;
    QTest::addRow("too many pings")
        << solo("duel-1v1", "a", 25, {1, 2, 3, 4}) << int(EnqueueError::InvalidPlayer)
        << u"players[0].pings: more entries than the 3 configured regions"_qs;
    QTest::addRow("negative ping")
        << solo("duel-1v1", "a", 25, {10, -1}) << int(EnqueueError::InvalidPlayer)
        << u"players[0].pings.us-east: must be >= 0"_qs;
    TicketRequest twice = party("casual-3v3", "p", 2, 25);
    twice.players[1].id = "p0";
    QTest::addRow("same player twice in the party")
        << twice << int(EnqueueError::DuplicatePlayer)
        << u"players[1].id: player \"p0\" is listed twice in this party"_qs;
    QTest::addRow("no region within the widest limit")
        << solo("duel-1v1", "a", 25, {151, 300, kUnreachablePing})
        << int(EnqueueError::NoReachableRegion)
        << u"players.pings: no region is reachable by every member within 150 ms"_qs;
    TicketRequest split = party("casual-3v3", "p", 2, 25);
    split.players[0].pingMs = {20, 200};
    split.players[1].pingMs = {200, 20};
    QTest::addRow("members reach different regions only")
        << split << int(EnqueueError::NoReachableRegion)
        << u"players.pings: no region is reachable by every member within 150 ms"_qs;
}

void TestMatchmaker::refusals() {
    QFETCH(TicketRequest, request);
    QFETCH(int, error);
    QFETCH(QString, message);
    Matchmaker mm(test::shippedConfig());
    const EnqueueResult result = mm.enqueue(request, 1.0);
    QVERIFY(!result.ok());
    QCOMPARE(result.id, TicketId(0));
    QCOMPARE(int(result.error), error);
    QCOMPARE(QString::fromStdString(result.message), message);
    QCOMPARE(mm.searchingTickets(), 0);
    QVERIFY(mm.takeOutput().empty());
    // The refused request left nothing behind: its players can queue.
    QVERIFY(mm.enqueue(solo("duel-1v1", "p0", 25), 1.0).ok());
}

void TestMatchmaker::duplicatePlayerAcrossQueues() {
    Matchmaker mm(test::shippedConfig());
    const EnqueueResult first = mm.enqueue(solo("duel-1v1", "p1", 25), 0);
    QVERIFY(first.ok());
    TicketRequest request = party("ranked-5v5", "q", 3, 25);
    request.players[2].id = "p1";
    const EnqueueResult again = mm.enqueue(request, 1);
    QCOMPARE(int(again.error), int(EnqueueError::DuplicatePlayer));
    QCOMPARE(QString::fromStdString(again.message),
             u"players[2].id: player \"p1\" already has a live ticket"_qs);
    QVERIFY(mm.cancel(first.id, 2));
    QVERIFY(mm.enqueue(request, 3).ok());
    // Matched players are free again.
    const EnqueueResult rival = mm.enqueue(solo("duel-1v1", "p2", 25), 4);
    QVERIFY(mm.enqueue(solo("duel-1v1", "p3", 25), 4).ok());
    mm.tick(5);
    QVERIFY(!mm.state(rival.id).has_value());
    QVERIFY(mm.enqueue(solo("casual-3v3", "p2", 25), 6).ok());
}

void TestMatchmaker::queuedTicketIsVisible() {
    Matchmaker mm(test::shippedConfig());
    const EnqueueResult result = mm.enqueue(party("casual-3v3", "p", 2, 30), 12.5);
    QVERIFY(result.ok());
    QVERIFY(result.message.empty());
    QCOMPARE(mm.state(result.id), std::optional<TicketState>(TicketState::Searching));
    const std::optional<TicketInfo> info = mm.ticket(result.id);
    QVERIFY(info);
    QCOMPARE(info->id, result.id);
    QCOMPARE(info->queue, 1);
    QCOMPARE(info->enqueuedAt, 12.5);
    QCOMPARE(info->players, (std::vector<std::string>{"p0", "p1"}));
    QCOMPARE(mm.enqueuedAt(result.id), 12.5);
    QCOMPARE(mm.searchingTickets(), 1);
    const auto status = mm.queueStatus(20);
    QCOMPARE(status.size(), std::size_t(3));
    QCOMPARE(status[1].name, std::string("casual-3v3"));
    QCOMPARE(status[1].depth, 1);
    QCOMPARE(status[1].playersSearching, 2);
    QCOMPARE(status[1].oldestWaitSeconds, 7.5);
    QCOMPARE(status[0].depth, 0);
    QCOMPARE(status[0].oldestWaitSeconds, 0.0);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.ticketEvents.size(), std::size_t(1));
    QCOMPARE(int(out.ticketEvents[0].kind), int(TicketEvent::Kind::Queued));
    QCOMPARE(out.ticketEvents[0].ticket, result.id);
    QCOMPARE(out.ticketEvents[0].queue, 1);
    QCOMPARE(out.ticketEvents[0].time, 12.5);
    QCOMPARE(out.ticketEvents[0].waitSeconds, 0.0);
    QVERIFY(mm.takeOutput().empty());
    // Unknown ids.
    QVERIFY(!mm.state(result.id + 100).has_value());
    QVERIFY(!mm.ticket(0));
    QVERIFY(std::isnan(mm.enqueuedAt(999)));
}

void TestMatchmaker::cancel() {
    Matchmaker mm(test::shippedConfig());
    const TicketId a = mm.enqueue(solo("duel-1v1", "a", 25), 0).id;
    const TicketId b = mm.enqueue(solo("duel-1v1", "b", 25), 1).id;
    mm.takeOutput();
    QVERIFY(mm.cancel(a, 4));
    QVERIFY(!mm.cancel(a, 5));
    QVERIFY(!mm.cancel(12345, 5));
    QVERIFY(!mm.state(a).has_value());
    QVERIFY(!mm.ticket(a));
    MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.ticketEvents.size(), std::size_t(1));
    QCOMPARE(int(out.ticketEvents[0].kind), int(TicketEvent::Kind::Cancelled));
    QCOMPARE(out.ticketEvents[0].waitSeconds, 4.0);
    // The oldest wait skips the cancelled ticket.
    QCOMPARE(mm.queueStatus(11)[2].oldestWaitSeconds, 10.0);
    // A cancelled ticket is never matched.
    const TicketId c = mm.enqueue(solo("duel-1v1", "c", 25), 6).id;
    mm.tick(7);
    out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    std::set<TicketId> matched;
    for (const MatchSlot& slot : out.matches[0].tickets)
        matched.insert(slot.ticket);
    QCOMPARE(matched, (std::set<TicketId>{b, c}));
    QCOMPARE(mm.searchingTickets(), 0);
}

void TestMatchmaker::windowWidensAtSteps_data() {
    QTest::addColumn<double>("distance");
    QTest::addColumn<double>("tickAt");
    QTest::addColumn<bool>("matches");
    // Window +-2 from 0 s, +-4 from 10 s, +-8 from 30 s (inclusive).
    QTest::addRow("2 apart at once") << 2.0 << 0.0 << true;
    QTest::addRow("2.5 apart at once") << 2.5 << 0.0 << false;
    QTest::addRow("2.5 apart at 9.99 s") << 2.5 << 9.99 << false;
    QTest::addRow("2.5 apart at 10 s") << 2.5 << 10.0 << true;
    QTest::addRow("4 apart at 10 s") << 4.0 << 10.0 << true;
    QTest::addRow("5 apart at 29.99 s") << 5.0 << 29.99 << false;
    QTest::addRow("5 apart at 30 s") << 5.0 << 30.0 << true;
    QTest::addRow("8.5 apart at 299 s") << 8.5 << 299.0 << false;
    QTest::addRow("below the anchor too") << -7.5 << 30.0 << true;
}

void TestMatchmaker::windowWidensAtSteps() {
    QFETCH(double, distance);
    QFETCH(double, tickAt);
    QFETCH(bool, matches);
    Matchmaker mm(test::shippedConfig());
    QVERIFY(mm.enqueue(solo("duel-1v1", "a", 25), 0).ok());
    QVERIFY(mm.enqueue(solo("duel-1v1", "b", 25 + distance), 0).ok());
    mm.tick(tickAt);
    QCOMPARE(mm.takeOutput().matches.size(), std::size_t(matches ? 1 : 0));
    QCOMPARE(mm.searchingTickets(), matches ? 0 : 2);
}

void TestMatchmaker::oldestTicketSetsTheWindow() {
    Matchmaker mm(test::shippedConfig());
    QVERIFY(mm.enqueue(solo("duel-1v1", "old", 25), 0).ok());
    mm.tick(5);
    QVERIFY(mm.enqueue(solo("duel-1v1", "new", 28.5), 10).ok());
    // The newcomer waited 0 s (window 2) but the oldest waited 10 s (window 4).
    mm.tick(10);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    const MatchFormed& m = out.matches[0];
    QCOMPARE(m.tickets.size(), std::size_t(2));
    std::set<double> waits{m.tickets[0].waitSeconds, m.tickets[1].waitSeconds};
    QCOMPARE(waits, (std::set<double>{0.0, 10.0}));
    QCOMPARE(m.skillSpread, 3.5);
    QCOMPARE(m.time, 10.0);
}

void TestMatchmaker::pingLimitRelaxesAtSteps_data() {
    QTest::addColumn<int>("worstPing");
    QTest::addColumn<double>("tickAt");
    QTest::addColumn<bool>("matches");
    // Limit 60 ms from 0 s, 100 ms from 10 s, 150 ms from 30 s (inclusive).
    QTest::addRow("60 ms at once") << 60 << 0.0 << true;
    QTest::addRow("90 ms at once") << 90 << 0.0 << false;
    QTest::addRow("90 ms at 9.9 s") << 90 << 9.9 << false;
    QTest::addRow("90 ms at 10 s") << 90 << 10.0 << true;
    QTest::addRow("140 ms at 29 s") << 140 << 29.0 << false;
    QTest::addRow("140 ms at 30 s") << 140 << 30.0 << true;
}

void TestMatchmaker::pingLimitRelaxesAtSteps() {
    QFETCH(int, worstPing);
    QFETCH(double, tickAt);
    QFETCH(bool, matches);
    Matchmaker mm(test::shippedConfig());
    QVERIFY(mm.enqueue(solo("duel-1v1", "a", 25, {40, kUnreachablePing, 200}), 0).ok());
    QVERIFY(mm.enqueue(solo("duel-1v1", "b", 25, {worstPing, 30}), 0).ok());
    mm.tick(tickAt);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(matches ? 1 : 0));
    if (matches) {
        QCOMPARE(out.matches[0].region, 0);
        QCOMPARE(out.matches[0].worstPingMs, worstPing);
    }
}

void TestMatchmaker::unreachableAnchorIsRetriedAtTheNextStep() {
    Matchmaker mm(test::shippedConfig());
    // The oldest ticket reaches nothing within 60 ms; it waits for the
    // 100 ms step at 10 s, however many ticks come before.
    QVERIFY(mm.enqueue(solo("duel-1v1", "far", 25, {90, 120, 130}), 0).ok());
    QVERIFY(mm.enqueue(solo("duel-1v1", "near", 25, {20, 20, 20}), 0).ok());
    for (double t : {0.0, 3.0, 9.99}) {
        mm.tick(t);
        QCOMPARE(mm.takeOutput().matches.size(), std::size_t(0));
    }
    mm.tick(10);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    QCOMPARE(out.matches[0].worstPingMs, 90);
    QCOMPARE(out.matches[0].region, 0);
    // Two tickets without a common region never match, at any step.
    QVERIFY(mm.enqueue(solo("duel-1v1", "west", 25, {149, kUnreachablePing, 149}), 20).ok());
    QVERIFY(mm.enqueue(solo("duel-1v1", "east", 25, {kUnreachablePing, 10}), 20).ok());
    mm.tick(60);
    mm.tick(100);
    QCOMPARE(mm.takeOutput().matches.size(), std::size_t(0));
    QCOMPARE(mm.searchingTickets(), 2);
}

// An operator sheds a region: no match is formed there from the next tick,
// for tickets queued before as after; reopened, it is used again at once,
// even by a ticket that had found no open region through its last step.
void TestMatchmaker::closedRegionHostsNoMatch() {
    Matchmaker mm(test::shippedConfig());
    QVERIFY(mm.enqueue(solo("duel-1v1", "a", 25, {10, 40, 200}), 0).ok());  // queued before
    mm.setClosedRegions({0, 7, -1});
    QVERIFY(mm.regionClosed(0));
    QVERIFY(!mm.regionClosed(1) && !mm.regionClosed(7) && !mm.regionClosed(-1));
    QVERIFY(mm.enqueue(solo("duel-1v1", "b", 25, {10, 50, 200}), 0).ok());
    mm.tick(1);
    MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    QCOMPARE(out.matches[0].region, 1);
    QCOMPARE(out.matches[0].worstPingMs, 50);

    // Reachable in the closed region only: no match through every step.
    QVERIFY(
        mm.enqueue(solo("duel-1v1", "c", 25, {20, kUnreachablePing, kUnreachablePing}), 2).ok());
    QVERIFY(
        mm.enqueue(solo("duel-1v1", "d", 25, {30, kUnreachablePing, kUnreachablePing}), 2).ok());
    for (double t : {3.0, 15.0, 40.0, 100.0}) {
        mm.tick(t);
        QCOMPARE(mm.takeOutput().matches.size(), std::size_t(0));
    }
    mm.setClosedRegions({});
    QVERIFY(!mm.regionClosed(0));
    mm.tick(101);
    out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    QCOMPARE(out.matches[0].region, 0);
    QCOMPARE(mm.searchingTickets(), 0);
}

void TestMatchmaker::regionMinimisesWorstPing_data() {
    QTest::addColumn<std::vector<int>>("a");
    QTest::addColumn<std::vector<int>>("b");
    QTest::addColumn<int>("region");
    QTest::addColumn<int>("worstPing");
    QTest::addRow("middle region")
        << std::vector<int>{50, 30, 55} << std::vector<int>{40, 45, 20} << 1 << 45;
    QTest::addRow("tie goes to the lower index")
        << std::vector<int>{30, 10, 30} << std::vector<int>{10, 30, 10} << 0 << 30;
    QTest::addRow("missing entry means unreachable")
        << std::vector<int>{50} << std::vector<int>{20, 5, 5} << 0 << 50;
    QTest::addRow("best region is the anchor's worst")
        << std::vector<int>{59, 5, 58} << std::vector<int>{1, 59, 2} << 2 << 58;
}

void TestMatchmaker::regionMinimisesWorstPing() {
    QFETCH(std::vector<int>, a);
    QFETCH(std::vector<int>, b);
    QFETCH(int, region);
    QFETCH(int, worstPing);
    Matchmaker mm(test::shippedConfig());
    QVERIFY(mm.enqueue(solo("duel-1v1", "a", 25, a), 0).ok());
    QVERIFY(mm.enqueue(solo("duel-1v1", "b", 26, b), 0).ok());
    mm.tick(1);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    QCOMPARE(out.matches[0].region, region);
    QCOMPARE(out.matches[0].worstPingMs, worstPing);
}

void TestMatchmaker::expiresAtMaxWait() {
    Matchmaker mm(test::shippedConfig());
    const TicketId a = mm.enqueue(solo("ranked-5v5", "a", 25), 0).id;
    const TicketId b = mm.enqueue(party("ranked-5v5", "p", 2, 25), 100).id;
    mm.takeOutput();
    mm.tick(299.9);
    QVERIFY(mm.takeOutput().empty());
    mm.tick(300);
    MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.ticketEvents.size(), std::size_t(1));
    QCOMPARE(int(out.ticketEvents[0].kind), int(TicketEvent::Kind::Expired));
    QCOMPARE(out.ticketEvents[0].ticket, a);
    QCOMPARE(out.ticketEvents[0].waitSeconds, 300.0);
    QVERIFY(!mm.state(a).has_value());
    QCOMPARE(mm.state(b), std::optional<TicketState>(TicketState::Searching));
    QCOMPARE(mm.queueStatus(300)[0].depth, 1);
    QCOMPARE(mm.queueStatus(300)[0].playersSearching, 2);
    // Two tickets that could match but both waited too long expire instead.
    QVERIFY(mm.enqueue(solo("duel-1v1", "x", 25), 300).ok());
    QVERIFY(mm.enqueue(solo("duel-1v1", "y", 25), 300).ok());
    mm.takeOutput();
    mm.tick(1000);
    out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(0));
    QCOMPARE(out.ticketEvents.size(), std::size_t(3));
    QCOMPARE(mm.searchingTickets(), 0);
}

void TestMatchmaker::partiesStayTogether() {
    Matchmaker mm(test::shippedConfig());
    std::map<TicketId, TicketRequest> requests;
    auto add = [&](TicketRequest r) {
        const EnqueueResult result = mm.enqueue(r, 0);
        QVERIFY(result.ok());
        requests[result.id] = r;
    };
    add(party("ranked-5v5", "a", 3, 25));
    add(party("ranked-5v5", "b", 3, 25.5));
    add(party("ranked-5v5", "c", 2, 24.5));
    add(party("ranked-5v5", "d", 2, 25.2));
    mm.tick(1);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    const auto teams = teamsOf(mm, out.matches[0], requests);
    QCOMPARE(teams.size(), std::size_t(2));
    for (const auto& team : teams) {
        QCOMPARE(team.size(), std::size_t(5));
        // Each team holds one triple and one duo, whole.
        int triples = 0;
        for (const char* prefix : {"a", "b"})
            triples += team.count(std::string(prefix) + "0") ? 1 : 0;
        QCOMPARE(triples, 1);
    }
    for (const auto& [id, request] : requests) {
        int teamsHolding = 0;
        for (const auto& team : teams)
            teamsHolding += team.count(request.players[0].id) ? 1 : 0;
        QCOMPARE(teamsHolding, 1);
        for (const PartyMember& m : request.players) {
            for (const auto& team : teams)
                QCOMPARE(team.count(m.id), team.count(request.players[0].id));
        }
    }
}

void TestMatchmaker::partyMixThatCannotPackWaits() {
    Matchmaker mm(test::shippedConfig());
    QVERIFY(mm.enqueue(solo("ranked-5v5", "s", 25), 0).ok());
    QVERIFY(mm.enqueue(party("ranked-5v5", "a", 3, 25.1), 0).ok());
    QVERIFY(mm.enqueue(party("ranked-5v5", "b", 3, 25.2), 0).ok());
    QVERIFY(mm.enqueue(party("ranked-5v5", "c", 3, 25.3), 0).ok());
    // 1 + 3 + 3 + 3 = 10 players, but no split gives two teams of five.
    mm.tick(1);
    QCOMPARE(mm.takeOutput().matches.size(), std::size_t(0));
    QVERIFY(mm.enqueue(party("ranked-5v5", "d", 2, 25.4), 2).ok());
    QVERIFY(mm.enqueue(solo("ranked-5v5", "t", 25.5), 2).ok());
    mm.tick(3);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    // 1 + 3 + 3 + 2 + 1: the two nearest triples, the duo and the solo.
    QCOMPARE(out.matches[0].tickets.size(), std::size_t(5));
    QCOMPARE(mm.searchingTickets(), 1);
    QCOMPARE(mm.queueStatus(3)[0].playersSearching, 3);
}

void TestMatchmaker::balanceIsOptimal() {
    QueueConfig config = test::shippedConfig();
    config.queues[1].skillWindow = WaitWindowSchedule({{0, 10}});
    Matchmaker mm(config);
    const double mus[] = {21, 22, 23, 24, 25, 26};
    for (int i = 0; i < 6; ++i)
        QVERIFY(mm.enqueue(solo("casual-3v3", "p" + std::to_string(i), mus[i]), 0).ok());
    mm.tick(0);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(1));
    const MatchFormed& m = out.matches[0];
    QCOMPARE(m.teamStrength.size(), std::size_t(2));
    // 141 in total: the best split is 71 vs 70.
    QCOMPARE(std::abs(m.teamStrength[0] - m.teamStrength[1]), 1.0);
    QCOMPARE(m.teamStrength[0] + m.teamStrength[1], 141.0);
    QCOMPARE(m.skillSpread, 5.0);
    int perTeam[2] = {0, 0};
    for (const MatchSlot& slot : m.tickets)
        ++perTeam[slot.team];
    QCOMPARE(perTeam[0], 3);
    QCOMPARE(perTeam[1], 3);
    // The win probability follows the stronger team.
    QVERIFY((m.team0WinProbability > 0.5) == (m.teamStrength[0] > m.teamStrength[1]));
    QVERIFY(m.team0WinProbability > 0.45 && m.team0WinProbability < 0.55);
}

void TestMatchmaker::qualityIsOrderedSensibly() {
    auto qualityOf = [](double otherMu, std::vector<int> pings) {
        QueueConfig config = test::shippedConfig();
        config.queues[2].skillWindow = WaitWindowSchedule({{0, 50}});
        config.queues[2].pingLimitMs = WaitWindowSchedule({{0, 150}});
        Matchmaker mm(config);
        mm.enqueue(solo("duel-1v1", "a", 25, {0, 0, 0}), 0);
        mm.enqueue(solo("duel-1v1", "b", otherMu, pings), 0);
        mm.tick(0);
        const MatchmakerOutput out = mm.takeOutput();
        return out.matches.empty() ? -1.0 : out.matches[0].quality;
    };
    const double perfect = qualityOf(25, {0, 0, 0});
    QCOMPARE(perfect, 1.0);
    const double slightlyApart = qualityOf(27, {0, 0, 0});
    const double farApart = qualityOf(45, {0, 0, 0});
    const double laggy = qualityOf(25, {120, 120, 120});
    QVERIFY(slightlyApart < perfect);
    QVERIFY(farApart < slightlyApart);
    QVERIFY(laggy < perfect);
    for (double q : {perfect, slightlyApart, farApart, laggy})
        QVERIFY(q >= 0 && q <= 1);
}

void TestMatchmaker::qualityTermsFormula() {
    using detail::matchQuality;
    using detail::qualityTerms;
    const double beta = 25.0 / 6.0;
    auto terms = qualityTerms(0.5, 0, 0, beta);
    QCOMPARE(terms.fairness, 1.0);
    QCOMPARE(terms.evenness, 1.0);
    QCOMPARE(terms.latency, 1.0);
    QCOMPARE(matchQuality(terms), 1.0);
    terms = qualityTerms(0.75, 4 * beta, 100, beta);
    QCOMPARE(terms.fairness, 0.5);
    QVERIFY(qFuzzyCompare(terms.evenness, std::exp(-1.0)));
    QCOMPARE(terms.latency, 0.5);
    QVERIFY(
        qFuzzyCompare(matchQuality(terms), std::sqrt(0.5) * std::exp(-0.3) * std::pow(0.5, 0.2)));
    // Certain outcome: no fairness at all.
    QCOMPARE(matchQuality(qualityTerms(1.0, 0, 0, beta)), 0.0);
    QCOMPARE(matchQuality(qualityTerms(0.0, 0, 0, beta)), 0.0);
    // Garbage in stays in range; a zero beta falls back to the default.
    QCOMPARE(matchQuality(qualityTerms(kNaN, 0, 0, beta)), 0.0);
    QVERIFY(qFuzzyCompare(qualityTerms(0.5, 4 * beta, 0, 0).evenness, std::exp(-1.0)));
    QCOMPARE(qualityTerms(0.5, -3, -5, beta).latency, 1.0);
    // The direct form the matchmaker uses agrees with the terms everywhere.
    for (double p : {0.0, 0.1, 0.37, 0.5, 0.62, 0.99, 1.0, kNaN}) {
        for (double spread : {0.0, 0.5, 3.0, 17.0, 80.0}) {
            for (int ping : {0, 12, 60, 150, 65535}) {
                const double viaTerms = matchQuality(qualityTerms(p, spread, ping, beta));
                const double direct = matchQuality(p, spread, ping, beta);
                QVERIFY2(
                    std::abs(viaTerms - direct) < 1e-12,
                    qPrintable(
                        QStringLiteral("p %1 spread %2 ping %3").arg(p).arg(spread).arg(ping)));
                QVERIFY(direct >= 0 && direct <= 1);
            }
        }
    }
}

void TestMatchmaker::deterministic() {
    auto run = [] {
        Matchmaker mm(test::shippedConfig());
        std::vector<MatchFormed> matches;
        double now = 0;
        for (int step = 0; step < 40; ++step) {
            for (int i = 0; i < 25; ++i) {
                const int n = step * 25 + i;
                const double mu = 25 + 6 * std::sin(n * 1.7);
                const std::vector<int> pings{20 + (n * 7) % 90, 20 + (n * 13) % 90,
                                             20 + (n * 29) % 90};
                const char* queue = n % 3 == 0   ? "ranked-5v5"
                                    : n % 3 == 1 ? "casual-3v3"
                                                 : "duel-1v1";
                const int size = n % 7 == 0 && n % 3 != 2 ? 2 : 1;
                TicketRequest r{queue, {}};
                for (int p = 0; p < size; ++p)
                    r.players.push_back(
                        member("p" + std::to_string(n) + "_" + std::to_string(p), mu, pings));
                mm.enqueue(r, now);
            }
            now += 3;
            mm.tick(now);
            MatchmakerOutput out = mm.takeOutput();
            matches.insert(matches.end(), out.matches.begin(), out.matches.end());
        }
        return matches;
    };
    const auto first = run();
    const auto second = run();
    QVERIFY(first.size() > 50);
    QCOMPARE(first.size(), second.size());
    for (std::size_t i = 0; i < first.size(); ++i) {
        QCOMPARE(first[i].id, second[i].id);
        QCOMPARE(first[i].region, second[i].region);
        QCOMPARE(first[i].quality, second[i].quality);
        QCOMPARE(first[i].tickets.size(), second[i].tickets.size());
        for (std::size_t s = 0; s < first[i].tickets.size(); ++s) {
            QCOMPARE(first[i].tickets[s].ticket, second[i].tickets[s].ticket);
            QCOMPARE(first[i].tickets[s].team, second[i].tickets[s].team);
        }
    }
}

void TestMatchmaker::outputBuffersAreRecycled() {
    Matchmaker mm(test::shippedConfig());
    MatchmakerOutput out;
    for (int i = 0; i < 4; ++i)
        mm.enqueue(solo("duel-1v1", "a" + std::to_string(i), 25), 0);
    mm.tick(0);
    mm.takeOutput(out);
    QCOMPARE(out.matches.size(), std::size_t(2));
    QCOMPARE(out.ticketEvents.size(), std::size_t(4));
    for (int i = 0; i < 2; ++i)
        mm.enqueue(solo("duel-1v1", "b" + std::to_string(i), 25), 1);
    mm.tick(1);
    mm.takeOutput(out);
    QCOMPARE(out.matches.size(), std::size_t(1));
    QCOMPARE(out.matches[0].tickets.size(), std::size_t(2));
    QCOMPARE(out.matches[0].teamStrength.size(), std::size_t(2));
    QCOMPARE(out.matches[0].id, MatchId(3));
    QCOMPARE(out.ticketEvents.size(), std::size_t(2));
    mm.takeOutput(out);
    QVERIFY(out.empty());
}

void TestMatchmaker::timeNeverRunsBackwards() {
    Matchmaker mm(test::shippedConfig());
    const TicketId a = mm.enqueue(solo("duel-1v1", "a", 25), 10).id;
    const TicketId b = mm.enqueue(solo("duel-1v1", "b", 40), 5).id;
    QCOMPARE(mm.enqueuedAt(b), 10.0);
    QVERIFY(mm.cancel(a, 2));
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.ticketEvents.back().time, 10.0);
    QCOMPARE(out.ticketEvents.back().waitSeconds, 0.0);
    mm.tick(-1);
    QCOMPARE(mm.queueStatus(10)[2].oldestWaitSeconds, 0.0);
}

void TestMatchmaker::invalidConfigThrows() {
    QueueConfig config = test::shippedConfig();
    config.queues[0].teamSize = 0;
    bool thrown = false;
    try {
        Matchmaker mm(config);
    } catch (const std::invalid_argument& error) {
        thrown = true;
        QCOMPARE(QString::fromUtf8(error.what()),
                 u"queue config: queues[0].team_size: must be >= 1"_qs);
    }
    QVERIFY(thrown);
}

void TestMatchmaker::moveKeepsState() {
    Matchmaker mm(test::shippedConfig(), RatingModel(RatingModelParams{30, 10, 5, 0.0001, 0}));
    const TicketId a = mm.enqueue(solo("duel-1v1", "a", 25), 0).id;
    Matchmaker moved(std::move(mm));
    QCOMPARE(moved.state(a), std::optional<TicketState>(TicketState::Searching));
    QCOMPARE(moved.ratingModel().params().beta, 5.0);
    QCOMPARE(moved.config().queues.size(), std::size_t(3));
    Matchmaker other(test::shippedConfig());
    other = std::move(moved);
    QCOMPARE(other.searchingTickets(), 1);
}

void TestMatchmaker::manyTicketsMatchInOneTick() {
    // Enough tickets to merge the pending buffer into the pool while
    // enqueueing, and to grow and rebuild the flat indexes.
    Matchmaker mm(test::shippedConfig());
    for (int i = 0; i < 5000; ++i) {
        const double mu = 20 + (i % 100) * 0.1;
        QVERIFY(mm.enqueue(solo("ranked-5v5", "r" + std::to_string(i), mu), 0).ok());
    }
    mm.tick(1);
    const MatchmakerOutput out = mm.takeOutput();
    QCOMPARE(out.matches.size(), std::size_t(500));
    QCOMPARE(mm.searchingTickets(), 0);
    for (const MatchFormed& m : out.matches) {
        QCOMPARE(m.tickets.size(), std::size_t(10));
        QVERIFY(m.skillSpread <= 4.0 + 1e-9);
    }
    // Everyone is free to queue again; the old ids are gone.
    for (int i = 0; i < 5000; ++i)
        QVERIFY(mm.enqueue(solo("duel-1v1", "r" + std::to_string(i), 25), 2).ok());
    QCOMPARE(mm.searchingTickets(), 5000);
    QVERIFY(!mm.state(1).has_value());
}

QTEST_APPLESS_MAIN(TestMatchmaker)
#include "tst_matchmaker.moc"
