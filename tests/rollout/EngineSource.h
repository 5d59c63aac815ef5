// Moved to tests/support/EngineSource.h (one engine-backed Source for the
// rollout and drills suites). Kept only for tests/ui's console_crash_driver,
// which still includes this path; remove once it includes the new one.
#pragma once

#include "tests/support/EngineSource.h"  // IWYU pragma: export
