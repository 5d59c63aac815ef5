// The answers of pulsco-matchd's MatchService, field by field as docs/api.md
// has them: tickets (a searching ticket's wait runs on, a finished one's is
// final), matches, results, queues, and the status and code of every error
// answer the service gives.
#include "net/server/ServiceAnswers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

Q_DECLARE_METATYPE(TicketState)

namespace {
QJsonObject parse(const QByteArray& json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << json << error.errorString();
    return doc.object();
}
}  // namespace

class TestServiceAnswers : public QObject {
    Q_OBJECT
private slots:
    void ticket_data();
    void ticket();
    void createdTicket();
    void match();
    void result();
    void queues();
    void errors_data();
    void errors();
    void serverIds_data();
    void serverIds();
    void idsInRequests_data();
    void idsInRequests();
    void storedDetailNamesNoServer();
};

namespace {
const RecordIds kBlue(QByteArrayLiteral("blue"));
}  // namespace

void TestServiceAnswers::ticket_data() {
    QTest::addColumn<TicketState>("state");
    QTest::addColumn<qint64>("matchSeq");
    QTest::addColumn<double>("enqueuedAt");
    QTest::addColumn<double>("waitSeconds");
    QTest::addColumn<double>("now");
    QTest::addColumn<qint64>("waitMs");
    QTest::addColumn<QString>("matchId");  // empty: null
    QTest::addRow("searching waits until now")
        << TicketState::Searching << qint64(0) << 10.0 << 0.0 << 12.5 << qint64(2500) << QString();
    QTest::addRow("searching, clock behind reads 0")
        << TicketState::Searching << qint64(0) << 10.0 << 0.0 << 9.0 << qint64(0) << QString();
    QTest::addRow("matched is final") << TicketState::Matched << qint64(4) << 10.0 << 1.25 << 99.0
                                      << qint64(1250) << u"blue-m4"_s;
    QTest::addRow("expired is final") << TicketState::Expired << qint64(0) << 0.0 << 300.0 << 999.0
                                      << qint64(300000) << QString();
}

void TestServiceAnswers::ticket() {
    QFETCH(TicketState, state);
    QFETCH(qint64, matchSeq);
    QFETCH(double, enqueuedAt);
    QFETCH(double, waitSeconds);
    QFETCH(double, now);
    QFETCH(QString, matchId);
    TicketRecord t;
    t.seq = 17;
    t.state = state;
    t.matchSeq = matchSeq;
    t.enqueuedAt = enqueuedAt;
    t.waitSeconds = waitSeconds;
    t.createdUnixMs = 1700000000000;
    const QJsonObject o = parse(ticketJson(t, "ranked-5v5", now, kBlue));
    QCOMPARE(o.value(u"ticket_id").toString(), u"blue-t17"_s);
    QCOMPARE(o.value(u"state").toString(), QString::fromLatin1(toString(state)));
    QCOMPARE(o.value(u"queue").toString(), u"ranked-5v5"_s);
    if (matchId.isEmpty())
        QVERIFY(o.value(u"match_id").isNull());
    else
        QCOMPARE(o.value(u"match_id").toString(), matchId);
    QTEST(qint64(o.value(u"wait_ms").toDouble()), "waitMs");
    QCOMPARE(qint64(o.value(u"created_unix_ms").toDouble()), qint64(1700000000000));
}

void TestServiceAnswers::createdTicket() {
    const QJsonObject o = parse(createdTicketJson(3, TicketState::Matched, RecordIds("green2")));
    QCOMPARE(o.value(u"ticket_id").toString(), u"green2-t3"_s);
    QCOMPARE(o.value(u"state").toString(), u"matched"_s);
    QCOMPARE(o.size(), 2);
}

void TestServiceAnswers::match() {
    MatchRecord m;
    m.seq = 8;
    m.queue = u"duo"_s;
    m.region = u"eu"_s;
    m.quality = 0.5;
    m.teams.resize(2);
    m.teams[0] = {{"a"}, {Rating{30, 2}}, {1}, 30};
    m.teams[1] = {{"b"}, {Rating{20, 3}}, {2}, 20};
    QJsonObject o = parse(matchJson(m, kBlue));
    QCOMPARE(o.value(u"match_id").toString(), u"blue-m8"_s);
    QVERIFY(o.value(u"winner_team").isNull());
    const QJsonArray teams = o.value(u"teams").toArray();
    QCOMPARE(teams.size(), 2);
    QCOMPARE(teams[1].toObject().value(u"team").toInt(), 1);
    QCOMPARE(teams[1].toObject().value(u"tickets").toArray().at(0).toString(), u"blue-t2"_s);
    QCOMPARE(
        teams[0].toObject().value(u"players").toArray().at(0).toObject().value(u"mu").toDouble(),
        30.0);
    m.winnerTeam = 0;
    o = parse(matchJson(m, kBlue));
    QCOMPARE(o.value(u"winner_team").toInt(-1), 0);
    // The detail column is this JSON without a server; either reads back
    // as the same match.
    const MatchRecord back = matchFromJson(8, matchDetailJson(m));
    QCOMPARE(matchFromJson(8, matchJson(m, kBlue)).teams[1].tickets, std::vector<qint64>{2});
    QCOMPARE(back.teams.size(), std::size_t(2));
    QCOMPARE(back.teams[1].players, std::vector<std::string>{"b"});
    QCOMPARE(back.teams[1].tickets, std::vector<qint64>{2});
    QCOMPARE(back.winnerTeam, -1);  // from the row's own column, not the detail
}

