// pulsco-sim --scenario FILE [--duration SEC] [--speed max|N] [--seed N]
//            [--players N] [--report FILE.json] [--target URL[,URL...] [--balancer]]
//            [--connections N] [--ledger FILE]
// pulsco-sim --replay PATH [--queues FILE] [--amplify K] [--seed N] [--speed max|N]
//            [--report FILE.json]
// pulsco-sim --replay PATH --target URL[,URL...] [--balancer] [--speed N] [--amplify K]
//            [--seed N] [--connections N] [--ledger FILE] [--report FILE.json]
// pulsco-sim --replay PATH --compare A.json B.json [--thresholds FILE]
//            [--amplify K] [--seed N] [--report FILE.json] [--markdown FILE.md]
// Composition root of a headless run: load, override, run, report, judge.
#include "simulator/engine/SimulationEngine.h"

#include "CompareRun.h"
#include "LiveReplayRun.h"
#include "ReplayRun.h"
#include "TargetRun.h"

#include "bridge/JsonReader.h"
#include "simulator/RunReport.h"
#include "simulator/ScenarioJson.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QThread>

#include <cmath>
#include <cstdio>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitBadInput = 2;

int badInput(const QString& message) {
    std::fprintf(stderr, "pulsco-sim: %s\n", qPrintable(message));
    return kExitBadInput;
}

