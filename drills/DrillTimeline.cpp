#include "drills/DrillTimeline.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

// The fault's own wording in the session's fault events (DrillSession).
QString faultOf(const DrillEvent& e) {
    static const QRegularExpression prefix(
        u"^(fault injected: |fault over: |fault ended by [^:]+: |fault no longer in force on "
        "the source: )"_s);
    QString text = e.text;
    text.remove(prefix);
    // A live surge says how its players came and went after the wording.
    return text.section(u": "_s, 0, 0);
}

// The rule an alert event names: "alert firing: NAME (…", "alert resolved:
// NAME", "alert resolved by WHO: NAME — note".
QString ruleOf(const DrillEvent& e) {
    static const QRegularExpression rule(u"^alert (?:firing|resolved(?: by [^:]+)?): (\\S+)"_s);
    const auto m = rule.match(e.text);
    return m.hasMatch() ? m.captured(1) : QString();
}

void close(std::vector<DrillTimeline::Span>& spans, const QString& label, double at) {
    for (DrillTimeline::Span& s : spans)
        if (s.open && s.label == label) {
            s.to = at;
            s.open = false;
            return;
        }
}

}  // namespace

DrillTimeline drillTimeline(const DrillRecord& record) {
    DrillTimeline t;
    t.duration = record.durationSeconds;
    for (const DrillEvent& e : record.events)
        t.duration = std::max(t.duration, e.atSeconds);
    for (const DrillEvent& e : record.events) {
        switch (e.kind) {
        case DrillEventKind::FaultInjected:
            t.faults.push_back({faultOf(e), e.atSeconds, t.duration, true});
            break;
        case DrillEventKind::FaultEnded:
            close(t.faults, faultOf(e), e.atSeconds);
            break;
        case DrillEventKind::AlertFiring:
            if (const QString rule = ruleOf(e); !rule.isEmpty())
                t.alerts.push_back({rule, e.atSeconds, t.duration, true});
            break;
        case DrillEventKind::AlertResolved:
            close(t.alerts, ruleOf(e), e.atSeconds);
            break;
        case DrillEventKind::Acknowledged:
            t.actions.push_back(
                {e.text.startsWith(u"acknowledged "_s) ? u"ack "_s + e.text.mid(13) : e.text,
                 e.atSeconds, e.kind});
            break;
        case DrillEventKind::Action: {
            // "Restart the matcher (restart_matcher): note" -> "restart_matcher"
            const QString described = e.text.section(u'(', 1).section(u')', 0, 0);
            t.actions.push_back({described.isEmpty() ? e.text : described, e.atSeconds, e.kind});
            break;
        }
        case DrillEventKind::HealthRestored:
            if (!t.recovered)
                t.recovered = e.atSeconds;
            break;
        default:
            break;
        }
    }
    const DrillScore& s = record.score;
    if (!std::isnan(s.faultStartSeconds)) {
        t.faultStart = s.faultStartSeconds;
        if (s.detected && !std::isnan(s.mttdSeconds))
            t.detected = s.faultStartSeconds + s.mttdSeconds;
        if (s.resolved && !std::isnan(s.mttrSeconds))
            t.recovered = s.faultStartSeconds + s.mttrSeconds;
    }
    return t;
}

}  // namespace pulsco
