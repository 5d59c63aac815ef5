// A throw-away real Alertmanager (Debian's prometheus-alertmanager, 0.25):
// its storage in a temporary directory of its own, its API on a loopback
// port (free, or one the test chose), clustering off, a receiver that sends
// nowhere (the suites read what arrived through the API);
// tests/support/ReadyProcess.h starts it, waits for /-/ready and stops it.
// A missing binary or a failed start is a failure whose reason start()
// returns (for QFAIL), never a skip.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "support/ReadyProcess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace pulsco::test {

class AlertmanagerProcess : public ReadyProcess {
public:
    static QString binary() {
        return findBinary("PULSCO_ALERTMANAGER", QStringLiteral("prometheus-alertmanager"));
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
        return startAndWait(
            QStringLiteral("alertmanager"), program,
            {QStringLiteral("--config.file=") + config,
             QStringLiteral("--storage.path=") + m_dir.filePath(QStringLiteral("data")),
             QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port),
             QStringLiteral("--cluster.listen-address="), QStringLiteral("--log.level=warn")},
            QStringLiteral("/-/ready"));
    }

    // GET /api/v2/alerts: the alerts Alertmanager holds as active (resolved
    // ones are not listed).
    QJsonArray alerts() const {
        return QJsonDocument::fromJson(get(QStringLiteral("/api/v2/alerts")).second).array();
    }
    // The active alert named `name` (its labels' alertname); {} when none.
    QJsonObject activeAlert(const QString& name) const {
        for (const QJsonValue& v : alerts()) {
            const QJsonObject a = v.toObject();
            if (a.value(QStringLiteral("labels"))
                    .toObject()
                    .value(QStringLiteral("alertname"))
                    .toString() == name)
                return a;
        }
        return {};
    }
};

}  // namespace pulsco::test
