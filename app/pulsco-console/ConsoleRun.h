// Everything main() does after QApplication exists, in a library so tests
// and benchmarks run the same code path.
#pragma once

#include "app/pulsco-console/ConsoleOptions.h"

namespace pulsco {

class ConsoleSourceFactory;
class ConsoleStore;
class DrillsConsole;
class MainWindow;
class RolloutPage;

// The pages and panels beyond the Dashboard, as the console installs them
// (owned by the window): the Rollout page, the Drills page with the Alerts
// dock and chart markers, File > Connect and the live-servers status line.
struct ConsolePages {
    RolloutPage* rollout = nullptr;
    DrillsConsole* drills = nullptr;
};
ConsolePages installConsolePages(MainWindow& window, ConsoleStore& store,
                                 ConsoleSourceFactory& factory);

// The drills part of the console: the alert engine on the shipped rules, the
// drill library over `userDrills` (the trainer's folder), the drill session
// store over `store` (null: sessions are not saved) and the drill runner that
// starts, journals and saves the drills, all handed to a DrillsConsole that
// installs the Alerts dock and the Drills page.
DrillsConsole* installDrills(MainWindow& window, ConsoleStore* store, const QString& userDrills);

// Exit codes: 0 fine, 1 screenshot or report could not be written,
// 2 bad input (message on stderr).
int runConsole(const ConsoleOptions& options);

}  // namespace pulsco
