// The rollout plan as data (resources/rollout/pulsco-rollout.json, format 2;
// format 1 files are migrated when read, see RolloutPlanJson.h):
// the seed plan's phases, periods (weeks or days), sections and checklist
// items, each manual or gated by a metric expression, plus everything else
// the seed says (success metrics, rollback plan and triggers, risks,
// communication, timeline, contacts) and the blue-green traffic steps.
// File format: docs/rollout.md.
#pragma once

#include "core/CanaryJudge.h"
#include "core/DeploymentEnvironment.h"
#include "core/MetricExpression.h"

#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace pulsco {

// A gate: the item passes when `expression` has held for `holdSeconds` of
// source time without a break (no data breaks it too), on evidence from one
// of `environments`. Evidence from elsewhere (a rehearsal on the simulator,
// staging for a production item) is shown with its figures but never ticks
// the item. When `minSample` does not hold, the gate has no data: a
// percentile or a rate of a handful of requests is not evidence.
struct PlanGate {
    QString text;
    MetricExpression expression;
    double holdSeconds = 0;
    std::vector<DeploymentEnvironment> environments;  // never empty, never rehearsal
    std::optional<MetricExpression> minSample;        // e.g. "green.requests >= 100"

    bool countsIn(DeploymentEnvironment environment) const;
    QString environmentsText() const;  // "staging", "staging or production"
};

struct PlanItem {
    QString id;  // stable key of the audit trail, e.g. "p3.blue-green-deployment.blue-environment"
    QString text;
    std::optional<PlanGate> gate;
    bool gated() const { return gate.has_value(); }
};

struct PlanSection {
    QString id;
    QString title;   // "Day 1-2: Code Quality Gates"
    QString period;  // "Week 1: Development Environment Validation" ("" for success criteria)
    std::vector<PlanItem> items;
};

struct PlanPhase {
    QString id;
    int number = 0;
    QString title;                      // "Pre-Production Validation"
    QString span;                       // "Weeks 1-2"
    PlanSection successCriteria;        // id "<phase>.criteria"
    std::vector<PlanSection> sections;  // in document order (periods flattened)
    // Success criteria first, then the sections, as the page lists them.
    std::vector<const PlanSection*> allSections() const;
};

struct PlanNamedText {
    QString label;  // "Daily Standups", "Trigger Conditions", "Engineering"
    QString text;
};

struct PlanRisk {
    QString risk;
    QString mitigation;
    QString contingency;
};

struct PlanRiskCategory {
    QString category;
    std::vector<PlanRisk> risks;
};

struct PlanTextGroup {
    QString title;  // "Internal Communication", "Automated Rollback", "Technical Leads"
    std::vector<PlanNamedText> entries;
};

struct PlanMetric {
    QString name;
    QString target;
    std::optional<MetricExpression> expression;
};

struct PlanMetricCategory {
    QString category;
    std::vector<PlanMetric> metrics;
};

struct PlanTimelineRow {
    QString phase, duration, keyActivities, successCriteria;
};

struct PlanTrigger {
    QString name;  // "Error rate > 5%"
    MetricExpression expression;
};

// The canary judge of an analysis step (docs/canary.md): green against
// blue per metric since the step began, decided by always-valid tests.
struct CanaryJudgeSpec {
    std::vector<CanaryMetric> metrics;
    CanaryBars bars;
    double alpha = 0.05;  // one false-alarm budget for every look of the step
};

// Argo Rollouts style step analysis: every `intervalSeconds`, all gates are
// measured (and the judge, when there is one, looks); more than
// `failureLimit` failed measurements fail the step; after `count`
// measurements it succeeds.
struct AnalysisSpec {
    std::vector<MetricExpression> gates;
    std::optional<CanaryJudgeSpec> judge;
    double intervalSeconds = 30;
    int count = 10;
    int failureLimit = 0;
};

struct TrafficStep {
    enum class Kind { SetWeight, Pause, Analysis };
    Kind kind = Kind::SetWeight;
    int weight = 0;           // SetWeight: green percent 0..100
    double pauseSeconds = 0;  // Pause: 0 = until the operator resumes
    AnalysisSpec analysis;    // Analysis
};

struct RolloutPlan {
    // Format 2 added per-gate environments and minimum samples (the
    // evidence issue); blue-green and canary fields come as optional fields
    // of the same format, so a plan is migrated once.
    static constexpr int kFormat = 2;
    int migratedFromFormat = 0;  // 1 when read from a format-1 file, else 0

    QString name;
    QString title;
    QString overview;
    std::vector<PlanPhase> phases;
    std::vector<PlanRiskCategory> risks;
    std::vector<PlanTextGroup> communication;
    std::vector<PlanTextGroup> rollbackPlan;
    std::vector<PlanTrigger> rollbackTriggers;
    double triggerWindowSeconds = 10;
    std::vector<PlanMetricCategory> successMetrics;
    std::vector<PlanTimelineRow> timeline;
    std::vector<PlanTextGroup> contacts;
    QString blueGreenSection;  // the section the traffic steps carry out
    std::vector<TrafficStep> steps;

    // Every checklist item in page order (per phase: criteria, then sections).
    std::vector<const PlanItem*> items() const;
    const PlanItem* findItem(const QString& id) const;
    int itemCount() const;
    int gatedItemCount() const;
};

// Short human forms used by the page, the audit trail and reports.
QString describeStep(const TrafficStep& step);  // "set weight 10 %", "pause 60 s", ...

}  // namespace pulsco