void TestServiceAnswers::result() {
    MatchRecord m;
    m.teams.resize(2);
    m.teams[0].players = {"a", "b"};
    m.teams[1].players = {"c"};
    const std::vector<Team> before = {{Rating{25, 8}, Rating{26, 7}}, {Rating{24, 6}}};
    const std::vector<Team> after = {{Rating{27, 7}, Rating{28, 6}}, {Rating{22, 5}}};
    const QJsonObject o = parse(resultJson(9, 0, m, before, after, kBlue));
    QCOMPARE(o.value(u"match_id").toString(), u"blue-m9"_s);
    QCOMPARE(o.value(u"winner_team").toInt(-1), 0);
    const QJsonArray ratings = o.value(u"ratings").toArray();
    QCOMPARE(ratings.size(), 3);
    const QJsonObject c = ratings[2].toObject();
    QCOMPARE(c.value(u"id").toString(), u"c"_s);
    QCOMPARE(c.value(u"team").toInt(), 1);
    QCOMPARE(c.value(u"before").toObject().value(u"mu").toDouble(), 24.0);
    QCOMPARE(c.value(u"after").toObject().value(u"sigma").toDouble(), 5.0);
    QCOMPARE(ratings[1].toObject().value(u"after").toObject().value(u"mu").toDouble(), 28.0);
}

void TestServiceAnswers::queues() {
    QueueConfig config;
    config.regions = {"eu", "us"};
    config.queues.resize(2);
    config.queues[0].name = "solo";
    config.queues[1].name = "duo";
    QueueStatus s;
    s.depth = 4;
    s.playersSearching = 6;
    s.oldestWaitSeconds = 1.5;
    // A status for the first queue only: the second reads as empty.
    const QJsonObject o = parse(queuesJson(config, {s}));
    QCOMPARE(o.value(u"regions").toArray().size(), 2);
    const QJsonArray queues = o.value(u"queues").toArray();
    QCOMPARE(queues.size(), 2);
    QCOMPARE(queues[0].toObject().value(u"name").toString(), u"solo"_s);
    QCOMPARE(queues[0].toObject().value(u"depth").toInt(), 4);
    QCOMPARE(queues[0].toObject().value(u"players_searching").toInt(), 6);
    QCOMPARE(queues[0].toObject().value(u"oldest_wait_s").toDouble(), 1.5);
    QCOMPARE(queues[1].toObject().value(u"depth").toInt(-1), 0);
    QVERIFY(queues[1].toObject().value(u"rules").isObject());
}

void TestServiceAnswers::errors_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("says");
    QTest::addRow("not found") << 0 << 404 << u"not_found"_s << u"match_id: no such id 'm5'"_s;
    QTest::addRow("store failed") << 1 << 503 << QString() << u"write not durable"_s;
    QTest::addRow("draining") << 2 << 503 << QString() << u"draining"_s;
    QTest::addRow("overloaded") << 3 << 503 << u"overloaded"_s << u"12 writes are waiting"_s;
    QTest::addRow("duplicate player") << 4 << 409 << QString() << u"POST /v1/tickets: "_s;
    QTest::addRow("bad queue") << 5 << 400 << QString() << u"POST /v1/tickets: queue"_s;
    QTest::addRow("ticket finished") << 6 << 409 << QString() << u"blue-t3 is already expired"_s;
    QTest::addRow("result reported") << 7 << 409 << QString() << u"(team 1 won)"_s;
    QTest::addRow("misdirected") << 8 << 421 << u"misdirected"_s
                                 << u"ticket_id: 'green-t4' was issued by server 'green', this is "
                                    "server 'blue'"_s;
}

void TestServiceAnswers::errors() {
    QFETCH(int, which);
    QFETCH(QString, code);
    QFETCH(QString, says);
    EnqueueResult duplicate;
    duplicate.error = EnqueueError::DuplicatePlayer;
    duplicate.message = "players[0].id: already searching";
    EnqueueResult badQueue;
    badQueue.error = EnqueueError::UnknownQueue;
    badQueue.message = "queue: unknown";
    const HttpResponse answers[] = {
        answer::notFound(u"match_id"_s, u"m5"_s),
        answer::storeFailed(u"disk full"_s),
        answer::draining(),
        answer::overloaded(12),
        answer::enqueueRefused(duplicate),
        answer::enqueueRefused(badQueue),
        answer::ticketAlreadyFinished(kBlue.ticketString(3), TicketState::Expired),
        answer::resultAlreadyReported(kBlue.matchString(4), 1),
        answer::misdirected(u"ticket_id"_s, "green-t4", "green", "blue"),
    };
    const HttpResponse& r = answers[which];
    QTEST(r.status, "status");
    const QJsonObject o = parse(r.body);
    const QString text = QString::fromUtf8(r.body);
    QVERIFY2(text.contains(says), qPrintable(text));
    if (!code.isEmpty())
        QVERIFY2(text.contains(u"\""_s + code + u"\""_s), qPrintable(text));
    QVERIFY(!o.isEmpty());
}

