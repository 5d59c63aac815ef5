// pulsco-sim --target against real pulsco-matchd processes: a short run
// exits with the threshold code, splits blue/green by the scenario's
// weight, and its ledger of acknowledged tickets matches the servers'.
#include "support/MatchdProcess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using pulsco::test::MatchdProcess;

namespace {

QString simBinary() {
    return QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-sim");
}

QByteArray scenario(int greenWeight, const QByteArray& latencyBar) {
    return R"({"format": 1, "name": "live-smoke", "seed": 7, "duration_s": 3,
  "population": {"players": 200, "poll_s": 0.2, "break_s": 0.5},
  "traffic": {"green_weight": )" +
           QByteArray::number(greenWeight) + R"(},
  "thresholds": {"error_rate": "<0.01", "api_latency_p95_ms": ")" +
           latencyBar + R"("}})";
}

struct SimRun {
    int exitCode = -1;
    QByteArray out, err;
};

SimRun runSim(const QStringList& args) {
    QProcess p;
    p.start(simBinary(), args);
    SimRun r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QJsonObject getJson(const QString& url, int* status = nullptr) {
    QNetworkAccessManager network;
    QNetworkReply* reply = network.get(QNetworkRequest{QUrl(url)});
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(5000);
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject o = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return o;
}

quint64 createdOn(const QString& url) {
    return quint64(getJson(url + u"/v1/stats"_s)
                       .value(u"total")
                       .toObject()
                       .value(u"tickets")
                       .toObject()
                       .value(u"created")
                       .toInteger());
}

}  // namespace

class TestLoadgen : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void badTargetsExitTwo_data();
    void badTargetsExitTwo();
    void exitCodeFollowsThresholds_data();
    void exitCodeFollowsThresholds();
    void ledgerMatchesBothServers();

private:
    QTemporaryDir m_dir;
    QString writeScenario(const QString& name, const QByteArray& json) {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly) || f.write(json) < 0)
            return {};
        return f.fileName();
    }
};

void TestLoadgen::initTestCase() {
    QVERIFY(QFile::exists(simBinary()));
    QVERIFY(QFile::exists(MatchdProcess::binary()));
}

void TestLoadgen::badTargetsExitTwo_data() {
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("message");
    QTest::addRow("not a url") << u"localhost"_s << u"must be an http:// URL"_s;
    QTest::addRow("path") << u"http://127.0.0.1:1/v1"_s << u"without a path"_s;
    QTest::addRow("nobody listening") << u"http://127.0.0.1:1"_s << u"/v1/info"_s;
}

void TestLoadgen::badTargetsExitTwo() {
    QFETCH(QString, target);
    QFETCH(QString, message);
    const QString file = writeScenario(u"ok.json"_s, scenario(0, "<1000"));
    const SimRun r = runSim({u"--scenario"_s, file, u"--target"_s, target});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
}

void TestLoadgen::exitCodeFollowsThresholds_data() {
    QTest::addColumn<QByteArray>("latencyBar");
    QTest::addColumn<int>("exitCode");
    QTest::addRow("holds") << QByteArray("<5000") << 0;
    QTest::addRow("broken") << QByteArray("<0.000001") << 1;
}

void TestLoadgen::exitCodeFollowsThresholds() {
    QFETCH(QByteArray, latencyBar);
    QFETCH(int, exitCode);
    MatchdProcess server(u"blue"_s);
    QVERIFY(server.start());
    const QString file = writeScenario(u"smoke.json"_s, scenario(0, latencyBar));
    const QString report = m_dir.filePath(u"report.json"_s);
    const SimRun r =
        runSim({u"--scenario"_s, file, u"--target"_s, server.url(), u"--report"_s, report});
    QVERIFY2(r.exitCode == exitCode, r.out.constData());
    QVERIFY(r.out.contains("POST /v1/tickets"));
    QVERIFY(r.out.contains("client-side"));
    QVERIFY(QFile::exists(report));
}

void TestLoadgen::ledgerMatchesBothServers() {
    MatchdProcess blue(u"blue"_s), green(u"green"_s);
    QVERIFY(blue.start());
    QVERIFY(green.start());
    const QString file = writeScenario(u"split.json"_s, scenario(50, "<5000"));
    const QString ledger = m_dir.filePath(u"ledger.txt"_s);
    const SimRun r = runSim({u"--scenario"_s, file, u"--target"_s, blue.url() + u',' + green.url(),
                             u"--ledger"_s, ledger});
    QVERIFY2(r.exitCode == 0, r.out.constData());
    QFile f(ledger);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QHash<QString, QStringList> ids;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() == 2)
            ids[QString::fromUtf8(parts[0])] << QString::fromUtf8(parts[1]);
    }
    // Split by the weight: both colors got a real share.
    QVERIFY(ids[u"blue"_s].size() > 20);
    QVERIFY(ids[u"green"_s].size() > 20);
    for (const auto& [color, url] : {std::pair{u"blue"_s, blue.url()}, {u"green"_s, green.url()}}) {
        // Every acknowledged ticket exists on its server, and the server
        // acknowledged no ticket the generator did not count.
        QTRY_COMPARE_WITH_TIMEOUT(createdOn(url), quint64(ids[color].size()), 3000);
        for (const QString& id : ids[color]) {
            int status = 0;
            getJson(url + u"/v1/tickets/"_s + id, &status);
            QVERIFY2(status == 200, qPrintable(url + u" "_s + id));
        }
    }
}

QTEST_GUILESS_MAIN(TestLoadgen)
#include "tst_loadgen.moc"
