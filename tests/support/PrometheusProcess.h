// A throw-away real Prometheus for the Prometheus suites (issue 18): the
// Debian package's `prometheus`, a TSDB in a temporary directory of its own,
// its web API on a free loopback port, scraping the targets a test names
// every second (tests/support/ReadyProcess.h: started, waited for until
// /-/ready answers, stopped). A missing binary or a failed start is a
// failure whose reason start() returns (for QFAIL), never a skip:
// tools/install-deps.sh installs prometheus.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "support/ReadyProcess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace pulsco::test {

class PrometheusProcess : public ReadyProcess {
public:
    // PULSCO_PROMETHEUS overrides the binary found on PATH.
    static QString binary() {
        return findBinary("PULSCO_PROMETHEUS", QStringLiteral("prometheus"));
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

    // Where start() keeps the TSDB: blocks written there before start()
    // (promtool tsdb create-blocks-from) are what Prometheus serves.
    QString tsdbPath() const { return m_dir.filePath(QStringLiteral("data")); }

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
        return startAndWait(
            QStringLiteral("prometheus"), program,
            {QStringLiteral("--config.file=") + configPath,
             QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("data")),
             QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port),
             QStringLiteral("--log.level=warn")},
            QStringLiteral("/-/ready"));
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
};

}  // namespace pulsco::test
