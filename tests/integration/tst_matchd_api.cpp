// pulsco-matchd's HTTP API end to end on loopback, in process: the life of a
// ticket, cancel, expiry, every error code from a real request (the server
// keeps serving after each), /metrics read back by our own parser, /v1/stats
// in the snapshot schema, the WebSocket stream, admin auth and faults.
#include "MatchdFixture.h"
#include "support/HttpTestClient.h"

#include "bridge/MetricsSnapshotJson.h"
#include "net/prometheus/PrometheusTextParser.h"
#include "net/server/EventStream.h"
#include "net/server/MatchService.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace pulsco::test;

namespace {
const QByteArray kBearer = "Authorization: Bearer " + kTestAdminToken + "\r\n";

QString ticketState(quint16 port, const QString& id) {
    return http(port, "GET", "/v1/tickets/" + id.toLatin1()).json().value(u"state").toString();
}

// The region hosting the match of a matched ticket, as GET /v1/matches says.
QString matchRegionOf(quint16 port, const QString& ticket) {
    const QString matchId =
        http(port, "GET", "/v1/tickets/" + ticket.toLatin1()).json().value(u"match_id").toString();
    return http(port, "GET", "/v1/matches/" + matchId.toLatin1())
        .json()
        .value(u"region")
        .toString();
}

std::optional<pulsco::MetricsSnapshot> statsOf(quint16 port) {
    QString error;
    auto s = pulsco::metricsSnapshotFromJson(http(port, "GET", "/v1/stats").body,
                                             u"GET /v1/stats"_s, &error);
    if (!s)
        qWarning().noquote() << error;
    return s;
}

std::optional<pulsco::PrometheusExposition> metricsOf(quint16 port) {
    QString error;
    auto m = pulsco::PrometheusTextParser::parse(http(port, "GET", "/metrics").body,
                                                 u"GET /metrics"_s, &error);
    if (!m)
        qWarning().noquote() << error;
    return m;
}

// The sum of the series of `name` whose labels include `having` (over the
// routes and methods a class spans); nullopt when there is none.
std::optional<double> sumWhere(const pulsco::PrometheusExposition& metrics, const QByteArray& name,
                               const QMap<QByteArray, QByteArray>& having) {
    std::optional<double> sum;
    for (const auto& family : metrics.families)
        for (const auto& sample : family.samples) {
            if (sample.name != name)
                continue;
            bool match = true;
            for (auto it = having.cbegin(); it != having.cend() && match; ++it)
                match = sample.labels.value(it.key()) == it.value();
            if (match)
                sum = sum.value_or(0) + sample.value;
        }
    return sum;
}
}  // namespace

class TestMatchdApi : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void fullTicketLife();
    void storedRatingWinsOverBody();
    void cancel();
    void expiry();
    void errors_data();
    void errors();
    void duplicatePlayerIsConflict();
    void adminDisabledWithoutTokenFile();
    void drainRefusesNewTickets();
    void tooManyConnectionsIsOverloaded();
    void pipelinedRequestsAnswerInOrder();
    void metricsParseBack();
    void statsIsTheSnapshotSchema();
    void statsCountPlayersPerHomeRegion();
    void statsCountOnlyServerErrors();
    void eventsHaveNoGaps();
    void faultsChangeRealAnswers();
    void latencyFactorMultipliesTheServersTime();
    void regionOutageTakesARegionOut();
    void shedRegionSendsItsPlayersElsewhere();
    void shedRegionMovesTicketsAlreadySearching();
    void restartMatcherCuresAStall();
    void badReleaseRunsTheDefectiveRules();
    void infoAndQueues();
    void evictedTicketsAndMatchesComeFromTheStore();
    void slowEventConsumerIsDropped();
    void upgradeArrivingInPiecesIsHandedOver();
    void slowStoreBacklogIsOverloaded();
    void resultWaitsForItsMatchRow();
    void environmentShowsInInfoMetricsAndSnapshots_data();
    void environmentShowsInInfoMetricsAndSnapshots();
    void productionRefusesEveryFault_data();
    void productionRefusesEveryFault();
    void faultOnsetIsWhenTheFaultBegan();
    void monitoringIsNotUserTraffic();

private:
    MatchdFixture* m_fx = nullptr;
    quint16 port() const { return m_fx->port; }
    QString create(const QByteArray& body) {
        const HttpResult r = http(port(), "POST", "/v1/tickets", body);
        if (r.status != 201)
            qWarning() << "create failed" << r.status << r.body;
        return r.json().value(u"ticket_id").toString();
    }
};

void TestMatchdApi::init() {
    m_fx = new MatchdFixture;
    QString error;
    QVERIFY2(m_fx->start(true, 16000, &error), qPrintable(error));
}

void TestMatchdApi::cleanup() {
    delete m_fx;
    m_fx = nullptr;
}

void TestMatchdApi::fullTicketLife() {
    const HttpResult a = http(port(), "POST", "/v1/tickets", soloTicket("duel-1v1", "alice"));
    QCOMPARE(a.status, 201);
    QCOMPARE(a.json().value(u"state").toString(), u"searching"_s);
    const QString ta = a.json().value(u"ticket_id").toString();
    const QString tb = create(soloTicket("duel-1v1", "bob", "eu-west", 30));
    QVERIFY(!ta.isEmpty() && !tb.isEmpty() && ta != tb);

    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), ta), u"matched"_s, 5000);
    const QJsonObject ticket = http(port(), "GET", "/v1/tickets/" + ta.toLatin1()).json();
    const QString matchId = ticket.value(u"match_id").toString();
    QVERIFY2(matchId.startsWith(u"blue-m"_s), qPrintable(matchId));
    QVERIFY(ticket.value(u"wait_ms").toDouble() >= 0);
    QCOMPARE(
        http(port(), "GET", "/v1/tickets/" + tb.toLatin1()).json().value(u"match_id").toString(),
        matchId);

    const HttpResult match = http(port(), "GET", "/v1/matches/" + matchId.toLatin1());
    QCOMPARE(match.status, 200);
    const QJsonArray teams = match.json().value(u"teams").toArray();
    QCOMPARE(teams.size(), 2);
    QCOMPARE(match.json().value(u"region").toString(), u"eu-west"_s);
    QVERIFY(match.json().value(u"winner_team").isNull());
    const double p0 = match.json().value(u"team0_win_probability").toDouble();
    QVERIFY(p0 > 0 && p0 < 1);
    const QString team0Player =
        teams[0].toObject().value(u"players").toArray()[0].toObject().value(u"id").toString();

    const auto ratingsInMemory = [this] {
        QString error;
        const auto m = pulsco::PrometheusTextParser::parse(http(port(), "GET", "/metrics").body,
                                                           u"GET /metrics"_s, &error);
        return m ? m->value("pulsco_ratings_in_memory").value_or(-1) : -2.0;
    };
    QCOMPARE(ratingsInMemory(), 0.0);
    const HttpResult result = http(port(), "POST", "/v1/matches/" + matchId.toLatin1() + "/result",
                                   R"({"winner_team": 0})");
    QCOMPARE(result.status, 200);
    QCOMPARE(ratingsInMemory(), 2.0);  // both players are rated now
    const QJsonArray ratings = result.json().value(u"ratings").toArray();
    QCOMPARE(ratings.size(), 2);  // both players of the 1v1
    for (const QJsonValue& v : ratings) {
        const QJsonObject r = v.toObject();
        const double before = r.value(u"before").toObject().value(u"mu").toDouble();
        const double after = r.value(u"after").toObject().value(u"mu").toDouble();
        if (r.value(u"id").toString() == team0Player)
            QVERIFY2(after > before, "the winner's rating goes up");
        else
            QVERIFY2(after < before, "the loser's rating goes down");
        QVERIFY(r.value(u"after").toObject().value(u"sigma").toDouble() <
                r.value(u"before").toObject().value(u"sigma").toDouble());
    }
    QCOMPARE(http(port(), "GET", "/v1/matches/" + matchId.toLatin1())
                 .json()
                 .value(u"winner_team")
                 .toInt(),
             0);

    const HttpResult again = http(port(), "POST", "/v1/matches/" + matchId.toLatin1() + "/result",
                                  R"({"winner_team": 1})");
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorCode(), u"conflict"_s);
}

