// Runs alert rules against a Source's snapshots, Prometheus style: each rule
// is Normal -> Pending (condition holds) -> Firing (held for `for` seconds of
// source time) -> Resolved (condition clear for `keep_firing_for` seconds, or
// an operator resolved it with a note). The hold is what stops a value
// hovering at the threshold from firing and resolving on every snapshot.
// An operator acknowledges a firing alert by name; the acknowledgement holds
// until the alert has been resolved longer than its hold, so a return soon
// after resolving does not ask for it again. Every change is emitted as an
// AlertTransition, so panels, drill sessions and chart annotations follow
// one stream. Time is always the snapshot's source time, never the wall clock.
#pragma once

#include "core/MetricsSnapshot.h"
#include "drills/AlertChecks.h"
#include "drills/AlertRule.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <limits>
#include <vector>

namespace pulsco {

enum class AlertState { Normal, Pending, Firing, Resolved };
QString toString(AlertState state);  // "normal", "pending", "firing", "resolved"

struct AlertStatus {
    AlertState state = AlertState::Normal;
    int occurrence = 0;  // counts firings of this rule; acks belong to one occurrence
    double pendingSince = 0;
    double firedAt = std::numeric_limits<double>::quiet_NaN();
    double resolvedAt = std::numeric_limits<double>::quiet_NaN();
    bool acknowledged = false;
    QString acknowledgedBy;
    double acknowledgedAt = std::numeric_limits<double>::quiet_NaN();
    QString resolvedBy;  // empty when the condition cleared by itself
    // While firing: when the condition last stopped holding (the hold runs
    // from here; NaN while it holds). The alert resolves at
    // clearingSince + keep_firing_for unless the condition returns first.
    double clearingSince = std::numeric_limits<double>::quiet_NaN();
    QString resolveNote;
    QString detail;  // the current value or the check's detail
};

struct AlertTransition {
    QString rule;
    AlertSeverity severity = AlertSeverity::Warning;
    AlertState from = AlertState::Normal;
    AlertState to = AlertState::Normal;
    double timeSeconds = 0;  // source time
    int occurrence = 0;
    QString who;  // set for acknowledge / manual resolve
    // A firing that kept the acknowledgement of the occurrence before it
    // (it came back within the hold after resolving): who had acknowledged.
    QString acknowledgedBy;
    QString note;  // resolve note
    QString detail;
};

// A fired alert as a span on a time axis: what dashboard charts draw.
struct AlertMarker {
    QString rule;
    AlertSeverity severity = AlertSeverity::Warning;
    int occurrence = 0;
    double firedAt = 0;
    double clearedAt = std::numeric_limits<double>::quiet_NaN();  // NaN while firing
};

class AlertEngine : public QObject {
    Q_OBJECT
public:
    explicit AlertEngine(QObject* parent = nullptr);
    explicit AlertEngine(std::vector<AlertRule> rules, QObject* parent = nullptr);

    void setRules(std::vector<AlertRule> rules);  // resets every state
    const std::vector<AlertRule>& rules() const { return m_rules; }
    const AlertRule* rule(const QString& name) const;
    const AlertStatus* status(const QString& name) const;
    AlertState state(const QString& name) const;
    QStringList firing() const;  // names of rules firing now, most severe first
    double lastTime() const { return m_lastTime; }

    // Evaluates every rule at the snapshot's source time.
    void evaluate(const MetricsSnapshot& snapshot);
    // Forgets all states (a new source starts its own clock).
    void reset();

    // Acknowledges the firing occurrence of `rule` at the last evaluated time.
    // False (nothing changes) when the rule is not firing, already acked, or
    // `who` is blank: an acknowledgement says who is on it.
    bool acknowledge(const QString& rule, const QString& who);
    // Marks the rule resolved by an operator. If its condition still holds,
    // the next evaluation starts a new occurrence (Pending again).
    bool resolve(const QString& rule, const QString& who, const QString& note);

    // Fire/clear spans so far (bounded to the last kMaxMarkers).
    const std::vector<AlertMarker>& markers() const { return m_markers; }
    static constexpr std::size_t kMaxMarkers = 500;

signals:
    void transitioned(const pulsco::AlertTransition& transition);
    void acknowledged(const pulsco::AlertTransition& transition);
    // A marker was added (fired) or closed (cleared); index into markers().
    void markerChanged(int index);
    void evaluated(double timeSeconds);

private:
    struct Slot {
        AlertStatus status;
        AlertCheckState check;
        int openMarker = -1;
    };
    void move(std::size_t index, AlertState to, double time, const QString& who = {},
              const QString& note = {});
    void openMarker(std::size_t index, double time);
    void closeMarker(std::size_t index, double time);

    std::vector<AlertRule> m_rules;
    std::vector<Slot> m_slots;
    std::vector<AlertMarker> m_markers;
    double m_lastTime = 0;
};

}  // namespace pulsco

Q_DECLARE_METATYPE(pulsco::AlertTransition)
