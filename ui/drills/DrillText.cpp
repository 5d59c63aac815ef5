#include "ui/drills/DrillText.h"

#include "ui/Format.h"

using namespace Qt::StringLiterals;

namespace pulsco {

QString drillScriptMarkdown(const DrillScript& d) {
    QString md = u"## %1\n\n"_s.arg(d.title);
    md += u"**Scenario:** %1"_s.arg(
        d.inlineScenario.isEmpty() ? d.scenario
                                   : d.inlineScenario.value(u"name").toString() + u" (inline)"_s);
    if (d.greenWeight)
        md += u" · **green at start:** %1 %"_s.arg(*d.greenWeight);
    md += u" · **targets:** MTTD %1, MTTR %2 · **time limit:** %3\n\n"_s.arg(
        formatDrillTime(d.mttdTargetSeconds), formatDrillTime(d.mttrTargetSeconds),
        formatDrillTime(d.timeLimitSeconds));
    md += u"### Briefing (trainees see this)\n\n%1\n\n"_s.arg(d.briefing);
    md += u"### Hidden cause (trainer only)\n\n%1\n\n"_s.arg(
        d.trainerNotes.isEmpty() ? u"—"_s : d.trainerNotes);
    md += u"### Fault timeline\n\n| at | fault |\n|---|---|\n"_s;
    for (const FaultSpec& f : d.faults) {
        QString what = QString::fromLatin1(toString(f.kind)) + u" on "_s +
                       QString::fromLatin1(toString(f.target));
        if (f.latencyMs > 0)
            what += u", +%1 ms"_s.arg(f.latencyMs);
        if (f.kind == FaultKind::Latency || f.kind == FaultKind::LatencyFactor ||
            f.kind == FaultKind::ErrorRate)
            what += u", %1 % of requests"_s.arg(f.share * 100);
        if (f.kind == FaultKind::PlayerSurge || f.kind == FaultKind::BadRelease ||
            f.kind == FaultKind::LatencyFactor)
            what += u", x%1"_s.arg(f.multiplier);
        if (!f.region.empty())
            what += u", region "_s + QString::fromStdString(f.region);
        what += f.durationSeconds > 0 ? u", for %1"_s.arg(formatDrillTime(f.durationSeconds))
                                      : u", until fixed"_s;
        md += u"| %1 | %2 |\n"_s.arg(formatDrillTime(f.atSeconds), what);
    }
    QStringList actions;
    for (const DrillAction& a : d.correctActions)
        actions.append(a.describe());
    md += u"\n### Expected\n\n- **Alert:** %1\n- **Correct actions:** %2%3\n- **Response:** %4\n"_s
              .arg(d.expectedAlerts.join(u", "_s), actions.join(u", "_s),
                   d.escalationExpected ? u" + escalate"_s : QString(), d.expectedResponse);
    if (!d.wrongActions.empty()) {
        md += u"\n### Wrong actions and their cost\n\n"_s;
        for (const DrillWrongAction& w : d.wrongActions)
            md += u"- **%1**: %2\n"_s.arg(w.action.describe(), w.cost);
    }
    if (!d.runbook.isEmpty())
        md += u"\n**Runbook:** `%1`\n"_s.arg(d.runbook);
    return md;
}

QString drillEventLine(const DrillEvent& e) {
    QString line = formatDrillTime(e.atSeconds) + u"  "_s + e.text;
    if (!e.who.isEmpty())
        line += u"  — "_s + e.who;
    return line;
}

}  // namespace pulsco
