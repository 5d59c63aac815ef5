// Names of faults, colors, targets, log kinds and ticket states (they appear
// in JSON files and the API), and the validation of a fault.
#include "core/Fault.h"
#include "core/LogEvent.h"
#include "core/Matchmaker.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace pulsco;

Q_DECLARE_METATYPE(pulsco::FaultSpec)

class TestFaultSpec : public QObject {
    Q_OBJECT
private slots:
    void faultKindNames_data();
    void faultKindNames();
    void colorAndTargetNames();
    void logEventKindNames_data();
    void logEventKindNames();
    void ticketStateNames();
    void validate_data();
    void validate();
};

void TestFaultSpec::faultKindNames_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::addRow("latency") << int(FaultKind::Latency) << u"latency"_qs;
    QTest::addRow("error rate") << int(FaultKind::ErrorRate) << u"error_rate"_qs;
    QTest::addRow("matcher stall") << int(FaultKind::MatcherStall) << u"matcher_stall"_qs;
    QTest::addRow("region outage") << int(FaultKind::RegionOutage) << u"region_outage"_qs;
    QTest::addRow("player surge") << int(FaultKind::PlayerSurge) << u"player_surge"_qs;
    QTest::addRow("bad release") << int(FaultKind::BadRelease) << u"bad_release"_qs;
    QTest::addRow("store latency") << int(FaultKind::StoreLatency) << u"store_latency"_qs;
    QTest::addRow("inconsistency") << int(FaultKind::Inconsistency) << u"inconsistency"_qs;
    QTest::addRow("latency factor") << int(FaultKind::LatencyFactor) << u"latency_factor"_qs;
}

void TestFaultSpec::faultKindNames() {
    QFETCH(int, kind);
    QFETCH(QString, name);
    QCOMPARE(QString::fromUtf8(toString(FaultKind(kind))), name);
    const auto parsed = faultKindFromString(name.toStdString());
    QVERIFY(parsed.has_value());
    QCOMPARE(int(*parsed), kind);
}

void TestFaultSpec::colorAndTargetNames() {
    QCOMPARE(QString::fromUtf8(toString(Color::Blue)), u"blue"_qs);
    QCOMPARE(QString::fromUtf8(toString(Color::Green)), u"green"_qs);
    QCOMPARE(colorFromString("green"), std::optional<Color>(Color::Green));
    QCOMPARE(colorFromString("blue"), std::optional<Color>(Color::Blue));
    QVERIFY(!colorFromString("both").has_value());
    QCOMPARE(QString::fromUtf8(toString(FaultTarget::Both)), u"both"_qs);
    QCOMPARE(faultTargetFromString("both"), std::optional<FaultTarget>(FaultTarget::Both));
    QCOMPARE(faultTargetFromString("blue"), std::optional<FaultTarget>(FaultTarget::Blue));
    QCOMPARE(faultTargetFromString("green"), std::optional<FaultTarget>(FaultTarget::Green));
    QVERIFY(!faultTargetFromString("Blue").has_value());
    QVERIFY(!faultKindFromString("").has_value());
    QVERIFY(!faultKindFromString("latencyy").has_value());
    QCOMPARE(QString::fromUtf8(toString(FaultKind(99))), u"unknown"_qs);
}

void TestFaultSpec::logEventKindNames_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::addRow("match") << int(LogEventKind::Match) << u"match"_qs;
    QTest::addRow("expiry") << int(LogEventKind::Expiry) << u"expiry"_qs;
    QTest::addRow("cancel") << int(LogEventKind::Cancel) << u"cancel"_qs;
    QTest::addRow("fault start") << int(LogEventKind::FaultStart) << u"fault_start"_qs;
    QTest::addRow("fault end") << int(LogEventKind::FaultEnd) << u"fault_end"_qs;
    QTest::addRow("breach") << int(LogEventKind::Breach) << u"breach"_qs;
    QTest::addRow("traffic") << int(LogEventKind::Traffic) << u"traffic"_qs;
    QTest::addRow("info") << int(LogEventKind::Info) << u"info"_qs;
    QTest::addRow("error") << int(LogEventKind::Error) << u"error"_qs;
}

void TestFaultSpec::logEventKindNames() {
    QFETCH(int, kind);
    QFETCH(QString, name);
    QCOMPARE(QString::fromUtf8(toString(LogEventKind(kind))), name);
    const auto parsed = logEventKindFromString(name.toStdString());
    QVERIFY(parsed.has_value());
    QCOMPARE(int(*parsed), kind);
    QVERIFY(!logEventKindFromString(name.toStdString() + "x").has_value());
    QCOMPARE(QString::fromUtf8(toString(LogEventKind(42))), u"unknown"_qs);
}

