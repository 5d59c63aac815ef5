// pulsco-matchd recording its arrival stream (issue 20, item 1), a real
// server: under pulsco-sim --target load the file holds exactly the
// tickets, cancels and results the server counted, in time order, ids
// pseudonymous; /metrics agrees; POST /v1/admin/recording stops and starts
// one (token required, an existing file refused, a bad body named); an
// existing --record file stops the server from starting, with the reason.
#include "support/ConsoleProcess.h"
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"

#include "bridge/ReplayComparisonJson.h"
#include "core/HomeRegion.h"
#include "simulator/RecordingReader.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;
using pulsco::test::http;
using pulsco::test::MatchdProcess;

namespace {

const QByteArray kToken = "recording-token-0123456789";

QString simBinary() {
    return QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-sim");
}

struct Counts {
    int tickets = 0, cancels = 0, results = 0, gaps = 0;
    std::map<std::string, int> byQueue;
    std::map<int, int> byPartySize;
    // Where the party's worst ping is lowest, by the header's region names
    // (core/HomeRegion, as /v1/stats defines it).
    std::map<std::string, int> byHomeRegion;
    std::string firstPlayer;
    QString error;  // why the reader refused it
};

// Through the replay's own reader: what it accepts is what a replay gets.
Counts readRecording(const QString& path) {
    Counts c;
    const pulsco::RecordingLoad load = pulsco::loadRecording(path);
    if (!load.recording) {
        c.error = load.error;
        return c;
    }
    for (const pulsco::RecordedEvent& e : load.recording->events) {
        if (const auto* t = std::get_if<pulsco::RecordedTicket>(&e)) {
            ++c.tickets;
            ++c.byQueue[t->request.queue];
            ++c.byPartySize[int(t->request.players.size())];
            const int home = pulsco::homeRegion(t->request.players);
            ++c.byHomeRegion[home < 0 ? std::string("(none reachable)")
                                      : load.recording->header.regions[std::size_t(home)]];
            if (c.firstPlayer.empty())
                c.firstPlayer = t->request.players.front().id;
        }
        c.cancels += std::holds_alternative<pulsco::RecordedCancel>(e);
        c.results += std::holds_alternative<pulsco::RecordedResult>(e);
        c.gaps += std::holds_alternative<pulsco::RecordedGap>(e);
    }
    return c;
}

double metric(const MatchdProcess& server, const QByteArray& name) {
    const auto r = http(server.port(), "GET", "/metrics");
    for (const QByteArray& line : r.body.split('\n'))
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toDouble();
    return -1;
}

}  // namespace

class TestMatchdRecording : public QObject {
    Q_OBJECT
private slots:
    void recordsTheLoadExactly();
    void compareFlagsANarrowerSkillWindow();
    void replaysAgainstALiveServer();
    void adminStartsAndStops();
    void anExistingFileStopsTheStart();
    void theConsoleReplaysARecording();

private:
    QTemporaryDir m_dir;
};

