// pulsco-console: the composition root. Parses the command line and hands
// over to runConsole (app/pulsco-console/ConsoleRun.h).
#include "app/pulsco-console/ConsoleOptions.h"
#include "app/pulsco-console/ConsoleRun.h"

#include <QApplication>
#include <QCoreApplication>

#include <cstdio>
#include <optional>

namespace {

void setIdentity() {
    QCoreApplication::setOrganizationName(QStringLiteral("Pulsco"));
    QCoreApplication::setApplicationName(QStringLiteral("Ops Console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PULSCO_VERSION));
}

}  // namespace

int main(int argc, char* argv[]) {
    // The command line is read before any platform plugin is loaded:
    // --help, --version and flag errors work on a machine without a
    // display (ssh, CI). Only the window needs QApplication.
    std::optional<pulsco::ConsoleOptions> options;
    {
        QCoreApplication parsing(argc, argv);
        setIdentity();
        const pulsco::ConsoleOptionsParse parsed = pulsco::parseConsoleOptions(
            pulsco::withoutQtGuiArguments(QCoreApplication::arguments()));
        if (!parsed.helpText.isEmpty()) {
            std::fputs(qPrintable(parsed.helpText), stdout);
            return 0;
        }
        if (!parsed.options) {
            std::fprintf(stderr, "pulsco-console: %s\n", qPrintable(parsed.error));
            return 2;
        }
        options = parsed.options;
    }

    QApplication app(argc, argv);
    setIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Pulsco Ops Console"));
    return pulsco::runConsole(*options);
}
