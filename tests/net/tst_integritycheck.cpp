// The integrity audit's rules without a server: memory and stored rows made
// by hand, one row per rule broken (and the clean and in-flight cases that
// must pass), checked by the first violation's text; and the scan that
// reads a match's tickets from its stored detail.
#include "net/server/IntegrityCheck.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

// t1, t2 matched in m1; t3 expired; t4 searching. Memory holds all of them.
struct World {
    MemoryCut memory;
    StoreAuditRows stored;
    World() {
        stored.quickCheck = u"ok"_s;
        stored.tickets = {{1, u"matched"_s, 1},
                          {2, u"matched"_s, 1},
                          {3, u"expired"_s, 0},
                          {4, u"searching"_s, 0}};
        stored.matches = {1};
        stored.matchTickets = {{1, 1}, {1, 2}};
        memory.tickets = {{1, TicketState::Matched, 1, false},
                          {2, TicketState::Matched, 1, false},
                          {3, TicketState::Expired, 0, false},
                          {4, TicketState::Searching, 0, false}};
        memory.matches = {{1, false}};
        memory.nextTicketSeq = 5;
        memory.firstMatchSeq = 1;
        memory.nextMatchSeq = 2;
        memory.searchingCounter = 1;
        memory.matchesCounter = 1;
        memory.matcherSearching = 1;
    }
};

using Edit = std::function<void(World&)>;

}  // namespace

Q_DECLARE_METATYPE(Edit)

