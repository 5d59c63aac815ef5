// Live-mode figures against one local pulsco-matchd:
//   loadgen.rps_per_core     requests per CPU-second of pulsco-sim --target
//                            driving the server as hard as its scenario asks
//   loadgen.vs_locust_ratio  that / Locust's requests per CPU-second
//                            (FastHttpUser, locustfile.py beside this file)
//   live.p95_ms_1000_users   client-side p95 with 1000 users at ~5 req/s each
//   live.staleness_detect_ms kill -9 of a watched server -> LiveSource Stale
// Never fails: what cannot run says why and the rest goes on.
#include "BenchReport.h"

#include "bridge/JsonReader.h"
#include "bridge/MetricsSnapshotJson.h"
#include "net/live/LiveSource.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <csignal>
#include <cstdio>
#include <sys/types.h>

using namespace Qt::StringLiterals;

namespace {

QString bin(const char* name) {
    return QStringLiteral(PULSCO_BINARY_DIR "/bin/") + QString::fromLatin1(name);
}

struct Server {
    QTemporaryDir dir;
    QProcess process;
    quint16 port = 0;
    QString url() const { return u"http://127.0.0.1:"_s + QString::number(port); }
    bool start() {
        process.start(bin("pulsco-matchd"),
                      {u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s, dir.filePath(u"data"_s)});
        if (!process.waitForStarted(5000))
            return false;
        static const QRegularExpression re(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 15000 && process.state() == QProcess::Running) {
            process.waitForReadyRead(100);
            out += process.readAllStandardOutput();
            if (const auto m = re.match(QString::fromUtf8(out)); m.hasMatch()) {
                port = quint16(m.captured(1).toUInt());
                return true;
            }
        }
        return false;
    }
    ~Server() {
        process.kill();
        process.waitForFinished(5000);
    }
};

QString writeScenario(const QTemporaryDir& dir, const QString& name, double pollS, int seconds) {
    QFile f(dir.filePath(name + u".json"_s));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(R"({"format": 1, "name": ")" + name.toUtf8() + R"(", "seed": 11, "duration_s": )" +
            QByteArray::number(seconds) + R"(,
      "population": {"players": 1000, "poll_s": )" +
            QByteArray::number(pollS) + R"(, "break_s": 0.1, "patience_s": 3600},
      "thresholds": {"error_rate": "<1"}})");
    return f.fileName();
}

// Runs pulsco-sim --target; returns its stdout ("" when it could not run).
QByteArray runSim(const QString& scenario, const QString& url) {
    QProcess sim;
    sim.start(bin("pulsco-sim"), {u"--scenario"_s, scenario, u"--target"_s, url});
    if (!sim.waitForFinished(120000)) {
        sim.kill();
        return {};
    }
    return sim.readAllStandardOutput();
}

double captured(const QByteArray& out, const QString& pattern) {
    const auto m = QRegularExpression(pattern).match(QString::fromUtf8(out));
    return m.hasMatch() ? m.captured(1).toDouble() : -1;
}

// Locust headless on the same server; requests per CPU-second of its process.
double locustRequestsPerCpuSecond(const QString& url, QString* why) {
    const QString locustfile = QStringLiteral(PULSCO_SOURCE_DIR "/tests/bench/live/locustfile.py");
    QTemporaryDir dir;
    const QString csv = dir.filePath(u"stats"_s);
    // A wrapper prints the process's own CPU time after Locust returns.
    const QString wrapper =
        u"import sys, resource, runpy\n"
        "sys.argv = ['locust', '-f', sys.argv[1], '--headless', '-u', '1000', '-r', '1000',\n"
        "            '-t', '10s', '--host', sys.argv[2], '--csv', sys.argv[3], '--only-summary']\n"
        "try:\n"
        "    runpy.run_module('locust', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "r = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print('CPU', r.ru_utime + r.ru_stime, flush=True)\n"_s;
    QProcess locust;
    // Debian's python3-locust lives in the system interpreter, which a
    // pyenv or venv python3 on PATH would hide.
    const QString python =
        QFile::exists(u"/usr/bin/python3"_s) ? u"/usr/bin/python3"_s : u"python3"_s;
    locust.start(python, {u"-c"_s, wrapper, locustfile, url, csv});
    if (!locust.waitForFinished(60000)) {
        locust.kill();
        *why = u"locust did not finish"_s;
        return -1;
    }
    const QByteArray out = locust.readAllStandardOutput();
    const double cpu = captured(out, u"CPU ([\\d.]+)"_s);
    QFile stats(csv + u"_stats.csv"_s);
    if (cpu <= 0 || !stats.open(QIODevice::ReadOnly)) {
        *why = u"locust did not run (is python3-locust installed?): "_s +
               QString::fromUtf8(locust.readAllStandardError().right(300));
        return -1;
    }
    // Columns: Type,Name,Request Count,Failure Count,...; the total row is
    // "Aggregated".
    double requests = -1;
    for (const QByteArray& line : stats.readAll().split('\n')) {
        const QList<QByteArray> cols = line.split(',');
        if (cols.size() > 2 && cols[1] == "Aggregated")
            requests = cols[2].toDouble();
    }
    if (requests <= 0) {
        *why = u"no Aggregated row in Locust's CSV"_s;
        return -1;
    }
    return requests / cpu;
}

