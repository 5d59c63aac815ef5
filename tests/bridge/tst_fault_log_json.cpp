// Fault objects (scenario files, drills, the admin API) and event-log lines.
#include "bridge/FaultSpecJson.h"
#include "bridge/LogEventJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

Q_DECLARE_METATYPE(pulsco::FaultSpec)
Q_DECLARE_METATYPE(pulsco::LogEvent)

namespace {

FaultSpec fault(FaultKind kind) {
    FaultSpec f;
    f.kind = kind;
    f.atSeconds = 600;
    f.durationSeconds = 120;
    f.target = FaultTarget::Green;
    switch (kind) {
    case FaultKind::Latency:
        f.latencyMs = 300;
        f.share = 0.5;
        break;
    case FaultKind::StoreLatency:
        f.latencyMs = 2500;
        break;
    case FaultKind::ErrorRate:
        f.share = 0.08;
        break;
    case FaultKind::PlayerSurge:
        f.multiplier = 5;
        break;
    case FaultKind::BadRelease:
        f.multiplier = 3;
        break;
    case FaultKind::LatencyFactor:
        f.multiplier = 1.2;
        f.share = 0.75;
        break;
    case FaultKind::RegionOutage:
        f.region = "sa-east";
        break;
    case FaultKind::MatcherStall:
    case FaultKind::Inconsistency:
        break;
    }
    return f;
}

QByteArray compact(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

}  // namespace

class TestFaultLogJson : public QObject {
    Q_OBJECT

private slots:
    void faultRoundTrip_data();
    void faultRoundTrip();
    void faultDefaults();
    void faultWritesOnlyItsKindsFields();
    void badFault_data();
    void badFault();
    void faultInsideALargerDocument();
    void logEventRoundTrip_data();
    void logEventRoundTrip();
    void badLogEvent_data();
    void badLogEvent();
};

void TestFaultLogJson::faultRoundTrip_data() {
    QTest::addColumn<FaultSpec>("spec");
    for (FaultKind kind : kAllFaultKinds)
        QTest::addRow("%s", toString(kind)) << fault(kind);
}

void TestFaultLogJson::faultRoundTrip() {
    QFETCH(FaultSpec, spec);
    QString error;
    const auto viaObject = faultSpecFromJson(compact(faultSpecToJsonObject(spec)), u"f"_s, &error);
    QVERIFY2(viaObject.has_value(), qPrintable(error));
    QVERIFY(*viaObject == spec);
    QByteArray written;
    JsonWriter out(&written);
    writeFaultSpec(out, spec);
    const auto viaWriter = faultSpecFromJson(written, u"f"_s, &error);
    QVERIFY2(viaWriter.has_value(), qPrintable(error));
    QVERIFY(*viaWriter == spec);
    QCOMPARE(QJsonDocument::fromJson(written).object(), faultSpecToJsonObject(spec));
}

void TestFaultLogJson::faultDefaults() {
    QString error;
    const auto f =
        faultSpecFromJson(R"({"kind": "latency", "latency_ms": 300})"_ba, u"f"_s, &error);
    QVERIFY2(f.has_value(), qPrintable(error));
    QCOMPARE(f->atSeconds, 0.0);
    QCOMPARE(f->durationSeconds, 0.0);  // until cleared
    QCOMPARE(f->target, FaultTarget::Both);
    QCOMPARE(f->share, 1.0);
    QCOMPARE(f->latencyMs, 300.0);
}

void TestFaultLogJson::faultWritesOnlyItsKindsFields() {
    const QJsonObject stall = faultSpecToJsonObject(fault(FaultKind::MatcherStall));
    QCOMPARE(stall.keys(), (QStringList{u"at_s"_s, u"duration_s"_s, u"kind"_s, u"target"_s}));
    const QJsonObject outage = faultSpecToJsonObject(fault(FaultKind::RegionOutage));
    QCOMPARE(outage[u"region"_s].toString(), u"sa-east"_s);
    QVERIFY(!outage.contains(u"share"_s));
}

void TestFaultLogJson::badFault_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const char* json, const QString& why) {
        QTest::newRow(name) << QByteArray(json) << (u"POST /v1/admin/faults: "_s + why);
    };
    row("missing kind", R"({"at_s": 1})", u"kind: is required"_s);
    row("unknown kind", R"({"kind": "meteor"})",
        u"kind: must be one of latency, latency_factor, error_rate, matcher_stall, region_outage, "
        u"player_surge, bad_release, store_latency, inconsistency (got \"meteor\")"_s);
    row("kind wrong type", R"({"kind": 3})", u"kind: must be a string (got a number)"_s);
    row("latency without latency_ms", R"({"kind": "latency"})", u"latency_ms: is required"_s);
    row("latency_ms zero", R"({"kind": "latency", "latency_ms": 0})",
        u"latency_ms: must be a number > 0 and <= 600000"_s);
    row("latency_ms too big", R"({"kind": "store_latency", "latency_ms": 1e7})",
        u"latency_ms: must be a number from 0 to 600000 (got 10000000)"_s);
    row("share above 1", R"({"kind": "error_rate", "share": 1.5})",
        u"share: must be a number from 0 to 1 (got 1.5)"_s);
    row("share zero", R"({"kind": "error_rate", "share": 0})",
        u"share: must be a number > 0 and <= 1"_s);
    row("error rate without share", R"({"kind": "error_rate"})", u"share: is required"_s);
    row("share on a stall", R"({"kind": "matcher_stall", "share": 0.5})",
        u"share: unknown field (known fields: at_s, duration_s, kind, target)"_s);
    row("multiplier on latency", R"({"kind": "latency", "latency_ms": 5, "multiplier": 2})",
        u"multiplier: unknown field (known fields: at_s, duration_s, kind, latency_ms, share, "
        u"target)"_s);
    row("surge without multiplier", R"({"kind": "player_surge"})", u"multiplier: is required"_s);
    row("multiplier zero", R"({"kind": "bad_release", "multiplier": 0})",
        u"multiplier: must be a number > 0 and <= 1000"_s);
    row("latency factor without multiplier", R"({"kind": "latency_factor"})",
        u"multiplier: is required"_s);
    row("latency factor below 1", R"({"kind": "latency_factor", "multiplier": 0.9})",
        u"multiplier: must be a number > 1 and <= 100 (the server's time is multiplied)"_s);
    row("latency_ms on a latency factor",
        R"({"kind": "latency_factor", "multiplier": 1.2, "latency_ms": 5})",
        u"latency_ms: unknown field (known fields: at_s, duration_s, kind, multiplier, share, "
        u"target)"_s);
    row("outage without region", R"({"kind": "region_outage"})", u"region: is required"_s);
    row("outage with empty region", R"({"kind": "region_outage", "region": ""})",
        u"region: must name the region that goes out"_s);
    row("negative at_s", R"({"kind": "matcher_stall", "at_s": -5})",
        u"at_s: must be a number from 0 to 1000000000 (got -5)"_s);
    row("duration as string", R"({"kind": "matcher_stall", "duration_s": "2m"})",
        u"duration_s: must be a number from 0 to 1000000000 (got a string)"_s);
    row("bad target", R"({"kind": "matcher_stall", "target": "red"})",
        u"target: must be one of blue, green, both (got \"red\")"_s);
    row("not an object", R"(["latency"])", u"top level: must be a JSON object"_s);
}

