// The local blue-green staging stack (tools/pulsco-staging: HAProxy with the
// shipped config in front of a real blue and green pulsco-matchd) on free
// loopback ports, for the suites and benchmarks that need the real thing.
// Header-only like the rest of tests/support; a missing haproxy is an error
// string for the caller to fail on, never a skip.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "support/BuiltBinaries.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <csignal>
#include <random>

namespace pulsco::test {

using namespace Qt::StringLiterals;

inline const QString kStagingSource = QStringLiteral(PULSCO_SOURCE_DIR);
inline const QString kStagingBin = QStringLiteral(PULSCO_BINARY_DIR "/bin");

inline QString haproxyBinary() {
    QString found = QStandardPaths::findExecutable(u"haproxy"_s);
    if (found.isEmpty())
        found =
            QStandardPaths::findExecutable(u"haproxy"_s, {u"/usr/sbin"_s, u"/usr/local/sbin"_s});
    return found;
}

// Six consecutive free loopback ports (api, blue, green, stats, runtime, spare).
inline quint16 freeBasePort() {
    std::mt19937 rng(std::random_device{}());
    for (int attempt = 0; attempt < 200; ++attempt) {
        const quint16 base = quint16(20000 + rng() % 40000);
        bool all = true;
        for (int i = 0; i < 6 && all; ++i) {
            QTcpServer probe;
            all = probe.listen(QHostAddress::LocalHost, quint16(base + i));
        }
        if (all)
            return base;
    }
    return 0;
}

// One runtime API command over TCP, as the console's controller sends it.
inline QByteArray runtime(quint16 port, const QByteArray& command) {
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, port);
    if (!s.waitForConnected(3000))
        return "no connection: " + s.errorString().toUtf8();
    s.write(command + '\n');
    QByteArray out;
    while (s.waitForReadyRead(2000))
        out += s.readAll();  // haproxy closes after one command
    return out.trimmed();
}

// GET over HTTP/1.0, read to the close (the exporter answers chunked to 1.1).
inline QByteArray get10(quint16 port, const QByteArray& path) {
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, port);
    if (!s.waitForConnected(3000))
        return {};
    s.write("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray out;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(3000))
        out += s.readAll();
    return out + s.readAll();
}

inline QByteArray soloTicket(const QByteArray& player) {
    // slow never matches in time: tickets stay searching, so cancel works.
    return R"({"queue":"duel-1v1","players":[{"id":")" + player +
           R"(","rating":{"mu":25,"sigma":8},"pings":{"eu-west":20}}]})";
}

struct Stack {
    QTemporaryDir dir;
    QProcess process;
    quint16 base = 0;
    QByteArray out;
    quint16 api() const { return base; }
    quint16 blue() const { return quint16(base + 1); }
    quint16 green() const { return quint16(base + 2); }
    quint16 stats() const { return quint16(base + 3); }
    quint16 rt() const { return quint16(base + 4); }
    quint16 spare() const { return quint16(base + 5); }

    QString url(quint16 port) const { return u"http://127.0.0.1:%1"_s.arg(port); }
    QString adminToken() const {
        QFile f(dir.filePath(u"stack/admin-token"_s));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).trimmed() : QString();
    }

    // Starts tools/pulsco-staging and waits for its "ready" line.
    QString start() {
        if (const QString missing = pulsco::test::notBuilt({kStagingBin + u"/pulsco-matchd"_s});
            !missing.isEmpty())
            return missing;
        if (haproxyBinary().isEmpty())
            return u"haproxy is not installed (apt-get install haproxy, or make deps)"_s;
        base = freeBasePort();
        if (base == 0)
            return u"no six free loopback ports"_s;
        process.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"PULSCO_MATCHD"_s, kStagingBin + u"/pulsco-matchd"_s);
        process.setProcessEnvironment(env);
        process.start(kStagingSource + u"/tools/pulsco-staging"_s,
                      {u"--dir"_s, dir.filePath(u"stack"_s), u"--base-port"_s,
                       QString::number(base), u"--haproxy"_s, haproxyBinary()});
        QElapsedTimer t;
        t.start();
        while (!out.contains("pulsco-staging: ready") && t.elapsed() < 40000) {
            if (process.state() == QProcess::NotRunning)
                break;
            process.waitForReadyRead(200);
            out += process.readAll();
        }
        if (!out.contains("pulsco-staging: ready"))
            return u"pulsco-staging did not get ready:\n"_s + QString::fromUtf8(out);
        return {};
    }

    // SIGINT, as Ctrl+C; the exit code, -1 if it did not stop in time.
    int interrupt() {
        ::kill(pid_t(process.processId()), SIGINT);
        if (!process.waitForFinished(30000))
            return -1;
        out += process.readAll();
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    ~Stack() {
        if (process.state() != QProcess::NotRunning) {
            ::kill(pid_t(process.processId()), SIGTERM);
            process.waitForFinished(30000);
        }
    }
};

}  // namespace pulsco::test
