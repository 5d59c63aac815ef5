// A drill on the staging stack, headless: the console's drill session on
// the stack's LiveSource with HAProxy's traffic controller, the default alert
// rules fed by the servers' snapshots, and a scripted trainee. Shared by
// tst_live_drills and bench_live_drills.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "drills/DrillFixture.h"
#include "support/LiveBlueGreen.h"

#include <QTest>

#include <optional>

namespace pulsco::test {

struct LiveDrill {
    DrillRecord record;
    QStringList timeline;  // the events' texts, in order
};

// Runs `drill` (its timeline already compressed) on the stack's servers with
// `plan`; the players come from `sim`.
// `surge`: where a player_surge's extra players come from (none: refused);
// `rules`: the console's alert rules (default: the shipped ones).
inline LiveDrill runLive(Console& console, const DrillScript& drill,
                         const ScriptedTrainee::Plan& plan, int timeoutMs,
                         SurgeLoad* surge = nullptr,
                         std::vector<AlertRule> rules = defaultRules()) {
    AlertEngine alerts(std::move(rules));
    QObject::connect(console.source.get(), &Source::snapshotReady,
                     [&](const SnapshotPtr& s) { alerts.evaluate(*s); });
    DrillSession session(drill, console.source.get(), &alerts);
    session.setTrainee(u"trainee"_s);
    session.setTrafficController(console.controller.get());
    session.setSurgeLoad(surge);
    ScriptedTrainee trainee(session, alerts, *console.source, plan);
    QString why;
    if (!session.start(&why))
        qFatal("drill not started: %s", qPrintable(why));
    // A drill still running at the timeout is finished here: its score says why.
    (void)QTest::qWaitFor([&] { return session.phase() == DrillSession::Phase::Finished; },
                          timeoutMs);
    session.finish();
    LiveDrill out;
    out.record = session.record();
    for (const DrillEvent& e : out.record.events)
        out.timeline << e.text;
    QObject::disconnect(console.source.get(), &Source::snapshotReady, nullptr, nullptr);
    return out;
}

// A surge's extra players through the stack's balancer, polling once a
// second and playing 5-minute matches (so most of them are online at once,
// in a queue or a match, while two cores carry the requests); (multiplier
// - 1) x `usualPlayers` of them, at most 2000.
inline SurgeLoadConfig surgeConfig(const Stack& stack, QTemporaryDir& dir, int usualPlayers) {
    QFile file(dir.filePath(u"surge.json"_s));
    if (file.open(QIODevice::WriteOnly))
        file.write(R"({"format": 1, "name": "surge-e2e", "seed": 12, "duration_s": 300,
  "population": {"players": 100, "poll_s": 1, "break_s": 0.5,
    "queues": [{"queue": "ranked-5v5", "share": 0.5, "match_s": 300, "match_sd_s": 30},
               {"queue": "casual-3v3", "share": 0.35, "match_s": 300, "match_sd_s": 30},
               {"queue": "duel-1v1", "share": 0.15, "match_s": 300, "match_sd_s": 30}]},
  "thresholds": {"error_rate": "<1"}})");
    SurgeLoadConfig config;
    config.simProgram = kStagingBin + u"/pulsco-sim"_s;
    config.targets = {stack.url(stack.api())};
    config.balancer = true;
    config.scenario = file.fileName();
    config.usualPlayers = usualPlayers;
    return config;
}

// The shipped rules with capacity-exceeded's bar scaled to the stack's
// compressed population: 1.5 x the players the test's stack usually has
// online (about 270 of 300) instead of 1.5 x the rollout plan's 1000.
inline std::vector<AlertRule> rulesForCompressedPopulation() {
    QFile file(defaultAlertRulesPath());
    if (!file.open(QIODevice::ReadOnly))
        qFatal("default rules unreadable: %s", qPrintable(file.errorString()));
    QByteArray json = file.readAll();
    if (!json.contains("\"players_online > 1500\""))
        qFatal("capacity-exceeded's bar moved: update rulesForCompressedPopulation()");
    json.replace("\"players_online > 1500\"", "\"players_online > 400\"");
    AlertRulesLoad load = parseAlertRules(json, u"compressed rules"_s);
    if (!load.rules)
        qFatal("compressed rules refused: %s", qPrintable(load.error));
    return *load.rules;
}

// The shipped error-surge drill with its fault 5 s in and a 150 s limit.
inline DrillScript compressedErrorSurge() {
    DrillScript drill = shippedDrill(u"error-surge-rollback"_s);
    drill.faults.front().atSeconds = 5;
    drill.timeLimitSeconds = 150;
    return drill;
}

// The shipped matcher stall (on blue) 5 s in, with a 150 s limit.
inline DrillScript compressedMatcherStall() {
    DrillScript drill = shippedDrill(u"matcher-stall"_s);
    drill.faults.front().atSeconds = 5;
    drill.timeLimitSeconds = 150;
    return drill;
}

// When the first event of `kind` happened (drill seconds); nullopt if none.
inline std::optional<double> firstEventAt(const DrillRecord& record, DrillEventKind kind) {
    for (const DrillEvent& e : record.events)
        if (e.kind == kind)
            return e.atSeconds;
    return std::nullopt;
}

}  // namespace pulsco::test