void TestServiceAnswers::serverIds_data() {
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("valid");
    QTest::addRow("blue") << u"blue"_s << true;
    QTest::addRow("digits") << u"eu1"_s << true;
    QTest::addRow("16 characters") << u"abcdefghij012345"_s << true;
    QTest::addRow("17 characters") << u"abcdefghij0123456"_s << false;
    QTest::addRow("empty") << QString() << false;
    QTest::addRow("upper case") << u"Blue"_s << false;
    QTest::addRow("dash (the separator)") << u"blue-2"_s << false;
    QTest::addRow("underscore") << u"blue_2"_s << false;
    QTest::addRow("non-ASCII") << u"bl\u00fce"_s << false;
}

void TestServiceAnswers::serverIds() {
    QFETCH(QString, id);
    QTEST(RecordIds::isValidServerId(id), "valid");
}

void TestServiceAnswers::idsInRequests_data() {
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<char>("kind");
    QTest::addColumn<int>("parsed");  // 0 no such id, 1 ours, 2 another server's
    QTest::addColumn<qint64>("seq");
    QTest::addColumn<QByteArray>("owner");
    QTest::addRow("ours") << QByteArray("blue-t17") << 't' << 1 << qint64(17) << QByteArray();
    QTest::addRow("issued before ids had an owner")
        << QByteArray("t17") << 't' << 1 << qint64(17) << QByteArray();
    QTest::addRow("our match") << QByteArray("blue-m4") << 'm' << 1 << qint64(4) << QByteArray();
    QTest::addRow("green's ticket")
        << QByteArray("green-t17") << 't' << 2 << qint64(0) << QByteArray("green");
    QTest::addRow("green's match, legacy shape of ours")
        << QByteArray("green-m4") << 'm' << 2 << qint64(0) << QByteArray("green");
    QTest::addRow("a match id as a ticket")
        << QByteArray("blue-m4") << 't' << 0 << qint64(0) << QByteArray();
    QTest::addRow("leading zero") << QByteArray("blue-t017") << 't' << 0 << qint64(0)
                                  << QByteArray();
    QTest::addRow("zero") << QByteArray("t0") << 't' << 0 << qint64(0) << QByteArray();
    QTest::addRow("no digits") << QByteArray("blue-t") << 't' << 0 << qint64(0) << QByteArray();
    QTest::addRow("empty owner") << QByteArray("-t1") << 't' << 0 << qint64(0) << QByteArray();
    QTest::addRow("upper-case owner")
        << QByteArray("Blue-t1") << 't' << 0 << qint64(0) << QByteArray();
    QTest::addRow("two dashes") << QByteArray("a-blue-t1") << 't' << 0 << qint64(0) << QByteArray();
    QTest::addRow("19 digits") << QByteArray("blue-t1234567890123456789") << 't' << 0 << qint64(0)
                               << QByteArray();
    QTest::addRow("garbage") << QByteArray("abc") << 't' << 0 << qint64(0) << QByteArray();
}

void TestServiceAnswers::idsInRequests() {
    QFETCH(QByteArray, id);
    QFETCH(char, kind);
    QFETCH(int, parsed);
    const RecordIds::Parsed p = kBlue.parse(id, kind);
    QCOMPARE(int(p.kind), parsed);
    QTEST(p.seq, "seq");
    QTEST(p.owner, "owner");
}

void TestServiceAnswers::storedDetailNamesNoServer() {
    MatchRecord m;
    m.seq = 3;
    m.teams.resize(1);
    m.teams[0] = {{"a"}, {Rating{25, 8}}, {12}, 25};
    const QJsonObject o = parse(matchDetailJson(m));
    QCOMPARE(o.value(u"match_id").toString(), u"m3"_s);
    QCOMPARE(o.value(u"teams").toArray().at(0).toObject().value(u"tickets").toArray().at(0),
             QJsonValue(u"t12"_s));
    // A detail in the shape of before this change, and a foreign prefix.
    const MatchRecord old = matchFromJson(
        3, R"({"match_id":"m3","teams":[{"team":0,"tickets":["t12","green-t13"],"players":[]}]})");
    QCOMPARE(old.teams[0].tickets, (std::vector<qint64>{12, 13}));
    QCOMPARE(RecordIds::storedTicketSeq(u"x"), std::nullopt);
}

QTEST_GUILESS_MAIN(TestServiceAnswers)
#include "tst_serviceanswers.moc"
