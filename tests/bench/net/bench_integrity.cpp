// pulsco-matchd's integrity audit against a real server process (the one
// built beside this benchmark, or $PULSCO_MATCHD), default flags except an
// admin token:
//   integrity.audit_ms_100k_tickets          one full audit (the report's
//                                            duration_ms: memory cut + store
//                                            read + comparison), median of 5,
//                                            with 100 000 tickets stored
//   integrity.create_p95_ms_idle             create-ticket p95, one client,
//                                            no audit running
//   integrity.create_p95_ms_during_audit     the same while audits run back
//                                            to back
//   integrity.create_p99_ms_idle / _during_audit  the same at p99
//   integrity.detect_s                       POST of the inconsistency fault
//                                            -> /v1/stats shows the failure,
//                                            at the default audit interval
// Never fails: what cannot run says why.
#include "BenchReport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

const QByteArray kToken = "bench-integrity-token-0123456789";

QString matchdBinary() {
    const QString override = qEnvironmentVariable("PULSCO_MATCHD");
    return override.isEmpty() ? QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-matchd") : override;
}

// One keep-alive connection, one request at a time.
class Client {
public:
    bool connect(quint16 port) {
        m_socket.connectToHost(u"127.0.0.1"_s, port);
        return m_socket.waitForConnected(5000);
    }
    void send(const QByteArray& raw) { m_socket.write(raw); }
    // Reads `count` answers; how many had `status`.
    int readAnswers(int count, int status) {
        const QByteArray want = "HTTP/1.1 " + QByteArray::number(status);
        int matching = 0;
        for (int i = 0; i < count; ++i) {
            const QByteArray head = readAnswer();
            if (head.isEmpty())
                break;
            matching += head.startsWith(want) ? 1 : 0;
        }
        return matching;
    }
    // status and body of one request.
    std::pair<int, QByteArray> call(const QByteArray& request) {
        m_socket.write(request);
        QByteArray body;
        const QByteArray head = readAnswer(&body);
        return {head.mid(9, 3).toInt(), body};
    }

private:
    QByteArray readAnswer(QByteArray* body = nullptr) {
        for (;;) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end >= 0) {
                const QByteArray head = m_buffer.left(end);
                const qsizetype cl = head.toLower().indexOf("content-length:");
                const qsizetype length = cl < 0
                                             ? 0
                                             : head.mid(cl + 15, head.indexOf("\r\n", cl) - cl - 15)
                                                   .trimmed()
                                                   .toLongLong();
                if (m_buffer.size() >= end + 4 + length) {
                    if (body)
                        *body = m_buffer.mid(end + 4, length);
                    m_buffer.remove(0, end + 4 + length);
                    return head;
                }
            }
            if (!m_socket.waitForReadyRead(10000))
                return {};
            m_buffer += m_socket.readAll();
        }
    }
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QByteArray request(const QByteArray& method, const QByteArray& path, const QByteArray& body = {},
                   bool admin = false) {
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: bench\r\n";
    if (admin)
        r += "Authorization: Bearer " + kToken + "\r\n";
    if (!body.isEmpty() || method == "POST")
        r +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    return r + "\r\n" + body;
}

QByteArray createRequest(qint64 n) {
    return request("POST", "/v1/tickets",
                   R"({"queue":"duel-1v1","players":[{"id":"b)" + QByteArray::number(n) +
                       R"(","pings":{"eu-west":20}}]})");
}

double percentile(std::vector<double> v, double p) {
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p * double(v.size())))];
}

