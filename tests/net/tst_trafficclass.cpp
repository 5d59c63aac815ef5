// Which requests are user traffic: the matchmaking API alone. Every route of
// MatchdRoutes.cpp is listed here with its class, so a new route that is
// not classified on purpose shows up as "other" in review.
#include "net/server/TrafficClass.h"

#include <QTest>

using pulsco::TrafficClass;

class TestTrafficClass : public QObject {
    Q_OBJECT
private slots:
    void byPath_data();
    void byPath();
};

void TestTrafficClass::byPath_data() {
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<TrafficClass>("expected");
    QTest::addColumn<QByteArray>("name");
    const auto row = [](const char* path, TrafficClass c, const char* name) {
        QTest::addRow("%s", path) << QByteArray(path) << c << QByteArray(name);
    };
    row("/v1/tickets", TrafficClass::Api, "api");
    row("/v1/tickets/t42", TrafficClass::Api, "api");
    row("/v1/tickets/nonsense", TrafficClass::Api, "api");  // its 404 answers an API client
    row("/v1/matches/m7", TrafficClass::Api, "api");
    row("/v1/matches/m7/result", TrafficClass::Api, "api");
    row("/v1/stats", TrafficClass::Monitoring, "monitoring");
    row("/metrics", TrafficClass::Monitoring, "monitoring");
    row("/healthz", TrafficClass::Monitoring, "monitoring");
    row("/readyz", TrafficClass::Monitoring, "monitoring");
    row("/v1/info", TrafficClass::Monitoring, "monitoring");
    row("/v1/queues", TrafficClass::Monitoring, "monitoring");
    row("/v1/events", TrafficClass::Monitoring, "monitoring");
    row("/v1/integrity", TrafficClass::Monitoring, "monitoring");  // POST is admin-guarded
    row("/v1/admin/faults", TrafficClass::Admin, "admin");
    row("/v1/admin/drain", TrafficClass::Admin, "admin");
    row("/v1/ticketsX", TrafficClass::Other, "other");
    row("/v1/matches", TrafficClass::Other, "other");
    row("/v1/stats/extra", TrafficClass::Other, "other");
    row("/", TrafficClass::Other, "other");
    row("", TrafficClass::Other, "other");
}

void TestTrafficClass::byPath() {
    QFETCH(QByteArray, path);
    QFETCH(TrafficClass, expected);
    QFETCH(QByteArray, name);
    QCOMPARE(pulsco::trafficClassOf(path), expected);
    QCOMPARE(QByteArray(pulsco::toString(expected)), name);
}

QTEST_GUILESS_MAIN(TestTrafficClass)
#include "tst_trafficclass.moc"