void TestMatchdApi::storedRatingWinsOverBody() {
    create(soloTicket("duel-1v1", "carol", "eu-west", 20, R"({"mu": 30, "sigma": 5})"));
    const QString t =
        create(soloTicket("duel-1v1", "dave", "eu-west", 20, R"({"mu": 30, "sigma": 5})"));
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), t), u"matched"_s, 5000);
    const QString m1 =
        http(port(), "GET", "/v1/tickets/" + t.toLatin1()).json().value(u"match_id").toString();
    // The body seeded both new players.
    const QJsonArray teams1 =
        http(port(), "GET", "/v1/matches/" + m1.toLatin1()).json().value(u"teams").toArray();
    QCOMPARE(teams1.size(), 2);
    for (const QJsonValue& team : teams1)
        QCOMPARE(team.toObject().value(u"players").toArray()[0].toObject().value(u"mu").toDouble(),
                 30.0);
    const HttpResult result =
        http(port(), "POST", "/v1/matches/" + m1.toLatin1() + "/result", R"({"winner_team": 1})");
    QCOMPARE(result.status, 200);
    QHash<QString, double> after;
    for (const QJsonValue& v : result.json().value(u"ratings").toArray())
        after[v.toObject().value(u"id").toString()] =
            v.toObject().value(u"after").toObject().value(u"mu").toDouble();

    // Now they claim other ratings: the stored ones win.
    create(soloTicket("duel-1v1", "carol", "eu-west", 20, R"({"mu": 1, "sigma": 1})"));
    const QString t2 =
        create(soloTicket("duel-1v1", "dave", "eu-west", 20, R"({"mu": 49, "sigma": 1})"));
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), t2), u"matched"_s, 5000);
    const QString m2 =
        http(port(), "GET", "/v1/tickets/" + t2.toLatin1()).json().value(u"match_id").toString();
    const QJsonArray teams2 =
        http(port(), "GET", "/v1/matches/" + m2.toLatin1()).json().value(u"teams").toArray();
    QCOMPARE(teams2.size(), 2);
    for (const QJsonValue& team : teams2) {
        const QJsonObject p = team.toObject().value(u"players").toArray()[0].toObject();
        QCOMPARE(p.value(u"mu").toDouble(), after.value(p.value(u"id").toString()));
    }
}

void TestMatchdApi::cancel() {
    const QString t = create(soloTicket("squad-2v2", "erin"));
    const HttpResult del = http(port(), "DELETE", "/v1/tickets/" + t.toLatin1());
    QCOMPARE(del.status, 200);
    QCOMPARE(del.json().value(u"state").toString(), u"cancelled"_s);
    QCOMPARE(ticketState(port(), t), u"cancelled"_s);
    const HttpResult again = http(port(), "DELETE", "/v1/tickets/" + t.toLatin1());
    QCOMPARE(again.status, 409);
    QCOMPARE(again.errorCode(), u"conflict"_s);
    // The player is free to queue again.
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "erin")).status, 201);
}

void TestMatchdApi::expiry() {
    const QString t = create(soloTicket("slow-1v1", "frank", "us-east", 1));
    QCOMPARE(ticketState(port(), t), u"searching"_s);
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), t), u"expired"_s, 5000);
    const QJsonObject j = http(port(), "GET", "/v1/tickets/" + t.toLatin1()).json();
    QVERIFY(j.value(u"wait_ms").toDouble() >= 500);
    QVERIFY(j.value(u"match_id").isNull());
}

void TestMatchdApi::errors_data() {
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    const auto post = [](const QByteArray& path, const QByteArray& body,
                         const QByteArray& headers = {}) -> QByteArray {
        return "POST " + path + " HTTP/1.1\r\nConnection: close\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\n" + headers + "\r\n" + body;
    };
    const auto get = [](const QByteArray& method, const QByteArray& path,
                        const QByteArray& headers = {}) -> QByteArray {
        return method + ' ' + path + " HTTP/1.1\r\nConnection: close\r\n" + headers + "\r\n";
    };
    QTest::addRow("malformed JSON") << post("/v1/tickets", "{\"queue\": ") << 400
                                    << u"invalid_argument"_s << u"POST /v1/tickets: invalid JSON"_s;
    QTest::addRow("not an object")
        << post("/v1/tickets", "[1]") << 400 << u"invalid_argument"_s << u"must be a JSON object"_s;
    QTest::addRow("wrong type") << post("/v1/tickets", R"({"queue": "duel-1v1", "players": "x"})")
                                << 400 << u"invalid_argument"_s << u"players: must be an array"_s;
    QTest::addRow("wrong rating type")
        << post(
               "/v1/tickets",
               R"({"queue":"duel-1v1","players":[{"id":"p","rating":{"mu":"high","sigma":1},"pings":{"eu-west":1}}]})")
        << 400 << u"invalid_argument"_s << u"players[0].rating.mu: must be a number"_s;
    QTest::addRow("wrong ping type")
        << post("/v1/tickets",
                R"({"queue":"duel-1v1","players":[{"id":"p","pings":{"eu-west":"fast"}}]})")
        << 400 << u"invalid_argument"_s << u"players[0].pings.eu-west: must be an integer"_s;
    QTest::addRow("unknown queue") << post("/v1/tickets", soloTicket("nope", "p")) << 400
                                   << u"invalid_argument"_s << u"queue: unknown queue 'nope'"_s;
    QTest::addRow("unknown field")
        << post("/v1/tickets",
                R"({"queue":"duel-1v1","players":[{"id":"p","pings":{"eu-west":1}}],"x":1})")
        << 400 << u"invalid_argument"_s << u"x"_s;
    QTest::addRow("unknown region")
        << post("/v1/tickets", soloTicket("duel-1v1", "p", "mars")) << 400 << u"invalid_argument"_s
        << u"players[0].pings.mars: unknown region"_s;
    QTest::addRow("no players") << post("/v1/tickets", R"({"queue":"duel-1v1","players":[]})")
                                << 400 << u"invalid_argument"_s
                                << u"players: must hold at least one player"_s;
    QTest::addRow("player twice in party")
        << post(
               "/v1/tickets",
               R"({"queue":"squad-2v2","players":[{"id":"p","pings":{"eu-west":1}},{"id":"p","pings":{"eu-west":1}}]})")
        << 400 << u"invalid_argument"_s << u"players[1].id: player 'p' is twice"_s;
    QTest::addRow("party too big")
        << post(
               "/v1/tickets",
               R"({"queue":"duel-1v1","players":[{"id":"p","pings":{"eu-west":1}},{"id":"q","pings":{"eu-west":1}}]})")
        << 400 << u"invalid_argument"_s << u"POST /v1/tickets: "_s;
    QTest::addRow("bad player id") << post("/v1/tickets", soloTicket("duel-1v1", "bad id")) << 400
                                   << u"invalid_argument"_s << u"players[0].id: must be"_s;
    QTest::addRow("oversized body") << post("/v1/tickets", QByteArray(70000, ' ')) << 413
                                    << u"too_large"_s << u"request body: larger than 65536 bytes"_s;
    QTest::addRow("oversized headers")
        << get("GET", "/healthz", "X-Big: " + QByteArray(20000, 'a') + "\r\n") << 431
        << u"too_large"_s << u"request headers"_s;
    QTest::addRow("chunked upload") << get("POST", "/v1/tickets", "Transfer-Encoding: chunked\r\n")
                                    << 400 << u"invalid_argument"_s << u"Transfer-Encoding"_s;
    QTest::addRow("garbage request line")
        << QByteArray("HELLO\r\n\r\n") << 400 << u"invalid_argument"_s << u"request line"_s;
    QTest::addRow("unknown ticket") << get("GET", "/v1/tickets/t999999") << 404 << u"not_found"_s
                                    << u"ticket_id: no such id 'blue-t999999'"_s;
    QTest::addRow("another server's ticket")
        << get("GET", "/v1/tickets/green-t1") << 421 << u"misdirected"_s
        << u"ticket_id: 'green-t1' was issued by server 'green', this is server 'blue'"_s;
    QTest::addRow("another server's match result")
        << post("/v1/matches/green-m1/result", R"({"winner_team":0})") << 421 << u"misdirected"_s
        << u"match_id: 'green-m1' was issued by server 'green'"_s;
    QTest::addRow("malformed ticket id")
        << get("DELETE", "/v1/tickets/abc") << 404 << u"not_found"_s << u"ticket_id"_s;
    QTest::addRow("unknown match")
        << get("GET", "/v1/matches/m424242") << 404 << u"not_found"_s << u"match_id"_s;
    QTest::addRow("unknown match result")
        << post("/v1/matches/m424242/result", R"({"winner_team":0})") << 404 << u"not_found"_s
        << u"match_id"_s;
    QTest::addRow("unknown route")
        << get("GET", "/v2/nothing") << 404 << u"not_found"_s << u"no route"_s;
    QTest::addRow("wrong method") << get("PUT", "/v1/tickets") << 405 << u"not_found"_s
                                  << u"allowed: POST"_s;
    QTest::addRow("events without upgrade")
        << get("GET", "/v1/events") << 400 << u"invalid_argument"_s << u"WebSocket upgrade"_s;
    QTest::addRow("admin without token")
        << post("/v1/admin/drain", "") << 401 << u"unauthorized"_s << u"Authorization: missing"_s;
    QTest::addRow("admin wrong token")
        << post("/v1/admin/drain", "", "Authorization: Bearer nope-nope-nope-nope\r\n") << 401
        << u"unauthorized"_s << u"wrong bearer token"_s;
    QTest::addRow("admin basic auth")
        << post("/v1/admin/faults", "{}", "Authorization: Basic Zm9vOmJhcg==\r\n") << 401
        << u"unauthorized"_s << u"wrong bearer token"_s;
    QTest::addRow("bad fault") << post("/v1/admin/faults", R"({"kind":"meteor"})", kBearer) << 400
                               << u"invalid_argument"_s << u"kind"_s;
    QTest::addRow("player surge")
        << post("/v1/admin/faults", R"({"kind":"player_surge","multiplier":2})", kBearer) << 400
        << u"invalid_argument"_s
        << u"kind: 'player_surge' is more players, not something a server does"_s;
}

