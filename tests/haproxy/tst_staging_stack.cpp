// resources/haproxy/pulsco-bluegreen.cfg and tools/pulsco-staging with a real
// haproxy and real blue and green pulsco-matchd on free loopback ports:
// id-bound routing keeps every ticket reachable through weight changes,
// weight 0 and drain; pulsco-sim --balancer loses no acknowledged ticket;
// SIGINT stops the stack cleanly.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#include "support/BuiltBinaries.h"
#include "support/HttpTestClient.h"
#include "support/StagingStack.h"

#include "net/balancer/HaproxyTrafficController.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <map>
#include <random>

using namespace Qt::StringLiterals;
using pulsco::test::http;
using pulsco::test::HttpResult;
using namespace pulsco::test;
using pulsco::HaproxyTrafficController;
using pulsco::TrafficController;

namespace {

const QString kSource = QStringLiteral(PULSCO_SOURCE_DIR);
const QString kBin = QStringLiteral(PULSCO_BINARY_DIR "/bin");

// The pids the staging command printed ("(pid 123, ...").
std::vector<qint64> printedPids(const QByteArray& out) {
    std::vector<qint64> pids;
    for (qsizetype at = out.indexOf("pid "); at >= 0; at = out.indexOf("pid ", at + 4)) {
        qsizetype end = at + 4;
        while (end < out.size() && std::isdigit(static_cast<unsigned char>(out[end])))
            ++end;
        if (end > at + 4)
            pids.push_back(out.mid(at + 4, end - at - 4).toLongLong());
    }
    return pids;
}

}  // namespace

class TestStagingStack : public QObject {
    Q_OBJECT
private slots:
    void shippedConfigIsValid();
    void idsStayReachableThroughWeightsAndDrain();
    void simThroughTheBalancerLosesNoTicket();
    void scaleOutPutsTheSpareInBluesPool();
};

void TestStagingStack::shippedConfigIsValid() {
    const QString haproxy = haproxyBinary();
    QVERIFY2(!haproxy.isEmpty(),
             "haproxy is not installed (apt-get install haproxy, or make deps)");
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(QProcessEnvironment());  // no variables: the shipped defaults
    p.start(haproxy, {u"-c"_s, u"-f"_s, kSource + u"/resources/haproxy/pulsco-bluegreen.cfg"_s});
    QVERIFY(p.waitForFinished(20000));
    const QByteArray out = p.readAll();
    QVERIFY2(p.exitCode() == 0, out.constData());
    QVERIFY2(out.contains("Configuration file is valid"), out.constData());
    QVERIFY2(!out.contains("WARNING"), out.constData());  // clean, not just valid
}