void TestMatchdRecording::recordsTheLoadExactly() {
    const QString path = m_dir.filePath(u"load.rec"_s);
    MatchdProcess::Options o;
    o.color = u"blue"_s;
    o.adminToken = kToken;
    o.extraArguments = {u"--record"_s, path};
    MatchdProcess server(o);
    QVERIFY(server.start());

    // Synthetic players over HTTP for a few seconds: tickets, polls,
    // cancels and results from the load generator.
    QFile scenario(m_dir.filePath(u"load.json"_s));
    QVERIFY(scenario.open(QIODevice::WriteOnly));
    scenario.write(R"({"format": 1, "name": "record-load", "seed": 11, "duration_s": 4,
      "population": {"players": 300, "poll_s": 0.2, "break_s": 0.5}})");
    scenario.close();
    QProcess sim;
    sim.start(simBinary(), {u"--scenario"_s, scenario.fileName(), u"--target"_s, server.url()});
    QVERIFY(sim.waitForFinished(90000));
    QVERIFY2(sim.exitCode() == 0 || sim.exitCode() == 1, sim.readAllStandardError().constData());

    // Stop the recording (all queued events written), then compare.
    const auto stopped = http(server.port(), "POST", "/v1/admin/recording", R"({"action":"stop"})",
                              "Authorization: Bearer " + kToken + "\r\n");
    QVERIFY2(stopped.status == 200, stopped.body.constData());
    // /metrics counts live (/v1/stats is a snapshot taken each second).
    const double created = metric(server, "pulsco_tickets_total{state=\"created\"}");
    const double cancelled = metric(server, "pulsco_tickets_total{state=\"cancelled\"}");
    const Counts c = readRecording(path);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    qInfo("recorded %d tickets, %d cancels, %d results; the server counted %.0f created, %.0f "
          "cancelled",
          c.tickets, c.cancels, c.results, created, cancelled);
    QVERIFY(c.tickets > 100);
    QCOMPARE(c.gaps, 0);
    QCOMPARE(double(c.tickets), created);
    QCOMPARE(double(c.cancels), cancelled);
    QVERIFY(c.results > 0);
    QVERIFY(c.byQueue.size() >= 2);
    QVERIFY2(QByteArray::fromStdString(c.firstPlayer).startsWith('p') && c.firstPlayer.size() == 17,
             c.firstPlayer.c_str());
    QCOMPARE(metric(server, "pulsco_recording_events_total"),
             double(c.tickets + c.cancels + c.results));
    QCOMPARE(metric(server, "pulsco_recording_lost_events_total"), 0.0);
    QCOMPARE(metric(server, "pulsco_recording_active"), 0.0);

    // Replayed into the simulator: the same arrivals, queue by queue, and
    // one trace for one recording and seed.
    const auto replay = [&](const QStringList& extra, const QString& report) {
        QProcess p;
        p.start(simBinary(), QStringList{u"--replay"_s, path, u"--report"_s, report} + extra);
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            qWarning("%s", p.readAllStandardError().constData());
        QFile f(report);
        f.open(QIODevice::ReadOnly);
        return QJsonDocument::fromJson(f.readAll()).object();
    };
    const QJsonObject first = replay({}, m_dir.filePath(u"replay1.json"_s));
    const QJsonObject second = replay({}, m_dir.filePath(u"replay2.json"_s));
    const QJsonObject arrivals = first.value(u"arrivals").toObject();
    QCOMPARE(arrivals.value(u"total").toInteger(), qint64(c.tickets));
    const QJsonObject byQueue = arrivals.value(u"by_queue").toObject();
    QCOMPARE(byQueue.size(), qsizetype(c.byQueue.size()));
    for (const auto& [queue, n] : c.byQueue)
        QCOMPARE(byQueue.value(QString::fromStdString(queue)).toInteger(), qint64(n));
    const QJsonObject byParty = arrivals.value(u"by_party_size").toObject();
    QCOMPARE(byParty.size(), qsizetype(c.byPartySize.size()));
    for (const auto& [size, n] : c.byPartySize)
        QCOMPARE(byParty.value(QString::number(size)).toInteger(), qint64(n));
    const QJsonObject byHome = arrivals.value(u"by_home_region").toObject();
    QCOMPARE(byHome.size(), qsizetype(c.byHomeRegion.size()));
    QVERIFY(c.byHomeRegion.size() >= 3);
    for (const auto& [region, n] : c.byHomeRegion)
        QCOMPARE(byHome.value(QString::fromStdString(region)).toInteger(), qint64(n));
    QVERIFY(!first.value(u"trace_hash"_s).toString().isEmpty());
    QCOMPARE(second.value(u"trace_hash"_s), first.value(u"trace_hash"_s));
    QCOMPARE(second.value(u"arrivals"_s), first.value(u"arrivals"_s));
    const QJsonObject doubled = replay({u"--amplify"_s, u"2"_s}, m_dir.filePath(u"replay3.json"_s));
    QCOMPARE(doubled.value(u"arrivals").toObject().value(u"total").toInteger(),
             2 * qint64(c.tickets));
}