void TestMatchdApi::errors() {
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const HttpResult r = httpRaw(port(), raw);
    QCOMPARE(r.status, status);
    QCOMPARE(r.errorCode(), code);
    QVERIFY2(r.errorMessage().contains(message), qPrintable(r.errorMessage()));
    // And the server keeps serving.
    QCOMPARE(http(port(), "GET", "/healthz").status, 200);
    QCOMPARE(http(port(), "POST", "/v1/tickets",
                  soloTicket("squad-2v2", "after-" + QByteArray(QTest::currentDataTag()).toHex()))
                 .status,
             201);
}

void TestMatchdApi::duplicatePlayerIsConflict() {
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "gina")).status, 201);
    const HttpResult r = http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "gina"));
    QCOMPARE(r.status, 409);
    QCOMPARE(r.errorCode(), u"conflict"_s);
    QVERIFY2(r.errorMessage().startsWith(u"POST /v1/tickets: "_s), qPrintable(r.errorMessage()));
}

void TestMatchdApi::adminDisabledWithoutTokenFile() {
    MatchdFixture plain;
    QString error;
    QVERIFY2(plain.start(false, 16000, &error), qPrintable(error));
    const HttpResult r =
        http(plain.port, "POST", "/v1/admin/faults", R"({"kind":"stall"})", kBearer);
    QCOMPARE(r.status, 403);
    QCOMPARE(r.errorCode(), u"unauthorized"_s);
    QVERIFY(r.errorMessage().contains(u"--admin-token-file"_s));
    QVERIFY(!r.body.contains(kTestAdminToken));
}

void TestMatchdApi::drainRefusesNewTickets() {
    const QString before = create(soloTicket("squad-2v2", "hank"));
    QCOMPARE(http(port(), "GET", "/readyz").status, 200);
    QCOMPARE(http(port(), "POST", "/v1/admin/drain", {}, kBearer).status, 202);
    const HttpResult r = http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "ivy"));
    QCOMPARE(r.status, 503);
    QCOMPARE(r.errorCode(), u"unavailable"_s);
    const HttpResult ready = http(port(), "GET", "/readyz");
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.errorCode(), u"unavailable"_s);
    // Everything else still serves.
    QCOMPARE(ticketState(port(), before), u"searching"_s);
    QCOMPARE(http(port(), "GET", "/healthz").status, 200);
    QVERIFY(http(port(), "GET", "/v1/info").json().value(u"draining").toBool());
}

void TestMatchdApi::tooManyConnectionsIsOverloaded() {
    MatchdFixture small;
    QString error;
    QVERIFY2(small.start(true, 2, &error), qPrintable(error));
    QTcpSocket a, b;
    a.connectToHost(u"127.0.0.1"_s, small.port);
    b.connectToHost(u"127.0.0.1"_s, small.port);
    QTRY_VERIFY(a.state() == QAbstractSocket::ConnectedState &&
                b.state() == QAbstractSocket::ConnectedState);
    QTest::qWait(50);  // let the server accept both
    const HttpResult r = http(small.port, "GET", "/healthz");
    QCOMPARE(r.status, 503);
    QCOMPARE(r.errorCode(), u"overloaded"_s);
    a.disconnectFromHost();
    b.disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(http(small.port, "GET", "/healthz").status, 200, 5000);
}

void TestMatchdApi::pipelinedRequestsAnswerInOrder() {
    const QByteArray body = soloTicket("squad-2v2", "pipe1");
    const QByteArray raw =
        "POST /v1/tickets HTTP/1.1\r\nContent-Length: " + QByteArray::number(body.size()) +
        "\r\n\r\n" + body +
        "GET /healthz HTTP/1.1\r\n\r\nGET /v1/nope HTTP/1.1\r\nConnection: close\r\n\r\n";
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, port());
    QTRY_VERIFY(s.state() == QAbstractSocket::ConnectedState);
    s.write(raw);
    QByteArray in;
    QTRY_VERIFY_WITH_TIMEOUT((in += s.readAll(), in.count("HTTP/1.1 ") == 3 && in.endsWith("}")),
                             5000);
    const qsizetype i201 = in.indexOf("HTTP/1.1 201");
    const qsizetype i200 = in.indexOf("HTTP/1.1 200");
    const qsizetype i404 = in.indexOf("HTTP/1.1 404");
    QVERIFY(i201 >= 0 && i200 > i201 && i404 > i200);
}

void TestMatchdApi::metricsParseBack() {
    for (int i = 0; i < 6; ++i)
        create(soloTicket("duel-1v1", "mp" + QByteArray::number(i)));
    http(port(), "GET", "/v1/tickets/t999999");
    QTRY_COMPARE_WITH_TIMEOUT(http(port(), "GET", "/v1/stats")
                                  .json()
                                  .value(u"total")
                                  .toObject()
                                  .value(u"matches_total")
                                  .toInt(),
                              3, 5000);
    const HttpResult r = http(port(), "GET", "/metrics");
    QCOMPARE(r.status, 200);
    QVERIFY(r.head.contains("text/plain; version=0.0.4"));
    QString error;
    const auto parsed = pulsco::PrometheusTextParser::parse(r.body, u"GET /metrics"_s, &error);
    QVERIFY2(parsed, qPrintable(error));
    for (const char* name :
         {"pulsco_ticket_wait_seconds", "pulsco_http_request_duration_seconds"}) {
        const auto* f = parsed->family(name);
        QVERIFY2(f, name);
        QCOMPARE(f->type, QByteArray("histogram"));
        QVERIFY(!f->help.isEmpty());
    }
    QCOMPARE(parsed->family("pulsco_queue_depth")->type, QByteArray("gauge"));
    QCOMPARE(parsed->family("pulsco_matches_total")->type, QByteArray("counter"));
    QCOMPARE(parsed->value("pulsco_matches_total"), 3.0);
    QCOMPARE(parsed->value("pulsco_ticket_wait_seconds_count"), 6.0);
    // By route template and method: the creates apart from the reads, never
    // a raw path (the ticket's id) in a label.
    using Labels = QMap<QByteArray, QByteArray>;
    const auto route = [](const char* cls, const char* route, const char* method) {
        return Labels{{"class", cls}, {"route", route}, {"method", method}};
    };
    const auto withCode = [](Labels labels, const char* code) {
        labels.insert("code", code);
        return labels;
    };
    const auto creates = route("api", "/v1/tickets", "POST");
    const auto reads = route("api", "/v1/tickets/{id}", "GET");
    const auto stats = route("monitoring", "/v1/stats", "GET");
    QCOMPARE(parsed->value("pulsco_http_requests_total", withCode(creates, "201")), 6.0);
    QCOMPARE(parsed->value("pulsco_http_requests_total", withCode(reads, "404")), 1.0);
    QCOMPARE(parsed->value("pulsco_http_request_duration_seconds_count", creates), 6.0);
    QCOMPARE(parsed->value("pulsco_http_request_duration_seconds_count", reads), 1.0);
    QVERIFY(*parsed->value("pulsco_http_requests_total", withCode(stats, "200")) >= 1);
    QVERIFY(*parsed->value("pulsco_http_request_duration_seconds_count", stats) >= 1);
    // The plan's bars are bounds of their own.
    for (const char* le : {"0.15", "5"}) {
        auto bucket = creates;
        bucket.insert("le", le);
        QVERIFY2(parsed->value("pulsco_http_request_duration_seconds_bucket", bucket), le);
    }
    QVERIFY(!r.body.contains("t999999"));
    // The snapshot's API figures stay user traffic only: 6 creates and the 404.
    QTRY_COMPARE_WITH_TIMEOUT(http(port(), "GET", "/v1/stats")
                                  .json()
                                  .value(u"total")
                                  .toObject()
                                  .value(u"requests_total")
                                  .toInt(),
                              7, 5000);
    for (const char* q : {"duel-1v1", "slow-1v1", "squad-2v2"})
        QCOMPARE(parsed->value("pulsco_queue_depth", {{"queue", q}}), 0.0);
}

