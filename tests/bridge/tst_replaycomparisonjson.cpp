// bridge/ReplayComparisonJson: the comparison report round-trips through
// JSON; a report whose verdict disagrees with its figures, or with a field
// out of place, is refused naming the field; the Markdown has the verdict
// and a table per group; thresholds files replace, remove and refuse bars.
#include "bridge/ReplayComparisonJson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace pulsco;
using namespace Qt::StringLiterals;

namespace {

ReplayComparisonReport sampleReport(bool worse) {
    ReplayOutcomes a;
    a.queues = {"ranked-5v5", "duel|1v1"};
    a.regions = {"eu-west", ""};
    for (std::uint32_t i = 0; i < 600; ++i) {
        ArrivalOutcome o;
        o.queue = i % 3 == 0 ? 1 : 0;
        o.homeRegion = i % 7 == 0 ? 1 : 0;
        o.fate = i % 50 == 0 ? ArrivalFate::Expired : ArrivalFate::Matched;
        o.waitSeconds = float(i % 40);
        o.quality = 0.5f + float(i % 50) / 100.0f;
        o.ratingSpread = float(i % 4);
        o.pingMs = float(30 + i % 20);
        a.arrivals.push_back(o);
    }
    ReplayOutcomes b = a;
    if (worse)
        for (ArrivalOutcome& o : b.arrivals)
            o.waitSeconds *= 2;
    ComparisonOptions options;
    options.resamples = 200;
    std::string error;
    ReplayComparisonReport r;
    r.comparison = *compareReplays(a, b, options, &error);
    r.recording = u"/var/rec/load.rec"_s;
    r.rulesA = u"A.json"_s;
    r.rulesB = u"B.json"_s;
    r.traceHashA = u"abc"_s;
    r.traceHashB = u"def"_s;
    r.resamples = options.resamples;
    r.arrivals = a.arrivals.size();
    return r;
}

QByteArray edited(const QByteArray& json, const std::function<void(QJsonObject&)>& edit) {
    QJsonObject o = QJsonDocument::fromJson(json).object();
    edit(o);
    return QJsonDocument(o).toJson();
}

}  // namespace

class TestReplayComparisonJson : public QObject {
    Q_OBJECT
private slots:
    void roundTrips();
    void refuses_data();
    void refuses();
    void markdownSaysTheVerdict();
    void thresholdsFiles();
};

