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
};

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
    QTest::addRow("matched is final")
        << TicketState::Matched << qint64(4) << 10.0 << 1.25 << 99.0 << qint64(1250) << u"m4"_s;
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
    const QJsonObject o = parse(ticketJson(t, "ranked-5v5", now));
    QCOMPARE(o.value(u"ticket_id").toString(), u"t17"_s);
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
    const QJsonObject o = parse(createdTicketJson(3, TicketState::Matched));
    QCOMPARE(o.value(u"ticket_id").toString(), u"t3"_s);
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
    QJsonObject o = parse(matchJson(m));
    QCOMPARE(o.value(u"match_id").toString(), u"m8"_s);
    QVERIFY(o.value(u"winner_team").isNull());
    const QJsonArray teams = o.value(u"teams").toArray();
    QCOMPARE(teams.size(), 2);
    QCOMPARE(teams[1].toObject().value(u"team").toInt(), 1);
    QCOMPARE(teams[1].toObject().value(u"tickets").toArray().at(0).toString(), u"t2"_s);
    QCOMPARE(
        teams[0].toObject().value(u"players").toArray().at(0).toObject().value(u"mu").toDouble(),
        30.0);
    m.winnerTeam = 0;
    o = parse(matchJson(m));
    QCOMPARE(o.value(u"winner_team").toInt(-1), 0);
    // The detail column is this JSON; it reads back as the same match.
    const MatchRecord back = matchFromJson(8, matchJson(m));
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
    const QJsonObject o = parse(resultJson(9, 0, m, before, after));
    QCOMPARE(o.value(u"match_id").toString(), u"m9"_s);
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
    QTest::addRow("ticket finished") << 6 << 409 << QString() << u"t3 is already expired"_s;
    QTest::addRow("result reported") << 7 << 409 << QString() << u"(team 1 won)"_s;
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
        answer::ticketAlreadyFinished(3, TicketState::Expired),
        answer::resultAlreadyReported(4, 1),
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

QTEST_GUILESS_MAIN(TestServiceAnswers)
#include "tst_serviceanswers.moc"
