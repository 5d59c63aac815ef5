#include "app/pulsco-console/ConsoleOptions.h"

#include "bridge/HttpUrl.h"
#include "net/alerts/AlertmanagerClient.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

namespace pulsco {

using namespace Qt::StringLiterals;

QStringList withoutQtGuiArguments(const QStringList& arguments) {
    // QGuiApplication's and QApplication's own options (Qt 6.4).
    static const QStringList withValue{
        u"platform"_s,        u"platformpluginpath"_s, u"platformtheme"_s, u"plugin"_s,
        u"qwindowgeometry"_s, u"qwindowicon"_s,        u"qwindowtitle"_s,  u"session"_s,
        u"display"_s,         u"geometry"_s,           u"style"_s,         u"stylesheet"_s};
    static const QStringList flags{u"reverse"_s, u"widgetcount"_s, u"nograb"_s, u"dograb"_s};
    QStringList out;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (arg == u"--"_s) {  // the rest are positional arguments
            out << arguments.mid(i);
            break;
        }
        if (i == 0 || !arg.startsWith(u'-')) {
            out << arg;
            continue;
        }
        QString name = arg.mid(arg.startsWith(u"--"_s) ? 2 : 1);
        const qsizetype eq = name.indexOf(u'=');
        const bool inlineValue = eq >= 0;
        if (inlineValue)
            name.truncate(eq);
        if (flags.contains(name) && !inlineValue)
            continue;
        if (withValue.contains(name)) {
            if (!inlineValue)
                ++i;  // skip the value too
            continue;
        }
        out << arg;
    }
    return out;
}