void TestMatchdApi::statsIsTheSnapshotSchema() {
    create(soloTicket("squad-2v2", "st1"));
    create(soloTicket("squad-2v2", "st2"));
    QTest::qWait(60);  // a tick or two: the snapshot is cached per tick
    const HttpResult r = http(port(), "GET", "/v1/stats");
    QCOMPARE(r.status, 200);
    QString error;
    const auto snapshot = pulsco::metricsSnapshotFromJson(r.body, u"GET /v1/stats"_s, &error);
    QVERIFY2(snapshot, qPrintable(error));
    QCOMPARE(snapshot->total.tickets.created, 2u);
    QCOMPARE(snapshot->total.tickets.searching, 2u);
    QCOMPARE(snapshot->blue, snapshot->total);  // this server is blue
    QCOMPARE(snapshot->green.tickets.created, 0u);
    QCOMPARE(snapshot->total.queues.size(), std::size_t(4));
    QCOMPARE(snapshot->total.queues[2].depth, 2u);
    QVERIFY(snapshot->conservationOk);
    QVERIFY(snapshot->source.starts_with("http://127.0.0.1:"));
}

// A party's home region is where its worst ping is lowest; players_in_queue
// per region follows tickets in and out of the queue.
void TestMatchdApi::statsCountPlayersPerHomeRegion() {
    const auto regionsNow = [&] {
        QString error;
        const auto s = pulsco::metricsSnapshotFromJson(http(port(), "GET", "/v1/stats").body,
                                                       u"GET /v1/stats"_s, &error);
        return s ? s->regions : std::map<std::string, pulsco::RegionMetrics>{};
    };
    const QString solo = create(soloTicket("squad-2v2", "hr1", "eu-west", 20));
    const QByteArray duo =
        R"({"queue":"squad-2v2","players":[{"id":"hr2","pings":{"eu-west":30,"us-east":10}},)"
        R"({"id":"hr3","pings":{"eu-west":5,"us-east":25}}]})";
    QVERIFY(!create(duo).isEmpty());  // worst pings: eu-west 30, us-east 25
    QTRY_COMPARE_WITH_TIMEOUT(regionsNow()["us-east"].playersInQueue, 2u, 5000);
    auto regions = regionsNow();
    QCOMPARE(regions["eu-west"].playersInQueue, 1u);
    QCOMPARE(regions["eu-west"].playersOnline, 1u);
    QCOMPARE(regions["us-east"].playersOnline, 2u);
    QCOMPARE(http(port(), "DELETE", "/v1/tickets/" + solo.toLatin1()).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(regionsNow()["eu-west"].playersInQueue, 0u, 5000);
    QCOMPARE(regionsNow()["us-east"].playersInQueue, 2u);
    // Two more solo players fill the match: everyone leaves the queue and is
    // "online" in the match's region until its result is reported.
    create(soloTicket("squad-2v2", "hr4", "us-east", 20));
    create(soloTicket("squad-2v2", "hr5", "us-east", 20));
    QTRY_COMPARE_WITH_TIMEOUT(regionsNow()["us-east"].matchesTotal, 1u, 5000);
    regions = regionsNow();
    QCOMPARE(regions["us-east"].playersInQueue, 0u);
    QCOMPARE(regions["us-east"].playersOnline, 4u);
    QCOMPARE(regions["eu-west"].playersOnline, 0u);
    // /metrics exports the same figures, by region.
    QString error;
    const auto m = pulsco::PrometheusTextParser::parse(http(port(), "GET", "/metrics").body,
                                                       u"GET /metrics"_s, &error);
    QVERIFY2(m, qPrintable(error));
    QCOMPARE(m->family("pulsco_region_matches_total")->type, QByteArray("counter"));
    QCOMPARE(m->family("pulsco_region_ticket_wait_seconds")->type, QByteArray("histogram"));
    QCOMPARE(regions.size(), std::size_t(2));
    for (const auto& [name, region] : regions) {
        const QMap<QByteArray, QByteArray> in{{"region", QByteArray::fromStdString(name)}};
        QCOMPARE(m->value("pulsco_region_players_in_queue", in), double(region.playersInQueue));
        QCOMPARE(m->value("pulsco_region_players_online", in), double(region.playersOnline));
        QCOMPARE(m->value("pulsco_region_matches_total", in), double(region.matchesTotal));
        QCOMPARE(m->value("pulsco_region_ticket_wait_seconds_count", in),
                 double(region.ticketWaitSeconds.count()));
        QCOMPARE(m->value("pulsco_region_reachable", in), 1.0);
        QCOMPARE(m->value("pulsco_region_shed", in), 0.0);
    }
    QCOMPARE(m->value("pulsco_region_ticket_wait_seconds_count", {{"region", "us-east"}}), 3.0);
}

// errors_total, errors_by_code and recent_errors count failures of the
// service (5xx), as the simulator does; a client's 4xx is not one.
void TestMatchdApi::statsCountOnlyServerErrors() {
    QCOMPARE(http(port(), "POST", "/v1/tickets", "{nope").status, 400);
    QCOMPARE(http(port(), "GET", "/v1/tickets/t999").status, 404);
    QCOMPARE(http(port(), "GET", "/v1/admin/faults").status, 401);
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"error_rate","share":1,"target":"blue"})", kBearer)
                 .status,
             201);
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "se1")).status, 503);
    QCOMPARE(http(port(), "GET", "/v1/tickets/t1").status, 503);
    // Monitoring routes are not faulted (and not user traffic).
    QCOMPARE(http(port(), "GET", "/v1/queues").status, 200);
    QCOMPARE(http(port(), "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    const auto statsNow = [&] {
        QString error;
        return pulsco::metricsSnapshotFromJson(http(port(), "GET", "/v1/stats").body,
                                               u"GET /v1/stats"_s, &error);
    };
    // The API's answers: the 400, the 404 and the two 503s (the admin and
    // monitoring answers are counted apart).
    QTRY_VERIFY_WITH_TIMEOUT(statsNow() && statsNow()->total.requestsTotal == 4, 5000);
    const auto s = statsNow();
    const std::map<std::string, std::uint64_t> expected{{"503", 2}};
    QCOMPARE(s->total.errorsByCode, expected);
    QCOMPARE(s->total.errorsTotal, 2u);
    QCOMPARE(s->total.recentErrors, 2u);
    // /metrics still counts every answer by its class, route and code.
    const auto metrics = metricsOf(port());
    QVERIFY(metrics);
    const QByteArray total = "pulsco_http_requests_total";
    QCOMPARE(sumWhere(*metrics, total, {{"class", "api"}, {"code", "400"}}), 1.0);
    QCOMPARE(sumWhere(*metrics, total, {{"class", "api"}, {"code", "503"}}), 2.0);
    QCOMPARE(sumWhere(*metrics, total, {{"class", "admin"}, {"code", "401"}}), 1.0);
}

void TestMatchdApi::eventsHaveNoGaps() {
    QWebSocket ws;
    QList<QJsonObject> messages;
    connect(&ws, &QWebSocket::textMessageReceived, this,
            [&](const QString& m) { messages << QJsonDocument::fromJson(m.toUtf8()).object(); });
    ws.open(QUrl(u"ws://127.0.0.1:%1/v1/events"_s.arg(port())));
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, 5000);
    QStringList tickets;
    for (int i = 0; i < 10; ++i)
        tickets << create(soloTicket("duel-1v1", "ev" + QByteArray::number(i)));
    const auto has = [&](const QString& type) {
        return std::any_of(messages.cbegin(), messages.cend(), [&](const QJsonObject& o) {
            return o.value(u"type").toString() == type;
        });
    };
    QTRY_VERIFY_WITH_TIMEOUT(has(u"snapshot"_s) && has(u"match"_s), 5000);
    for (qsizetype i = 1; i < messages.size(); ++i)
        QCOMPARE(messages[i].value(u"seq").toInteger(),
                 messages[i - 1].value(u"seq").toInteger() + 1);
    QSet<QString> seen;
    for (const QJsonObject& o : messages)
        if (o.value(u"type").toString() == u"ticket"_s &&
            o.value(u"state").toString() == u"searching"_s)
            seen.insert(o.value(u"ticket_id").toString());
    for (const QString& t : tickets)
        QVERIFY2(seen.contains(t), qPrintable(t));
    for (const QJsonObject& o : messages)
        if (o.value(u"type").toString() == u"snapshot"_s) {
            QString error;
            const QByteArray snap =
                QJsonDocument(o.value(u"snapshot").toObject()).toJson(QJsonDocument::Compact);
            QVERIFY2(pulsco::metricsSnapshotFromJson(snap, u"event"_s, &error), qPrintable(error));
        }
    ws.close();
}

