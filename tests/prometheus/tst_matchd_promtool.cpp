// pulsco-matchd's /metrics as Prometheus' own linter sees it (issue 18,
// item 1): `promtool check metrics` from Debian's prometheus package finds
// nothing to say about a real server's exposition after traffic on every
// route, and the HTTP metrics carry bounded route templates, never a raw
// path. A missing promtool is a failure: make test installs it.
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"

#include "net/prometheus/PrometheusTextParser.h"
#include "net/server/TrafficClass.h"

#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::test::http;
using pulsco::test::MatchdProcess;

class TestMatchdPromtool : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void checkMetricsIsClean();

private:
    // Requests on every route (and odd methods, an unknown path, a ticket
    // of another id), so every kind of series is in the exposition.
    QByteArray metricsAfterTraffic(MatchdProcess& server, QString* ticketId);
    QString m_promtool;
};

void TestMatchdPromtool::initTestCase() {
    m_promtool = QStandardPaths::findExecutable(u"promtool"_s);
    QVERIFY2(!m_promtool.isEmpty(),
             "promtool not found: make test installs Debian's prometheus (tools/install-deps.sh)");
}

QByteArray TestMatchdPromtool::metricsAfterTraffic(MatchdProcess& server, QString* ticketId) {
    const quint16 port = server.port();
    const auto created =
        http(port, "POST", "/v1/tickets", pulsco::test::soloTicket("duel-1v1", "pt1"));
    *ticketId = created.json().value(u"ticket_id").toString();
    http(port, "GET", "/v1/tickets/" + ticketId->toLatin1());
    http(port, "DELETE", "/v1/tickets/" + ticketId->toLatin1());
    http(port, "GET", "/v1/tickets/t123456789");
    http(port, "GET", "/v1/matches/m42");
    http(port, "POST", "/v1/matches/m42/result", R"({"winner_team":0})");
    for (const char* path :
         {"/v1/stats", "/v1/queues", "/v1/info", "/v1/integrity", "/healthz", "/readyz",
          "/v1/events", "/no/such/route", "/v1/admin/faults", "/v1/admin/whatever"})
        http(port, "GET", path);
    http(port, "HEAD", "/healthz");
    http(port, "BREW", "/v1/stats");
    http(port, "GET", "/metrics");
    return http(port, "GET", "/metrics").body;
}

void TestMatchdPromtool::checkMetricsIsClean() {
    MatchdProcess server;
    QVERIFY2(server.start(), server.stderrText().constData());
    QString ticketId;
    const QByteArray metrics = metricsAfterTraffic(server, &ticketId);
    QVERIFY(!ticketId.isEmpty());

    QProcess promtool;
    promtool.start(m_promtool, {u"check"_s, u"metrics"_s});
    QVERIFY(promtool.waitForStarted());
    promtool.write(metrics);
    promtool.closeWriteChannel();
    QVERIFY(promtool.waitForFinished(30000));
    const QByteArray said = promtool.readAllStandardOutput() + promtool.readAllStandardError();
    QVERIFY2(promtool.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());

    // Route labels: the known templates only; the ids never.
    QString error;
    const auto parsed = pulsco::PrometheusTextParser::parse(metrics, u"GET /metrics"_s, &error);
    QVERIFY2(parsed, qPrintable(error));
    QSet<QByteArray> known;
    for (int r = 0; r < pulsco::kHttpRoutes; ++r)
        known.insert(pulsco::routeTemplate(pulsco::HttpRoute(r)));
    QSet<QByteArray> seen;
    for (const char* family :
         {"pulsco_http_requests_total", "pulsco_http_request_duration_seconds"}) {
        const auto* f = parsed->family(family);
        QVERIFY2(f, family);
        for (const auto& sample : f->samples) {
            const QByteArray route = sample.labels.value("route");
            QVERIFY2(known.contains(route), route.constData());
            QVERIFY(sample.labels.contains("method") && sample.labels.contains("class"));
            seen.insert(route);
        }
    }
    for (const char* route : {"/v1/tickets", "/v1/tickets/{id}", "/v1/matches/{id}",
                              "/v1/matches/{id}/result", "/v1/admin/{other}", "other"})
        QVERIFY2(seen.contains(route), route);
    QVERIFY(!metrics.contains(ticketId.toLatin1()));
    QVERIFY(!metrics.contains("t123456789") && !metrics.contains("m42"));
    QVERIFY(metrics.contains(R"(method="OTHER")"));
    QVERIFY(!metrics.contains("BREW"));
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestMatchdPromtool)
#include "tst_matchd_promtool.moc"
