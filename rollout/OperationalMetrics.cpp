#include "rollout/OperationalMetrics.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace pulsco {

OperationalMetrics computeOperationalMetrics(const std::vector<AuditEntry>& trail,
                                             const QString& environment) {
    struct Work {
        RolloutOutcome o;
        double startedAt = 0;    // source time of the start
        double weightSince = 0;  // source time the current weight was confirmed
        double rollbackAt = -1;
        bool done = false;
    };
    std::map<qint64, Work> byRollout;
    for (const AuditEntry& e : trail) {
        if (e.rollout <= 0)
            continue;
        Work& w = byRollout[e.rollout];
        w.o.rollout = e.rollout;
        if (e.kind == audit::kRolloutStarted) {
            w.o.startedMs = e.atMs;
            w.o.outcome = u"in progress"_s;
            w.o.environment = e.environment;
            w.startedAt = e.sourceTimeSeconds;
            w.weightSince = e.sourceTimeSeconds;
        } else if (e.kind == audit::kWeightConfirmed) {
            const int weight = e.subject.toInt();
            if (w.rollbackAt >= 0 && weight == 0 && !w.o.rollbackSeconds) {
                w.o.rollbackSeconds = std::max(0.0, e.sourceTimeSeconds - w.rollbackAt);
            } else if (w.rollbackAt < 0) {
                w.weightSince = e.sourceTimeSeconds;
            }
        } else if (e.kind == audit::kRollback && w.rollbackAt < 0) {
            w.rollbackAt = e.sourceTimeSeconds;
            // From the fault's onset or the first window in which the
            // trigger held (RolloutSession::addDetectionStart), never before
            // the rollout began; rows without either (older trails, an
            // operator's rollback with no known fault) from the weight change.
            const QJsonObject evidence = QJsonDocument::fromJson(e.evidence).object();
            const QJsonValue from = evidence.value(u"detect_from_s"_s);
            const double since =
                from.isDouble() ? std::max(from.toDouble(), w.startedAt) : w.weightSince;
            w.o.detectFrom =
                from.isDouble() ? evidence.value(u"detect_from"_s).toString() : u"weight change"_s;
            w.o.detectSeconds = std::max(0.0, e.sourceTimeSeconds - since);
            w.o.cause = e.note;
            if (w.o.outcome != u"aborted")
                w.o.outcome = u"rolled back"_s;
        } else if (e.kind == audit::kAborted) {
            w.o.outcome = u"aborted"_s;
            w.o.cause = e.note;
        } else if (e.kind == audit::kPromoted) {
            w.o.outcome = u"promoted"_s;
        }
    }
    OperationalMetrics m;
    double detectSum = 0, rollbackSum = 0;
    int detectN = 0, rollbackN = 0;
    qint64 firstMs = 0, lastMs = 0;
    for (auto& [id, w] : byRollout) {
        if (w.o.startedMs == 0)
            continue;  // rows without their start (should not happen)
        if (!environment.isEmpty() && w.o.environment != environment)
            continue;
        ++m.started;
        firstMs = firstMs ? std::min(firstMs, w.o.startedMs) : w.o.startedMs;
        lastMs = std::max(lastMs, w.o.startedMs);
        if (w.o.outcome == u"promoted")
            ++m.promoted;
        else if (w.o.outcome == u"rolled back" || w.o.outcome == u"aborted")
            ++m.failed;
        if (w.o.detectSeconds && w.o.outcome == u"rolled back") {
            detectSum += *w.o.detectSeconds;
            ++detectN;
        }
        if (w.o.rollbackSeconds) {
            rollbackSum += *w.o.rollbackSeconds;
            ++rollbackN;
        }
        m.rollouts.push_back(w.o);
    }
    if (m.started > 0) {
        constexpr double kWeekMs = 7.0 * 86400 * 1000;
        const double weeks = std::max(1.0, double(lastMs - firstMs) / kWeekMs);
        m.deploymentsPerWeek = m.promoted / weeks;
    }
    if (m.promoted + m.failed > 0)
        m.changeFailureRate = double(m.failed) / double(m.promoted + m.failed);
    if (detectN)
        m.meanTimeToDetectSeconds = detectSum / detectN;
    if (rollbackN)
        m.meanTimeToRollBackSeconds = rollbackSum / rollbackN;
    return m;
}

QString formatMetricSeconds(std::optional<double> seconds) {
    return seconds ? QString::number(*seconds, 'f', 0) + u" s"_s : u"—"_s;
}

}  // namespace pulsco