void TestStagingStack::idsStayReachableThroughWeightsAndDrain() {
    Stack stack;
    const QString error = stack.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));

    // As shipped: green 0, so every new ticket is blue's.
    QCOMPARE(runtime(stack.rt(), "get weight pulsco/green"), QByteArray("0 (initial 0)"));
    QCOMPARE(runtime(stack.rt(), "set server pulsco/green weight 50"), QByteArray());
    std::map<QString, int> perServer;
    QStringList ids;
    for (int i = 0; i < 40; ++i) {
        const HttpResult r =
            http(stack.api(), "POST", "/v1/tickets", soloTicket("p" + QByteArray::number(i)));
        QCOMPARE(r.status, 201);
        const QString id = r.json().value(u"ticket_id").toString();
        ids << id;
        ++perServer[id.section(u'-', 0, 0)];
    }
    QVERIFY2(perServer[u"blue"_s] > 0 && perServer[u"green"_s] > 0, qPrintable(ids.join(u' ')));
    // Every ticket answers through the balancer, whoever owns it.
    for (const QString& id : ids) {
        const HttpResult r = http(stack.api(), "GET", "/v1/tickets/" + id.toLatin1());
        QVERIFY2(r.status == 200, qPrintable(id + u": "_s + QString::fromUtf8(r.body)));
        QCOMPARE(r.json().value(u"ticket_id").toString(), id);
    }

    // Rollback: green takes no new tickets, but keeps serving its own.
    QCOMPARE(runtime(stack.rt(), "set server pulsco/green weight 0"), QByteArray());
    QCOMPARE(runtime(stack.rt(), "set server pulsco/green state drain"), QByteArray());
    for (int i = 0; i < 20; ++i) {
        const HttpResult r =
            http(stack.api(), "POST", "/v1/tickets", soloTicket("q" + QByteArray::number(i)));
        QCOMPARE(r.status, 201);
        const QString id = r.json().value(u"ticket_id").toString();
        QVERIFY2(id.startsWith(u"blue-t"_s), qPrintable(id));
        ids << id;
    }
    int greenServed = 0;
    for (const QString& id : ids) {
        const HttpResult g = http(stack.api(), "GET", "/v1/tickets/" + id.toLatin1());
        QVERIFY2(g.status == 200, qPrintable(id + u": "_s + QString::fromUtf8(g.body)));
        // Matched pairs cannot be cancelled (409); none may be missing (404).
        const HttpResult d = http(stack.api(), "DELETE", "/v1/tickets/" + id.toLatin1());
        QVERIFY2(d.status == 200 || d.status == 409,
                 qPrintable(id + u": "_s + QString::fromUtf8(d.body)));
        greenServed += id.startsWith(u"green-"_s) ? 1 : 0;
    }
    QCOMPARE(greenServed, perServer[u"green"_s]);
    // The stats show it: green is in drain, and answered the requests sent its way.
    const QByteArray stat = runtime(stack.rt(), "show stat");
    QVERIFY2(stat.contains("pulsco,green,"), stat.constData());
    QVERIFY2(stat.contains("DRAIN"), stat.constData());
    const QByteArray metrics = get10(stack.stats(), "/metrics");
    QVERIFY2(metrics.startsWith("HTTP/1.1 200") || metrics.startsWith("HTTP/1.0 200"),
             metrics.left(200).constData());
    QVERIFY(metrics.contains("haproxy_server_bytes_in_total{proxy=\"pulsco\",server=\"green\"}"));

    // Ctrl+C: everything stops, exit 0, no process left behind.
    const std::vector<qint64> pids = printedPids(stack.out);
    QCOMPARE(pids.size(), std::size_t(4));  // haproxy, blue, green, the spare
    QCOMPARE(stack.interrupt(), 0);
    QVERIFY2(stack.out.contains("pulsco-staging: stopped"), stack.out.constData());
    for (qint64 pid : pids)
        QVERIFY2(::kill(pid_t(pid), 0) != 0, qPrintable(u"pid %1 still runs"_s.arg(pid)));
}

void TestStagingStack::simThroughTheBalancerLosesNoTicket() {
    QVERIFY2(pulsco::test::notBuilt({kBin + u"/pulsco-sim"_s}).isEmpty(), "build pulsco-sim");
    Stack stack;
    const QString error = stack.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(runtime(stack.rt(), "set server pulsco/green weight 100"), QByteArray());

    const QString ledger = stack.dir.filePath(u"ledger.txt"_s);
    QProcess sim;
    sim.setProcessChannelMode(QProcess::MergedChannels);
    sim.start(kBin + u"/pulsco-sim"_s,
              {u"--scenario"_s, kSource + u"/resources/scenarios/baseline-1000.json"_s,
               u"--duration"_s, u"8"_s, u"--players"_s, u"200"_s, u"--target"_s,
               u"http://127.0.0.1:%1"_s.arg(stack.api()), u"--balancer"_s, u"--connections"_s,
               u"50"_s, u"--ledger"_s, ledger});
    QVERIFY(sim.waitForFinished(60000));
    const QByteArray out = sim.readAll();
    QVERIFY2(sim.exitStatus() == QProcess::NormalExit &&
                 (sim.exitCode() == 0 || sim.exitCode() == 1),
             out.constData());  // 1: a threshold of the scenario failed; the run itself is good
    QVERIFY2(out.contains("behind the load balancer"), out.constData());

    QFile file(ledger);
    QVERIFY(file.open(QIODevice::ReadOnly));
    std::map<QByteArray, int> perColor;
    int checked = 0;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        const QList<QByteArray> parts = line.split(' ');
        QCOMPARE(parts.size(), 2);
        // The ledger files a ticket under the server that took it.
        QVERIFY2(parts[1].startsWith(QByteArray(parts[0] + "-t")), line.constData());
        ++perColor[parts[0]];
        // Every acknowledged ticket is there, through the balancer (id-routed).
        const HttpResult r = http(stack.api(), "GET", "/v1/tickets/" + parts[1]);
        QVERIFY2(r.status == 200, QByteArray(line + ": " + r.body).constData());
        ++checked;
    }
    QVERIFY2(checked > 20, out.constData());
    QVERIFY2(perColor["blue"] > 0 && perColor["green"] > 0, out.constData());
    QCOMPARE(stack.interrupt(), 0);
}

