// Scenario files: every shipped one loads; every kind of bad file is refused
// with the file, the field path and why; thresholds parse k6-style.
#include "simulator/ScenarioJson.h"

#include "ScenarioFixture.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

class TestScenarioJson : public QObject {
    Q_OBJECT

private:
    using Change = std::function<void(QJsonObject&)>;

    static QJsonObject sub(const QJsonObject& o, const QString& key) {
        return o.value(key).toObject();
    }
    static Change setTop(const QString& key, const QJsonValue& v) {
        return [key, v](QJsonObject& o) { o.insert(key, v); };
    }
    static Change setIn(const QString& parent, const QString& key, const QJsonValue& v) {
        return [parent, key, v](QJsonObject& o) {
            QJsonObject p = o.value(parent).toObject();
            p.insert(key, v);
            o.insert(parent, p);
        };
    }
    static QJsonValue json(const char* text) {
        const QByteArray wrapped = QByteArray("{\"v\":") + text + '}';
        return QJsonDocument::fromJson(wrapped).object().value(u"v"_s);
    }

private slots:
    void shippedScenariosLoad() {
        const QStringList names = shippedScenarioNames();
        for (const char* expected : {"baseline-1000", "ramp-500-1000", "surge-5x", "soak-24h",
                                     "region-outage", "bad-release-green"})
            QVERIFY2(names.contains(QLatin1StringView(expected)), expected);
        for (const QString& name : names) {
            const ScenarioLoad load = loadScenarioFile(shippedScenarioPath(name));
            QVERIFY2(load.scenario, qPrintable(load.error));
            QCOMPARE(QString::fromStdString(load.scenario->name), name);
            QVERIFY(!load.scenario->thresholds.empty());
            QVERIFY(!load.scenario->queues.queues.empty());
        }
        const Scenario baseline =
            *loadScenarioFile(shippedScenarioPath(u"baseline-1000"_s)).scenario;
        QCOMPARE(baseline.population.players, 1000);
        const Scenario bad =
            *loadScenarioFile(shippedScenarioPath(u"bad-release-green"_s)).scenario;
        QCOMPARE(bad.traffic.greenWeightPercent, 10);
        QCOMPARE(bad.faults.size(), std::size_t(2));
    }

    void defaultsAndSpeed() {
        QJsonObject o = test::smallScenarioJson();
        o.remove(u"service"_s);
        Scenario s = test::scenarioFrom(o);
        QCOMPARE(s.speed, 1.0);
        QCOMPARE(s.warmupSeconds, 0.0);
        QCOMPARE(s.tickSeconds, 1.0);
        QCOMPARE(s.service.workers, ServiceSpec{}.workers);
        o.insert(u"speed"_s, u"max"_s);
        o.insert(u"warmup_s"_s, 120);
        s = test::scenarioFrom(o);
        QCOMPARE(s.speed, 0.0);
        QCOMPARE(s.warmupSeconds, 120.0);
    }

    void withPlayersScalesTheOnlineCurve() {
        const Scenario ramp = *loadScenarioFile(shippedScenarioPath(u"ramp-500-1000"_s)).scenario;
        const Scenario big = withPlayers(ramp, 10000);
        QCOMPARE(big.population.players, 10000);
        QCOMPARE(big.population.online.size(), ramp.population.online.size());
        QCOMPARE(big.population.online.front().players, 5000.0);
        QCOMPARE(big.population.online.back().players, 10000.0);
        QCOMPARE(big.service.workers, ramp.service.workers);  // same API, more load
    }

