#include "simulator/engine/Environment.h"

#include <algorithm>

namespace pulsco::sim {

Release::Release(QueueConfig config, RatingModel model, bool defective_)
    : matcher(std::move(config), model)
    , defective(defective_) {}

Environment::Environment(Color color, const ServiceSpec& service, QueueConfig config,
                         RatingModel model)
    : m_color(color)
    , m_service(service)
    , m_model(model) {
    for (const auto& q : config.queues)
        m_queueNames.push_back(q.name);
    m_queueMatches.assign(config.queues.size(), 0);
    m_releases.push_back(std::make_unique<Release>(std::move(config), m_model, false));
}

std::size_t Environment::addRelease(QueueConfig config, bool defective) {
    m_releases.push_back(std::make_unique<Release>(std::move(config), m_model, defective));
    return m_releases.size() - 1;
}

void Environment::recordRequest(const ServiceOutcome& outcome) {
    ++m_metrics.requestsTotal;
    m_metrics.apiLatencyMs.record(outcome.latencyMs);
    m_recent.recordRequest(m_second, outcome.latencyMs, !outcome.ok());
    if (!outcome.ok()) {
        ++m_metrics.errorsTotal;
        ++m_metrics.errorsByCode[errorCodeName(outcome.code)];
    }
}

void Environment::recordTicketCreated() {
    ++m_metrics.tickets.created;
    m_recent.recordTicketCreated(m_second);
}

void Environment::recordWait(double seconds) {
    m_metrics.ticketWaitSeconds.record(seconds);
    m_recent.recordWait(m_second, seconds);
}

void Environment::recordMatch(int queue, double quality, bool twoTeams,
                              double team0WinProbability) {
    ++m_metrics.matchesTotal;
    m_recent.recordMatch(m_second);
    m_metrics.matchQuality.record(quality);
    if (queue >= 0 && static_cast<std::size_t>(queue) < m_queueMatches.size())
        ++m_queueMatches[static_cast<std::size_t>(queue)];
    if (twoTeams) {
        ++m_metrics.twoTeamMatches;
        if (team0WinProbability >= 0.4 && team0WinProbability <= 0.6)
            ++m_metrics.balancedMatches;
    }
}

void Environment::advanceSecond() {
    ++m_second;
}

void Environment::resetMetrics() {
    EnvironmentMetrics fresh;
    fresh.tickets.created = static_cast<std::uint64_t>(searchingTickets());
    m_metrics = std::move(fresh);
    std::fill(m_queueMatches.begin(), m_queueMatches.end(), 0);
    m_recent.clear();
}

int Environment::searchingTickets() const {
    int n = 0;
    for (const auto& r : m_releases)
        n += r->matcher.searchingTickets();
    return n;
}

EnvironmentMetrics Environment::snapshot(double now, int weightPercent) const {
    EnvironmentMetrics m = m_metrics;
    m.requestedWeightPercent = weightPercent;  // the engine's own setting, read back
    m.tickets.searching = static_cast<std::uint64_t>(searchingTickets());
    m_recent.fill(m, m_second);
    m.queues.clear();
    for (std::size_t q = 0; q < m_queueNames.size(); ++q) {
        QueueSnapshot qs;
        qs.name = m_queueNames[q];
        qs.matchesTotal = m_queueMatches[q];
        m.queues.push_back(qs);
    }
    for (const auto& r : m_releases) {
        for (const QueueStatus& status : r->matcher.queueStatus(now)) {
            for (auto& qs : m.queues) {
                if (qs.name != status.name)
                    continue;
                qs.depth += static_cast<std::uint64_t>(status.depth);
                qs.playersSearching += static_cast<std::uint64_t>(status.playersSearching);
                qs.oldestWaitSeconds = std::max(qs.oldestWaitSeconds, status.oldestWaitSeconds);
            }
        }
    }
    return m;
}

}  // namespace pulsco::sim
