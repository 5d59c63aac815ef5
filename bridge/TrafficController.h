// Whatever moves live traffic between blue and green: the simulator (its
// players follow the weight), a load balancer (HAProxy over its runtime
// API), a webhook to the operator's own switch, or a person who confirms by
// hand. The rollout session asks for a weight and counts a step as applied
// only when the controller has read the weight back from the thing that
// routes the traffic (or, for the manual controller, a named operator has
// confirmed it). What the traffic then really does is measured apart, from
// request counters (`traffic_weight`), never taken from here.
#pragma once

#include <QObject>
#include <QString>

#include <cstdint>
#include <optional>

namespace pulsco {

// What a load balancer counted per colour, cumulative since it started. The
// rollout session turns two readings into a share over its trigger window.
struct BalancerCounters {
    double atWallMs = 0;                 // when read (wall clock, ms since epoch)
    std::uint64_t blueRequests = 0;      // HTTP requests the balancer sent to blue
    std::uint64_t greenRequests = 0;     // ... to green
    std::uint64_t blueConnections = 0;   // connections open to blue now
    std::uint64_t greenConnections = 0;  // ... to green
    int blueWeight = -1;                 // weights in effect as read, -1 unknown
    int greenWeight = -1;
};

class TrafficController : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~TrafficController() override = default;

    // "simulator", "haproxy", "webhook", "manual": audit rows and settings.
    virtual QString kindName() const = 0;
    // One line for the page and the audit trail: "HAProxy 127.0.0.1:9999,
    // backend pulsco, servers blue / green".
    virtual QString describe() const = 0;

    // Asks for green's share of new traffic, 0..100. Never blocks. The answer
    // is exactly one of weightApplied / weightFailed for this weight; a newer
    // request supersedes one still in flight (only the newer one answers).
    virtual void requestWeight(int greenPercent) = 0;
    // Back to blue at once: weight 0, and whatever keeps traffic on green
    // after that (long-lived connections) is drained. Answers like
    // requestWeight(0).
    virtual void rollback() { requestWeight(0); }

    // A person must confirm the switch (manual controller only).
    virtual bool needsConfirmation() const { return false; }
    // The operator says the weight asked for is in effect. Manual controller
    // only; the others refuse (false, *error says why).
    virtual bool confirm(const QString& actor, QString* error) {
        Q_UNUSED(actor);
        if (error)
            *error = QStringLiteral("%1 reads the weight back itself").arg(kindName());
        return false;
    }

    // The weight last read back (-1 before any).
    virtual int appliedWeight() const { return m_applied; }
    // Adds serving capacity: a spare server of blue's release joins blue's
    // pool (a drill's "scale out"). Answers with exactly one of scaledOut
    // (with the read-back) or scaleOutFailed; green's share stays what it
    // was. Only controllers that manage a pool can; the rest say so.
    virtual void scaleOut() {
        emit scaleOutFailed(
            QStringLiteral("the %1 controller cannot add a server: it moves traffic between blue "
                           "and green only")
                .arg(kindName()));
    }

signals:
    // `readBack` is the evidence, kept in the audit trail: what the
    // controller read from the router ("get weight pulsco/green: 10 ...").
    void weightApplied(int greenPercent, const QString& readBack);
    void weightFailed(int greenPercent, const QString& reason);
    void scaledOut(const QString& readBack);
    void scaleOutFailed(const QString& reason);
    // A load balancer's counters, read every few seconds while connected.
    void countersRead(const pulsco::BalancerCounters& counters);

protected:
    void reportApplied(int greenPercent, const QString& readBack) {
        m_applied = greenPercent;
        emit weightApplied(greenPercent, readBack);
    }

private:
    int m_applied = -1;
};

}  // namespace pulsco
