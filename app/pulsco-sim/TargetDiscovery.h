// The servers of a --target run: each base URL checked, and its colour read
// from GET /v1/info, so requests of a colour go to that colour's servers.
// Shared by the scenario run (TargetRun) and the live replay.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <array>
#include <vector>

namespace pulsco {

struct Targets {
    QList<QUrl> urls;
    std::array<std::vector<int>, 2> byColor;  // indexes into urls: 0 blue, 1 green
};

// false with *error ("--target: URL/v1/info: why") for a URL that is not
// one or a server that does not say its colour.
bool discoverTargets(const QStringList& urls, Targets* out, QString* error);

}  // namespace pulsco