void TestReplayComparisonJson::roundTrips() {
    for (bool worse : {false, true}) {
        const ReplayComparisonReport r = sampleReport(worse);
        QCOMPARE(r.comparison.regressed(), worse);
        const QByteArray json = replayComparisonToJson(r);
        QString error;
        const auto back = replayComparisonFromJson(json, u"report.json"_s, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(replayComparisonToJson(*back), json);
        QCOMPARE(back->comparison.groups.size(), r.comparison.groups.size());
        QCOMPARE(back->comparison.regressions, r.comparison.regressions);
    }
}

void TestReplayComparisonJson::refuses_data() {
    using Edit = std::function<void(QJsonObject&)>;
    QTest::addColumn<bool>("worse");
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<QString>("says");
    QTest::newRow("verdict on trust")
        << true << Edit([](QJsonObject& o) { o.insert(u"verdict"_s, u"passed"_s); })
        << u"report.json: verdict: says \"passed\" but a figure regressed"_s;
    QTest::newRow("regressions dropped")
        << true << Edit([](QJsonObject& o) { o.insert(u"regressions"_s, QJsonArray()); })
        << u"regressions: must list the regressed figures"_s;
    QTest::newRow("other format") << false << Edit([](QJsonObject& o) { o.insert(u"format"_s, 2); })
                                  << u"format: must be an integer from 1 to 1"_s;
    QTest::newRow("other kind") << false << Edit([](QJsonObject& o) {
        o.insert(u"kind"_s, u"pulsco-run-report"_s);
    }) << u"kind: must be one of pulsco-replay-comparison"_s;
    QTest::newRow("unknown field")
        << false << Edit([](QJsonObject& o) { o.insert(u"colour"_s, 1); }) << u"colour"_s;
    QTest::newRow("interval upside down") << false << Edit([](QJsonObject& o) {
        QJsonArray groups = o.value(u"groups").toArray();
        QJsonObject g = groups.at(0).toObject();
        QJsonArray metrics = g.value(u"metrics").toArray();
        QJsonObject m = metrics.at(0).toObject();
        m.insert(u"low"_s, 5);
        m.insert(u"high"_s, 1);
        metrics.replace(0, m);
        g.insert(u"metrics"_s, metrics);
        groups.replace(0, g);
        o.insert(u"groups"_s, groups);
    }) << u"groups[0].metrics[0].low: must not be above high"_s;
    QTest::newRow("missing b") << false << Edit([](QJsonObject& o) { o.remove(u"b"_s); })
                               << u"b: is required"_s;
}

void TestReplayComparisonJson::refuses() {
    using Edit = std::function<void(QJsonObject&)>;
    QFETCH(bool, worse);
    QFETCH(Edit, edit);
    QFETCH(QString, says);
    QString error;
    QVERIFY(!replayComparisonFromJson(edited(replayComparisonToJson(sampleReport(worse)), edit),
                                      u"report.json"_s, &error));
    QVERIFY2(error.contains(says), qPrintable(error));
    QVERIFY2(error.startsWith(u"report.json: "_s), qPrintable(error));
}

void TestReplayComparisonJson::markdownSaysTheVerdict() {
    const QString passed = replayComparisonMarkdown(sampleReport(false));
    QVERIFY(passed.contains(u"**Verdict: B passes**"_s));
    QVERIFY(passed.contains(u"## all traffic (600 arrivals)"_s));
    QVERIFY(passed.contains(u"## ranked-5v5 / eu-west"_s));
    // A '|' in a queue name stays inside its cell.
    QVERIFY2(passed.contains(u"## duel\\|1v1 (200 arrivals)"_s), qPrintable(passed));
    const QString regressed = replayComparisonMarkdown(sampleReport(true));
    QVERIFY(regressed.contains(u"**Verdict: B regresses** on"_s));
    QVERIFY(regressed.contains(u"| all traffic | wait_p95_s |"_s));
    QVERIFY(regressed.contains(u"**REGRESSED**: "_s));
}

void TestReplayComparisonJson::thresholdsFiles() {
    QTemporaryDir dir;
    const auto write = [&](const QByteArray& text) {
        const QString path = dir.filePath(u"bars.json"_s);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(text);
        return path;
    };
    QString error;
    const auto options = loadComparisonOptions(
        write(R"({"thresholds": {"wait_p95_s": "<=+5%", "ping_p95_ms": "", "ping_p50_ms": "<+3"},
                 "min_arrivals": 50, "resamples": 200})"),
        &error);
    QVERIFY2(options, qPrintable(error));
    QCOMPARE(options->minArrivals, std::uint64_t(50));
    QCOMPARE(options->resamples, 200);
    const auto bar = [&](const std::string& metric) -> std::string {
        for (const ComparisonBar& b : options->bars)
            if (b.metric == metric)
                return b.text;
        return "(none)";
    };
    QCOMPARE(bar("wait_p95_s"), std::string("<=+5%"));
    QCOMPARE(bar("ping_p95_ms"), std::string("(none)"));
    QCOMPARE(bar("ping_p50_ms"), std::string("<+3"));
    QCOMPARE(bar("wait_p50_s"), std::string("<=+10%"));  // defaults stay

    QVERIFY(!loadComparisonOptions(write(R"({"thresholds": {"wait_p95_s": "10%"}})"), &error));
    QVERIFY2(error.contains(u"bars.json: thresholds.wait_p95_s: must start with <"_s),
             qPrintable(error));
    QVERIFY(!loadComparisonOptions(write(R"({"thresholds": {"p95": "<1"}})"), &error));
    QVERIFY2(error.contains(u"thresholds.p95: unknown figure"_s), qPrintable(error));
    QVERIFY(!loadComparisonOptions(write(R"({"resamples": 5})"), &error));
    QVERIFY2(error.contains(u"resamples: must be an integer from 10 to 100000"_s),
             qPrintable(error));
    QVERIFY(!loadComparisonOptions(write(R"({"bars": {}})"), &error));
    QVERIFY2(error.contains(u"bars"_s), qPrintable(error));
    QVERIFY(!loadComparisonOptions(dir.filePath(u"missing.json"_s), &error));
    QVERIFY2(error.contains(u"missing.json"_s), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestReplayComparisonJson)
#include "tst_replaycomparisonjson.moc"
