#include "rollout/RolloutReport.h"

#include "bridge/MarkdownText.h"
#include "rollout/OperationalMetrics.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString when(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms).toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

}  // namespace

QString rolloutReportMarkdown(RolloutSession& session) {
    const RolloutPlan& plan = session.plan();
    QString md;
    md += u"# Rollout report: %1\n\n"_s.arg(plan.title);
    md += u"Generated %1 · plan `%2` · source %3\n\n"_s.arg(
        when(QDateTime::currentMSecsSinceEpoch()), plan.name,
        session.source() ? session.source()->displayName() : u"none"_s);
    const auto total = session.progress();
    md += u"**Checklist: %1 of %2 items done.**\n\n"_s.arg(total.done).arg(total.total);

    md += u"## Checklist\n\n"_s;
    for (const PlanPhase& phase : plan.phases) {
        const auto p = session.phaseProgress(phase);
        md += u"### Phase %1: %2 (%3) — %4/%5\n\n"_s.arg(phase.number)
                  .arg(phase.title, phase.span)
                  .arg(p.done)
                  .arg(p.total);
        for (const PlanSection* section : phase.allSections()) {
            md += u"**%1**\n\n"_s.arg(section->period.isEmpty()
                                          ? section->title
                                          : section->period + u" · "_s + section->title);
            md += u"| | item | by | when | note / gate |\n|---|---|---|---|---|\n"_s;
            for (const PlanItem& item : section->items) {
                const ItemState s = session.itemState(item.id);
                QString detail = s.note;
                if (item.gated())
                    detail =
                        u"`%1`"_s.arg(item.gate->text) + (s.done ? u" passed"_s : u" not passed"_s);
                md += u"| %1 | %2 | %3 | %4 | %5 |\n"_s.arg(
                    s.done ? u"☑"_s : u"☐"_s, markdownTableCell(item.text),
                    markdownTableCell(s.actor), s.atMs ? when(s.atMs) : QString(),
                    markdownTableCell(detail));
            }
            md += u"\n"_s;
        }
    }

    md += u"## Gate evidence\n\nPasses that ticked their item and real regressions (a failing "
          "figure; no data is never one), with the environment the evidence came from, and "
          "where the source changed between them.\n\n| item | expression | value | bar | held | "
          "source time | when | where |\n|---|---|---|---|---|---|---|---|\n"_s;
    // A source change is shown where it falls between gate rows: the rows
    // after it are measured on another source (and another clock).
    std::optional<AuditEntry> sourceChange;
    for (const AuditEntry& e :
         session.audit().entries({{},
                                  -1,
                                  {audit::kGatePassed, audit::kGateFailed, audit::kSourceChanged},
                                  0,
                                  100000})) {
        if (e.kind == audit::kSourceChanged) {
            sourceChange = e;
            continue;
        }
        if (e.plan != plan.name || isNoDataRegression(e))
            continue;  // an old console's restart row, not a regression
        if (sourceChange) {
            md += u"| *%1* | | | | | %2 s | %3 | %4 |\n"_s.arg(
                markdownTableCell(sourceChange->note),
                QString::number(sourceChange->sourceTimeSeconds, 'f', 0), when(sourceChange->atMs),
                sourceChange->environment.isEmpty() ? u"—"_s : sourceChange->environment);
            sourceChange.reset();
        }
        const QJsonObject o = QJsonDocument::fromJson(e.evidence).object();
        const PlanItem* item = plan.findItem(e.subject);
        md += u"| %1%2 | `%3` | %4 | %5 | %6 | %7 | %8 | %9 |\n"_s.arg(
            markdownTableCell(item ? item->text : e.subject),
            e.kind == audit::kGateFailed ? u" (regressed)"_s : QString(),
            o.value(u"expression"_s).toString(),
            o.value(u"value"_s).isDouble() ? QString::number(o.value(u"value"_s).toDouble(), 'g', 4)
                                           : u"no data"_s,
            o.value(u"bar"_s).toString(), formatMetricSeconds(o.value(u"held_s"_s).toDouble()),
            QString::number(e.sourceTimeSeconds, 'f', 0) + u" s"_s, when(e.atMs),
            e.environment.isEmpty() ? u"—"_s : e.environment);
    }

    const OperationalMetrics metrics = computeOperationalMetrics(session.audit().all());
    md += u"\n## Blue-green rollouts\n\n"_s;
    for (const RolloutOutcome& r : metrics.rollouts) {
        md += u"### Rollout %1 — %2\n\nStarted %3%4."_s.arg(r.rollout).arg(
            r.outcome, when(r.startedMs),
            r.environment.isEmpty() ? QString() : u" in "_s + r.environment);
        if (!r.cause.isEmpty())
            md += u" Cause: %1. Time to detect %2 (from %3), time to roll back %4."_s.arg(
                r.cause, formatMetricSeconds(r.detectSeconds),
                r.detectFrom.isEmpty() ? u"—"_s : r.detectFrom,
                formatMetricSeconds(r.rollbackSeconds));
        md += u"\n\n| source time | who | what | detail |\n|---|---|---|---|\n"_s;
        for (const AuditEntry& e : session.audit().entries({{}, r.rollout, {}, 0, 100000})) {
            if (e.kind == audit::kAnalysis && e.note == u"passed")
                continue;  // keep the timeline to what mattered
            if (e.kind == audit::kRolloutState || isNoDataRegression(e))
                continue;
            md += u"| %1 s | %2 | %3 | %4 |\n"_s.arg(
                QString::number(e.sourceTimeSeconds, 'f', 0), markdownTableCell(e.actor), e.kind,
                markdownTableCell(e.note.isEmpty() ? e.subject : e.note));
        }
        md += u"\n"_s;
    }
    if (metrics.rollouts.empty())
        md += u"No rollout yet.\n\n"_s;

    // Per environment: a rehearsal's rollbacks are not production's change failures.
    md += u"## Operational metrics\n\nPer environment (the environment of each rollout's "
          "start).\n\n| environment | deployment frequency (weekly) | change failure rate (< 5 "
          "%) | time to detect (< 5 min) | time to roll back (< 15 min) | started | promoted | "
          "failed |\n|---|---|---|---|---|---|---|---|\n"_s;
    QStringList environments;
    for (const RolloutOutcome& r : metrics.rollouts)
        if (!environments.contains(r.environment))
            environments << r.environment;
    for (const QString& environment : environments) {
        const OperationalMetrics m =
            environment.isEmpty() ? metrics
                                  : computeOperationalMetrics(session.audit().all(), environment);
        md +=
            u"| %1 | %2 per week | %3 | %4 | %5 | %6 | %7 | %8 |\n"_s
                .arg(environment.isEmpty() ? u"all"_s : environment,
                     m.deploymentsPerWeek ? QString::number(*m.deploymentsPerWeek, 'f', 1) : u"—"_s,
                     m.changeFailureRate
                         ? QString::number(*m.changeFailureRate * 100, 'f', 1) + u" %"_s
                         : u"—"_s,
                     formatMetricSeconds(m.meanTimeToDetectSeconds),
                     formatMetricSeconds(m.meanTimeToRollBackSeconds))
                .arg(m.started)
                .arg(m.promoted)
                .arg(m.failed);
    }
    if (environments.isEmpty())
        md += u"| — | — | — | — | — | 0 | 0 | 0 |\n"_s;
    return md;
}

}  // namespace pulsco