void TestFaultLogJson::badFault() {
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!faultSpecFromJson(json, u"POST /v1/admin/faults"_s, &error).has_value());
    QCOMPARE(error, expected);
}

void TestFaultLogJson::faultInsideALargerDocument() {
    // How a scenario loader reads its "faults" array: paths include the index.
    const QByteArray json =
        R"({"faults": [{"kind": "latency", "latency_ms": 300, "target": "green"},
                       {"kind": "error_rate", "share": 2}]})"_ba;
    JsonReader reader(u"scenarios/x.json"_s);
    auto root = reader.parseObject(json);
    QVERIFY(root.has_value());
    JsonArrayReader faults = root->array(u"faults");
    std::vector<FaultSpec> specs;
    for (qsizetype i = 0; i < faults.size() && reader.ok(); ++i)
        specs.push_back(readFaultSpec(faults.object(i)));
    QCOMPARE(reader.error(),
             u"scenarios/x.json: faults[1].share: must be a number from 0 to 1 (got 2)"_s);

    // Core's own rule (share > 0), re-anchored at the element's path.
    JsonReader second(u"scenarios/y.json"_s);
    auto root2 = second.parseObject(R"({"faults": [{"kind": "error_rate", "share": 0}]})"_ba);
    readFaultSpec(root2->array(u"faults").object(0));
    QCOMPARE(second.error(), u"scenarios/y.json: faults[0].share: must be a number > 0 and <= 1"_s);
}

