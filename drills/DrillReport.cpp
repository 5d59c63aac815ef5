#include "drills/DrillReport.h"

#include "bridge/MarkdownText.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

QString verdict(bool ok) {
    return ok ? u"within target"_s : u"**OVER TARGET**"_s;
}

QString scoreRow(const QString& label, double seconds, double target) {
    const QString value = std::isnan(seconds) ? u"—"_s : formatDrillTime(seconds);
    const QString judged = std::isnan(seconds) ? u"**not reached**"_s : verdict(seconds <= target);
    return u"| %1 | %2 | %3 | %4 |\n"_s.arg(label, value, formatDrillTime(target), judged);
}

}  // namespace

QString drillReportMarkdown(const DrillRecord& r) {
    const DrillScore& s = r.score;
    QString md;
    md += u"# Drill report: %1\n\n"_s.arg(r.drillTitle);
    md += u"| | |\n|---|---|\n"_s;
    md += u"| Drill | `%1` |\n"_s.arg(r.drillName);
    md += u"| Trainee | %1 |\n"_s.arg(markdownTableCell(r.trainee.isEmpty() ? u"—"_s : r.trainee));
    md += u"| Trainer | %1 |\n"_s.arg(markdownTableCell(r.trainer.isEmpty() ? u"—"_s : r.trainer));
    md += u"| Source | %1 |\n"_s.arg(markdownTableCell(r.sourceName));
    md += u"| Environment | %1 |\n"_s.arg(r.environment.isEmpty() ? u"not recorded"_s
                                                                  : r.environment);
    md += u"| Started | %1 |\n"_s.arg(r.startedAt.toUTC().toString(Qt::ISODate));
    md += u"| Drill time | %1 |\n"_s.arg(formatDrillTime(r.durationSeconds));
    md += u"| Result | **%1** |\n\n"_s.arg(s.passed ? u"PASSED"_s : u"FAILED"_s);

    md += u"## Score\n\n| measure | value | target | verdict |\n|---|---|---|---|\n"_s;
    md += scoreRow(u"MTTD (fault start → first acknowledgement of a correct alert)"_s,
                   s.mttdSeconds, s.mttdTargetSeconds);
    md += scoreRow(u"MTTR (fault start → health restored by a correct action)"_s, s.mttrSeconds,
                   s.mttrTargetSeconds);
    if (s.escalationExpected)
        md += u"| Escalation | %1 | expected | %2 |\n"_s.arg(
            s.escalated ? u"done"_s : u"not done"_s, s.escalated ? u"ok"_s : u"**missing**"_s);
    md += u"\n"_s;

    if (!s.reasons.isEmpty()) {
        md += u"## Why it failed\n\n"_s;
        for (const QString& reason : s.reasons)
            md += u"- "_s + reason + u'\n';
        md += u'\n';
    }
    md += u"## Wrong actions and their cost\n\n"_s;
    if (s.wrongActions.empty()) {
        md += u"None.\n\n"_s;
    } else {
        md += u"| at | action | cost |\n|---|---|---|\n"_s;
        for (const DrillWrongActionCost& w : s.wrongActions)
            md +=
                u"| %1 | %2 | %3 |\n"_s.arg(formatDrillTime(w.atSeconds),
                                            markdownTableCell(w.action), markdownTableCell(w.cost));
        md += u'\n';
    }
    md += u"## Timeline\n\n| drill time | event | what | who |\n|---|---|---|---|\n"_s;
    for (const DrillEvent& e : r.events)
        md += u"| %1 | %2 | %3 | %4 |\n"_s.arg(formatDrillTime(e.atSeconds), toString(e.kind),
                                               markdownTableCell(e.text), markdownTableCell(e.who));
    return md;
}

QString drillHistoryMarkdown(const QString& trainee, const std::vector<DrillRecord>& records) {
    QString md = u"# Drill history: %1\n\n"_s.arg(trainee);
    md += u"| started (UTC) | drill | MTTD | MTTR | wrong actions | result |\n"
          "|---|---|---|---|---|---|\n"_s;
    for (const DrillRecord& r : records)
        md += u"| %1 | %2 | %3 | %4 | %5 | %6 |\n"_s.arg(
            r.startedAt.toUTC().toString(Qt::ISODate), markdownTableCell(r.drillTitle),
            formatDrillTime(r.score.mttdSeconds), formatDrillTime(r.score.mttrSeconds),
            QString::number(r.score.wrongActions.size()),
            r.score.passed ? u"passed"_s : u"failed"_s);
    return md;
}

}  // namespace pulsco
