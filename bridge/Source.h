// The one interface every console page binds to. Implemented by the embedded
// simulator (simulator/SimulatorSource) and by live servers (net/LiveSource).
// Snapshots and events flow out as signals; commands flow in as calls.
#pragma once

#include "core/Fault.h"
#include "core/LogEvent.h"
#include "core/MetricsSnapshot.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace pulsco {

using SnapshotPtr = std::shared_ptr<const MetricsSnapshot>;
using LogEventBatch = std::shared_ptr<const std::vector<LogEvent>>;

class Source : public QObject {
    Q_OBJECT
public:
    enum class Kind { Simulator, Live };
    Q_ENUM(Kind)
    enum class State { Starting, Running, Paused, Stale, Stopped, Failed };
    Q_ENUM(State)

    // What the controls of a page may offer for this source.
    struct Capabilities {
        bool speedControl = false;     // pause/resume/step/speed
        bool faults = false;           // inject/clear faults
        bool trafficWeight = false;    // blue/green weight
        bool scenarios = false;        // load another scenario, population size
        QString faultsDisabledReason;  // shown when faults == false
    };

    using QObject::QObject;
    ~Source() override = default;

    virtual Kind kind() const = 0;
    virtual QString displayName() const = 0;  // "Simulator · baseline-1000"
    // Who produced the evidence, for the audit trail: each live server's
    // colour, URL and the identity it reports; "" for the simulator, whose
    // displayName says it all.
    virtual QString serverIdentities() const { return {}; }
    virtual State state() const = 0;
    virtual Capabilities capabilities() const = 0;
    virtual SnapshotPtr latestSnapshot() const = 0;  // may be null before the first
    // The bound the source's own run keeps `figure` below. The figure is a
    // MetricExpression over the last 60 s, such as "p(95)(ticket_wait_s)",
    // which a simulator scenario's "ticket_wait_p95_s": "<90" bounds at 90
    // (core/ThresholdMetrics.h). Nullopt when the source sets none (live
    // servers), and pages show their default bar.
    virtual std::optional<double> upperBound(const QString& /*figure*/) const {
        return std::nullopt;
    }

    // Commands. Asynchronous: effects show in later snapshots; a refused
    // command emits commandFailed with a reason a person can act on.
    virtual void start() = 0;
    virtual void stop() = 0;
    virtual void pause() {}
    virtual void resume() {}
    virtual void step() {}
    virtual void setSpeed(double /*simSecondsPerWallSecond; 0 = max*/) {}
    virtual void injectFault(const FaultSpec& fault) = 0;
    virtual void clearFaults() = 0;
    virtual void setTrafficWeight(int greenPercent) = 0;
    // A traffic controller outside the source (HAProxy, a webhook's switch,
    // an operator) has read back this green weight as in effect. A live
    // source reports it beside the measured share (`requested_weight`); a
    // source that moves traffic itself reports its own setting instead.
    virtual void noteAppliedWeight(int /*greenPercent*/) {}
    virtual void rollback() { setTrafficWeight(0); }

    // Remedies an on-call engineer applies (the drills' actions, issue 22).
    // Each does what it says on `color` (or both colours), or emits
    // commandFailed saying plainly why this source cannot.
    // Restarts the matchmaker loop; searching tickets survive.
    virtual void restartMatcher(std::optional<Color> color);
    // Switches the store to its standby.
    virtual void failoverStore(std::optional<Color> color);
    // Adds API capacity.
    virtual void scaleOut();
    // Sheds `region`: no match is placed there and its players are sent to
    // their nearest other region (shed = false puts it back in service).
    // Snapshots then report the region `shed`, read from the servers.
    virtual void shedRegion(const QString& region, bool shed);

signals:
    void snapshotReady(pulsco::SnapshotPtr snapshot);
    void eventsReady(pulsco::LogEventBatch events);
    void stateChanged(pulsco::Source::State state);
    void commandFailed(const QString& command, const QString& reason);
    // A remedy the source carried out, with what it measured doing it (e.g.
    // "blue http://…: 222 searching tickets queued again from the store, 0
    // expired, 14 ms"), for the drill's timeline.
    void commandDone(const QString& command, const QString& outcome);
};

}  // namespace pulsco

Q_DECLARE_METATYPE(pulsco::SnapshotPtr)
Q_DECLARE_METATYPE(pulsco::LogEventBatch)
