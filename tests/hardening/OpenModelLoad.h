// Open-model load over many keep-alive connections: `connections` sockets,
// each sending `ratePerConnection` requests per second on a fixed schedule
// (the connections staggered evenly), whether or not earlier answers came.
// A planner decides each request and the status it must get; latency counts
// from the intended send time. Everything runs on the test's event loop.
#pragma once

#include "PipelinedConnection.h"

#include <QFile>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

struct PlannedRequest {
    QByteArray kind;  // for the report: "create", "get", ...
    QByteArray bytes;
    int expectedStatus = 200;
    std::function<void(const LoadAnswer&)> onAnswer;  // optional
};

struct LoadReport {
    qulonglong sent = 0;
    qulonglong answered = 0;
    qulonglong unexpected = 0;  // answered with another status than planned
    qulonglong unanswered = 0;  // no answer (connection lost or drain timed out)
    std::map<QByteArray, qulonglong> byKind;
    QStringList examples;  // the first few unexpected answers
    std::vector<double> latenciesMs;

    double percentileMs(double p) const {
        if (latenciesMs.empty())
            return 0;
        std::vector<double> v = latenciesMs;
        const std::size_t k =
            std::min(v.size() - 1, std::size_t(std::ceil(p * double(v.size()))) - 1);
        std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
        return v[k];
    }
};

class OpenModelLoad {
public:
    using Planner = std::function<PlannedRequest(int connection, std::mt19937& random)>;

    OpenModelLoad(quint16 port, int connections, double ratePerConnection, Planner planner,
                  quint32 seed = 1)
        : m_rate(ratePerConnection)
        , m_planner(std::move(planner))
        , m_random(seed) {
        m_clock.start();
        for (int i = 0; i < connections; ++i)
            m_connections.push_back(new PipelinedConnection(port, &m_clock, &m_owner));
    }

    // Waits until every connection is up (not counted as latency).
    bool connectAll(int timeoutMs = 120000) {
        return QTest::qWaitFor(
            [this] {
                return std::all_of(m_connections.begin(), m_connections.end(),
                                   [](auto* c) { return c->isConnected(); });
            },
            timeoutMs);
    }

    // Sends for `seconds`, calling `everySecond(elapsed)` once per second,
    // then waits up to `drainMs` for the last answers.
    LoadReport run(double seconds, const std::function<void(int)>& everySecond = {},
                   int drainMs = 15000) {
        m_report = {};
        LoadReport& report = m_report;
        const double startMs = double(m_clock.nsecsElapsed()) / 1e6;
        const double periodMs = 1000.0 / (m_rate * double(m_connections.size()));
        const qulonglong total = qulonglong(seconds * 1000.0 / periodMs);
        qulonglong next = 0;
        int lastSecond = 0;
        while (next < total) {
            const double now = double(m_clock.nsecsElapsed()) / 1e6 - startMs;
            for (; next < total && double(next) * periodMs <= now; ++next)
                sendOne(int(next % m_connections.size()), startMs + double(next) * periodMs,
                        report);
            if (const int s = int(now / 1000); s > lastSecond) {
                lastSecond = s;
                if (everySecond)
                    everySecond(s);
            }
            QTest::qWait(1);
        }
        const bool drained = QTest::qWaitFor(
            [&] { return report.answered + report.unanswered == report.sent; }, drainMs);
        if (!drained)
            for (auto* c : m_connections)
                c->abort();  // what is still pending counts as unanswered
        return report;
    }

private:
    void sendOne(int connection, double intendedMs, LoadReport& report) {
        PlannedRequest r = m_planner(connection, m_random);
        ++report.sent;
        ++report.byKind[r.kind];
        m_connections[std::size_t(connection)]->send(
            intendedMs, r.bytes,
            [&report, kind = r.kind, expected = r.expectedStatus,
             onAnswer = std::move(r.onAnswer)](const LoadAnswer& a) {
                if (a.status == 0) {
                    ++report.unanswered;
                    return;
                }
                ++report.answered;
                report.latenciesMs.push_back(a.latencyMs);
                if (a.status != expected) {
                    ++report.unexpected;
                    if (report.examples.size() < 10)
                        report.examples << QStringLiteral("%1: expected %2, got %3 %4")
                                               .arg(QString::fromUtf8(kind))
                                               .arg(expected)
                                               .arg(a.status)
                                               .arg(QString::fromUtf8(a.body.left(200)));
                }
                if (onAnswer)
                    onAnswer(a);
            });
    }

    LoadReport m_report;  // answers arriving late still have somewhere to go
    QObject m_owner;
    QElapsedTimer m_clock;
    std::vector<PipelinedConnection*> m_connections;
    double m_rate;
    Planner m_planner;
    std::mt19937 m_random;
};

// The resident set size of a process, from /proc (KiB); 0 when unknown.
inline qint64 residentKiB(qint64 pid) {
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return 0;
}