class TestIntegrityCheck : public QObject {
    Q_OBJECT
private slots:
    void rules_data() {
        QTest::addColumn<Edit>("edit");
        QTest::addColumn<QString>("firstViolation");  // "" = ok
        QTest::addColumn<int>("inFlight");
        QTest::addRow("clean") << Edit([](World&) {}) << QString() << 0;
        QTest::addRow("quick_check message")
            << Edit([](World& w) { w.stored.quickCheck = u"*** in database main ***"_s; })
            << u"store: its own check (SQLite quick_check, PostgreSQL amcheck): *** in database "
               "main ***"_s
            << 0;
        QTest::addRow("store check that could not run") << Edit([](World& w) {
            w.stored.quickCheck = u"none (amcheck is not installed in this database)"_s;
        }) << QString() << 0;
        QTest::addRow("read failed")
            << Edit([](World& w) { w.stored.error = u"reading tickets: disk I/O error"_s; })
            << u"store: reading tickets: disk I/O error"_s << 0;
        QTest::addRow("matched ticket flipped to expired") << Edit([](World& w) {
            w.stored.tickets[1] = {2, u"expired"_s, 1};
        }) << u"t2: stored as expired, but m1 lists it as matched"_s
                                                           << 0;
        QTest::addRow("matched without a match") << Edit([](World& w) {
            w.stored.tickets[2] = {3, u"matched"_s, 0};
            w.memory.tickets[2].state = TicketState::Matched;
            w.memory.tickets[2].matchSeq = 0;
        }) << u"t3: stored as matched without a match"_s
                                                 << 0;
        QTest::addRow("match row missing") << Edit([](World& w) {
            w.stored.matches.clear();
            w.stored.matchTickets.clear();
        }) << u"t1: stored as matched in m1, which is not stored"_s
                                           << 0;
        QTest::addRow("listed by two matches") << Edit([](World& w) {
            w.stored.matches = {1, 2};
            w.stored.matchTickets.push_back({2, 1});
        }) << u"t1: listed by two matches, m1 and m2"_s
                                               << 0;
        QTest::addRow("match lists a missing ticket") << Edit([](World& w) {
            w.stored.matchTickets.push_back({1, 9});
        }) << u"m1: lists t9, which is not stored"_s << 0;
        QTest::addRow("acknowledged ticket missing")
            << Edit([](World& w) { w.stored.tickets.pop_back(); })
            << u"t4: acknowledged (searching in memory) but missing from the store"_s << 0;
        QTest::addRow("searching stored cancelled")
            << Edit([](World& w) { w.stored.tickets[3].state = u"cancelled"_s; })
            << u"t4: stored as cancelled, memory says searching"_s << 0;
        QTest::addRow("not a state")
            << Edit([](World& w) { w.stored.tickets[2].state = u"lost"_s; })
            << u"t3: stored state 'lost' is not a ticket state"_s << 0;
        QTest::addRow("formed match missing") << Edit([](World& w) {
            w.memory.matches.push_back({2, false});
            w.memory.matchesCounter = 2;
        }) << u"m2: formed (in memory) but missing from the store"_s
                                              << 0;
        QTest::addRow("matcher and counter disagree")
            << Edit([](World& w) { w.memory.matcherSearching = 2; })
            << u"counters: the matchmaker holds 2 tickets, pulsco_tickets_searching says 1"_s << 0;
        // In flight at the cut: memory ahead of the disk, left out and counted.
        QTest::addRow("insert not acknowledged") << Edit([](World& w) {
            w.memory.tickets.push_back({5, TicketState::Searching, 0, true});
            w.memory.searchingCounter = 2;
            w.memory.matcherSearching = 2;
        }) << QString() << 1;
        QTest::addRow("match rows still queued") << Edit([](World& w) {
            // t4 matched with t5 in m2 in memory; the disk has t4 searching.
            w.memory.tickets[3] = {4, TicketState::Matched, 2, true};
            w.memory.tickets.push_back({5, TicketState::Matched, 2, true});
            w.stored.tickets.push_back({5, u"searching"_s, 0});
            w.memory.matches.push_back({2, true});
            w.memory.matchesCounter = 2;
            w.memory.searchingCounter = 0;
            w.memory.matcherSearching = 0;
        }) << QString() << 3;
        QTest::addRow("first chunk on disk, match row queued") << Edit([](World& w) {
            w.stored.tickets[3] = {4, u"matched"_s, 2};
            w.memory.tickets[3] = {4, TicketState::Matched, 2, false};
            w.memory.matches.push_back({2, true});
            w.memory.matchesCounter = 2;
            w.memory.searchingCounter = 0;
            w.memory.matcherSearching = 0;
        }) << QString() << 1;
    }
    void rules() {
        QFETCH(Edit, edit);
        QFETCH(QString, firstViolation);
        QFETCH(int, inFlight);
        World w;
        edit(w);
        const IntegrityReport r = compareAtCut(w.memory, w.stored);
        const QString first =
            r.firstViolations.empty() ? QString() : QString::fromStdString(r.firstViolations[0]);
        QCOMPARE(first, firstViolation);
        QCOMPARE(r.ok, firstViolation.isEmpty());
        QCOMPARE(r.violations == 0, firstViolation.isEmpty());
        QCOMPARE(r.inFlightExcluded, std::uint64_t(inFlight));
        QCOMPARE(r.storeCheck, w.stored.quickCheck.isEmpty() ? std::string("none")
                                                             : w.stored.quickCheck.toStdString());
    }

    void ticketsOfDetail_data() {
        QTest::addColumn<QByteArray>("detail");
        QTest::addColumn<QList<qint64>>("tickets");
        QTest::addRow("two teams")
            << QByteArray(R"({"teams":[{"team":0,"tickets":["t1"],"players":[{"id":"a"}]},)"
                          R"({"team":1,"tickets":["t22","t3"],"players":[]}]})")
            << QList<qint64>{1, 22, 3};
        QTest::addRow("no tickets")
            << QByteArray(R"({"teams":[{"tickets":[]}]})") << QList<qint64>{};
        QTest::addRow("unreadable id")
            << QByteArray(R"({"teams":[{"tickets":["x7","t8"]}]})") << QList<qint64>{-1, 8};
    }
    void ticketsOfDetail() {
        QFETCH(QByteArray, detail);
        QFETCH(QList<qint64>, tickets);
        std::vector<std::pair<qint64, qint64>> out;
        appendTicketsOfDetail(5, detail, out);
        QList<qint64> got;
        for (const auto& [match, ticket] : out) {
            QCOMPARE(match, 5);
            got << ticket;
        }
        QCOMPARE(got, tickets);
    }
};

QTEST_GUILESS_MAIN(TestIntegrityCheck)
#include "tst_integritycheck.moc"