ConsoleOptionsParse parseConsoleOptions(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Pulsco Ops Console: watch the matchmaking service, rehearse load and drills."_s);
    const QCommandLineOption help(QStringList{u"h"_s, u"help"_s}, u"Show this help."_s);
    const QCommandLineOption version(u"version"_s, u"Show the version."_s);
    const QCommandLineOption simulate(u"simulate"_s,
                                      u"Run the embedded simulator on SCENARIO (a .json file or a "
                                      "shipped name such as baseline-1000)."_s,
                                      u"SCENARIO"_s);
    const QCommandLineOption connectOpt(u"connect"_s,
                                        u"Watch live servers (comma-separated URLs)."_s, u"URLS"_s);
    const QCommandLineOption prometheusOpt(
        u"prometheus"_s,
        u"Watch the servers a Prometheus at URL scrapes (PromQL over its HTTP API), e.g. "
        "http://127.0.0.1:9090. Read-only: no faults or drain."_s,
        u"URL"_s);
    const QCommandLineOption selectorOpt(
        u"selector"_s,
        u"With --prometheus: the label matchers of the pulsco-matchd targets (default "
        "{job=\"pulsco\"})."_s,
        u"MATCHERS"_s);
    const QCommandLineOption replayOpt(
        u"replay"_s,
        u"Replay a recording of pulsco-matchd's arrivals (pulsco-matchd --record: a file or "
        "the folder of its parts) through the matchmaker, with pause and speed."_s,
        u"PATH"_s);
    const QCommandLineOption comparisonOpt(
        u"comparison"_s,
        u"Show a replay comparison report (pulsco-sim --replay --compare --report FILE) on "
        "start; with --screenshot the picture is of the report."_s,
        u"FILE"_s);
    const QCommandLineOption caCert(
        u"ca-cert"_s,
        u"Trust the CA certificate(s) in FILE (PEM or DER) for https:// servers, e.g. a staging "
        "server's self-signed certificate."_s,
        u"FILE"_s);
    const QCommandLineOption haproxy(
        u"haproxy"_s,
        u"Live servers: move blue-green traffic with HAProxy's runtime API at ADDR "
        "(host:port or unix:/path; the socket needs level admin)."_s,
        u"ADDR"_s);
    const QCommandLineOption haproxyBackend(
        u"haproxy-backend"_s, u"The HAProxy backend of blue and green (default pulsco)."_s,
        u"NAME"_s);
    const QCommandLineOption haproxyServers(
        u"haproxy-servers"_s, u"The HAProxy server names of blue and green (default blue,green)."_s,
        u"BLUE,GREEN"_s);
    const QCommandLineOption haproxySpare(
        u"haproxy-spare"_s,
        u"The HAProxy server a drill's scale out puts in blue's pool, held disabled until then "
        "(default spare)."_s,
        u"NAME"_s);
    const QCommandLineOption webhook(
        u"webhook"_s,
        u"Live servers: move blue-green traffic by POSTing {\"blue\":90,\"green\":10} to URL "
        "and reading it back with a GET (bearer token from PULSCO_WEBHOOK_TOKEN)."_s,
        u"URL"_s);
    const QCommandLineOption page(
        u"page"_s,
        u"Page to show first: dashboard, rollout, blue-green (the Rollout page's "
        "Blue-green tab) or drills."_s,
        u"PAGE"_s);
    const QCommandLineOption alertmanager(
        u"alertmanager"_s,
        u"Send firing and resolved alerts to Alertmanager at URL (POST /api/v2/alerts), "
        "e.g. http://127.0.0.1:9093."_s,
        u"URL"_s);
    const QCommandLineOption alertmanagerDrills(
        u"alertmanager-drills"_s,
        u"With --alertmanager: send the alerts of drills too, labelled drill=\"true\"."_s);
    const QCommandLineOption surgeTarget(
        u"surge-target"_s,
        u"Live drills: play a player surge as extra players from pulsco-sim sent to URL, the "
        "staging stack's balancer (e.g. http://127.0.0.1:8080)."_s,
        u"URL"_s);
    const QCommandLineOption surgePlayers(
        u"surge-players"_s,
        u"With --surge-target: the stack's usual population; a xK surge adds (K-1) x N players, "
        "at most 2000 (default 1000)."_s,
        u"N"_s);
    const QCommandLineOption item(
        u"item"_s,
        u"Open the Rollout page on this checklist item (its id, e.g. "
        "p3.final-validation.database-backup-verification): its gate and evidence."_s,
        u"ID"_s);
    const QCommandLineOption screenshot(
        u"screenshot"_s, u"Save a PNG of the window after --quit-after seconds, then exit."_s,
        u"FILE"_s);
    const QCommandLineOption quitAfter(u"quit-after"_s, u"Quit after SEC seconds of running."_s,
                                       u"SEC"_s);
    const QCommandLineOption size(u"size"_s, u"Window size, e.g. 1280x800."_s, u"WxH"_s);
    const QCommandLineOption speed(u"speed"_s, u"Simulation speed: a factor such as 10, or max."_s,
                                   u"N|max"_s);
    const QCommandLineOption players(u"players"_s, u"Population size (1 to 1000000)."_s, u"N"_s);
    const QCommandLineOption theme(u"theme"_s, u"Palette: light or dark."_s, u"THEME"_s);
    QCommandLineOption bench(u"bench-report"_s, u"Write UI responsiveness figures (JSON)."_s,
                             u"FILE"_s);
    bench.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOptions({help,          version,     simulate,       connectOpt,
                       prometheusOpt, selectorOpt, replayOpt,      comparisonOpt,
                       caCert,        haproxy,     haproxyBackend, haproxyServers,
                       haproxySpare,  webhook,     alertmanager,   alertmanagerDrills,
                       page,          item,        screenshot,     quitAfter,
                       size,          speed,       players,        theme,
                       bench,         surgeTarget, surgePlayers});

    ConsoleOptionsParse result;
    if (!parser.parse(arguments)) {
        // "Unknown option 'frobnicate'." / "Missing value after 'speed'."
        result.error = parser.errorText() + u" See --help."_s;
        return result;
    }
    if (parser.isSet(help)) {
        result.helpText = parser.helpText();
        return result;
    }
    if (parser.isSet(version)) {
        result.helpText = u"pulsco-console %1\n"_s.arg(QCoreApplication::applicationVersion());
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.error =
            u"unexpected argument \"%1\" (see --help)"_s.arg(parser.positionalArguments().first());
        return result;
    }

    ConsoleOptions o;
    o.scenario = parser.value(simulate);
    if (parser.isSet(simulate) && o.scenario.trimmed().isEmpty()) {
        result.error = u"--simulate: needs a scenario file or name"_s;
        return result;
    }
    if (parser.isSet(connectOpt)) {
        o.connectUrls = parser.value(connectOpt).split(u',', Qt::SkipEmptyParts);
        if (o.connectUrls.isEmpty()) {
            result.error = u"--connect: needs at least one URL"_s;
            return result;
        }
        if (parser.isSet(simulate)) {
            result.error = u"--connect and --simulate: choose one source"_s;
            return result;
        }
    }
    if (parser.isSet(prometheusOpt)) {
        o.prometheusUrl = parser.value(prometheusOpt).trimmed();
        if (o.prometheusUrl.isEmpty()) {
            result.error =
                u"--prometheus: needs Prometheus' base URL, e.g. http://127.0.0.1:9090"_s;
            return result;
        }
        if (parser.isSet(simulate) || parser.isSet(connectOpt)) {
            result.error = u"--prometheus: choose one source (not with --%1)"_s.arg(
                parser.isSet(simulate) ? u"simulate"_s : u"connect"_s);
            return result;
        }
    }
    if (parser.isSet(comparisonOpt)) {
        o.comparisonPath = parser.value(comparisonOpt).trimmed();
        if (o.comparisonPath.isEmpty()) {
            result.error = u"--comparison: needs a report file"_s;
            return result;
        }
    }
    if (parser.isSet(replayOpt)) {
        o.replayPath = parser.value(replayOpt).trimmed();
        if (o.replayPath.isEmpty()) {
            result.error = u"--replay: needs a recording file or folder"_s;
            return result;
        }
        for (const QCommandLineOption* other : {&simulate, &connectOpt, &prometheusOpt})
            if (parser.isSet(*other)) {
                result.error = u"--replay: choose one source (not with --%1)"_s.arg(
                    other->names().constFirst());
                return result;
            }
    }
    if (parser.isSet(selectorOpt)) {
        if (!parser.isSet(prometheusOpt)) {
            result.error = u"--selector: only with --prometheus"_s;
            return result;
        }
        o.prometheusSelector = parser.value(selectorOpt).trimmed();
    }
    if (parser.isSet(caCert)) {
        o.caCertFile = parser.value(caCert);
        if (o.caCertFile.trimmed().isEmpty()) {
            result.error = u"--ca-cert: needs a certificate file"_s;
            return result;
        }
        if (parser.isSet(simulate)) {
            result.error = u"--ca-cert: only for live servers (not with --simulate)"_s;
            return result;
        }
    }
    if (parser.isSet(haproxyBackend) || parser.isSet(haproxyServers) ||
        parser.isSet(haproxySpare)) {
        if (!parser.isSet(haproxy)) {
            result.error =
                u"--haproxy-backend, --haproxy-servers, --haproxy-spare: only with --haproxy"_s;
            return result;
        }
    }
    if (parser.isSet(haproxy) || parser.isSet(webhook)) {
        if (parser.isSet(haproxy) && parser.isSet(webhook)) {
            result.error = u"--haproxy and --webhook: choose one traffic controller"_s;
            return result;
        }
        if (!parser.isSet(connectOpt) && !parser.isSet(prometheusOpt)) {
            result.error =
                u"--%1: only for live servers (with --connect or --prometheus); the simulator "
                u"moves "
                "its own traffic"_s.arg(parser.isSet(haproxy) ? u"haproxy"_s : u"webhook"_s);
            return result;
        }
        TrafficControllerConfig t;
        if (parser.isSet(haproxy)) {
            t.kind = TrafficControllerConfig::Kind::Haproxy;
            t.haproxyAddress = parser.value(haproxy).trimmed();
            if (parser.isSet(haproxyBackend))
                t.haproxyBackend = parser.value(haproxyBackend).trimmed();
            if (parser.isSet(haproxyServers)) {
                const QStringList names = parser.value(haproxyServers).split(u',');
                if (names.size() != 2) {
                    result.error = u"--haproxy-servers: needs two names, blue's and green's "
                                   "(e.g. blue,green)"_s;
                    return result;
                }
                t.haproxyBlueServer = names[0].trimmed();
                t.haproxyGreenServer = names[1].trimmed();
            }
            if (parser.isSet(haproxySpare))
                t.haproxySpareServer = parser.value(haproxySpare).trimmed();
        } else {
            t.kind = TrafficControllerConfig::Kind::Webhook;
            t.webhookUrl = QUrl(parser.value(webhook).trimmed());
            t.webhookToken = qEnvironmentVariable("PULSCO_WEBHOOK_TOKEN").trimmed();
        }
        if (const QString why = t.validate(); !why.isEmpty()) {
            result.error = u"--"_s + why;
            return result;
        }
        o.traffic = t;
    }
    if (parser.isSet(page)) {
        o.page = parser.value(page);
        if (!QStringList{u"dashboard"_s, u"rollout"_s, u"blue-green"_s, u"drills"_s}.contains(
                o.page)) {
            result.error =
                u"--page: must be dashboard, rollout, blue-green or drills (got \"%1\")"_s.arg(
                    o.page);
            return result;
        }
    }
    if (parser.isSet(alertmanager)) {
        QString why;
        o.alertmanager = AlertmanagerClient::parseUrl(parser.value(alertmanager), &why);
        if (!o.alertmanager) {
            result.error = why;
            return result;
        }
    }
    if (parser.isSet(alertmanagerDrills) && !o.alertmanager) {
        result.error = u"--alertmanager-drills: needs --alertmanager URL"_s;
        return result;
    }
    o.alertmanagerDrills = parser.isSet(alertmanagerDrills);
    if (parser.isSet(surgeTarget)) {
        const QUrl url(parser.value(surgeTarget));
        if (!isHttpUrlWithHost(url)) {
            result.error = u"--surge-target: \"%1\" is not an http:// or https:// URL"_s.arg(
                parser.value(surgeTarget));
            return result;
        }
        o.surgeTarget = url.toString();
    }
    if (parser.isSet(surgePlayers)) {
        bool ok = false;
        o.surgePlayers = parser.value(surgePlayers).toInt(&ok);
        if (!ok || o.surgePlayers < 1 || o.surgePlayers > 1000000) {
            result.error = u"--surge-players: must be a whole number from 1 to 1000000 (got "
                           "\"%1\")"_s.arg(parser.value(surgePlayers));
            return result;
        }
        if (!parser.isSet(surgeTarget)) {
            result.error = u"--surge-players: needs --surge-target URL"_s;
            return result;
        }
    }
    if (parser.isSet(item)) {
        o.item = parser.value(item).trimmed();
        if (o.item.isEmpty()) {
            result.error = u"--item: must name a checklist item's id"_s;
            return result;
        }
        if (parser.isSet(page) && o.page != u"rollout"_s) {
            result.error =
                u"--item: opens the Rollout page; it cannot go with --page %1"_s.arg(o.page);
            return result;
        }
        o.page = u"rollout"_s;
    }
    if (parser.isSet(quitAfter)) {
        bool ok = false;
        o.quitAfterSeconds = parser.value(quitAfter).toDouble(&ok);
        if (!ok || !(o.quitAfterSeconds > 0) || o.quitAfterSeconds > 86400) {
            result.error =
                u"--quit-after: must be a number of seconds from 0 (exclusive) to 86400"_s;
            return result;
        }
    }
    if (parser.isSet(screenshot)) {
        o.screenshotPath = parser.value(screenshot);
        if (o.screenshotPath.isEmpty()) {
            result.error = u"--screenshot: needs a file name"_s;
            return result;
        }
        if (!parser.isSet(quitAfter)) {
            result.error = u"--screenshot: needs --quit-after SEC (when to take it)"_s;
            return result;
        }
    }
    if (parser.isSet(size)) {
        static const QRegularExpression pattern(u"^(\\d{3,5})x(\\d{3,5})$"_s);
        const QRegularExpressionMatch match = pattern.match(parser.value(size));
        const int w = match.hasMatch() ? match.captured(1).toInt() : 0;
        const int h = match.hasMatch() ? match.captured(2).toInt() : 0;
        if (w < 640 || h < 480 || w > 7680 || h > 4320) {
            result.error = u"--size: must be WxH from 640x480 to 7680x4320 (got \"%1\")"_s.arg(
                parser.value(size));
            return result;
        }
        o.size = QSize(w, h);
    }
    if (parser.isSet(speed)) {
        const QString value = parser.value(speed);
        bool ok = false;
        const double factor = value == u"max" ? 0.0 : value.toDouble(&ok);
        if (value != u"max" && (!ok || !(factor > 0) || factor > 1e6)) {
            result.error =
                u"--speed: must be max or a factor from 0 (exclusive) to 1000000 (got \"%1\")"_s
                    .arg(value);
            return result;
        }
        o.speed = factor;
    }
    if (parser.isSet(players)) {
        bool ok = false;
        o.players = parser.value(players).toInt(&ok);
        if (!ok || o.players < 1 || o.players > 1000000) {
            result.error = u"--players: must be an integer from 1 to 1000000"_s;
            return result;
        }
    }
    if (parser.isSet(theme)) {
        o.theme = parser.value(theme);
        if (o.theme != u"light" && o.theme != u"dark") {
            result.error = u"--theme: must be light or dark"_s;
            return result;
        }
    }
    o.benchReport = parser.value(bench);
    result.options = o;
    return result;
}

}  // namespace pulsco