// Scale out: the spare pulsco-matchd (blue's release), held in maintenance
// by the shipped config, joins blue's pool through the runtime API. It then
// takes a share of new tickets, its ids stay reachable through the
// balancer, and a later step keeps green's share exact with three servers.
void TestStagingStack::scaleOutPutsTheSpareInBluesPool() {
    Stack stack;
    const QString error = stack.start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(runtime(stack.rt(), "show stat").contains("pulsco,spare,"));
    const auto createSome = [&](const QByteArray& prefix, int n) {
        std::map<QString, int> perServer;
        for (int i = 0; i < n; ++i) {
            const HttpResult r = http(stack.api(), "POST", "/v1/tickets",
                                      soloTicket(prefix + QByteArray::number(i)));
            if (r.status != 201)
                qFatal("POST /v1/tickets: %d %s", r.status, r.body.constData());
            const QString id = r.json().value(u"ticket_id").toString();
            ++perServer[id.section(u'-', 0, 0)];
            const HttpResult back = http(stack.api(), "GET", "/v1/tickets/" + id.toLatin1());
            if (back.status != 200)
                qFatal("GET %s through the balancer: %d", qPrintable(id), back.status);
        }
        return perServer;
    };
    // In maintenance: the spare gets nothing.
    QCOMPARE(createSome("before", 20)[u"spare"_s], 0);

    QString why;
    auto controller = HaproxyTrafficController::create(u"127.0.0.1:%1"_s.arg(stack.rt()),
                                                       u"pulsco"_s, u"blue"_s, u"green"_s, &why);
    QVERIFY2(controller, qPrintable(why));
    QSignalSpy scaled(controller.get(), &TrafficController::scaledOut);
    QSignalSpy refused(controller.get(), &TrafficController::scaleOutFailed);
    controller->scaleOut();
    QVERIFY2(scaled.wait(10000),
             qPrintable(refused.isEmpty() ? u"no answer"_s : refused.first().first().toString()));
    const QString readBack = scaled.first().first().toString();
    QVERIFY2(readBack.contains(u"get weight pulsco/spare: 100"_s), qPrintable(readBack));
    QVERIFY(controller->spareInPool());
    // Health checks need two passes (rise 2) before the spare is UP.
    const auto spareRow = [&] {
        for (const QByteArray& line : runtime(stack.rt(), "show stat pulsco 4 -1").split('\n'))
            if (line.startsWith("pulsco,spare,"))
                return line;
        return QByteArray();
    };
    QTRY_VERIFY2_WITH_TIMEOUT(spareRow().contains(",UP"), spareRow().constData(), 10000);
    const std::map<QString, int> after = createSome("after", 40);
    QVERIFY2(after.count(u"spare"_s) && after.at(u"spare"_s) >= 10,
             qPrintable(
                 u"spare took %1 of 40"_s.arg(after.count(u"spare"_s) ? after.at(u"spare"_s) : 0)));
    // Twice is refused, saying why.
    controller->scaleOut();
    QTRY_COMPARE(refused.size(), 1);
    QVERIFY(refused.first().first().toString().contains(u"already in blue's pool"_s));

    // A 10 % step with the spare in the pool: blue 90, spare 90, green 20.
    QSignalSpy applied(controller.get(), &TrafficController::weightApplied);
    controller->requestWeight(10);
    QVERIFY(applied.wait(10000));
    const QString stepReadBack = applied.first().at(1).toString();
    QVERIFY2(stepReadBack.contains(u"get weight pulsco/green: 20"_s) &&
                 stepReadBack.contains(u"get weight pulsco/spare: 90"_s),
             qPrintable(stepReadBack));
    QCOMPARE(stack.interrupt(), 0);
}

QTEST_GUILESS_MAIN(TestStagingStack)
#include "tst_staging_stack.moc"
