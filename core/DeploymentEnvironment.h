// Where a Source's evidence comes from. A simulator rehearses; a
// pulsco-matchd server is staging unless it was started with
// --environment production. Rollout gates tick a checklist item only on
// evidence from an environment the plan names for that item, so a rehearsal
// can show its figures but never sign a staging or production step.
// (Not to be confused with the blue and green colours, which the snapshot
// calls EnvironmentMetrics for historical reasons.)
#pragma once

#include <optional>
#include <string_view>

namespace pulsco {

enum class DeploymentEnvironment { Rehearsal, Staging, Production };

inline constexpr DeploymentEnvironment kDeploymentEnvironments[] = {
    DeploymentEnvironment::Rehearsal, DeploymentEnvironment::Staging,
    DeploymentEnvironment::Production};

const char* toString(DeploymentEnvironment environment);  // "rehearsal", "staging", "production"
std::optional<DeploymentEnvironment> deploymentEnvironmentFromString(std::string_view name);

}  // namespace pulsco
