// pulsco-console's command line (contract in design.md):
//   pulsco-console [--simulate SCENARIO.json] [--connect URL[,URL...]]
//                  [--ca-cert FILE]
//                  [--haproxy ADDR [--haproxy-backend NAME] [--haproxy-servers B,G]
//                   | --webhook URL]
//                  [--alertmanager URL [--alertmanager-drills]]
//                  [--surge-target URL [--surge-players N]]
//                  [--page dashboard|rollout|blue-green|drills] [--item ID]
//                  [--screenshot FILE.png --quit-after SEC] [--size WxH]
//                  [--speed N|max] [--players N] [--theme light|dark]
#pragma once

#include <QUrl>

#include "bridge/TrafficControllerConfig.h"

#include <QSize>
#include <QString>
#include <QStringList>

#include <optional>

namespace pulsco {

struct ConsoleOptions {
    QString scenario;  // --simulate: a file path or a shipped name; "" = default
    QStringList connectUrls;
    // --prometheus / --selector: read the servers through a Prometheus.
    QString prometheusUrl;
    QString prometheusSelector;
    QString replayPath;  // --replay: a recording of pulsco-matchd's arrivals
    // --comparison: a pulsco-sim --compare report shown on start (and, with
    // --screenshot, the picture taken of it).
    QString comparisonPath;
    QString caCertFile;  // --ca-cert: extra CA trusted for https:// servers
    // --haproxy / --webhook: what moves live traffic; unset = the one saved
    // with the server set, else manual confirmation.
    std::optional<TrafficControllerConfig> traffic;
    QString page = QStringLiteral("dashboard");
    QString item;  // --item: a checklist item to open on the Rollout page
    // --alertmanager: where alerts go (POST /api/v2/alerts); drills' alerts
    // too only with --alertmanager-drills.
    std::optional<QUrl> alertmanager;
    bool alertmanagerDrills = false;
    // --surge-target: where a live drill's player surge sends its extra
    // players (the staging balancer); --surge-players: the stack's usual
    // population, which the surge multiplies.
    QString surgeTarget;
    int surgePlayers = 1000;
    QString screenshotPath;
    double quitAfterSeconds = 0;  // 0 = run until closed
    QSize size;                   // invalid = remembered geometry
    std::optional<double> speed;  // 0 = max
    int players = 0;              // 0 = the scenario's own
    QString theme;                // "", "light" or "dark"
    QString benchReport;          // hidden: write UI responsiveness figures here
};

struct ConsoleOptionsParse {
    std::optional<ConsoleOptions> options;
    QString error;     // for stderr, exit 2
    QString helpText;  // --help / --version asked: print and exit 0
};

ConsoleOptionsParse parseConsoleOptions(const QStringList& arguments);

// `arguments` without the options QApplication itself takes (-platform
// offscreen, -style fusion, -reverse, ...): main() parses the command line
// before QApplication exists, so these must not read as unknown options.
QStringList withoutQtGuiArguments(const QStringList& arguments);

}  // namespace pulsco