// A number option: nullopt (and *error) when present but not valid.
std::optional<double> numberOption(const QCommandLineParser& cli, const QString& name, double min,
                                   double max, bool integer, QString* error) {
    const QString text = cli.value(name);
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < min || v > max || (integer && std::floor(v) != v)) {
        *error = u"--"_s + name + u": must be "_s + (integer ? u"an integer"_s : u"a number"_s) +
                 u" from "_s + QString::number(min, 'g', 12) + u" to "_s +
                 QString::number(max, 'g', 12) + u" (got \""_s + text + u"\")"_s;
        return std::nullopt;
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    // Qt's poll-based Unix event dispatcher: with ~1000 load connections the
    // GLib one spends its time in socket-notifier bookkeeping (as in
    // pulsco-matchd). An explicit QT_NO_GLIB is left alone.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"pulsco-sim"_s);
    QCommandLineParser cli;
    cli.setApplicationDescription(
        u"Runs a Pulsco load scenario on the in-process simulator and judges its thresholds.\n"
        "Exit status: 0 all thresholds hold, 1 one fails, 2 bad input.\n"
        "Shipped scenarios can be named without a path, e.g. --scenario baseline-1000."_s);
    cli.addHelpOption();
    cli.addOption({u"scenario"_s, u"Scenario file (or a shipped scenario name)."_s, u"FILE"_s});
    cli.addOption({u"duration"_s,
                   u"Simulated seconds to run (default: the scenario's duration_s)."_s, u"SEC"_s});
    cli.addOption(
        {u"speed"_s, u"max (default) or simulated seconds per wall second."_s, u"max|N"_s});
    cli.addOption(
        {u"seed"_s, u"Seed of every random stream (default: the scenario's seed)."_s, u"N"_s});
    cli.addOption({u"players"_s, u"Population size; the online curve scales with it."_s, u"N"_s});
    cli.addOption({u"report"_s, u"Write the JSON report here."_s, u"FILE.json"_s});
    cli.addOption({u"target"_s,
                   u"Play the players over HTTP against live pulsco-matchd servers (blue and/or "
                   "green), in real time."_s,
                   u"URL[,URL...]"_s});
    cli.addOption({u"connections"_s,
                   u"--target: keep-alive connections per server, at most (default 1000)."_s,
                   u"N"_s});
    cli.addOption({u"balancer"_s,
                   u"--target: the one URL is a load balancer in front of blue and green (e.g. "
                   "tools/pulsco-staging's HAProxy): every request goes there and the balancer "
                   "picks the server; the answers' ids tell which one answered."_s});
    cli.addOption({u"ledger"_s,
                   u"--target: write the acknowledged ticket ids here, one per line."_s,
                   u"FILE"_s});
    cli.addOption({u"replay"_s,
                   u"Replay a recording of pulsco-matchd's arrivals (--record: a file, or the "
                   "folder of its parts) through the matchmaker on the virtual clock."_s,
                   u"PATH"_s});
    cli.addOption({u"queues"_s,
                   u"--replay: the queue rules to replay against (default: the "
                   "embedded queues.json)."_s,
                   u"FILE"_s});
    cli.addOption({u"amplify"_s,
                   u"--replay: K copies of every arrival (K-1 jittered, new ids), 1 to 1000."_s,
                   u"K"_s});
    cli.addOption({u"compare"_s,
                   u"--replay: replay through two queue-rule files, A (this option) and B (the "
                   "argument after it), and report B's changes with bootstrap intervals; exit 1 "
                   "when B regresses."_s,
                   u"A.json"_s});
    cli.addOption({u"thresholds"_s,
                   u"--compare: a JSON file of bars for B's changes (default: "
                   "docs/simulator.md, \"Comparing two configurations\")."_s,
                   u"FILE"_s});
    cli.addOption({u"markdown"_s, u"--compare: also write the Markdown report here."_s, u"FILE"_s});
    if (!cli.parse(QCoreApplication::arguments()))
        return badInput(cli.errorText() + u" (see --help)"_s);
    if (cli.isSet(u"help"_s)) {
        std::fputs(qPrintable(cli.helpText()), stdout);
        return kExitPass;
    }
    const bool comparing = cli.isSet(u"compare"_s);
    if (comparing && (!cli.isSet(u"replay"_s) || cli.positionalArguments().size() != 1))
        return badInput(u"--compare: takes two queue-rule files after --replay PATH: "
                        "--replay PATH --compare A.json B.json"_s);
    if (!comparing && (cli.isSet(u"thresholds"_s) || cli.isSet(u"markdown"_s)))
        return badInput(u"--thresholds, --markdown: only with --compare"_s);
    if (!comparing && !cli.positionalArguments().isEmpty())
        return badInput(u"unexpected argument \""_s + cli.positionalArguments().constFirst() +
                        u"\" (see --help)"_s);
    if (cli.isSet(u"replay"_s)) {
        const bool live = cli.isSet(u"target"_s);
        for (const QString& other : {u"scenario"_s, u"players"_s, u"duration"_s})
            if (cli.isSet(other))
                return badInput(
                    u"--%1: not with --replay (the recording is the traffic)"_s.arg(other));
        if (!live)
            for (const QString& other : {u"connections"_s, u"ledger"_s, u"balancer"_s})
                if (cli.isSet(other))
                    return badInput(u"--%1: only with --target"_s.arg(other));
        if (live && (comparing || cli.isSet(u"queues"_s)))
            return badInput(u"--target: not with --compare or --queues (the live servers' own "
                            "rules decide)"_s);
        if (live && cli.value(u"speed"_s) == u"max"_s)
            return badInput(u"--speed: max is for the in-process replay; against live servers "
                            "give a factor (e.g. 2: twice the recorded pace)"_s);
        if (comparing && (cli.isSet(u"queues"_s) || cli.isSet(u"speed"_s)))
            return badInput(u"--queues, --speed: not with --compare (A and B are the rules; "
                            "both replay as fast as they can)"_s);
        pulsco::ReplayRunOptions replay;
        replay.path = cli.value(u"replay"_s);
        if (cli.isSet(u"queues"_s))
            replay.queuesPath = cli.value(u"queues"_s);
        QString error;
        if (cli.isSet(u"amplify"_s)) {
            const auto v = numberOption(cli, u"amplify"_s, 1, 1000, true, &error);
            if (!v)
                return badInput(error);
            replay.amplify = int(*v);
        }
        if (cli.isSet(u"seed"_s)) {
            const auto v = numberOption(cli, u"seed"_s, 0, 9007199254740992.0, true, &error);
            if (!v)
                return badInput(error);
            replay.seed = static_cast<std::uint64_t>(*v);
        }
        if (cli.isSet(u"speed"_s) && cli.value(u"speed"_s) != u"max"_s) {
            const auto v = numberOption(cli, u"speed"_s, 0.01, 1e6, false, &error);
            if (!v)
                return badInput(error);
            replay.speed = *v;
        }
        replay.reportPath = cli.value(u"report"_s);
        if (live) {
            pulsco::LiveReplayOptions o;
            o.recordingPath = replay.path;
            o.urls = cli.value(u"target"_s).split(u',', Qt::SkipEmptyParts);
            o.balancer = cli.isSet(u"balancer"_s);
            if (o.urls.isEmpty())
                return badInput(u"--target: must list at least one base URL"_s);
            if (o.balancer && o.urls.size() != 1)
                return badInput(
                    u"--balancer: takes one --target URL, the load balancer's (got %1)"_s.arg(
                        o.urls.size()));
            if (cli.isSet(u"connections"_s)) {
                const auto v = numberOption(cli, u"connections"_s, 1, 20000, true, &error);
                if (!v)
                    return badInput(error);
                o.connections = int(*v);
            }
            o.amplify = replay.amplify;
            o.seed = replay.seed;
            o.speed = replay.speed > 0 ? replay.speed : 1.0;
            o.ledgerPath = cli.value(u"ledger"_s);
            o.reportPath = replay.reportPath;
            return pulsco::runLiveReplay(o);
        }
        if (comparing) {
            pulsco::CompareRunOptions compare;
            compare.recordingPath = replay.path;
            compare.rulesA = cli.value(u"compare"_s);
            compare.rulesB = cli.positionalArguments().constFirst();
            compare.thresholdsPath = cli.value(u"thresholds"_s);
            compare.amplify = replay.amplify;
            compare.seed = replay.seed;
            compare.reportPath = replay.reportPath;
            compare.markdownPath = cli.value(u"markdown"_s);
            return pulsco::runCompare(compare);
        }
        return pulsco::runReplay(replay);
    }
    if (cli.isSet(u"queues"_s) || cli.isSet(u"amplify"_s))
        return badInput(u"--queues, --amplify: only with --replay"_s);
    if (!cli.isSet(u"scenario"_s))
        return badInput(u"--scenario: is required (a scenario file or one of: "_s +
                        pulsco::shippedScenarioNames().join(u", "_s) + u')');

    QString file = cli.value(u"scenario"_s);
    if (!QFileInfo::exists(file) && pulsco::shippedScenarioNames().contains(file))
        file = pulsco::shippedScenarioPath(file);
    pulsco::ScenarioLoad load = pulsco::loadScenarioFile(file);
    if (!load.scenario)
        return badInput(load.error);
    pulsco::Scenario scenario = std::move(*load.scenario);

    QString error;
    if (cli.isSet(u"duration"_s)) {
        const auto v = numberOption(cli, u"duration"_s, 1, 30 * 86400, false, &error);
        if (!v)
            return badInput(error);
        scenario.durationSeconds = *v;
    }
    if (cli.isSet(u"seed"_s)) {
        const auto v = numberOption(cli, u"seed"_s, 0, 9007199254740992.0, true, &error);
        if (!v)
            return badInput(error);
        scenario.seed = static_cast<std::uint64_t>(*v);
    }
    if (cli.isSet(u"players"_s)) {
        const auto v = numberOption(cli, u"players"_s, 1, 1000000, true, &error);
        if (!v)
            return badInput(error);
        scenario = pulsco::withPlayers(std::move(scenario), static_cast<int>(*v));
    }
    double speed = 0;  // as fast as possible
    if (cli.isSet(u"speed"_s) && cli.value(u"speed"_s) != u"max"_s) {
        const auto v = numberOption(cli, u"speed"_s, 0.01, 1e6, false, &error);
        if (!v)
            return badInput(u"--speed: must be max or a number from 0.01 to 1000000 (got \""_s +
                            cli.value(u"speed"_s) + u"\")"_s);
        speed = *v;
    }
    const QString reportPath = cli.value(u"report"_s);

    if (cli.isSet(u"target"_s)) {
        pulsco::TargetRunOptions target;
        target.urls = cli.value(u"target"_s).split(u',', Qt::SkipEmptyParts);
        if (target.urls.isEmpty())
            return badInput(u"--target: must list at least one base URL"_s);
        if (cli.isSet(u"connections"_s)) {
            const auto v = numberOption(cli, u"connections"_s, 1, 20000, true, &error);
            if (!v)
                return badInput(error);
            target.connections = static_cast<int>(*v);
        }
        if (cli.isSet(u"speed"_s))
            return badInput(u"--speed: a --target run plays in real time"_s);
        target.reportPath = reportPath;
        target.ledgerPath = cli.value(u"ledger"_s);
        target.balancer = cli.isSet(u"balancer"_s);
        if (target.balancer && target.urls.size() != 1)
            return badInput(
                u"--balancer: takes one --target URL, the load balancer's (got %1)"_s.arg(
                    target.urls.size()));
        return pulsco::runAgainstTargets(scenario, target);
    }
    if (cli.isSet(u"connections"_s) || cli.isSet(u"ledger"_s) || cli.isSet(u"balancer"_s))
        return badInput(u"--connections, --ledger and --balancer: only with --target"_s);

    QElapsedTimer wall;
    wall.start();
    pulsco::SimulationEngine engine(scenario);
    engine.warmUp();
    const bool tty = isatty(fileno(stderr)) != 0;
    qint64 lastProgress = 0;
    const double duration = scenario.durationSeconds;
    const double step = std::max(1.0, scenario.tickSeconds);
    while (engine.runTime() < duration) {
        const double next = std::min(duration, engine.runTime() + step);
        if (speed > 0) {
            // Paced: wait until the wall clock catches up with simulated time.
            const double due = next / speed * 1000.0;
            const auto waitMs = static_cast<unsigned long>(
                std::max(0.0, due - static_cast<double>(wall.elapsed())));
            if (waitMs > 0)
                QThread::msleep(waitMs);
        }
        engine.advanceTo(next);
        if (tty && wall.elapsed() > 1000 && wall.elapsed() - lastProgress >= 100) {
            lastProgress = wall.elapsed();
            const pulsco::MetricsSnapshot s = engine.snapshot();
            std::fprintf(stderr,
                         "\r%s: %.0f / %.0f s simulated (%.0f %%), %llu online, %llu matches, %.1f "
                         "s wall   ",
                         scenario.name.c_str(), engine.runTime(), duration,
                         100.0 * engine.runTime() / duration,
                         static_cast<unsigned long long>(s.playersOnline),
                         static_cast<unsigned long long>(s.total.matchesTotal),
                         static_cast<double>(wall.elapsed()) / 1000.0);
        }
    }
    if (tty && lastProgress > 0)
        std::fprintf(stderr, "\r\033[K");
    const double wallSeconds = static_cast<double>(wall.nsecsElapsed()) / 1e9;
    const pulsco::RunSummary summary = engine.summary();
    std::fputs(qPrintable(pulsco::summaryTable(summary, wallSeconds)), stdout);
    std::fflush(stdout);

    if (!reportPath.isEmpty()) {
        pulsco::MetricsSnapshot last = engine.snapshot();
        last.speed = speed;
        last.sequence = 1;
        last.wallTimeUnixMs = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
        QSaveFile out(reportPath);
        if (!out.open(QIODevice::WriteOnly) ||
            out.write(pulsco::reportJson(summary, last, wallSeconds)) < 0 || !out.commit())
            return badInput(u"--report: cannot write "_s + reportPath + u": "_s +
                            out.errorString());
    }
    return summary.passed() ? kExitPass : kExitFail;
}
