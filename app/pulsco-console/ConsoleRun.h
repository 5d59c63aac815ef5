// Everything main() does after QApplication exists, in a library so tests
// and benchmarks run the same code path.
#pragma once

#include "app/pulsco-console/ConsoleOptions.h"

namespace pulsco {

// Exit codes: 0 fine, 1 screenshot or report could not be written,
// 2 bad input (message on stderr).
int runConsole(const ConsoleOptions& options);

}  // namespace pulsco
