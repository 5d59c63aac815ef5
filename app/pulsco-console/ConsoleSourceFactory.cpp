#include "app/pulsco-console/ConsoleSourceFactory.h"

#include "bridge/QueueConfigJson.h"
#include "net/live/CaCertificates.h"
#include "net/live/LiveSource.h"
#include "net/promsource/PrometheusSource.h"
#include "simulator/RecordingReader.h"
#include "simulator/ReplaySource.h"
#include "simulator/ScenarioJson.h"
#include "simulator/SimulatorSource.h"
#include "ui/ConnectDialog.h"

namespace pulsco {

using namespace Qt::StringLiterals;

QStringList ConsoleSourceFactory::scenarioNames() const {
    return shippedScenarioNames();
}

QString ConsoleSourceFactory::resolveScenario(const QString& nameOrPath) {
    if (shippedScenarioNames().contains(nameOrPath))
        return shippedScenarioPath(nameOrPath);
    return nameOrPath;
}

std::unique_ptr<Source> ConsoleSourceFactory::create(const SourceRequest& request, QString* error) {
    const auto fail = [error](const QString& why) -> std::unique_ptr<Source> {
        if (error)
            *error = why;
        return nullptr;
    };
    if (request.kind == SourceRequest::Kind::Replay) {
        const RecordingLoad load = loadRecording(request.recordingPath);
        if (!load.recording)
            return fail(load.error);
        QString why;
        auto rules = loadQueueConfig(u":/pulsco/queues.json"_s, &why);
        if (!rules)
            return fail(why);
        return std::make_unique<ReplaySource>(request.recordingPath, std::move(*load.recording),
                                              std::move(*rules));
    }
    if (request.kind == SourceRequest::Kind::Prometheus) {
        PrometheusSourceConfig config;
        config.url = request.prometheusUrl.trimmed();
        while (config.url.endsWith(u'/'))
            config.url.chop(1);
        if (const QString why = PrometheusSource::checkUrl(config.url); !why.isEmpty())
            return fail(why);
        if (!request.prometheusSelector.trimmed().isEmpty())
            config.selector = request.prometheusSelector.trimmed();
        if (const QString why = checkPromSelector(config.selector); !why.isEmpty())
            return fail(why);
        if (!m_caCertificateFile.isEmpty()) {
            QString why;
            const auto loaded = loadCaCertificates(m_caCertificateFile, &why);
            if (!loaded)
                return fail(why);
            config.caCertificates = *loaded;
        }
        return std::make_unique<PrometheusSource>(std::move(config));
    }
    if (request.kind == SourceRequest::Kind::Live) {
        if (request.urls.isEmpty())
            return fail(u"live: needs at least one server URL"_s);
        QList<QSslCertificate> ca;
        if (!m_caCertificateFile.isEmpty()) {
            QString why;
            const auto loaded = loadCaCertificates(m_caCertificateFile, &why);
            if (!loaded)
                return fail(why);
            ca = *loaded;
        }
        QList<LiveServerConfig> servers;
        for (QString url : request.urls) {
            url = url.trimmed();
            while (url.endsWith(u'/'))
                url.chop(1);
            if (const QString why = LiveSource::checkBaseUrl(url); !why.isEmpty())
                return fail(why);
            servers.append({url, ConnectDialog::adminTokenFor(url), ca});
        }
        auto live = std::make_unique<LiveSource>(std::move(servers));
        live->setReadinessLog(m_readinessLog);
        return live;
    }
    const QString scenario =
        request.scenario.isEmpty() ? QLatin1StringView(kDefaultScenario) : request.scenario;
    ScenarioLoad load = loadScenarioFile(resolveScenario(scenario));
    if (!load.scenario)
        return fail(load.error);
    if (request.players != 0) {
        if (request.players < 1 || request.players > kMaxPlayers) {
            return fail(u"%1: population.players: must be an integer from 1 to %2 (asked %3)"_s
                            .arg(scenario)
                            .arg(kMaxPlayers)
                            .arg(request.players));
        }
        load.scenario->population.players = request.players;
    }
    return std::make_unique<SimulatorSource>(std::move(*load.scenario));
}

}  // namespace pulsco