QJsonObject integrity(Client& control) {
    return QJsonDocument::fromJson(control.call(request("GET", "/v1/integrity")).second).object();
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    QFile token(dir.filePath(u"token"_s));
    if (!token.open(QIODevice::WriteOnly) || token.write(kToken + '\n') < 0) {
        std::printf("bench_integrity: cannot write the token file\n");
        return 0;
    }
    token.close();
    token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(matchdBinary(),
                 {u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s, dir.filePath(u"data"_s),
                  u"--admin-token-file"_s, token.fileName()});
    quint16 port = 0;
    {
        static const QRegularExpression re(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!port && t.elapsed() < 15000) {
            server.waitForReadyRead(200);
            out += server.readAllStandardOutput();
            if (const auto m = re.match(QString::fromUtf8(out)); m.hasMatch())
                port = quint16(m.captured(1).toUInt());
            if (server.state() != QProcess::Running)
                break;
        }
    }
    if (!port) {
        std::printf("bench_integrity: pulsco-matchd (%s) did not start\n",
                    qPrintable(matchdBinary()));
        return 0;
    }

    // 100 000 tickets: duel players of equal rating, matched in pairs as
    // they come (8 connections, 50 pipelined each).
    constexpr int kTickets = 100000;
    constexpr int kConnections = 8;
    constexpr int kPipeline = 50;
    std::vector<std::unique_ptr<Client>> fillers;
    for (int c = 0; c < kConnections; ++c) {
        fillers.push_back(std::make_unique<Client>());
        fillers.back()->connect(port);
    }
    QElapsedTimer fill;
    fill.start();
    qint64 next = 0;
    int created = 0;
    while (next < kTickets) {
        for (auto& f : fillers) {
            QByteArray batch;
            for (int i = 0; i < kPipeline; ++i)
                batch += createRequest(next++);
            f->send(batch);
        }
        for (auto& f : fillers)
            created += f->readAnswers(kPipeline, 201);
    }
    std::printf("created %d tickets in %.1f s\n", created, double(fill.elapsed()) / 1000.0);
    fillers.clear();

    Client control;
    Client creator;
    if (!control.connect(port) || !creator.connect(port)) {
        std::printf("bench_integrity: cannot connect\n");
        return 0;
    }
    // Let the last matches reach the disk, so the audits see a settled store.
    QThread::msleep(1000);

    // One audit at a time, on demand: POST, then GET until it completed.
    const auto auditOnce = [&]() -> QJsonObject {
        const qint64 before = integrity(control).value(u"audits_completed").toInteger();
        control.call(request("POST", "/v1/integrity", {}, true));
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000) {
            const QJsonObject now = integrity(control);
            if (now.value(u"audits_completed").toInteger() > before)
                return now.value(u"audit").toObject();
            QThread::msleep(5);
        }
        return {};
    };
    std::vector<double> durations;
    for (int i = 0; i < 5; ++i) {
        const QJsonObject a = auditOnce();
        if (a.isEmpty() || !a.value(u"ok").toBool()) {
            std::printf("bench_integrity: audit failed or timed out: %s\n",
                        QJsonDocument(a).toJson(QJsonDocument::Compact).constData());
            return 0;
        }
        durations.push_back(a.value(u"duration_ms").toDouble());
    }
    std::printf("audit durations (ms):");
    for (double d : durations)
        std::printf(" %.1f", d);
    std::printf("\n");
    pulsco::bench::report("integrity.audit_ms_100k_tickets", percentile(durations, 0.5), "ms");

    // Create latency, one request at a time, idle and during audits run
    // back to back (a new one is started whenever the last completed).
    constexpr int kSamples = 1500;
    struct Tail {
        double p95 = 0;
        double p99 = 0;
    };
    const auto measure = [&](bool auditing, int* auditsRun) {
        std::vector<double> ms;
        ms.reserve(kSamples);
        qint64 lastCompleted = integrity(control).value(u"audits_completed").toInteger();
        const qint64 firstCompleted = lastCompleted;
        std::vector<double> auditMs;  // of the audits run beside the creates
        if (auditing)
            control.call(request("POST", "/v1/integrity", {}, true));
        for (int i = 0; i < kSamples; ++i) {
            QElapsedTimer t;
            t.start();
            creator.call(createRequest(next++));
            ms.push_back(double(t.nsecsElapsed()) / 1e6);
            if (auditing && i % 4 == 0) {
                const QJsonObject now = integrity(control);
                if (!now.value(u"running").toBool()) {
                    if (now.value(u"audits_completed").toInteger() > lastCompleted)
                        auditMs.push_back(
                            now.value(u"audit").toObject().value(u"duration_ms").toDouble());
                    lastCompleted = now.value(u"audits_completed").toInteger();
                    control.call(request("POST", "/v1/integrity", {}, true));
                }
            }
        }
        if (auditsRun)
            *auditsRun = int(lastCompleted - firstCompleted);
        if (!auditMs.empty()) {
            std::printf("audit durations beside the creates (ms):");
            for (double d : auditMs)
                std::printf(" %.1f", d);
            std::printf("\n");
        }
        return Tail{percentile(ms, 0.95), percentile(ms, 0.99)};
    };
    const Tail idle = measure(false, nullptr);
    int auditsDuring = 0;
    const Tail during = measure(true, &auditsDuring);
    std::printf("%d audits completed during the %d measured creates\n", auditsDuring, kSamples);
    pulsco::bench::report("integrity.create_p95_ms_idle", idle.p95, "ms");
    pulsco::bench::report("integrity.create_p95_ms_during_audit", during.p95, "ms");
    // One client, one request at a time. The audit reads on a connection of
    // its own, so a create that meets it waits only for the snapshot's pin
    // (about a millisecond), not for the read; what is left is the two
    // cores shared with the read and the comparison. (When the read held
    // the store thread, about one create per audit waited for all of it and
    // the p99 was the audit's length.)
    pulsco::bench::report("integrity.create_p99_ms_idle", idle.p99, "ms");
    pulsco::bench::report("integrity.create_p99_ms_during_audit", during.p99, "ms");

    // Detection at the server's default interval: from the fault's POST to
    // the first /v1/stats whose integrity is not ok.
    QThread::msleep(500);
    const QByteArray fault =
        request("POST", "/v1/admin/faults", R"({"kind":"inconsistency"})", true);
    QElapsedTimer detect;
    detect.start();
    if (control.call(fault).first != 201) {
        std::printf("bench_integrity: the inconsistency fault was refused\n");
        return 0;
    }
    double detectSeconds = -1;
    while (detect.elapsed() < 120000) {
        const QJsonObject stats =
            QJsonDocument::fromJson(control.call(request("GET", "/v1/stats")).second).object();
        const QJsonObject integ = stats.value(u"integrity").toObject();
        if (!integ.isEmpty() && !integ.value(u"ok").toBool(true)) {
            detectSeconds = double(detect.nsecsElapsed()) / 1e9;
            break;
        }
        QThread::msleep(20);
    }
    if (detectSeconds < 0)
        std::printf("bench_integrity: no audit showed the fault within 120 s\n");
    else
        pulsco::bench::report("integrity.detect_s", detectSeconds, "s");
    server.terminate();
    server.waitForFinished(10000);
    return 0;
}
