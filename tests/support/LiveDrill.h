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
// `surge`: where a player_surge's extra players come from (none: refused).
inline LiveDrill runLive(Console& console, const DrillScript& drill,
                         const ScriptedTrainee::Plan& plan, int timeoutMs,
                         SurgeLoad* surge = nullptr) {
    AlertEngine alerts(defaultRules());
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