void TestMatchdApi::faultsChangeRealAnswers() {
    const HttpResult added = http(port(), "POST", "/v1/admin/faults",
                                  R"({"kind":"error_rate","share":1,"target":"blue"})", kBearer);
    QCOMPARE(added.status, 201);
    QCOMPARE(added.json().value(u"faults").toArray().size(), 1);
    const HttpResult refused = http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "fa1"));
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), u"unavailable"_s);
    QVERIFY(refused.errorMessage().contains(u"fault"_s));
    // Health, metrics and admin stay truthful during a drill.
    QCOMPARE(http(port(), "GET", "/healthz").status, 200);
    QCOMPARE(http(port(), "GET", "/metrics").status, 200);
    QCOMPARE(http(port(), "GET", "/v1/admin/faults", {}, kBearer)
                 .json()
                 .value(u"faults")
                 .toArray()
                 .size(),
             1);
    const HttpResult green = http(port(), "POST", "/v1/admin/faults",
                                  R"({"kind":"latency","latency_ms":5,"target":"green"})", kBearer);
    QCOMPARE(green.status, 400);
    QVERIFY(green.errorMessage().contains(u"target: this server is blue"_s));

    QCOMPARE(http(port(), "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "fa1")).status, 201);

    // Latency: answers still come, and the drill shows in the snapshot.
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"latency","latency_ms":30,"share":1})", kBearer)
                 .status,
             201);
    QCOMPARE(http(port(), "GET", "/v1/info").status, 200);
    QTRY_VERIFY_WITH_TIMEOUT(
        !http(port(), "GET", "/v1/stats").json().value(u"active_faults").toArray().isEmpty(), 5000);
}

// latency_factor multiplies the time an answer spends in the server, where
// `latency` adds to it: with commits slowed to 120 ms a ticket takes at least
// 120 ms, and x3 on top makes it at least 360 ms (an added delay could not
// scale with the commit). Lower bounds only: a loaded machine is slower, not
// faster.
void TestMatchdApi::latencyFactorMultipliesTheServersTime() {
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"store_latency","latency_ms":120})", kBearer)
                 .status,
             201);
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "lf1")).status, 201);
    const qint64 slowStore = timer.elapsed();
    QVERIFY2(slowStore >= 115, qPrintable(QString::number(slowStore)));

    const HttpResult added = http(port(), "POST", "/v1/admin/faults",
                                  R"({"kind":"latency_factor","multiplier":3})", kBearer);
    QCOMPARE(added.status, 201);
    const QJsonObject fault =
        added.json().value(u"faults").toArray().last().toObject().value(u"fault").toObject();
    QCOMPARE(fault.value(u"kind").toString(), u"latency_factor"_s);
    QCOMPARE(fault.value(u"multiplier").toDouble(), 3.0);
    QCOMPARE(fault.value(u"share").toDouble(), 1.0);
    timer.restart();
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "lf2")).status, 201);
    const qint64 slowRelease = timer.elapsed();
    QVERIFY2(slowRelease >= 3 * 115,
             qPrintable(u"%1 ms with x3, %2 ms without"_s.arg(slowRelease).arg(slowStore)));
    const auto described = [this] {
        return QJsonDocument(
                   http(port(), "GET", "/v1/stats").json().value(u"active_faults").toArray())
            .toJson();
    };
    QTRY_VERIFY2_WITH_TIMEOUT(described().contains("latency x3.00 on 100 % of requests, blue"),
                              described().constData(), 5000);
    // Monitoring is not what a drill slows.
    timer.restart();
    QCOMPARE(http(port(), "GET", "/v1/queues").status, 200);
    QVERIFY(timer.elapsed() < 300);
}

// region_outage as the simulator plays it: the region's game servers are
// out. Searching players homed there are dropped; new tickets cannot be
// placed there (a party that reaches nothing else is refused 503, one that
// reaches another region is accepted); clearing the fault brings it back.
void TestMatchdApi::regionOutageTakesARegionOut() {
    // A QByteArray, not the builder: the numbers' temporaries end here.
    const auto twoRegions = [](const QByteArray& player, int euPing, int usPing) -> QByteArray {
        return QByteArray(R"({"queue":"squad-2v2","players":[{"id":")" + player +
                          R"(","pings":{"eu-west":)" + QByteArray::number(euPing) +
                          R"(,"us-east":)" + QByteArray::number(usPing) + "}}]}");
    };
    const QString euHome = create(twoRegions("ro-eu", 20, 150));
    const QString usHome = create(twoRegions("ro-us", 150, 20));

    const HttpResult unknown = http(port(), "POST", "/v1/admin/faults",
                                    R"({"kind":"region_outage","region":"mars"})", kBearer);
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.errorMessage(),
             u"POST /v1/admin/faults: region: unknown region \"mars\" (this server's regions: "
             "eu-west, us-east)"_s);
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"region_outage","region":"eu-west"})", kBearer)
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), euHome), u"cancelled"_s, 5000);
    QCOMPARE(ticketState(port(), usHome), u"searching"_s);

    const HttpResult refused =
        http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "ro-eu-only"));
    QCOMPARE(refused.status, 503);
    QCOMPARE(refused.errorCode(), u"unavailable"_s);
    QCOMPARE(refused.errorMessage(), u"POST /v1/tickets: region eu-west is out (drill): no region "
                                     "left that every player reaches"_s);
    const QString elsewhere = create(twoRegions("ro-both", 20, 40));
    QCOMPARE(ticketState(port(), elsewhere), u"searching"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
        QJsonDocument(http(port(), "GET", "/v1/stats").json().value(u"active_faults").toArray())
            .toJson()
            .contains("region outage eu-west"),
        5000);
    // The snapshot's regions say so, as the simulator's do (region-unreachable).
    const QJsonObject regions =
        http(port(), "GET", "/v1/stats").json().value(u"regions").toObject();
    QCOMPARE(regions.value(u"eu-west").toObject().value(u"reachable").toBool(true), false);
    QCOMPARE(regions.value(u"us-east").toObject().value(u"reachable").toBool(false), true);

    QCOMPARE(http(port(), "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("squad-2v2", "ro-eu-only")).status,
             201);
}