// `silent`: SIGSTOP (the server hangs, sockets stay open: only the 3 s
// silence bar can tell) instead of SIGKILL (the sockets close at once).
double stalenessDetectMs(bool silent, QString* why) {
    Server server;
    if (!server.start()) {
        *why = u"pulsco-matchd did not start"_s;
        return -1;
    }
    pulsco::LiveSource source({{server.url(), {}, {}}});
    source.start();
    QElapsedTimer t;
    t.start();
    while (source.state() != pulsco::Source::State::Running && t.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    if (source.state() != pulsco::Source::State::Running) {
        *why = u"LiveSource never ran"_s;
        return -1;
    }
    // Let a snapshot or two arrive, then kill without warning.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 1500)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    const auto pid = static_cast<pid_t>(server.process.processId());
    if (silent)
        ::kill(pid, SIGSTOP);
    else
        server.process.kill();
    QElapsedTimer since;
    since.start();
    while (source.state() != pulsco::Source::State::Stale && since.elapsed() < 10000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    const double ms = static_cast<double>(since.nsecsElapsed()) / 1e6;
    if (silent)
        ::kill(pid, SIGCONT);
    return ms;
}

// What LiveServerLink does per pushed snapshot, on the thread that owns it:
// the envelope and the snapshot through the strict bridge reader.
double snapshotParseUs(const QString& url, qsizetype* bytes) {
    QNetworkAccessManager network;
    QNetworkReply* reply = network.get(QNetworkRequest{QUrl(url + u"/v1/stats"_s)});
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray message = R"({"seq":1,"type":"snapshot","snapshot":)" + reply->readAll() + '}';
    reply->deleteLater();
    *bytes = message.size();
    constexpr int kRounds = 2000;
    QElapsedTimer t;
    t.start();
    std::size_t sink = 0;
    for (int i = 0; i < kRounds; ++i) {
        pulsco::JsonReader reader(u"bench"_s);
        auto object = reader.parseObject(message);
        if (!object)
            return -1;
        object->integer(u"seq", 0, qint64(1) << 53);
        object->string(u"type", 32);
        const pulsco::MetricsSnapshot s = pulsco::readMetricsSnapshot(object->object(u"snapshot"));
        if (!reader.ok())
            return -1;
        sink += s.total.tickets.created;
    }
    (void)sink;
    return static_cast<double>(t.nsecsElapsed()) / 1e3 / kRounds;
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (!QFile::exists(bin("pulsco-matchd")) || !QFile::exists(bin("pulsco-sim"))) {
        std::printf("bench_live: pulsco-matchd and pulsco-sim must be built first\n");
        return 0;
    }
    QTemporaryDir dir;

    double rpsPerCore = -1;
    {
        Server server;
        if (server.start()) {
            // 1000 users polling every 0.1 s: the fastest the scenario format
            // allows (~10 000 req/s offered).
            const QByteArray out = runSim(writeScenario(dir, u"max"_s, 0.1, 15), server.url());
            rpsPerCore = captured(out, u"\\(([\\d.]+) requests per CPU-second\\)"_s);
            const double total = captured(out, u"load generator: (\\d+) requests"_s);
            if (rpsPerCore > 0) {
                pulsco::bench::report("loadgen.rps_per_core", rpsPerCore, "req/cpu-s");
                pulsco::bench::report("loadgen.rps_achieved", total / 15.0, "req/s");
            } else {
                std::printf("bench_live: loadgen run failed:\n%s\n", out.constData());
            }
            QString why;
            const double locust = locustRequestsPerCpuSecond(server.url(), &why);
            if (locust > 0 && rpsPerCore > 0) {
                pulsco::bench::report("locust.rps_per_core", locust, "req/cpu-s");
                pulsco::bench::report("loadgen.vs_locust_ratio", rpsPerCore / locust, "x");
            } else {
                std::printf("bench_live: loadgen.vs_locust_ratio not measured: %s\n",
                            qPrintable(why));
            }
        } else {
            std::printf("bench_live: pulsco-matchd did not start\n");
        }
    }
    {
        Server server;
        if (server.start()) {
            // 1000 users, each polling every 0.2 s (~5 req/s each, open model).
            const QByteArray out =
                runSim(writeScenario(dir, u"users1000"_s, 0.2, 20), server.url());
            const double p95 =
                captured(out, u"API latency \\(ms\\)\\s+p50 [\\d.]+\\s+p95 ([\\d.]+)"_s);
            const double total = captured(out, u"load generator: (\\d+) requests"_s);
            qsizetype bytes = 0;
            const double parse = snapshotParseUs(server.url(), &bytes);
            if (parse > 0) {
                pulsco::bench::report("live.snapshot_parse_us", parse, "us");
                pulsco::bench::report("live.snapshot_message_bytes", double(bytes), "bytes");
            }
            if (p95 >= 0) {
                pulsco::bench::report("live.p95_ms_1000_users", p95, "ms");
                pulsco::bench::report("live.rps_1000_users", total / 20.0, "req/s");
            } else {
                std::printf("bench_live: 1000-user run failed:\n%s\n", out.constData());
            }
        }
    }
    for (const bool silent : {false, true}) {
        QString why;
        const double stale = stalenessDetectMs(silent, &why);
        const char* name = silent ? "live.staleness_detect_silent_ms" : "live.staleness_detect_ms";
        if (stale >= 0)
            pulsco::bench::report(name, stale, "ms");
        else
            std::printf("bench_live: %s not measured: %s\n", name, qPrintable(why));
    }
    return 0;
}