void TestFaultLogJson::logEventRoundTrip_data() {
    QTest::addColumn<LogEvent>("event");
    QTest::addRow("match") << LogEvent{LogEventKind::Match, 12.5, 1764133200000.0, "blue",
                                       "ranked-5v5 match 17 in eu-west"};
    QTest::addRow("fault start, no color")
        << LogEvent{LogEventKind::FaultStart, 600, 0, "", "latency +300 ms on green"};
    QTest::addRow("breach with quotes and unicode")
        << LogEvent{LogEventKind::Breach, 3599.75, 1.5, "green", "p95 \"wait\" > 60 s · ⚠"};
    QTest::addRow("error") << LogEvent{LogEventKind::Error, 1, 2, "green", ""};
}

void TestFaultLogJson::logEventRoundTrip() {
    QFETCH(LogEvent, event);
    QString error;
    const auto viaObject = logEventFromJson(compact(logEventToJsonObject(event)), u"e"_s, &error);
    QVERIFY2(viaObject.has_value(), qPrintable(error));
    QVERIFY(*viaObject == event);
    QByteArray written;
    JsonWriter out(&written);
    writeLogEvent(out, event);
    const auto viaWriter = logEventFromJson(written, u"e"_s, &error);
    QVERIFY2(viaWriter.has_value(), qPrintable(error));
    QVERIFY(*viaWriter == event);
}

void TestFaultLogJson::badLogEvent_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* name, const char* json, const QString& why) {
        QTest::newRow(name) << QByteArray(json) << (u"events: "_s + why);
    };
    row("unknown kind", R"({"kind": "party", "time_s": 1, "wall_ms": 0, "color": "", "text": ""})",
        u"kind: must be one of match, expiry, cancel, fault_start, fault_end, breach, traffic, "
        u"info, error (got \"party\")"_s);
    row("bad color", R"({"kind": "info", "time_s": 1, "wall_ms": 0, "color": "red", "text": ""})",
        u"color: must be one of , blue, green (got \"red\")"_s);
    row("missing text", R"({"kind": "info", "time_s": 1, "wall_ms": 0, "color": ""})",
        u"text: is required"_s);
    row("negative time", R"({"kind": "info", "time_s": -1, "wall_ms": 0, "color": "", "text": ""})",
        u"time_s: must be a number >= 0 (got -1)"_s);
    row("unknown field",
        R"({"kind": "info", "time_s": 1, "wall_ms": 0, "color": "", "text": "", "level": 2})",
        u"level: unknown field (known fields: color, kind, text, time_s, wall_ms)"_s);
}

void TestFaultLogJson::badLogEvent() {
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QString error;
    QVERIFY(!logEventFromJson(json, u"events"_s, &error).has_value());
    QCOMPARE(error, expected);
}

QTEST_GUILESS_MAIN(TestFaultLogJson)
#include "tst_fault_log_json.moc"
