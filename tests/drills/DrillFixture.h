// Shared by the drill suites and bench_drills: the real drill context
// (shipped scenarios, default alert rules, the regions of queues.json), a
// drill's scenario through the real loader, and a scripted trainee.
#pragma once

#include "bridge/QueueConfigJson.h"
#include "drills/AlertEngine.h"
#include "drills/AlertRuleJson.h"
#include "drills/DrillJson.h"
#include "drills/DrillSession.h"
#include "simulator/ScenarioJson.h"
#include "support/EngineSource.h"

#include <QJsonDocument>

#include <optional>

namespace pulsco::test {

inline std::vector<AlertRule> defaultRules() {
    AlertRulesLoad load = loadDefaultAlertRules();
    if (!load.rules)
        qFatal("default rules refused: %s", qPrintable(load.error));
    return *load.rules;
}

inline DrillContext realDrillContext() {
    DrillContext c;
    c.scenarios = shippedScenarioNames();
    for (const AlertRule& r : defaultRules())
        c.alerts.append(r.name);
    QString error;
    const std::optional<QueueConfig> queues =
        loadQueueConfig(QStringLiteral(":/pulsco/queues.json"), &error);
    if (queues)
        for (const std::string& region : queues->regions)
            c.regions.append(QString::fromStdString(region));
    c.checkScenario = [](const QJsonObject& scenario) -> QString {
        const ScenarioLoad load = parseScenario(
            QJsonDocument(scenario).toJson(QJsonDocument::Compact), QStringLiteral("inline"));
        // "inline: population.players: why" -> "population.players: why"
        return load.scenario ? QString() : load.error.section(QStringLiteral(": "), 1);
    };
    return c;
}

inline DrillScript shippedDrill(const QString& name) {
    const DrillLoad load =
        loadDrillFile(QStringLiteral(":/pulsco/drills/%1.json").arg(name), realDrillContext());
    if (!load.drill)
        qFatal("drill refused: %s", qPrintable(load.error));
    return *load.drill;
}

inline Scenario scenarioOf(const DrillScript& drill) {
    const ScenarioLoad load =
        drill.inlineScenario.isEmpty()
            ? loadScenarioFile(shippedScenarioPath(drill.scenario))
            : parseScenario(QJsonDocument(drill.inlineScenario).toJson(), drill.sourceName);
    if (!load.scenario)
        qFatal("scenario refused: %s", qPrintable(load.error));
    return *load.scenario;
}

// A trainee who follows a plan in source time: acknowledges the first
// expected alert that fires `ackDelay` seconds after it fires, takes
// `firstAction` right after acknowledging, then `action` `actDelay` later.
class ScriptedTrainee : public QObject {
public:
    struct Plan {
        double ackDelay = 30;
        double actDelay = 60;
        std::optional<DrillAction> firstAction;  // e.g. a wrong one
        std::optional<DrillAction> action;       // e.g. the correct one
        bool escalate = false;
    };
    ScriptedTrainee(DrillSession& session, AlertEngine& alerts, Source& source, Plan plan)
        : m_session(session)
        , m_alerts(alerts)
        , m_plan(std::move(plan)) {
        connect(&source, &Source::snapshotReady, this, [this](const SnapshotPtr&) { step(); });
    }
    std::optional<double> ackedAt;

private:
    void step() {
        if (m_session.phase() != DrillSession::Phase::Running)
            return;
        const double now = m_session.drillTime();
        if (!ackedAt) {
            for (const QString& name : m_session.drill().expectedAlerts) {
                const AlertStatus* s = m_alerts.status(name);
                if (s && s->state == AlertState::Firing &&
                    m_alerts.lastTime() - s->firedAt >= m_plan.ackDelay &&
                    m_alerts.acknowledge(name, QStringLiteral("trainee"))) {
                    ackedAt = now;
                    if (m_plan.firstAction)
                        m_session.act(*m_plan.firstAction, QStringLiteral("first guess"));
                    m_session.addNote(QStringLiteral("looking at ") + name);
                    if (m_plan.escalate)
                        m_session.act({DrillActionKind::Escalate, {}, {}});
                    break;
                }
            }
            return;
        }
        if (m_plan.action && !m_acted && now - *ackedAt >= m_plan.actDelay) {
            m_acted = true;
            m_session.act(*m_plan.action, QStringLiteral("per the runbook"));
        }
    }
    DrillSession& m_session;
    AlertEngine& m_alerts;
    Plan m_plan;
    bool m_acted = false;
};

// Runs `drill` on the engine with `plan`; returns the finished record.
struct DrillRun {
    DrillRecord record;
    int faultsInjected = 0;
    std::vector<AlertTransition> transitions;
};

inline DrillRun runDrill(const DrillScript& drill, const ScriptedTrainee::Plan& plan,
                         std::vector<AlertRule> rules = defaultRules(), double step = 2.0) {
    EngineSource source(scenarioOf(drill));
    AlertEngine alerts(std::move(rules));
    DrillRun run;
    QObject::connect(&source, &Source::snapshotReady,
                     [&](const SnapshotPtr& s) { alerts.evaluate(*s); });
    QObject::connect(&alerts, &AlertEngine::transitioned,
                     [&](const AlertTransition& t) { run.transitions.push_back(t); });
    DrillSession session(drill, &source, &alerts);
    session.setTrainee(QStringLiteral("trainee"));
    ScriptedTrainee trainee(session, alerts, source, plan);
    session.start();
    source.start();
    source.advanceBy(drill.timeLimitSeconds + 10, step,
                     [&] { return session.phase() == DrillSession::Phase::Finished; });
    session.finish();
    run.record = session.record();
    run.faultsInjected = session.faultsInjected();
    return run;
}

}  // namespace pulsco::test
