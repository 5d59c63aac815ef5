// The console's composition root for sources: shipped scenario names or
// scenario files become SimulatorSources, server URLs a LiveSource (with the
// admin token the user configured for each server, if any, read through
// ui/ConnectDialog, which owns where tokens are kept).
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
};

}  // namespace pulsco
