#include "core/DeploymentEnvironment.h"

namespace pulsco {

const char* toString(DeploymentEnvironment environment) {
    switch (environment) {
    case DeploymentEnvironment::Rehearsal:
        return "rehearsal";
    case DeploymentEnvironment::Staging:
        return "staging";
    case DeploymentEnvironment::Production:
        return "production";
    }
    return "staging";
}

std::optional<DeploymentEnvironment> deploymentEnvironmentFromString(std::string_view name) {
    for (DeploymentEnvironment e : kDeploymentEnvironments)
        if (name == toString(e))
            return e;
    return std::nullopt;
}

}  // namespace pulsco
