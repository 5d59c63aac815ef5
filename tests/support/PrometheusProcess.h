// A throw-away real Prometheus for the Prometheus suites (issue 18): the
// Debian package's `prometheus`, a TSDB in a QTemporaryDir of its own, its
// web API on a free loopback port, scraping the targets a test names every
// second; started in the foreground, waited for until /-/ready answers,
// stopped with SIGTERM (then SIGKILL) when this object goes. A missing
// binary or a failed start is a failure whose reason start() returns (for
// QFAIL), never a skip: tools/install-deps.sh installs prometheus.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
#include <optional>

namespace pulsco::test {

class PrometheusProcess {
public:
    PrometheusProcess() = default;
    ~PrometheusProcess() { stop(); }
    PrometheusProcess(const PrometheusProcess&) = delete;
    PrometheusProcess& operator=(const PrometheusProcess&) = delete;

    // PULSCO_PROMETHEUS overrides the binary found on PATH.
    static QString binary() {
        const QString override = qEnvironmentVariable("PULSCO_PROMETHEUS");
        return override.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("prometheus"))
                                  : override;
    }

    static quint16 freePort() {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    // The config Prometheus runs: one job `pulsco` scraping `targets`
    // ("127.0.0.1:8081") every second, as the shipped example
    // (resources/prometheus/pulsco-scrape.yml) with test intervals.
    static QString scrapeConfig(const QStringList& targets) {
        QString list;
        for (const QString& t : targets)
            list += (list.isEmpty() ? QString() : QStringLiteral(", ")) + u'\'' + t + u'\'';
        return QStringLiteral("global:\n"
                              "  scrape_interval: 1s\n"
                              "  evaluation_interval: 1s\n"
                              "scrape_configs:\n"
                              "  - job_name: pulsco\n"
                              "    scrape_timeout: 900ms\n"
                              "    static_configs:\n"
                              "      - targets: [%1]\n")
            .arg(list);
    }

    // "" once /-/ready answers 200; else why not (binary missing, config
    // refused, not ready within 20 s).
    QString start(const QString& config) {
        stop();
        if (!m_dir.isValid())
            return QStringLiteral("prometheus: no temporary directory: ") + m_dir.errorString();
        const QString program = binary();
        if (program.isEmpty())
            return QStringLiteral("prometheus not found on PATH (install the Debian package: "
                                  "tools/install-deps.sh; or set PULSCO_PROMETHEUS)");
        m_port = freePort();
        if (!m_port)
            return QStringLiteral("prometheus: no free loopback port");
        const QString configPath = m_dir.filePath(QStringLiteral("prometheus.yml"));
        QFile file(configPath);
        if (!file.open(QIODevice::WriteOnly) || file.write(config.toUtf8()) < 0)
            return QStringLiteral("prometheus config: cannot write ") + configPath;
        file.close();
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(program);
        m_process->setArguments(
            {QStringLiteral("--config.file=") + configPath,
             QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("data")),
             QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port),
             QStringLiteral("--log.level=warn")});
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start();
        if (!m_process->waitForStarted(5000))
            return QStringLiteral("prometheus (%1) did not start: %2")
                .arg(program, m_process->errorString());
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            if (m_process->state() == QProcess::NotRunning)
                return QStringLiteral("prometheus exited (code %1) before it was ready:\n%2")
                    .arg(m_process->exitCode())
                    .arg(QString::fromUtf8(output()));
            if (get(QStringLiteral("/-/ready")).first == 200)
                return {};
            QThread::msleep(100);
        }
        return QStringLiteral("prometheus on 127.0.0.1:%1 was not ready within 20 s:\n%2")
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

    // An instant query through the HTTP API: the `data.result` array, or
    // nullopt and *error (the status, Prometheus' errorType and error).
    std::optional<QJsonArray> query(const QString& promql, QString* error = nullptr) const {
        const auto [status, bytes] = get(QStringLiteral("/api/v1/query?query=") +
                                         QString::fromLatin1(QUrl::toPercentEncoding(promql)));
        const QJsonObject body = QJsonDocument::fromJson(bytes).object();
        if (status != 200 || body.value(QStringLiteral("status")).toString() != u"success") {
            if (error)
                *error = QStringLiteral("%1: HTTP %2 %3: %4")
                             .arg(promql)
                             .arg(status)
                             .arg(body.value(QStringLiteral("errorType")).toString(),
                                  body.value(QStringLiteral("error")).toString());
            return std::nullopt;
        }
        return body.value(QStringLiteral("data"))
            .toObject()
            .value(QStringLiteral("result"))
            .toArray();
    }

    // GET on the web API: the status (0: no answer within 5 s) and body.
    std::pair<int, QByteArray> get(const QString& pathAndQuery) const {
        QNetworkAccessManager network;
        QNetworkReply* reply = network.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port) + pathAndQuery)));
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

    // The value of a query that yields one sample; nullopt when it yields
    // none (or more than one).
    std::optional<double> scalar(const QString& promql) const {
        const auto result = query(promql);
        if (!result || result->size() != 1)
            return std::nullopt;
        return result->first()
            .toObject()
            .value(QStringLiteral("value"))
            .toArray()
            .at(1)
            .toString()
            .toDouble();
    }

    QByteArray output() {
        if (m_process)
            m_output += m_process->readAll();
        return m_output;
    }
    quint16 port() const { return m_port; }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_output;
    quint16 m_port = 0;
};

}  // namespace pulsco::test
