#include "simulator/engine/LivePlayers.h"

#include <algorithm>
#include <cmath>

namespace pulsco {

const char* toString(LoadEndpoint endpoint) {
    switch (endpoint) {
    case LoadEndpoint::CreateTicket:
        return "POST /v1/tickets";
    case LoadEndpoint::GetTicket:
        return "GET /v1/tickets/{id}";
    case LoadEndpoint::CancelTicket:
        return "DELETE /v1/tickets/{id}";
    case LoadEndpoint::ReportResult:
        return "POST /v1/matches/{id}/result";
    }
    return "?";
}

LivePlayers::LivePlayers(const Scenario& scenario, LoadPort& port, std::string runTag)
    : m_scenario(scenario)
    , m_port(port)
    , m_runTag(std::move(runTag))
    , m_population(scenario.population, scenario.queues,
                   sim::makeStream(scenario.seed, sim::Stream::Population))
    , m_rng(sim::makeStream(scenario.seed, sim::Stream::Sessions)) {
    m_parties.resize(m_population.parties.size());
    m_offline.reserve(m_parties.size());
    for (std::uint32_t i = 0; i < m_parties.size(); ++i)
        m_offline.push_back(i);
    for (int c = 0; c < 2; ++c)
        m_env[static_cast<std::size_t>(c)].requestedWeightPercent =
            c == 1 ? scenario.traffic.greenWeightPercent
                   : 100 - scenario.traffic.greenWeightPercent;
}

double LivePlayers::targetOnline(double nowMs) const {
    const auto& curve = m_scenario.population.online;
    if (curve.empty())
        return m_scenario.population.players;
    const double t = nowMs / 1000.0;
    if (t <= curve.front().atSeconds)
        return curve.front().players;
    for (std::size_t i = 1; i < curve.size(); ++i)
        if (t <= curve[i].atSeconds) {
            const OnlinePoint& a = curve[i - 1];
            const OnlinePoint& b = curve[i];
            const double f = (t - a.atSeconds) / std::max(1e-9, b.atSeconds - a.atSeconds);
            return a.players + f * (b.players - a.players);
        }
    return curve.back().players;
}

double LivePlayers::runDue(double nowMs) {
    if (m_stopped)
        return nowMs + 1000;
    // Logins follow the online curve; each newcomer's first enqueue is
    // spread over one poll interval so a start is not one burst.
    const double spreadMs = m_scenario.population.pollIntervalSeconds * 1000.0;
    while (!m_offline.empty() && static_cast<double>(m_onlinePlayers) < targetOnline(nowMs)) {
        const std::size_t pick = m_rng.below(static_cast<std::uint32_t>(m_offline.size()));
        const std::uint32_t party = m_offline[pick];
        m_offline[pick] = m_offline.back();
        m_offline.pop_back();
        m_parties[party].online = true;
        m_onlinePlayers += m_population.parties[party].size;
        m_peakOnline = std::max(m_peakOnline, m_onlinePlayers);
        schedule(party, nowMs + m_rng.uniform(0, spreadMs));
    }
    while (!m_due.empty() && m_due.top().atMs <= nowMs) {
        const Due due = m_due.top();
        m_due.pop();
        if (due.generation == m_parties[due.party].generation)
            act(due.party, due.atMs);
        if (m_stopped)
            break;
    }
    return m_due.empty() ? nowMs + 10 : m_due.top().atMs;
}

void LivePlayers::schedule(std::uint32_t party, double atMs) {
    m_due.push({atMs, party, m_parties[party].generation});
}

void LivePlayers::act(std::uint32_t party, double intendedMs) {
    LiveParty& p = m_parties[party];
    if (!p.online || p.busy)
        return;
    if (p.searching)
        poll(party, intendedMs);
    else
        enqueue(party, intendedMs);
}

void LivePlayers::enqueue(std::uint32_t party, double intendedMs) {
    LiveParty& p = m_parties[party];
    const sim::Party& shape = m_population.parties[party];
    p.queue = m_population.pickQueue(shape.size, m_rng);
    if (p.queue < 0) {
        p.online = false;  // no queue takes a party of this size
        return;
    }
    p.color =
        m_rng.chance(m_scenario.traffic.greenWeightPercent / 100.0) ? Color::Green : Color::Blue;
    std::vector<LoadMember> members(shape.size);
    for (std::uint32_t i = 0; i < shape.size; ++i) {
        const std::uint32_t player = shape.firstPlayer + i;
        LoadMember& m = members[i];
        m.id = m_runTag + "-p" + std::to_string(player);
        m.mu = m_population.players[player].rating.mu;
        m.sigma = m_population.players[player].rating.sigma;
        for (int r = 0; r < m_population.regionCount; ++r)
            m.pings.emplace_back(m_scenario.queues.regions[static_cast<std::size_t>(r)],
                                 m_population.ping(player, r));
    }
    p.busy = true;
    ++m_inFlight;
    const std::uint32_t generation = ++p.generation;
    m_port.createTicket(p.color, intendedMs,
                        m_scenario.queues.queues[static_cast<std::size_t>(p.queue)].name, members,
                        [this, party, generation, intendedMs](const LoadReply& reply) {
                            --m_inFlight;
                            // Behind a load balancer the server that took the
                            // ticket is its owner: its figures and follow-ups
                            // are that colour's.
                            if (reply.answeredBy && m_parties[party].generation == generation)
                                m_parties[party].color = *reply.answeredBy;
                            record(LoadEndpoint::CreateTicket, m_parties[party].color, reply);
                            if (m_parties[party].generation == generation)
                                onEnqueued(party, reply);
                            (void)intendedMs;
                        });
}

void LivePlayers::onEnqueued(std::uint32_t party, const LoadReply& reply) {
    LiveParty& p = m_parties[party];
    p.busy = false;
    ++p.generation;
    const double now = m_port.nowMs();
    if (reply.ok()) {
        // Counted even after stop(): the ledger must hold every ticket the
        // server acknowledged to us.
        ++m_env[indexOf(p.color)].tickets.created;
        m_acked[indexOf(p.color)].push_back(reply.ticketId);
    }
    if (m_stopped)
        return;
    if (!reply.ok()) {
        schedule(party, now + m_scenario.population.retrySeconds * 1000.0);
        return;
    }
    p.ticket = reply.ticketId;
    p.searching = true;
    p.searchStartMs = now;
    // Lognormal patience around its median, like the in-process players.
    p.patienceMs =
        m_scenario.population.patienceMeanSeconds * 1000.0 * std::exp(m_rng.normal(0.0, 0.5));
    p.nextPollMs = now + m_scenario.population.pollIntervalSeconds * 1000.0;
    schedule(party, p.nextPollMs);
}

void LivePlayers::poll(std::uint32_t party, double intendedMs) {
    LiveParty& p = m_parties[party];
    p.busy = true;
    ++m_inFlight;
    const std::uint32_t generation = ++p.generation;
    if (intendedMs - p.searchStartMs > p.patienceMs) {
        m_port.cancelTicket(p.color, intendedMs, p.ticket,
                            [this, party, generation](const LoadReply& reply) {
                                --m_inFlight;
                                LiveParty& q = m_parties[party];
                                record(LoadEndpoint::CancelTicket, q.color, reply);
                                if (q.generation != generation)
                                    return;
                                q.busy = false;
                                if (reply.ok())
                                    ++m_env[indexOf(q.color)].tickets.cancelled;
                                q.searching = false;
                                rest(party, m_port.nowMs(), m_scenario.population.breakMeanSeconds);
                            });
        return;
    }
    m_port.getTicket(p.color, intendedMs, p.ticket,
                     [this, party, generation](const LoadReply& reply) {
                         --m_inFlight;
                         record(LoadEndpoint::GetTicket, m_parties[party].color, reply);
                         if (m_parties[party].generation == generation)
                             onPolled(party, reply);
                     });
}

void LivePlayers::onPolled(std::uint32_t party, const LoadReply& reply) {
    LiveParty& p = m_parties[party];
    p.busy = false;
    ++p.generation;
    if (m_stopped)
        return;
    EnvironmentMetrics& env = m_env[indexOf(p.color)];
    const double now = m_port.nowMs();
    if (reply.ok() && reply.state == "matched") {
        ++env.tickets.matched;
        env.ticketWaitSeconds.record(reply.waitMs / 1000.0);
        p.searching = false;
        // The first party to see a match reports its result (winner drawn
        // at random): a second report would only earn a 409.
        if (!reply.matchId.empty() && m_reportedMatches.insert(reply.matchId).second) {
            ++env.matchesTotal;
            ++m_inFlight;
            const Color color = p.color;
            m_port.reportResult(color, now, reply.matchId, m_rng.chance(0.5) ? 1 : 0,
                                [this, color](const LoadReply& r) {
                                    --m_inFlight;
                                    record(LoadEndpoint::ReportResult, color, r);
                                });
        }
        rest(party, now, m_scenario.population.breakMeanSeconds);
        return;
    }
    if (reply.ok() && (reply.state == "expired" || reply.state == "cancelled")) {
        if (reply.state == "expired")
            ++env.tickets.expired;
        p.searching = false;
        rest(party, now, m_scenario.population.breakMeanSeconds);
        return;
    }
    // Still searching (or the poll failed): the next poll keeps its planned
    // time, even if that is already past, so a slow answer cannot thin out
    // the load it is measured under (no coordinated omission).
    p.nextPollMs += m_scenario.population.pollIntervalSeconds * 1000.0;
    schedule(party, p.nextPollMs);
}

void LivePlayers::rest(std::uint32_t party, double fromMs, double meanSeconds) {
    // A live server's matches have no duration to wait out: players take
    // their break and queue again, which keeps the load steady.
    schedule(party, fromMs + m_rng.exponential(meanSeconds) * 1000.0);
}

void LivePlayers::record(LoadEndpoint endpoint, Color color, const LoadReply& reply) {
    EndpointFigures& e = m_endpoints[static_cast<std::size_t>(endpoint)];
    EnvironmentMetrics& env = m_env[indexOf(color)];
    ++e.requests;
    ++env.requestsTotal;
    e.latencyMs.record(reply.latencyMs);
    env.apiLatencyMs.record(reply.latencyMs);
    env.recentApiLatencyMs.record(reply.latencyMs);
    ++env.recentRequests;
    // As in-process: errors are 5xx answers and requests never answered.
    if (!reply.failure.empty() || reply.status >= 500) {
        ++e.errors;
        ++env.errorsTotal;
        ++env.recentErrors;
        ++env.errorsByCode[reply.failure.empty() ? std::to_string(reply.status) : reply.failure];
    }
}

EnvironmentMetrics LivePlayers::total() const {
    EnvironmentMetrics t;
    for (const EnvironmentMetrics& m : m_env)
        mergeInto(t, m);
    return t;
}

RunSummary LivePlayers::summary(double wallSeconds) const {
    RunSummary s;
    s.scenario = m_scenario.name;
    s.seed = m_scenario.seed;
    s.simulatedSeconds = wallSeconds;
    s.players = m_scenario.population.players;
    s.concurrentPlayersPeak = m_peakOnline;
    s.total = figuresOf(total());
    s.blue = figuresOf(m_env[0]);
    s.green = figuresOf(m_env[1]);
    for (ScopeFigures* f : {&s.total, &s.blue, &s.green})
        f->tickets.searching =
            f->tickets.created -
            std::min(f->tickets.created,
                     f->tickets.matched + f->tickets.expired + f->tickets.cancelled);
    MetricsSnapshot figures;
    figures.concurrentPlayersPeak = m_peakOnline;
    figures.total = total();
    figures.blue = m_env[0];
    figures.green = m_env[1];
    s.judge(m_scenario.thresholds, figures);
    return s;
}

}  // namespace pulsco