// Item 3: the recording of recordsTheLoadExactly through the shipped rules
// and through the same rules with skill windows twenty times narrower.
void TestMatchdRecording::compareFlagsANarrowerSkillWindow() {
    const QString recording = m_dir.filePath(u"load.rec"_s);
    QVERIFY2(QFile::exists(recording), "recordsTheLoadExactly makes the recording");
    QFile shipped(QStringLiteral(PULSCO_SOURCE_DIR "/resources/queues.json"));
    QVERIFY(shipped.open(QIODevice::ReadOnly));
    const QJsonObject rules = QJsonDocument::fromJson(shipped.readAll()).object();
    QJsonObject narrow = rules;
    QJsonArray queues = narrow.value(u"queues").toArray();
    for (qsizetype q = 0; q < queues.size(); ++q) {
        QJsonObject queue = queues.at(q).toObject();
        QJsonArray steps = queue.value(u"skill_window").toArray();
        for (qsizetype i = 0; i < steps.size(); ++i) {
            QJsonObject step = steps.at(i).toObject();
            step.insert(u"value"_s, step.value(u"value").toDouble() * 0.05);
            steps.replace(i, step);
        }
        queue.insert(u"skill_window"_s, steps);
        queues.replace(q, queue);
    }
    narrow.insert(u"queues"_s, queues);
    const auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile f(m_dir.filePath(name));
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(bytes);
        return f.fileName();
    };
    const QString a = write(u"a.json"_s, QJsonDocument(rules).toJson());
    const QString same = write(u"same.json"_s, QJsonDocument(rules).toJson(QJsonDocument::Compact));
    const QString b = write(u"narrow.json"_s, QJsonDocument(narrow).toJson());

    struct Run {
        int exitCode = -1;
        QByteArray out, err;
        std::optional<pulsco::ReplayComparisonReport> report;
        QString error;
    };
    const auto compare = [&](const QStringList& args) {
        Run run;
        const QString reportPath = m_dir.filePath(u"comparison.json"_s);
        QFile::remove(reportPath);
        QProcess p;
        p.start(simBinary(),
                QStringList{u"--replay"_s, recording, u"--report"_s, reportPath} + args);
        if (!p.waitForFinished(90000))
            return run;
        run.exitCode = p.exitCode();
        run.out = p.readAllStandardOutput();
        run.err = p.readAllStandardError();
        QFile f(reportPath);
        if (f.open(QIODevice::ReadOnly))
            run.report = pulsco::replayComparisonFromJson(f.readAll(), reportPath, &run.error);
        return run;
    };

    const Run identical = compare({u"--compare"_s, a, same});
    QVERIFY2(identical.exitCode == 0, identical.err.constData());
    QVERIFY(identical.out.contains("**Verdict: B passes**"));
    QVERIFY2(identical.report, qPrintable(identical.error));
    QCOMPARE(identical.report->traceHashA, identical.report->traceHashB);
    QVERIFY(!identical.report->comparison.regressed());

    const Run worse = compare({u"--compare"_s, a, b, u"--markdown"_s, m_dir.filePath(u"c.md"_s)});
    QVERIFY2(worse.exitCode == 1, worse.err.constData());
    QVERIFY(worse.out.contains("**Verdict: B regresses**"));
    QVERIFY2(worse.report, qPrintable(worse.error));
    QVERIFY(worse.report->traceHashA != worse.report->traceHashB);
    QCOMPARE(worse.report->arrivals, quint64(readRecording(recording).tickets));
    // All traffic: waits or expiries worse beyond chance.
    const pulsco::GroupComparison& all = worse.report->comparison.groups.front();
    QVERIFY(all.queue.empty());
    QStringList flagged;
    for (const pulsco::MetricChange& m : all.metrics)
        if (m.regressed)
            flagged << QString::fromStdString(m.metric);
    qInfo("narrower skill window, all traffic regressed on: %s", qPrintable(flagged.join(u", ")));
    QVERIFY2(flagged.contains(u"wait_p95_s"_s) || flagged.contains(u"expiry_rate"_s),
             qPrintable(flagged.join(u", ")));
    QFile markdown(m_dir.filePath(u"c.md"_s));
    QVERIFY(markdown.open(QIODevice::ReadOnly));
    QCOMPARE(markdown.readAll(), worse.out);

    // The console shows the report; one whose verdict was edited is refused.
    const QString reportPath = m_dir.filePath(u"worse.json"_s);
    QVERIFY(QFile::copy(m_dir.filePath(u"comparison.json"_s), reportPath));
    pulsco::test::ConsoleProcess console;
    QVERIFY(console.start({u"--comparison"_s, reportPath, u"--quit-after"_s, u"2"_s,
                           u"--screenshot"_s, console.homePath(u"comparison.png"_s)}));
    QCOMPARE(console.waitForExit(30000), 0);
    QVERIFY(QFile::exists(console.homePath(u"comparison.png"_s)));
    QFile edit(reportPath);
    QVERIFY(edit.open(QIODevice::ReadOnly));
    QByteArray text = edit.readAll();
    edit.close();
    text.replace("\"verdict\": \"regressed\"", "\"verdict\": \"passed\"");
    const QString lying = write(u"lying.json"_s, text);
    pulsco::test::ConsoleProcess refused;
    QVERIFY(refused.start({u"--comparison"_s, lying}));
    QVERIFY(refused.waitForLine(QRegularExpression(QRegularExpression::escape(
                                    u"--comparison: "_s + lying +
                                    u": verdict: says \"passed\" but a figure regressed"_s)),
                                20000) >= 0);
    QCOMPARE(refused.waitForExit(20000), 2);

    // Bad input: exit 2 with the file and why.
    const Run missing = compare({u"--compare"_s, a});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY2(missing.err.contains("--compare: takes two queue-rule files"),
             missing.err.constData());
    const QString broken = write(u"broken.json"_s, "{\"format\": 1, \"queues\": 3}");
    const Run bad = compare({u"--compare"_s, a, broken});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(QByteArray(QByteArray("--compare (B): ") + broken.toUtf8())),
             bad.err.constData());
}