// The "shed region" remedy: with eu-west out, shedding it sends its players
// to their nearest other region (matched there, the answer says so) and
// refuses those who reach no other with a reason; the snapshot reports it
// shed; putting it back in service brings back the outage's refusal.
void TestMatchdApi::shedRegionSendsItsPlayersElsewhere() {
    const auto duellist = [](const QByteArray& player, int euPing, int usPing) -> QByteArray {
        return QByteArray(R"({"queue":"duel-1v1","players":[{"id":")" + player +
                          R"(","rating":{"mu":25,"sigma":8},"pings":{"eu-west":)" +
                          QByteArray::number(euPing) + R"(,"us-east":)" +
                          QByteArray::number(usPing) + "}}]}");
    };
    const QByteArray shedEu = R"({"region":"eu-west"})";
    QCOMPARE(http(port(), "POST", "/v1/admin/regions/shed", shedEu).status, 401);  // no token
    QCOMPARE(http(port(), "DELETE", "/v1/admin/regions/shed", {}, kBearer).status, 405);
    const HttpResult unknown =
        http(port(), "POST", "/v1/admin/regions/shed", R"({"region":"mars"})", kBearer);
    QCOMPARE(unknown.status, 400);
    QCOMPARE(unknown.errorMessage(),
             u"POST /v1/admin/regions/shed: region: unknown region \"mars\" (this server's "
             "regions: eu-west, us-east)"_s);
    const HttpResult badField = http(port(), "POST", "/v1/admin/regions/shed",
                                     R"({"region":"eu-west","shed":"yes"})", kBearer);
    QCOMPARE(badField.status, 400);
    QVERIFY2(badField.errorMessage().contains(u"shed"_s), qPrintable(badField.errorMessage()));
    QCOMPARE(http(port(), "GET", "/v1/admin/regions/shed", {}, kBearer)
                 .json()
                 .value(u"shed")
                 .toArray()
                 .size(),
             0);

    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"region_outage","region":"eu-west"})", kBearer)
                 .status,
             201);
    const HttpResult shed = http(port(), "POST", "/v1/admin/regions/shed", shedEu, kBearer);
    QCOMPARE(shed.status, 200);
    QCOMPARE(shed.json().value(u"shed").toArray(), QJsonArray{u"eu-west"_s});
    QTRY_VERIFY_WITH_TIMEOUT(statsOf(port()) && statsOf(port())->regions.at("eu-west").shed, 5000);
    const auto stats = statsOf(port());
    QVERIFY(stats);
    QCOMPARE(stats->regions.at("eu-west").reachable, false);  // still out: shed, not mended
    QCOMPARE(stats->regions.at("us-east").shed, false);
    // So /metrics says, for a rule to tell this outage from one that pages.
    QString error;
    const auto m = pulsco::PrometheusTextParser::parse(http(port(), "GET", "/metrics").body,
                                                       u"GET /metrics"_s, &error);
    QVERIFY2(m, qPrintable(error));
    QCOMPARE(m->value("pulsco_region_shed", {{"region", "eu-west"}}), 1.0);
    QCOMPARE(m->value("pulsco_region_reachable", {{"region", "eu-west"}}), 0.0);
    QCOMPARE(m->value("pulsco_region_shed", {{"region", "us-east"}}), 0.0);
    QCOMPARE(m->value("pulsco_region_reachable", {{"region", "us-east"}}), 1.0);

    // Two players homed in eu-west: placed in us-east, told so, matched there.
    const HttpResult first = http(port(), "POST", "/v1/tickets", duellist("shed-a", 20, 60));
    QCOMPARE(first.status, 201);
    QCOMPARE(first.json().value(u"notice").toString(),
             u"region eu-west is shed (out of service): this party plays in its nearest other "
             "region"_s);
    const QString a = first.json().value(u"ticket_id").toString();
    create(duellist("shed-b", 25, 70));
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), a), u"matched"_s, 5000);
    QCOMPARE(matchRegionOf(port(), a), u"us-east"_s);
    // A player of another region is told nothing.
    QVERIFY(!http(port(), "POST", "/v1/tickets", duellist("shed-us", 90, 20))
                 .json()
                 .contains(u"notice"));
    // One who reaches no other region is refused, and told why.
    const HttpResult stranded =
        http(port(), "POST", "/v1/tickets", soloTicket("duel-1v1", "shed-eu-only"));
    QCOMPARE(stranded.status, 503);
    QCOMPARE(stranded.errorMessage(),
             u"POST /v1/tickets: region eu-west is shed (out of service) and no other region is "
             "reachable by every player of this party"_s);
    // One who could not be placed even before the shed is told that instead
    // (a 400: trying again will not help).
    const HttpResult tooFar =
        http(port(), "POST", "/v1/tickets", soloTicket("duel-1v1", "shed-far", "eu-west", 600));
    QCOMPARE(tooFar.status, 400);
    QVERIFY2(
        tooFar.errorMessage().contains(u"no region is reachable by every member within 500 ms"_s),
        qPrintable(tooFar.errorMessage()));

    // Back in service: the outage (still on) refuses as before.
    const HttpResult back = http(port(), "POST", "/v1/admin/regions/shed",
                                 R"({"region":"eu-west","shed":false})", kBearer);
    QCOMPARE(back.status, 200);
    QCOMPARE(back.json().value(u"shed").toArray().size(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(statsOf(port()) && !statsOf(port())->regions.at("eu-west").shed, 5000);
    QCOMPARE(http(port(), "POST", "/v1/tickets", soloTicket("duel-1v1", "shed-eu-only-2"))
                 .errorMessage(),
             u"POST /v1/tickets: region eu-west is out (drill): no region left that every player "
             "reaches"_s);
}

// A healthy region shed while its players search: their tickets, queued
// before, are matched in their nearest other region; an outage of the shed
// region that follows drops none of the parties placed elsewhere.
void TestMatchdApi::shedRegionMovesTicketsAlreadySearching() {
    // late-1v1 matches nobody before 3 s of wait: time to shed in between.
    const auto late = [](const QByteArray& player, int mu, int euPing, int usPing) {
        return QByteArray(R"({"queue":"late-1v1","players":[{"id":")" + player +
                          R"(","rating":{"mu":)" + QByteArray::number(mu) +
                          R"(,"sigma":8},"pings":{"eu-west":)" + QByteArray::number(euPing) +
                          R"(,"us-east":)" + QByteArray::number(usPing) + "}}]}");
    };
    const QString a = create(late("early-a", 25, 20, 60));
    const QString b = create(late("early-b", 30, 25, 70));
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QCOMPARE(
        http(port(), "POST", "/v1/admin/regions/shed", R"({"region":"eu-west"})", kBearer).status,
        200);
    // Placed elsewhere at once, told so; still searching when eu-west goes out.
    const HttpResult moved = http(port(), "POST", "/v1/tickets", late("moved-c", 60, 20, 60));
    QCOMPARE(moved.status, 201);
    QVERIFY(moved.json().contains(u"notice"));
    const QString c = moved.json().value(u"ticket_id").toString();
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"region_outage","region":"eu-west"})", kBearer)
                 .status,
             201);
    QCOMPARE(ticketState(port(), c), u"searching"_s);
    QCOMPARE(ticketState(port(), a), u"searching"_s);

    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), a), u"matched"_s, 10000);
    QCOMPARE(matchRegionOf(port(), a), u"us-east"_s);
    QCOMPARE(ticketState(port(), c), u"searching"_s);  // a and b, nearer in skill, met first
}

// The "restart matcher" remedy: a stalled matcher forms no match; the
// restart queues the searching tickets again from the store (same ids) in a
// fresh matcher, which matches them, and the stall it cured is over.
void TestMatchdApi::restartMatcherCuresAStall() {
    QCOMPARE(
        http(port(), "POST", "/v1/admin/faults", R"({"kind":"matcher_stall"})", kBearer).status,
        201);
    const QString a = create(soloTicket("duel-1v1", "rs-a"));
    const QString b = create(soloTicket("duel-1v1", "rs-b"));
    QTest::qWait(400);  // several ticks: a working matcher would have matched them
    QCOMPARE(ticketState(port(), a), u"searching"_s);
    QCOMPARE(ticketState(port(), b), u"searching"_s);

    QCOMPARE(http(port(), "POST", "/v1/admin/matcher/restart").status, 401);  // no token
    QCOMPARE(http(port(), "GET", "/v1/admin/matcher/restart", {}, kBearer).status, 405);
    const HttpResult restarted = http(port(), "POST", "/v1/admin/matcher/restart", {}, kBearer);
    QCOMPARE(restarted.status, 200);
    const QJsonObject r = restarted.json();
    QVERIFY(r.value(u"restarted").toBool());
    QCOMPARE(r.value(u"requeued").toInt(), 2);
    QCOMPARE(r.value(u"expired").toInt(), 0);
    QCOMPARE(r.value(u"stall_faults_ended").toInt(), 1);
    QVERIFY(r.value(u"took_ms").toDouble() >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), a), u"matched"_s, 5000);
    QCOMPARE(ticketState(port(), b), u"matched"_s);
    QCOMPARE(http(port(), "GET", "/v1/admin/faults", {}, kBearer)
                 .json()
                 .value(u"faults")
                 .toArray()
                 .size(),
             0);
    // The restarted matcher takes new tickets as before.
    const QString c = create(soloTicket("duel-1v1", "rs-c"));
    const QString d = create(soloTicket("duel-1v1", "rs-d"));
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), d), u"matched"_s, 5000);
    QCOMPARE(ticketState(port(), c), u"matched"_s);
}