    void queuesFromAFileRelativeToTheScenario() {
        QTemporaryDir dir;
        QFile queues(u":/pulsco/queues.json"_s);
        QVERIFY(queues.open(QIODevice::ReadOnly));
        QFile copy(dir.filePath(u"my-queues.json"_s));
        QVERIFY(copy.open(QIODevice::WriteOnly));
        copy.write(queues.readAll());
        copy.close();
        QJsonObject o = test::smallScenarioJson();
        o.insert(u"queues"_s, u"my-queues.json"_s);
        QFile file(dir.filePath(u"s.json"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(o).toJson());
        file.close();
        const ScenarioLoad load = loadScenarioFile(file.fileName());
        QVERIFY2(load.scenario, qPrintable(load.error));
    }

    void badFilesAreRefused_data() {
        QTest::addColumn<Change>("change");
        QTest::addColumn<QString>("expected");

        QTest::addRow("format") << setTop(u"format"_s, 2)
                                << u"test.json: format: unsupported format 2"_s;
        QTest::addRow("no format") << Change([](QJsonObject& o) { o.remove(u"format"_s); })
                                   << u"test.json: format: is required"_s;
        QTest::addRow("no name") << Change([](QJsonObject& o) { o.remove(u"name"_s); })
                                 << u"test.json: name: is required"_s;
        QTest::addRow("empty name")
            << setTop(u"name"_s, u""_s) << u"test.json: name: must not be empty"_s;
        QTest::addRow("unknown field")
            << setTop(u"colour"_s, 1) << u"test.json: colour: unknown field"_s;
        QTest::addRow("duration zero")
            << setTop(u"duration_s"_s, 0) << u"test.json: duration_s: must be a number from 1"_s;
        QTest::addRow("duration text")
            << setTop(u"duration_s"_s, u"1h"_s) << u"test.json: duration_s: must be a number"_s;
        QTest::addRow("seed negative")
            << setTop(u"seed"_s, -1) << u"test.json: seed: must be an integer"_s;
        QTest::addRow("seed fraction")
            << setTop(u"seed"_s, 1.5) << u"test.json: seed: must be an integer"_s;
        QTest::addRow("speed word")
            << setTop(u"speed"_s, u"fast"_s) << u"test.json: speed: must be one of max"_s;
        QTest::addRow("speed zero")
            << setTop(u"speed"_s, 0) << u"test.json: speed: must be a number"_s;
        QTest::addRow("warmup huge") << setTop(u"warmup_s"_s, 1e9) << u"test.json: warmup_s:"_s;
        QTest::addRow("tick zero") << setTop(u"tick_s"_s, 0) << u"test.json: tick_s:"_s;
        QTest::addRow("no population") << Change([](QJsonObject& o) { o.remove(u"population"_s); })
                                       << u"test.json: population: is required"_s;
        QTest::addRow("players zero")
            << setIn(u"population"_s, u"players"_s, 0)
            << u"test.json: population.players: must be an integer from 1 to 1000000"_s;
        QTest::addRow("players too many")
            << setIn(u"population"_s, u"players"_s, 2000000)
            << u"test.json: population.players: must be an integer from 1 to 1000000"_s;
        QTest::addRow("population unknown") << setIn(u"population"_s, u"colour"_s, 1)
                                            << u"test.json: population.colour: unknown field"_s;
        QTest::addRow("online not rising")
            << setIn(u"population"_s, u"online"_s,
                     json(R"([{"at_s": 10, "players": 5}, {"at_s": 10, "players": 6}])"))
            << u"test.json: population.online[1]: at_s must be greater"_s;
        QTest::addRow("online empty")
            << setIn(u"population"_s, u"online"_s, QJsonArray())
            << u"test.json: population.online: must have at least one point"_s;
        QTest::addRow("online point field")
            << setIn(u"population"_s, u"online"_s, json(R"([{"at_s": 0}])"))
            << u"test.json: population.online[0].players: is required"_s;
        QTest::addRow("unknown region")
            << setIn(u"population"_s, u"regions"_s, json(R"([{"region": "mars-1", "share": 1}])"))
            << u"test.json: population.regions[0].region: unknown region \"mars-1\""_s;
        QTest::addRow("region share zero")
            << setIn(u"population"_s, u"regions"_s, json(R"([{"region": "eu-west", "share": 0}])"))
            << u"test.json: population.regions[0].share:"_s;
        QTest::addRow("unknown queue")
            << setIn(u"population"_s, u"queues"_s, json(R"([{"queue": "chess-9v9"}])"))
            << u"test.json: population.queues[0].queue: unknown queue \"chess-9v9\""_s;
        QTest::addRow("match too short")
            << setIn(u"population"_s, u"queues"_s, json(R"([{"queue": "duel-1v1", "match_s": 1}])"))
            << u"test.json: population.queues[0].match_s:"_s;
        QTest::addRow("party fits no queue")
            << setIn(u"population"_s, u"parties"_s, json(R"([{"size": 7, "share": 1}])"))
            << u"test.json: population.parties[0].size: no queue of the mix allows parties of 7"_s;
        QTest::addRow("party twice")
            << setIn(u"population"_s, u"parties"_s,
                     json(R"([{"size": 1, "share": 1}, {"size": 1, "share": 1}])"))
            << u"test.json: population.parties[1]: size 1 is listed twice"_s;
        QTest::addRow("default parties vs duel only")
            << setIn(u"population"_s, u"queues"_s, json(R"([{"queue": "duel-1v1"}])"))
            << u"test.json: population.queues: no queue of the mix allows parties of 2"_s;
        QTest::addRow("ping range reversed")
            << setIn(u"population"_s, u"home_ping_ms"_s, json("[50, 10]"))
            << u"test.json: population.home_ping_ms: min must not exceed max"_s;
        QTest::addRow("ping range short")
            << setIn(u"population"_s, u"remote_ping_ms"_s, json("[50]"))
            << u"test.json: population.remote_ping_ms: must be [min, max]"_s;
        QTest::addRow("session zero")
            << setIn(u"population"_s, u"session_s"_s, 0) << u"test.json: population.session_s:"_s;
        QTest::addRow("workers zero")
            << setIn(u"service"_s, u"workers"_s, 0) << u"test.json: service.workers:"_s;
        QTest::addRow("p95 below median")
            << setIn(u"service"_s, u"service_ms_p95"_s, 2)
            << u"test.json: service.service_ms_p95: must be greater than service_ms_median"_s;
        QTest::addRow("service unknown") << setIn(u"service"_s, u"threads"_s, 2)
                                         << u"test.json: service.threads: unknown field"_s;
        QTest::addRow("weight over 100")
            << setTop(u"traffic"_s, json(R"({"green_weight": 150})"))
            << u"test.json: traffic.green_weight: must be an integer from 0 to 100"_s;
        QTest::addRow("fault kind") << setTop(u"faults"_s, json(R"([{"kind": "meteor"}])"))
                                    << u"test.json: faults[0].kind: must be one of"_s;
        QTest::addRow("fault missing latency")
            << setTop(u"faults"_s, json(R"([{"kind": "latency", "at_s": 5}])"))
            << u"test.json: faults[0].latency_ms: is required"_s;
        QTest::addRow("fault foreign field")
            << setTop(u"faults"_s, json(R"([{"kind": "matcher_stall", "multiplier": 2}])"))
            << u"test.json: faults[0].multiplier: unknown field"_s;
        QTest::addRow("fault unknown region")
            << setTop(u"faults"_s, json(R"([{"kind": "region_outage", "region": "mars-1"}])"))
            << u"test.json: faults[0].region: unknown region \"mars-1\""_s;
        QTest::addRow("fault after end")
            << setTop(u"faults"_s, json(R"([{"kind": "matcher_stall", "at_s": 5000}])"))
            << u"test.json: faults[0].at_s: must be before the end of the run"_s;
        QTest::addRow("fault target")
            << setTop(u"faults"_s, json(R"([{"kind": "matcher_stall", "target": "red"}])"))
            << u"test.json: faults[0].target: must be one of"_s;
        QTest::addRow("threshold metric") << setTop(u"thresholds"_s, json(R"({"latency": "<5"})"))
                                          << u"test.json: thresholds.latency: unknown metric"_s;
        QTest::addRow("threshold bar")
            << setTop(u"thresholds"_s, json(R"({"error_rate": "small"})"))
            << u"test.json: thresholds.error_rate: must be a comparison and a number"_s;
        QTest::addRow("threshold number")
            << setTop(u"thresholds"_s, json(R"({"error_rate": 0.1})"))
            << u"test.json: thresholds.error_rate: must be a string"_s;
        QTest::addRow("threshold scope")
            << setTop(u"thresholds"_s, json(R"({"purple.error_rate": "<1"})"))
            << u"test.json: thresholds.purple.error_rate: unknown metric"_s;
        QTest::addRow("queues wrong type")
            << setTop(u"queues"_s, 5)
            << u"test.json: queues: must be a path to a queues file or a queues object"_s;
        QTest::addRow("queues missing file")
            << setTop(u"queues"_s, u"nowhere/queues.json"_s)
            << u"test.json: queues: cannot use \"nowhere/queues.json\""_s;
        QTest::addRow("queues inline bad")
            << setTop(u"queues"_s, json(R"({"format": 1, "regions": [], "queues": []})"))
            << u"test.json: queues.regions"_s;
        QTest::addRow("green regions differ") << Change([](QJsonObject& o) {
            QFile f(u":/pulsco/queues.json"_s);
            f.open(QIODevice::ReadOnly);
            QJsonObject q = QJsonDocument::fromJson(f.readAll()).object();
            QJsonArray regions = q.value(u"regions"_s).toArray();
            regions.removeLast();
            q.insert(u"regions"_s, regions);
            o.insert(u"green_queues"_s, q);
        }) << u"test.json: green_queues"_s;
    }

    void badFilesAreRefused() {
        QFETCH(Change, change);
        QFETCH(QString, expected);
        QJsonObject o = test::smallScenarioJson();
        change(o);
        const ScenarioLoad load = parseScenario(QJsonDocument(o).toJson(), u"test.json"_s);
        QVERIFY2(!load.scenario, "a bad scenario was accepted");
        QVERIFY2(load.error.startsWith(expected), qPrintable(load.error));
    }

    void invalidJsonAndFiles() {
        ScenarioLoad load = parseScenario("{\"format\": 1,", u"broken.json"_s);
        QVERIFY(!load.scenario);
        QVERIFY2(load.error.startsWith(u"broken.json: invalid JSON"_s), qPrintable(load.error));
        load = parseScenario("[1, 2]", u"array.json"_s);
        QVERIFY(!load.scenario);
        QVERIFY2(load.error.startsWith(u"array.json: "_s), qPrintable(load.error));
        load = loadScenarioFile(u"/nonexistent/x.json"_s);
        QVERIFY(!load.scenario);
        QVERIFY2(load.error.startsWith(u"/nonexistent/x.json: cannot open"_s),
                 qPrintable(load.error));
    }

    void thresholds_data() {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<double>("value");
        QTest::addColumn<bool>("holds");
        QTest::addRow("less holds")
            << u"api_latency_p95_ms"_s << u"<150"_s << true << 149.9 << true;
        QTest::addRow("less at bound")
            << u"api_latency_p95_ms"_s << u"<150"_s << true << 150.0 << false;
        QTest::addRow("le at bound") << u"error_rate"_s << u"<=0.001"_s << true << 0.001 << true;
        QTest::addRow("greater") << u"rating_correlation"_s << u">0.8"_s << true << 0.81 << true;
        QTest::addRow("greater fails")
            << u"rating_correlation"_s << u">0.8"_s << true << 0.8 << false;
        QTest::addRow("ge") << u"balanced_match_share"_s << u">= 0.5"_s << true << 0.5 << true;
        QTest::addRow("eq") << u"conservation_ok"_s << u"==1"_s << true << 1.0 << true;
        QTest::addRow("scoped") << u"green.error_rate"_s << u"<0.05"_s << true << 0.06 << false;
        QTest::addRow("exponent") << u"error_rate"_s << u"<1e-3"_s << true << 0.0005 << true;
        QTest::addRow("no operator") << u"error_rate"_s << u"0.1"_s << false << 0.0 << false;
        QTest::addRow("no number") << u"error_rate"_s << u"<"_s << false << 0.0 << false;
        QTest::addRow("trailing junk") << u"error_rate"_s << u"<0.1%"_s << false << 0.0 << false;
        QTest::addRow("unknown metric") << u"speed_kmh"_s << u"<1"_s << false << 0.0 << false;
    }

    void thresholds() {
        QFETCH(QString, metric);
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(double, value);
        QFETCH(bool, holds);
        std::string why;
        const auto t = parseThreshold(metric.toStdString(), text.toStdString(), &why);
        QCOMPARE(t.has_value(), valid);
        if (!valid) {
            QVERIFY(!why.empty());
            return;
        }
        QCOMPARE(t->holds(value), holds);
    }
};

QTEST_GUILESS_MAIN(TestScenarioJson)
#include "tst_scenariojson.moc"
