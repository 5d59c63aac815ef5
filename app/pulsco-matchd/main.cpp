// pulsco-matchd: flags in, a serving matchmaking server out (net/server).
// Exit codes: 0 after a graceful stop (SIGTERM/SIGINT), 1 when it cannot
// start (store, address, queues file), 2 on bad flags or a bad file named by
// one (admin token, TLS certificate or key). A first word naming a store
// command (migrate, backup, verify, restore) runs that command instead
// (net/server/StoreCommands.h, its own exit codes).
#include "net/server/MatchdServer.h"
#include "net/server/StoreCommands.h"
#include "net/server/UnixSignalWatcher.h"

#include <QCoreApplication>
#include <QDebug>
#include <QTextStream>

#include <csignal>
#include <cstdio>

using namespace Qt::StringLiterals;

int main(int argc, char** argv) {
    // Qt's poll-based Unix event dispatcher: with thousands of sockets the
    // GLib one spends its time in list bookkeeping of socket notifiers
    // (measured with perf under wrk). An explicit QT_NO_GLIB is left alone.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"pulsco-matchd"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(PULSCO_VERSION));

    const QStringList arguments = app.arguments().mid(1);
    if (!arguments.isEmpty() && pulsco::isStoreCommand(arguments.first())) {
        QTextStream out(stdout);
        QTextStream err(stderr);
        return pulsco::runStoreCommand(arguments, out, err);
    }

    QString error;
    bool help = false;
    const auto options = pulsco::MatchdOptions::parse(arguments, &error, &help);
    if (!options) {
        if (help) {
            std::fputs(qPrintable(pulsco::MatchdOptions::usage()), stdout);
            std::fputs(qPrintable(u"\n"_s + pulsco::storeCommandsUsage()), stdout);
            return 0;
        }
        std::fprintf(stderr, "pulsco-matchd: %s\n%s", qPrintable(error),
                     qPrintable(pulsco::MatchdOptions::usage()));
        return 2;
    }

    // Files named by flags are bad input like a bad flag: exit 2, before
    // anything starts.
    if (!pulsco::MatchdServer::checkFlagFiles(*options, &error)) {
        std::fprintf(stderr, "pulsco-matchd: %s\n", qPrintable(error));
        return 2;
    }

    pulsco::UnixSignalWatcher signalWatcher({SIGTERM, SIGINT});
    pulsco::MatchdServer server;
    if (!server.start(*options, &error)) {
        std::fprintf(stderr, "pulsco-matchd: %s\n", qPrintable(error));
        return 1;
    }
    QObject::connect(
        &signalWatcher, &pulsco::UnixSignalWatcher::received, &server, [&](int signal) {
            qInfo().noquote() << "signal" << signal << "received: draining, then stopping";
            server.shutdown();
        });
    QObject::connect(&server, &pulsco::MatchdServer::finished, &app, &QCoreApplication::exit);
    qInfo().noquote() << "pulsco-matchd" << PULSCO_VERSION << toString(options->color)
                      << "server-id" << options->effectiveServerId()
                      << toString(options->environment) << "serving" << server.url() << "data in"
                      << options->storeDisplay();
    // Tests and scripts read the port from this line (with --listen HOST:0).
    std::printf("listening on %s\n", qPrintable(server.url()));
    std::fflush(stdout);
    return app.exec();
}