// bad_release as the simulator plays it: the matcher runs the shipped rules
// with every skill window x multiplier. Two duellists 2 mu apart match at
// once under the fixture's window (100) and never under 0.01 x it (1); ending the
// fault switches back, and the tickets, carried through the store, match.
void TestMatchdApi::badReleaseRunsTheDefectiveRules() {
    const auto firstWindow = [this] {
        for (const QJsonValue& q :
             http(port(), "GET", "/v1/queues").json().value(u"queues").toArray())
            if (q.toObject().value(u"name").toString() == u"duel-1v1"_s)
                return q.toObject()
                    .value(u"rules")
                    .toObject()
                    .value(u"skill_window")
                    .toArray()[0]
                    .toObject()
                    .value(u"value")
                    .toDouble();
        return -1.0;
    };
    QCOMPARE(firstWindow(), 100.0);
    QCOMPARE(http(port(), "POST", "/v1/admin/faults", R"({"kind":"bad_release","multiplier":0.01})",
                  kBearer)
                 .status,
             201);
    QTRY_VERIFY_WITH_TIMEOUT(std::abs(firstWindow() - 1.0) < 1e-9, 5000);
    const QString e =
        create(soloTicket("duel-1v1", "br-e", "eu-west", 20, R"({"mu": 30, "sigma": 5})"));
    const QString f =
        create(soloTicket("duel-1v1", "br-f", "eu-west", 20, R"({"mu": 32, "sigma": 5})"));
    QTest::qWait(600);  // several ticks: the shipped rules would have matched them
    QCOMPARE(ticketState(port(), e), u"searching"_s);
    QCOMPARE(ticketState(port(), f), u"searching"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
        QJsonDocument(http(port(), "GET", "/v1/stats").json().value(u"active_faults").toArray())
            .toJson()
            .contains("bad release (skill window x0.01), blue"),
        5000);

    QCOMPARE(http(port(), "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), e), u"matched"_s, 5000);
    QCOMPARE(ticketState(port(), f), u"matched"_s);
    QCOMPARE(firstWindow(), 100.0);
}

void TestMatchdApi::infoAndQueues() {
    const QJsonObject info = http(port(), "GET", "/v1/info").json();
    QCOMPARE(info.value(u"color").toString(), u"blue"_s);
    QCOMPARE(info.value(u"name").toString(), u"pulsco-matchd"_s);
    QVERIFY(info.value(u"admin_enabled").toBool());
    QVERIFY(!info.value(u"started_at").toString().isEmpty());
    create(soloTicket("squad-2v2", "q1"));
    const QJsonObject queues = http(port(), "GET", "/v1/queues").json();
    QCOMPARE(queues.value(u"regions").toArray().size(), 2);
    const QJsonArray list = queues.value(u"queues").toArray();
    QCOMPARE(list.size(), 4);
    QCOMPARE(list[2].toObject().value(u"name").toString(), u"squad-2v2"_s);
    QCOMPARE(list[2].toObject().value(u"depth").toInt(), 1);
    QCOMPARE(list[2].toObject().value(u"rules").toObject().value(u"team_size").toInt(), 2);
}

void TestMatchdApi::evictedTicketsAndMatchesComeFromTheStore() {
    m_fx->server->service()->setMemoryLimits(2, 1);
    QStringList tickets;
    for (int i = 0; i < 8; ++i)
        tickets << create(soloTicket("duel-1v1", "ev-" + QByteArray::number(i)));
    QTRY_COMPARE_WITH_TIMEOUT(ticketState(port(), tickets.last()), u"matched"_s, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(m_fx->server->service()->matchesInMemory() <= 1, 5000);
    QVERIFY(m_fx->server->service()->ticketsInMemory() <= 4);
    // The first ticket and its match left memory; the API still answers.
    const HttpResult first = http(port(), "GET", "/v1/tickets/" + tickets.first().toLatin1());
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json().value(u"state").toString(), u"matched"_s);
    const QByteArray matchId = first.json().value(u"match_id").toString().toLatin1();
    const HttpResult match = http(port(), "GET", "/v1/matches/" + matchId);
    QCOMPARE(match.status, 200);
    QCOMPARE(match.json().value(u"teams").toArray().size(), 2);
    QCOMPARE(
        http(port(), "POST", "/v1/matches/" + matchId + "/result", R"({"winner_team":1})").status,
        200);
    QCOMPARE(
        http(port(), "POST", "/v1/matches/" + matchId + "/result", R"({"winner_team":1})").status,
        409);
}

void TestMatchdApi::slowEventConsumerIsDropped() {
    pulsco::EventStream* events = m_fx->server->events();
    events->setMaxBufferedBytes(256 * 1024);
    // A WebSocket client that completes the handshake and then never reads.
    QTcpSocket stuck;
    stuck.setReadBufferSize(1);  // Qt stops reading from the kernel: the window closes
    stuck.connectToHost(u"127.0.0.1"_s, port());
    QTRY_COMPARE(stuck.state(), QAbstractSocket::ConnectedState);
    stuck.write("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(events->clientCount(), 1, 5000);
    // A well-behaved client beside it.
    QWebSocket good;
    int goodMessages = 0;
    connect(&good, &QWebSocket::textMessageReceived, this, [&](const QString&) { ++goodMessages; });
    good.open(QUrl(u"ws://127.0.0.1:%1/v1/events"_s.arg(port())));
    QTRY_COMPARE_WITH_TIMEOUT(events->clientCount(), 2, 5000);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"events: dropping a slow consumer"_s));
    const QByteArray big = "\"type\":\"test\",\"pad\":\"" + QByteArray(64 * 1024, 'x') + '"';
    for (int i = 0; i < 400 && events->clientCount() == 2; ++i) {
        events->broadcast(big);  // 25 MiB in total if nobody were dropped
        QTest::qWait(5);
    }
    QTRY_COMPARE_WITH_TIMEOUT(events->clientCount(), 1, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(goodMessages > 0, 5000);
    QCOMPARE(good.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(http(port(), "GET", "/healthz").status, 200);
}

void TestMatchdApi::upgradeArrivingInPiecesIsHandedOver() {
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, port());
    QTRY_COMPARE(s.state(), QAbstractSocket::ConnectedState);
    s.write("GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
    QTest::qWait(100);  // the server has read the first half by now
    s.write("Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n");
    QByteArray in;
    QTRY_VERIFY_WITH_TIMEOUT((in += s.readAll(), in.contains("\r\n\r\n")), 5000);
    QVERIFY2(in.startsWith("HTTP/1.1 101"), in.constData());
    QVERIFY(in.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));  // RFC 6455's example accept key
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->server->events()->clientCount(), 1, 5000);
}

void TestMatchdApi::slowStoreBacklogIsOverloaded() {
    m_fx->server->service()->setMaxStoreBacklog(3);
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"store_latency","latency_ms":300})", kBearer)
                 .status,
             201);
    // Ten tickets at once on ten connections: the store is slow, so the
    // backlog passes 3 and later ones are refused rather than queued.
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 10; ++i) {
        const QByteArray body = soloTicket("squad-2v2", "bl" + QByteArray::number(i));
        sockets.push_back(std::make_unique<QTcpSocket>());
        sockets.back()->connectToHost(u"127.0.0.1"_s, port());
        sockets.back()->write("POST /v1/tickets HTTP/1.1\r\nConnection: close\r\nContent-Length: " +
                              QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    QList<QByteArray> answers(10);
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(sockets.begin(), sockets.end(),
                                         [&](const auto& s) {
                                             const auto i = &s - &sockets.front();
                                             answers[i] += s->readAll();
                                             return s->state() == QAbstractSocket::UnconnectedState;
                                         }),
                             10000);
    int created = 0, overloaded = 0;
    for (const QByteArray& a : answers) {
        created += a.startsWith("HTTP/1.1 201") ? 1 : 0;
        overloaded += a.startsWith("HTTP/1.1 503") && a.contains("\"overloaded\"") ? 1 : 0;
    }
    QVERIFY2(created >= 1 && overloaded >= 1,
             qPrintable(u"created %1, overloaded %2"_s.arg(created).arg(overloaded)));
    QCOMPARE(created + overloaded, 10);
    // The store catches up; tickets are accepted again.
    QCOMPARE(http(port(), "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    int status = 0;
    for (int attempt = 0; attempt < 50 && status != 201; ++attempt) {
        const HttpResult r = http(port(), "POST", "/v1/tickets",
                                  soloTicket("squad-2v2", "after" + QByteArray::number(attempt)));
        status = r.status;
        QVERIFY2(status == 201 || r.errorCode() == u"overloaded"_s, r.body.constData());
        if (status != 201)
            QTest::qWait(100);
    }
    QCOMPARE(status, 201);
}

// One tick matches 600 tickets (late-1v1 widens its window at 3 s) while
// the store is slow: the matchmaker's ~900 rows go to the store a chunk at
// a time. A result reported for the last match, whose row is still queued,
// must reach the disk after that row: read back from the store, the match
// has its winner. (Sent straight to the store, the result's update found no
// row and was lost on disk while the API said 200.)
void TestMatchdApi::resultWaitsForItsMatchRow() {
    const int tickets = 600;
    QTcpSocket pipe;
    pipe.connectToHost(u"127.0.0.1"_s, port());
    QTRY_VERIFY(pipe.state() == QAbstractSocket::ConnectedState);
    QByteArray in;
    for (int sent = 0; sent < tickets;) {
        // At most 64 unanswered requests per connection: send in rounds.
        const int round = std::min(50, tickets - sent);
        for (int i = 0; i < round; ++i, ++sent) {
            const QByteArray body =
                soloTicket("late-1v1", "late" + QByteArray::number(sent), "eu-west", 20,
                           R"({"mu":)" + QByteArray::number(10 + sent * 0.01) + R"(,"sigma":4})");
            pipe.write("POST /v1/tickets HTTP/1.1\r\nContent-Length: " +
                       QByteArray::number(body.size()) + "\r\n\r\n" + body);
        }
        QTRY_VERIFY_WITH_TIMEOUT((in += pipe.readAll(), in.count("HTTP/1.1 201") == sent), 20000);
    }
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"store_latency","latency_ms":200})", kBearer)
                 .status,
             201);
    const QByteArray last = "/v1/matches/m" + QByteArray::number(tickets / 2);
    QTRY_COMPARE_WITH_TIMEOUT(http(port(), "GET", last).status, 200, 15000);
    const HttpResult result = http(port(), "POST", last + "/result", R"({"winner_team":1})");
    QCOMPARE(result.status, 200);
    QCOMPARE(http(port(), "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(m_fx->server->service()->unwrittenTickUpdates(), std::size_t(0),
                              10000);
    // Everything written: forget it all and read the match back from disk.
    QTRY_VERIFY_WITH_TIMEOUT((m_fx->server->service()->setMemoryLimits(0, 0),
                              m_fx->server->service()->matchesInMemory() == 0),
                             10000);
    const HttpResult stored = http(port(), "GET", last);
    QCOMPARE(stored.status, 200);
    QCOMPARE(stored.json().value(u"winner_team").toInt(-1), 1);
}

// --environment is what the server's evidence counts for: said in
// /v1/info, pulsco_info and every snapshot; without the flag, staging.
void TestMatchdApi::environmentShowsInInfoMetricsAndSnapshots_data() {
    QTest::addColumn<bool>("production");
    QTest::addColumn<QString>("expected");
    QTest::addRow("without the flag") << false << u"staging"_s;
    QTest::addRow("production") << true << u"production"_s;
}

