// One color of the deployment (blue = stable, green = candidate): its API
// service model, its matchmakers (the release in service, plus any release
// still draining after a switch, e.g. a bad release) and its metrics, both
// cumulative and over the last 60 simulated seconds.
#pragma once

#include "core/Matchmaker.h"
#include "core/MetricsSnapshot.h"
#include "core/RecentWindow.h"
#include "simulator/engine/ServiceModel.h"

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace pulsco::sim {

// A matchmaker running one queue config, and whose tickets it holds.
struct Release {
    Release(QueueConfig config, RatingModel model, bool defective);
    Matchmaker matcher;
    bool defective = false;
    std::unordered_map<TicketId, std::uint32_t> partyOfTicket;  // lookups only, never iterated
};

class Environment {
public:
    Environment(Color color, const ServiceSpec& service, QueueConfig config, RatingModel model);

    Color color() const { return m_color; }
    ServiceModel& service() { return m_service; }
    std::vector<std::unique_ptr<Release>>& releases() { return m_releases; }
    const std::vector<std::unique_ptr<Release>>& releases() const { return m_releases; }
    Release& active() { return *m_releases[m_active]; }
    std::size_t activeIndex() const { return m_active; }
    void setActive(std::size_t index) { m_active = index; }
    // Adds a release (e.g. a defective one) and returns its index.
    std::size_t addRelease(QueueConfig config, bool defective);

    // Metrics; counted here so every figure has one home.
    void recordRequest(const ServiceOutcome& outcome);
    void recordWait(double seconds);
    void recordTicketCreated();  // a ticket queued: counted and in the recent window
    void recordMatch(int queue, double quality, bool twoTeams, double team0WinProbability);
    EnvironmentMetrics& metrics() { return m_metrics; }

    // Moves the recent window on by one simulated second.
    void advanceSecond();
    // Forgets what was measured (after warmup); tickets still searching are
    // carried over as "created" so conservation keeps holding.
    void resetMetrics();

    int searchingTickets() const;
    // Cumulative metrics plus the recent window and queue status at `now`.
    EnvironmentMetrics snapshot(double now, int weightPercent) const;

private:
    Color m_color;
    ServiceModel m_service;
    RatingModel m_model;
    std::vector<std::unique_ptr<Release>> m_releases;
    std::size_t m_active = 0;
    EnvironmentMetrics m_metrics;
    std::vector<std::uint64_t> m_queueMatches;
    std::vector<std::string> m_queueNames;
    RecentWindow m_recent;
    std::int64_t m_second = 0;  // simulated seconds counted by advanceSecond()
};

}  // namespace pulsco::sim
