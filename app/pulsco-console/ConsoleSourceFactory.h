// The console's composition root for sources: shipped scenario names or
// scenario files become SimulatorSources, server URLs a LiveSource (with the
// admin token the user configured for each server, if any, read through
// ui/ConnectDialog, which owns where tokens are kept).
#pragma once

#include "bridge/SourceFactory.h"

#include <QString>

namespace pulsco {

class ReadinessProbeLog;

class ConsoleSourceFactory final : public SourceFactory {
public:
    static constexpr int kMaxPlayers = 1000000;
    static inline const char* const kDefaultScenario = "baseline-1000";

    QStringList scenarioNames() const override;
    std::unique_ptr<Source> create(const SourceRequest& request, QString* error) override;

    // A shipped name ("baseline-1000") to its resource path; anything else
    // is taken as a file path.
    static QString resolveScenario(const QString& nameOrPath);

    // CA certificate file trusted for https:// servers ("" = the system's
    // only): --ca-cert, or the Connect dialog's field. Read and checked at
    // each create(), so a bad file is refused naming it.
    void setCaCertificateFile(const QString& path) { m_caCertificateFile = path; }
    const QString& caCertificateFile() const { return m_caCertificateFile; }

    // Where live sources keep their readiness probes (the console store);
    // null keeps them for the session only. Must outlive the sources.
    void setReadinessLog(ReadinessProbeLog* log) { m_readinessLog = log; }

private:
    QString m_caCertificateFile;
    ReadinessProbeLog* m_readinessLog = nullptr;
};

}  // namespace pulsco