void TestMatchdApi::environmentShowsInInfoMetricsAndSnapshots() {
    QFETCH(bool, production);
    QFETCH(QString, expected);
    MatchdFixture fx;
    if (production)
        fx.environment = pulsco::DeploymentEnvironment::Production;
    QString error;
    QVERIFY2(fx.start(true, 16000, &error), qPrintable(error));
    QCOMPARE(http(fx.port, "GET", "/v1/info").json().value(u"environment").toString(), expected);
    const auto metrics = metricsOf(fx.port);
    QVERIFY(metrics);
    QCOMPARE(
        metrics->value("pulsco_info", {{"color", "blue"}, {"environment", expected.toLatin1()}}),
        1.0);
    const auto stats = statsOf(fx.port);
    QVERIFY(stats);
    QCOMPARE(QString::fromLatin1(pulsco::toString(stats->environment)), expected);
    const QByteArray field = "\"environment\":\"" + expected.toLatin1() + '"';
    QVERIFY(http(fx.port, "GET", "/v1/stats").body.contains(field));
}

// A production server refuses every fault, whatever its kind or body, with
// the auth refusal's status and code and a message naming the environment;
// the same body on a staging server is not refused for that reason.
void TestMatchdApi::productionRefusesEveryFault_data() {
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("stagingStatus");
    QTest::addRow("latency") << QByteArray(R"({"kind":"latency","latency_ms":300,"share":0.5})")
                             << 201;
    QTest::addRow("latency_factor")
        << QByteArray(R"({"kind":"latency_factor","multiplier":1.2})") << 201;
    QTest::addRow("error_rate") << QByteArray(R"({"kind":"error_rate","share":0.1})") << 201;
    QTest::addRow("region_outage")
        << QByteArray(R"({"kind":"region_outage","region":"us-east"})") << 201;
    QTest::addRow("matcher_stall")
        << QByteArray(R"({"kind":"matcher_stall","duration_s":30})") << 201;
    QTest::addRow("store_latency")
        << QByteArray(R"({"kind":"store_latency","latency_ms":50})") << 201;
    QTest::addRow("inconsistency") << QByteArray(R"({"kind":"inconsistency"})") << 201;
    QTest::addRow("bad_release") << QByteArray(R"({"kind":"bad_release","multiplier":0.05})")
                                 << 201;
    QTest::addRow("player surge") << QByteArray(R"({"kind":"player_surge","multiplier":2})") << 400;
    QTest::addRow("malformed body") << QByteArray("{nope") << 400;
}

void TestMatchdApi::productionRefusesEveryFault() {
    QFETCH(QByteArray, body);
    QFETCH(int, stagingStatus);
    QCOMPARE(http(port(), "POST", "/v1/admin/faults", body, kBearer).status, stagingStatus);

    MatchdFixture production;
    production.environment = pulsco::DeploymentEnvironment::Production;
    QString error;
    QVERIFY2(production.start(true, 16000, &error), qPrintable(error));
    const HttpResult r = http(production.port, "POST", "/v1/admin/faults", body, kBearer);
    QCOMPARE(r.status, 403);
    QCOMPARE(r.errorCode(), u"unauthorized"_s);
    QVERIFY2(r.errorMessage().contains(
                 u"fault injection is refused on a production server (started with "
                 "--environment production)"_s),
             qPrintable(r.errorMessage()));
    // The token is still checked first: no token, no hint about faults.
    QCOMPARE(http(production.port, "POST", "/v1/admin/faults", body).status, 401);
    // Nothing was added; listing and clearing stay allowed.
    const HttpResult listed = http(production.port, "GET", "/v1/admin/faults", {}, kBearer);
    QCOMPARE(listed.status, 200);
    QVERIFY(listed.json().value(u"faults").toArray().isEmpty());
    QCOMPARE(http(production.port, "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    QVERIFY(statsOf(production.port)->activeFaults.empty());
}

// fault_onset_s is when the earliest running fault began (posted + at_s),
// on the snapshot's time_s clock; absent while none runs.
void TestMatchdApi::faultOnsetIsWhenTheFaultBegan() {
    pulsco::MatchService* service = m_fx->server->service();
    QVERIFY(!statsOf(port())->faultOnsetSeconds);
    const double postedAfter = service->now();
    QCOMPARE(http(port(), "POST", "/v1/admin/faults",
                  R"({"kind":"latency","latency_ms":1,"share":1,"at_s":1})", kBearer)
                 .status,
             201);
    const double postedBefore = service->now();
    // Not running yet (it starts 1 s after it was posted): no onset.
    const auto early = statsOf(port());
    if (service->now() < postedAfter + 1.0)
        QVERIFY(early && !early->faultOnsetSeconds);
    QTRY_VERIFY_WITH_TIMEOUT(statsOf(port())->faultOnsetSeconds.has_value(), 5000);
    const auto running = statsOf(port());
    const double onset = *running->faultOnsetSeconds;
    QVERIFY2(onset >= postedAfter + 1.0 && onset <= postedBefore + 1.0,
             qPrintable(u"onset %1 not in [%2, %3]"_s.arg(onset)
                            .arg(postedAfter + 1.0)
                            .arg(postedBefore + 1.0)));
    QVERIFY(onset <= running->timeSeconds);
    // A later fault does not move the onset: the earliest counts.
    QCOMPARE(http(port(), "POST", "/v1/admin/faults", R"({"kind":"matcher_stall","duration_s":30})",
                  kBearer)
                 .status,
             201);
    QTest::qWait(60);  // a tick or two
    QCOMPARE(statsOf(port())->faultOnsetSeconds, std::optional<double>(onset));
    QCOMPARE(http(port(), "DELETE", "/v1/admin/faults", {}, kBearer).status, 200);
    QVERIFY(!statsOf(port())->faultOnsetSeconds);
}

// An idle server watched hard (the console's polls, Prometheus scrapes,
// health probes) has no user traffic: API requests, latency and errors stay
// 0; those answers are counted under their own class.
void TestMatchdApi::monitoringIsNotUserTraffic() {
    constexpr int kRounds = 20;
    const QByteArray monitoring[] = {"/v1/stats", "/metrics", "/healthz",
                                     "/readyz",   "/v1/info", "/v1/queues"};
    for (int i = 0; i < kRounds; ++i)
        for (const QByteArray& path : monitoring)
            QCOMPARE(http(port(), "GET", path).status, 200);
    QCOMPARE(http(port(), "GET", "/v1/admin/faults", {}, kBearer).status, 200);
    QCOMPARE(http(port(), "GET", "/nowhere").status, 404);
    QTest::qWait(60);  // the snapshot is cached per tick
    const auto idle = statsOf(port());
    QVERIFY(idle);
    QCOMPARE(idle->total.requestsTotal, 0u);
    QCOMPARE(idle->total.apiLatencyMs.count(), 0u);
    QCOMPARE(idle->total.recentRequests, 0u);
    QCOMPARE(idle->total.recentApiLatencyMs.count(), 0u);
    QCOMPARE(idle->total.errorsTotal, 0u);
    auto metrics = metricsOf(port());
    QVERIFY(metrics);
    const QByteArray total = "pulsco_http_requests_total";
    const QByteArray durations = "pulsco_http_request_duration_seconds_count";
    // Their durations are there, under their own class; none under api.
    QVERIFY(!sumWhere(*metrics, durations, {{"class", "api"}}));
    QVERIFY(*sumWhere(*metrics, durations, {{"class", "monitoring"}}) >=
            double(kRounds * std::size(monitoring)));
    QVERIFY(*sumWhere(*metrics, total, {{"class", "monitoring"}, {"code", "200"}}) >=
            double(kRounds * std::size(monitoring)));
    QCOMPARE(sumWhere(*metrics, total, {{"class", "admin"}, {"code", "200"}}), 1.0);
    QCOMPARE(sumWhere(*metrics, total, {{"class", "other"}, {"code", "404"}}), 1.0);
    QCOMPARE(
        metrics->value(
            total, {{"class", "other"}, {"route", "other"}, {"method", "GET"}, {"code", "404"}}),
        1.0);
    QVERIFY(!sumWhere(*metrics, total, {{"class", "api"}}));

    // One user request, and the API figures move by exactly one.
    QVERIFY(!create(soloTicket("squad-2v2", "mon1")).isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(statsOf(port())->total.requestsTotal, 1u, 5000);
    QCOMPARE(statsOf(port())->total.apiLatencyMs.count(), 1u);
    metrics = metricsOf(port());
    QCOMPARE(sumWhere(*metrics, total, {{"class", "api"}, {"code", "201"}}), 1.0);
    QCOMPARE(sumWhere(*metrics, durations, {{"class", "api"}}), 1.0);
}

QTEST_GUILESS_MAIN(TestMatchdApi)
#include "tst_matchd_api.moc"
