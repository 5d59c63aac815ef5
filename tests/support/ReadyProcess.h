// A throw-away real server of another project (Prometheus, Alertmanager) as a
// child process of a test: a temporary directory of its own, a loopback
// port, started in the foreground and waited for until an HTTP path of its
// own answers 200, stopped with SIGTERM (then SIGKILL) when this object goes.
// The suites' helpers (PrometheusProcess, AlertmanagerProcess) add what is
// theirs: the config and the API they read.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <utility>

namespace pulsco::test {

class ReadyProcess {
public:
    ReadyProcess() = default;
    ~ReadyProcess() { stop(); }
    ReadyProcess(const ReadyProcess&) = delete;
    ReadyProcess& operator=(const ReadyProcess&) = delete;

    // $`overrideVariable`, else `name` on PATH; "" when neither.
    static QString findBinary(const char* overrideVariable, const QString& name) {
        const QString override = qEnvironmentVariable(overrideVariable);
        return override.isEmpty() ? QStandardPaths::findExecutable(name) : override;
    }

    // A loopback port free at the time of asking (closed again before the
    // server binds it).
    static quint16 freePort() {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    // Starts `program` with `arguments` and waits until GET `readyPath` on
    // port() answers 200: "" then, else why not (`what` names the server).
    QString startAndWait(const QString& what, const QString& program, const QStringList& arguments,
                         const QString& readyPath) {
        stop();
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(program);
        m_process->setArguments(arguments);
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start();
        if (!m_process->waitForStarted(5000))
            return what +
                   QStringLiteral(" (%1) did not start: %2").arg(program, m_process->errorString());
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            if (m_process->state() == QProcess::NotRunning)
                return what + QStringLiteral(" exited (code %1) before it was ready:\n%2")
                                  .arg(m_process->exitCode())
                                  .arg(QString::fromUtf8(output()));
            if (get(readyPath).first == 200)
                return {};
            QThread::msleep(100);
        }
        return what + QStringLiteral(" on 127.0.0.1:%1 was not ready within 20 s:\n%2")
                          .arg(m_port)
                          .arg(QString::fromUtf8(output()));
    }

    void stop() {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return;
        m_process->terminate();
        if (!m_process->waitForFinished(10000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }

    // GET on its HTTP API: the status (0: no answer within 5 s) and body.
    std::pair<int, QByteArray> get(const QString& pathAndQuery) const {
        QNetworkAccessManager network;
        QNetworkReply* reply = network.get(QNetworkRequest(QUrl(url() + pathAndQuery)));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        loop.exec();
        const int status = reply->isFinished()
                               ? reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt()
                               : 0;
        const QByteArray body = reply->readAll();
        reply->abort();
        delete reply;
        return {status, body};
    }

    QByteArray output() {
        if (m_process)
            m_output += m_process->readAll();
        return m_output;
    }
    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

protected:
    QTemporaryDir m_dir;
    quint16 m_port = 0;

private:
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
};

}  // namespace pulsco::test
