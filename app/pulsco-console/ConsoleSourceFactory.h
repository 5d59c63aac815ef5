// The console's composition root for sources: shipped scenario names or
// scenario files become SimulatorSources, server URLs a LiveSource (with the
// admin token the user configured for each server, if any).
#pragma once

#include "bridge/SourceFactory.h"

namespace pulsco {

class ConsoleSourceFactory final : public SourceFactory {
public:
    static constexpr int kMaxPlayers = 1000000;
    static inline const char* const kDefaultScenario = "baseline-1000";

    QStringList scenarioNames() const override;
    std::unique_ptr<Source> create(const SourceRequest& request, QString* error) override;

    // A shipped name ("baseline-1000") to its resource path; anything else
    // is taken as a file path.
    static QString resolveScenario(const QString& nameOrPath);

    // Admin tokens live in the user's console settings, one per base URL;
    // never logged or shown.
    static QString adminTokenKey(const QString& baseUrl);
    static QString adminTokenFor(const QString& baseUrl);
};

}  // namespace pulsco
