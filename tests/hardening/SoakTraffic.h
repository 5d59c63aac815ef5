// The mixed traffic of the soak and idle-connection suites, one planner per
// run: create tickets (duel-1v1, which match, and hold-1v1, which wait and
// are cancelled later, a few per connection at most, so the number of
// searching tickets stays level), get tickets, cancel, stats and metrics,
// plus a few requests that must fail
// (an unknown ticket: 404; a malformed body: 400). Every request carries the
// status it must get: any other answer is an error of the server.
#pragma once

#include "HardeningQueues.h"
#include "OpenModelLoad.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <deque>
#include <memory>
#include <vector>

class SoakTraffic {
public:
    // `prefix` keeps the players of two runs on one server apart.
    explicit SoakTraffic(int connections, QByteArray prefix = "s")
        : m_state(std::make_shared<std::vector<PerConnection>>(std::size_t(connections)))
        , m_prefix(std::move(prefix)) {}

    OpenModelLoad::Planner planner() {
        return [state = m_state, players = m_players,
                prefix = m_prefix](int c, std::mt19937& random) mutable {
            PerConnection& me = (*state)[std::size_t(c)];
            const int roll = int(random() % 100);
            const auto create = [&](bool hold) {
                const qulonglong n = ++*players;
                const QByteArray player = prefix + QByteArray::number(n);
                // hold-1v1 players get ratings 0.002 apart: no two ever match.
                const QByteArray body =
                    hold ? soloTicketBody("hold-1v1", player, 1 + double(n % 499000) * 0.002)
                         : soloTicketBody("duel-1v1", player);
                PlannedRequest r{hold ? "create_hold" : "create_duel",
                                 PipelinedConnection::request("POST", "/v1/tickets", body), 201,
                                 nullptr};
                r.onAnswer = [state, c, hold](const LoadAnswer& a) {
                    const QByteArray id = QJsonDocument::fromJson(a.body)
                                              .object()
                                              .value(QLatin1String("ticket_id"))
                                              .toString()
                                              .toUtf8();
                    if (a.status != 201 || id.isEmpty())
                        return;
                    PerConnection& me = (*state)[std::size_t(c)];
                    me.known.push_back(id);
                    if (me.known.size() > 64)
                        me.known.pop_front();
                    if (hold)
                        me.held.push_back(id);
                };
                return r;
            };
            if (roll < 20)
                return create(false);
            if (roll < 40) {
                // Hold up to kHeldPerConnection tickets, then cancel the
                // oldest: the searching population stays level. (Picking
                // create or cancel at random made it a random walk that grew
                // with the square root of time, and the server's memory with it.)
                if (me.held.size() < kHeldPerConnection)
                    return create(true);
                const QByteArray id = me.held.front();
                me.held.pop_front();
                return PlannedRequest{"cancel",
                                      PipelinedConnection::request("DELETE", "/v1/tickets/" + id),
                                      200, nullptr};
            }
            if (roll < 70 && !me.known.empty()) {
                const QByteArray id = me.known[std::size_t(random()) % me.known.size()];
                return PlannedRequest{"get_ticket",
                                      PipelinedConnection::request("GET", "/v1/tickets/" + id), 200,
                                      nullptr};
            }
            if (roll < 85)
                return PlannedRequest{"stats", PipelinedConnection::request("GET", "/v1/stats"),
                                      200, nullptr};
            if (roll < 98)
                return PlannedRequest{"metrics", PipelinedConnection::request("GET", "/metrics"),
                                      200, nullptr};
            if (roll < 99)
                return PlannedRequest{
                    "provoked_404",
                    PipelinedConnection::request("GET", "/v1/tickets/t999999999999"), 404, nullptr};
            return PlannedRequest{
                "provoked_400",
                PipelinedConnection::request("POST", "/v1/tickets", R"({"queue":"duel-1v1"})"), 400,
                nullptr};
        };
    }

private:
    // Answers arrive after later requests were planned, so a connection may
    // briefly have a few more tickets searching than this.
    static constexpr std::size_t kHeldPerConnection = 4;
    struct PerConnection {
        std::deque<QByteArray> known;  // recent tickets of this connection
        std::deque<QByteArray> held;   // hold-1v1 tickets not yet cancelled
    };
    std::shared_ptr<std::vector<PerConnection>> m_state;
    QByteArray m_prefix;
    // One counter for every run in the process: the prefix keeps player ids
    // apart, but hold-1v1 ratings come from the counter, and two runs on one
    // server (tst_idleconnections: alone, then crowded) starting both at 1
    // gave held tickets of equal rating that matched each other.
    static std::shared_ptr<qulonglong> processWidePlayerCounter() {
        static const auto counter = std::make_shared<qulonglong>(0);
        return counter;
    }
    std::shared_ptr<qulonglong> m_players = processWidePlayerCounter();
};
