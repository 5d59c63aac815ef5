// The one environment a set of live servers reports, or why there is none.
// A console's evidence is staging or production, never both: a merged
// snapshot of a staging and a production server would tick production
// items with staging figures (or the reverse), so such a set is refused
// and nothing merged from it is shown.
#pragma once

#include "core/DeploymentEnvironment.h"

#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

struct ServerEnvironment {
    QString url;  // as configured, to name the server in the message
    DeploymentEnvironment environment = DeploymentEnvironment::Staging;
};

// The servers' common environment; nullopt with *error naming every server
// and its environment when they disagree, or when there are none.
std::optional<DeploymentEnvironment>
commonEnvironment(const std::vector<ServerEnvironment>& servers, QString* error);

}  // namespace pulsco
