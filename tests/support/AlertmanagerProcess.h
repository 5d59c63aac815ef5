// A throw-away real Alertmanager (Debian's prometheus-alertmanager, 0.25):
// its storage in a QTemporaryDir of its own, its API on a loopback port
// (free, or one the test chose), clustering off, a receiver that sends
// nowhere (the suites read what arrived through the API); started in the
// foreground, waited for until /-/ready answers, stopped with SIGTERM (then
// SIGKILL) when this object goes. A missing binary or a failed start is a
// failure whose reason start() returns (for QFAIL), never a skip.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QUrl>

#include <memory>
#include <utility>

namespace pulsco::test {

class AlertmanagerProcess {
public:
    AlertmanagerProcess() = default;
    ~AlertmanagerProcess() { stop(); }
    AlertmanagerProcess(const AlertmanagerProcess&) = delete;
    AlertmanagerProcess& operator=(const AlertmanagerProcess&) = delete;

    static QString binary() {
        const QString override = qEnvironmentVariable("PULSCO_ALERTMANAGER");
        return override.isEmpty()
                   ? QStandardPaths::findExecutable(QStringLiteral("prometheus-alertmanager"))
                   : override;
    }

    static quint16 freePort() {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    // "" once /-/ready answers 200 on `port` (0: a free one); else why not.
    QString start(quint16 port = 0) {
        stop();
        if (!m_dir.isValid())
            return QStringLiteral("alertmanager: no temporary directory");
        const QString program = binary();
        if (program.isEmpty())
            return QStringLiteral("prometheus-alertmanager not found on PATH (install the Debian "
                                  "package: tools/install-deps.sh)");
        m_port = port ? port : freePort();
        const QString config = m_dir.filePath(QStringLiteral("alertmanager.yml"));
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly) ||
            file.write("route:\n  receiver: nowhere\nreceivers:\n  - name: nowhere\n") < 0)
            return QStringLiteral("alertmanager config: cannot write ") + config;
        file.close();
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(program);
        m_process->setArguments(
            {QStringLiteral("--config.file=") + config,
             QStringLiteral("--storage.path=") + m_dir.filePath(QStringLiteral("data")),
             QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port),
             QStringLiteral("--cluster.listen-address="), QStringLiteral("--log.level=warn")});
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start();
        if (!m_process->waitForStarted(5000))
            return QStringLiteral("alertmanager did not start: ") + m_process->errorString();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            if (m_process->state() == QProcess::NotRunning)
                return QStringLiteral("alertmanager exited (code %1):\n%2")
                    .arg(m_process->exitCode())
                    .arg(QString::fromUtf8(m_process->readAll()));
            if (get(QStringLiteral("/-/ready")).first == 200)
                return {};
            QThread::msleep(100);
        }
        return QStringLiteral("alertmanager on 127.0.0.1:%1 was not ready within 20 s").arg(m_port);
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

    // GET /api/v2/alerts: the alerts Alertmanager holds as active (resolved
    // ones are not listed).
    QJsonArray alerts() const {
        return QJsonDocument::fromJson(get(QStringLiteral("/api/v2/alerts")).second).array();
    }

    std::pair<int, QByteArray> get(const QString& path) const {
        QNetworkAccessManager network;
        QNetworkReply* reply = network.get(
            QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port) + path)));
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

    quint16 port() const { return m_port; }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
};

}  // namespace pulsco::test
