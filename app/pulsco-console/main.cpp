// pulsco-console: the composition root. Parses the command line and hands
// over to runConsole (app/pulsco-console/ConsoleRun.h).
#include "app/pulsco-console/ConsoleOptions.h"
#include "app/pulsco-console/ConsoleRun.h"

#include <QApplication>

#include <cstdio>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Pulsco"));
    QApplication::setApplicationName(QStringLiteral("Ops Console"));
    QApplication::setApplicationDisplayName(QStringLiteral("Pulsco Ops Console"));
    QApplication::setApplicationVersion(QStringLiteral(PULSCO_VERSION));

    const pulsco::ConsoleOptionsParse parsed =
        pulsco::parseConsoleOptions(QApplication::arguments());
    if (!parsed.helpText.isEmpty()) {
        std::fputs(qPrintable(parsed.helpText), stdout);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "pulsco-console: %s\n", qPrintable(parsed.error));
        return 2;
    }
    return pulsco::runConsole(*parsed.options);
}