// Item 2, live: the recording sent to another real server on the real clock
// (4x): every recorded arrival is sent, per queue as recorded; what the
// server acknowledged is exactly what its own recording and the ledger hold;
// cancels follow their tickets.
void TestMatchdRecording::replaysAgainstALiveServer() {
    const QString recording = m_dir.filePath(u"load.rec"_s);
    QVERIFY2(QFile::exists(recording), "recordsTheLoadExactly makes the recording");
    const Counts recorded = readRecording(recording);
    const QString again = m_dir.filePath(u"again.rec"_s);
    MatchdProcess::Options o;
    o.color = u"blue"_s;
    o.adminToken = kToken;
    o.extraArguments = {u"--record"_s, again};
    MatchdProcess server(o);
    QVERIFY(server.start());
    const auto live = [&](const QString& path, const QStringList& extra, QByteArray* err) {
        QProcess sim;
        sim.start(simBinary(), QStringList{u"--replay"_s, path, u"--target"_s, server.url(),
                                           u"--report"_s, m_dir.filePath(u"live.json"_s),
                                           u"--ledger"_s, m_dir.filePath(u"ledger.txt"_s)} +
                                   extra);
        if (!sim.waitForFinished(120000))
            return -1;
        *err = sim.readAllStandardError();
        return sim.exitCode();
    };
    QByteArray err;
    QCOMPARE(live(recording, {u"--speed"_s, u"4"_s}, &err), 0);
    QFile reportFile(m_dir.filePath(u"live.json"_s));
    QVERIFY(reportFile.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(reportFile.readAll()).object();
    const QJsonObject arrivals = report.value(u"arrivals").toObject();
    QCOMPARE(arrivals.value(u"total").toInteger(), qint64(recorded.tickets));
    const QJsonObject byQueue = arrivals.value(u"by_queue").toObject();
    for (const auto& [queue, n] : recorded.byQueue)
        QCOMPARE(byQueue.value(QString::fromStdString(queue)).toInteger(), qint64(n));
    const qint64 acknowledged = arrivals.value(u"acknowledged").toInteger();
    const QJsonObject answers = arrivals.value(u"answers").toObject();
    // 409: a recorded player came back while the replayed ticket still searched.
    QCOMPARE(answers.value(u"201").toInteger(), acknowledged);
    QCOMPARE(acknowledged + answers.value(u"409").toInteger(), qint64(recorded.tickets));
    QCOMPARE(report.value(u"server_errors").toInteger(), 0);
    QCOMPARE(report.value(u"unanswered").toInteger(), 0);
    QFile ledger(m_dir.filePath(u"ledger.txt"_s));
    QVERIFY(ledger.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = ledger.readAll().split('\n');
    QCOMPARE(qint64(lines.size() - 1), acknowledged);
    QVERIFY2(lines.front().startsWith("blue blue-t"), lines.front().constData());
    QCOMPARE(metric(server, "pulsco_tickets_total{state=\"created\"}"), double(acknowledged));

    // Cancels: ten ranked solos, each cancelled 0.3 recorded s after it
    // came; ratings 50 apart, so no two can be matched before their cancel.
    const QString withCancels = m_dir.filePath(u"cancels.rec"_s);
    QFile f(withCancels);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("pulsco-recording 1 server=blue environment=staging ids=pseudonymous "
            "regions=eu-west part=1\n");
    // In time order: ticket i at i/10 s, its cancel 0.3 s later.
    std::vector<std::pair<double, QByteArray>> timed;
    for (int i = 0; i < 10; ++i) {
        const QByteArray id = "blue-c" + QByteArray::number(i);
        timed.emplace_back(i * 0.1, "T " + QByteArray::number(i * 0.1, 'f', 3) + ' ' + id +
                                        " ranked-5v5 q" + QByteArray::number(i) + '|' +
                                        QByteArray::number(i * 50) + ".000|8.333|30\n");
        timed.emplace_back(i * 0.1 + 0.3,
                           "C " + QByteArray::number(i * 0.1 + 0.3, 'f', 3) + ' ' + id + '\n');
    }
    std::stable_sort(timed.begin(), timed.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [t, line] : timed)
        f.write(line);
    f.close();
    QVERIFY2(live(withCancels, {}, &err) == 0, err.constData());
    reportFile.close();
    QVERIFY(reportFile.open(QIODevice::ReadOnly));
    const QJsonObject cancels =
        QJsonDocument::fromJson(reportFile.readAll()).object().value(u"cancels").toObject();
    QCOMPARE(cancels.value(u"sent").toInteger(), 10);
    QCOMPARE(cancels.value(u"answers").toObject().value(u"200").toInteger(), 10);
    QCOMPARE(metric(server, "pulsco_tickets_total{state=\"cancelled\"}"), 10.0);

    // What the server recorded of the replay: the acknowledged tickets and
    // the ten cancels, nothing else.
    const auto stopped = http(server.port(), "POST", "/v1/admin/recording", R"({"action":"stop"})",
                              "Authorization: Bearer " + kToken + "\r\n");
    QCOMPARE(stopped.status, 200);
    const Counts replayed = readRecording(again);
    QVERIFY2(replayed.error.isEmpty(), qPrintable(replayed.error));
    QCOMPARE(qint64(replayed.tickets), acknowledged + 10);
    QCOMPARE(replayed.cancels, 10);

    // Bad input: exit 2 and why.
    QCOMPARE(live(recording, {u"--speed"_s, u"max"_s}, &err), 2);
    QVERIFY2(err.contains("--speed: max is for the in-process replay"), err.constData());
    QProcess unreachable;
    unreachable.start(simBinary(),
                      {u"--replay"_s, recording, u"--target"_s, u"http://127.0.0.1:1"_s});
    QVERIFY(unreachable.waitForFinished(30000));
    QCOMPARE(unreachable.exitCode(), 2);
    QVERIFY(unreachable.readAllStandardError().contains("--target: http://127.0.0.1:1/v1/info"));
}

void TestMatchdRecording::adminStartsAndStops() {
    MatchdProcess::Options o;
    o.adminToken = kToken;
    MatchdProcess server(o);
    QVERIFY(server.start());
    const QByteArray auth = "Authorization: Bearer " + kToken + "\r\n";
    const auto post = [&](const QByteArray& body, const QByteArray& headers) {
        return http(server.port(), "POST", "/v1/admin/recording", body, headers);
    };
    QCOMPARE(post(R"({"action":"start"})", {}).status, 401);
    const auto idle = http(server.port(), "GET", "/v1/admin/recording", {}, auth);
    QCOMPARE(idle.status, 200);
    QCOMPARE(QJsonDocument::fromJson(idle.body).object().value(u"recording").toBool(), false);
    const auto bad = post(R"({"action":"begin"})", auth);
    QCOMPARE(bad.status, 400);
    QVERIFY2(bad.body.contains("action: must be"), bad.body.constData());
    QCOMPARE(post(R"({"action":"start","colour":1})", auth).status, 400);
    QCOMPARE(post(R"({"action":"stop"})", auth).status, 409);  // nothing runs

    // Without a path: a new file under the data dir's recordings/.
    const auto started = post(R"({"action":"start"})", auth);
    QVERIFY2(started.status == 201, started.body.constData());
    const QString path = QJsonDocument::fromJson(started.body).object().value(u"path").toString();
    QVERIFY2(path.startsWith(QDir(server.dataDir()).filePath(u"recordings/"_s)), qPrintable(path));
    QCOMPARE(post(R"({"action":"start"})", auth).status, 409);  // one at a time
    QCOMPARE(metric(server, "pulsco_recording_active"), 1.0);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(http(server.port(), "POST", "/v1/tickets",
                      pulsco::test::soloTicket("duel-1v1", "admin" + QByteArray::number(i)))
                     .status,
                 201);
    // duel-1v1 pairs the first four; the fifth searches until cancelled.
    const auto fifth = http(server.port(), "POST", "/v1/tickets",
                            pulsco::test::soloTicket("ranked-5v5", "admin-solo"));
    QCOMPARE(fifth.status, 201);
    const QByteArray id = fifth.json().value(u"ticket_id").toString().toLatin1();
    QCOMPARE(http(server.port(), "DELETE", "/v1/tickets/" + id).status, 200);
    const auto stopped = post(R"({"action":"stop"})", auth);
    QCOMPARE(stopped.status, 200);
    const Counts c = readRecording(path);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    QCOMPARE(c.tickets, 6);
    QCOMPARE(c.cancels, 1);

    // A file that exists is never overwritten.
    const QByteArray again = R"({"action":"start","path":")" + path.toUtf8() + R"("})";
    const auto refused = post(again, auth);
    QCOMPARE(refused.status, 409);
    QVERIFY2(refused.body.contains("never overwritten"), refused.body.constData());
}

void TestMatchdRecording::anExistingFileStopsTheStart() {
    const QString path = m_dir.filePath(u"exists.rec"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly) && f.write("earlier\n") > 0);
    f.close();
    MatchdProcess::Options o;
    o.extraArguments = {u"--record"_s, path};
    o.forwardStderr = false;
    MatchdProcess server(o);
    QVERIFY(!server.start());
    QVERIFY2(server.stderrText().contains(QByteArray("--record: " + path.toUtf8() + ": exists")),
             server.stderrText().constData());
}

void TestMatchdRecording::theConsoleReplaysARecording() {
    const QString path = m_dir.filePath(u"console.rec"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("pulsco-recording 1 server=blue environment=staging started_unix_ms=1 "
            "ids=pseudonymous regions=eu-west part=1\n");
    for (int i = 0; i < 40; ++i)
        f.write("T " + QByteArray::number(i * 0.25, 'f', 3) + " blue-t" + QByteArray::number(i) +
                " duel-1v1 p" + QByteArray::number(i) + "|25.000|8.333|30\n");
    f.close();
    pulsco::test::ConsoleProcess console;
    QVERIFY(console.start({u"--replay"_s, path, u"--speed"_s, u"max"_s, u"--quit-after"_s, u"3"_s,
                           u"--screenshot"_s, console.homePath(u"replay.png"_s)}));
    QCOMPARE(console.waitForExit(30000), 0);
    QVERIFY(QFile::exists(console.homePath(u"replay.png"_s)));

    // Not a recording: refused with the file, the line and why.
    const QString bad = m_dir.filePath(u"bad.rec"_s);
    QFile b(bad);
    QVERIFY(b.open(QIODevice::WriteOnly) && b.write("hello\n") > 0);
    b.close();
    pulsco::test::ConsoleProcess refused;
    QVERIFY(refused.start({u"--replay"_s, bad}));
    QVERIFY(
        refused.waitForLine(QRegularExpression(QRegularExpression::escape(u"--replay: "_s + bad) +
                                               u":1: not a recording"_s),
                            20000) >= 0);
    QCOMPARE(refused.waitForExit(20000), 2);
}

QTEST_GUILESS_MAIN(TestMatchdRecording)
#include "tst_matchd_recording.moc"
