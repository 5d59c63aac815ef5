// Which requests are user traffic: the matchmaking API alone. Every route of
// MatchdRoutes.cpp is listed here with its class and its route template (the
// `route` label: a bounded set, never a raw path), so a new route that is
// not classified on purpose shows up as "other" in review.
#include "net/server/ServerMetrics.h"
#include "net/server/TrafficClass.h"

#include <QTest>

#include <algorithm>

using pulsco::TrafficClass;

class TestTrafficClass : public QObject {
    Q_OBJECT
private slots:
    void byPath_data();
    void byPath();
    void methods();
    void tagsCarryRouteAndMethod();
    void latencyBucketsAreFineEnough();
};

void TestTrafficClass::byPath_data() {
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<TrafficClass>("expected");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("route");
    const auto row = [](const char* path, TrafficClass c, const char* name, const char* route) {
        QTest::addRow("%s", path) << QByteArray(path) << c << QByteArray(name) << QByteArray(route);
    };
    row("/v1/tickets", TrafficClass::Api, "api", "/v1/tickets");
    row("/v1/tickets/t42", TrafficClass::Api, "api", "/v1/tickets/{id}");
    // Its 404 answers an API client.
    row("/v1/tickets/nonsense", TrafficClass::Api, "api", "/v1/tickets/{id}");
    row("/v1/matches/m7", TrafficClass::Api, "api", "/v1/matches/{id}");
    row("/v1/matches/m7/result", TrafficClass::Api, "api", "/v1/matches/{id}/result");
    row("/v1/stats", TrafficClass::Monitoring, "monitoring", "/v1/stats");
    row("/metrics", TrafficClass::Monitoring, "monitoring", "/metrics");
    row("/healthz", TrafficClass::Monitoring, "monitoring", "/healthz");
    row("/readyz", TrafficClass::Monitoring, "monitoring", "/readyz");
    row("/v1/info", TrafficClass::Monitoring, "monitoring", "/v1/info");
    row("/v1/queues", TrafficClass::Monitoring, "monitoring", "/v1/queues");
    row("/v1/events", TrafficClass::Monitoring, "monitoring", "/v1/events");
    // POST is admin-guarded.
    row("/v1/integrity", TrafficClass::Monitoring, "monitoring", "/v1/integrity");
    row("/v1/admin/faults", TrafficClass::Admin, "admin", "/v1/admin/faults");
    row("/v1/admin/drain", TrafficClass::Admin, "admin", "/v1/admin/drain");
    row("/v1/admin/t1234", TrafficClass::Admin, "admin", "/v1/admin/{other}");
    row("/v1/ticketsX", TrafficClass::Other, "other", "other");
    row("/v1/matches", TrafficClass::Other, "other", "other");
    row("/v1/stats/extra", TrafficClass::Other, "other", "other");
    row("/v1/tickets_of_player_17", TrafficClass::Other, "other", "other");
    row("/", TrafficClass::Other, "other", "other");
    row("", TrafficClass::Other, "other", "other");
}

void TestTrafficClass::byPath() {
    QFETCH(QByteArray, path);
    QFETCH(TrafficClass, expected);
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, route);
    QCOMPARE(pulsco::trafficClassOf(path), expected);
    QCOMPARE(QByteArray(pulsco::toString(expected)), name);
    QCOMPARE(QByteArray(pulsco::routeTemplate(pulsco::routeOf(path))), route);
}

void TestTrafficClass::methods() {
    using pulsco::HttpMethod;
    for (const char* m : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
        QCOMPARE(QByteArray(pulsco::toString(pulsco::methodOf(m))), QByteArray(m));
    // Anything else is one bounded label, never the client's word.
    for (const char* m : {"get", "BREW", "", "PROPFIND"})
        QCOMPARE(pulsco::methodOf(m), HttpMethod::Other);
    QCOMPARE(QByteArray(pulsco::toString(HttpMethod::Other)), QByteArray("OTHER"));
}

void TestTrafficClass::tagsCarryRouteAndMethod() {
    using namespace pulsco;
    for (int r = 0; r < kHttpRoutes; ++r)
        for (int m = 0; m < kHttpMethods; ++m) {
            const int tag = routeTag(HttpRoute(r), HttpMethod(m));
            QCOMPARE(routeOfTag(tag), HttpRoute(r));
            QCOMPARE(methodOfTag(tag), HttpMethod(m));
        }
    // The HTTP layer's own answers (tag 0) and nonsense: no route.
    QCOMPARE(routeOfTag(0), HttpRoute::Other);
    QCOMPARE(routeOfTag(-1), HttpRoute::Other);
    QCOMPARE(routeOfTag(kHttpRoutes * kHttpMethods), HttpRoute::Other);
}

// Fine enough for histogram_quantile to land within 10 % of the true
// percentile from 0.1 ms to 10 s, with the plan's bars as bounds.
void TestTrafficClass::latencyBucketsAreFineEnough() {
    const std::vector<double>& b = pulsco::latencyBucketBounds();
    QVERIFY(std::is_sorted(b.begin(), b.end()));
    QVERIFY(std::adjacent_find(b.begin(), b.end()) == b.end());
    QVERIFY(b.front() <= 0.0001);
    QVERIFY(b.back() >= 10);
    QVERIFY(std::find(b.begin(), b.end(), 0.15) != b.end());
    QVERIFY(std::find(b.begin(), b.end(), 5.0) != b.end());
    for (std::size_t i = 1; i < b.size(); ++i)
        QVERIFY2(b[i] / b[i - 1] <= 1.10,
                 qPrintable(QStringLiteral("%1 -> %2").arg(b[i - 1]).arg(b[i])));
    QVERIFY2(b.size() < 140, "a bounded number of series per route");
}

QTEST_GUILESS_MAIN(TestTrafficClass)
#include "tst_trafficclass.moc"