void TestFaultSpec::ticketStateNames() {
    QCOMPARE(QString::fromUtf8(toString(TicketState::Searching)), u"searching"_qs);
    QCOMPARE(QString::fromUtf8(toString(TicketState::Matched)), u"matched"_qs);
    QCOMPARE(QString::fromUtf8(toString(TicketState::Expired)), u"expired"_qs);
    QCOMPARE(QString::fromUtf8(toString(TicketState::Cancelled)), u"cancelled"_qs);
    QCOMPARE(QString::fromUtf8(toString(TicketState(7))), u"unknown"_qs);
}

void TestFaultSpec::validate_data() {
    QTest::addColumn<FaultSpec>("fault");
    QTest::addColumn<QString>("message");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    auto spec = [](FaultKind kind) {
        FaultSpec f;
        f.kind = kind;
        f.latencyMs = 300;
        f.region = "eu-west";
        return f;
    };
    FaultSpec f = spec(FaultKind::Latency);
    QTest::addRow("latency valid") << f << QString();
    f.atSeconds = -1;
    QTest::addRow("negative start") << f << u"at_s: must be a finite number >= 0"_qs;
    f = spec(FaultKind::Latency);
    f.durationSeconds = nan;
    QTest::addRow("duration not a number")
        << f << u"duration_s: must be a finite number >= 0 (0 = until cleared)"_qs;
    f = spec(FaultKind::Latency);
    f.latencyMs = 0;
    QTest::addRow("no latency") << f << u"latency_ms: must be a number > 0 and <= 600000"_qs;
    f = spec(FaultKind::StoreLatency);
    f.latencyMs = 700000;
    QTest::addRow("store latency too big")
        << f << u"latency_ms: must be a number > 0 and <= 600000"_qs;
    f = spec(FaultKind::StoreLatency);
    f.share = 5;  // share does not apply to the store
    QTest::addRow("store latency ignores share") << f << QString();
    f = spec(FaultKind::Latency);
    f.share = 1.5;
    QTest::addRow("latency share above 1") << f << u"share: must be a number > 0 and <= 1"_qs;
    f = spec(FaultKind::ErrorRate);
    f.share = 0;
    QTest::addRow("error rate share 0") << f << u"share: must be a number > 0 and <= 1"_qs;
    f.share = 0.2;
    QTest::addRow("error rate valid") << f << QString();
    f = spec(FaultKind::PlayerSurge);
    f.multiplier = 0;
    QTest::addRow("surge x0") << f << u"multiplier: must be a number > 0 and <= 1000"_qs;
    f = spec(FaultKind::BadRelease);
    f.multiplier = nan;
    QTest::addRow("bad release NaN") << f << u"multiplier: must be a number > 0 and <= 1000"_qs;
    f.multiplier = 3;
    QTest::addRow("bad release valid") << f << QString();
    f = spec(FaultKind::LatencyFactor);
    f.multiplier = 1.2;
    QTest::addRow("latency factor valid") << f << QString();
    f.multiplier = 1.0;  // no slower: no fault
    QTest::addRow("latency factor x1")
        << f << u"multiplier: must be a number > 1 and <= 100 (the server's time is multiplied)"_qs;
    f.multiplier = 0.8;
    QTest::addRow("latency factor speeds up")
        << f << u"multiplier: must be a number > 1 and <= 100 (the server's time is multiplied)"_qs;
    f.multiplier = 1.2;
    f.share = 0;
    QTest::addRow("latency factor share 0") << f << u"share: must be a number > 0 and <= 1"_qs;
    f = spec(FaultKind::RegionOutage);
    f.region.clear();
    QTest::addRow("outage without region") << f << u"region: must name the region that goes out"_qs;
    f.region = "us-east";
    QTest::addRow("outage valid") << f << QString();
    f = spec(FaultKind::MatcherStall);
    f.latencyMs = 0;
    QTest::addRow("stall valid") << f << QString();
}

void TestFaultSpec::validate() {
    QFETCH(FaultSpec, fault);
    QFETCH(QString, message);
    QCOMPARE(QString::fromStdString(pulsco::validate(fault)), message);
}

QTEST_APPLESS_MAIN(TestFaultSpec)
#include "tst_faultspec.moc"
