// The simulator's LoadPort over net/load's HTTP client: builds the API's
// request bodies and reads its answers. Lives in app/ because it is the one
// place allowed to see both simulator/ and net/.
#pragma once

#include "net/load/HttpLoadClient.h"
#include "simulator/engine/LoadPort.h"

#include <array>
#include <cstdint>
#include <vector>

namespace pulsco {

// The colour an id's prefix names: "green-t4" -> green; nullopt for an id
// of before prefixes ("t4") or of a server called otherwise.
std::optional<Color> colorOfId(const std::string& id);

class HttpLoadPort : public LoadPort {
public:
    // colorTargets[c]: indexes of the client's targets serving color c
    // (0 blue, 1 green); requests of a color rotate over them.
    HttpLoadPort(HttpLoadClient& client, std::array<std::vector<int>, 2> colorTargets);
    // Behind a load balancer (pulsco-sim --balancer): every request goes to
    // the client's one target, the balancer picks the server, and each
    // answer's id prefix ("green-t4") says which server answered.
    struct Balancer {};
    HttpLoadPort(HttpLoadClient& client, Balancer);

    // Balancer mode: answers per server as the ids told (2xx answers with
    // an id of blue or green), and the rest (errors, timeouts, ids of a
    // server named otherwise): index 0 blue, 1 green, 2 unattributed.
    struct AnsweredBy {
        std::array<std::uint64_t, 3> answers{};
        std::array<std::uint64_t, 3> ticketsCreated{};
    };
    const AnsweredBy& answeredBy() const { return m_answeredBy; }

    void createTicket(Color color, double intendedMs, const std::string& queue,
                      const std::vector<LoadMember>& party, Callback done) override;
    void getTicket(Color color, double intendedMs, const std::string& ticketId,
                   Callback done) override;
    void cancelTicket(Color color, double intendedMs, const std::string& ticketId,
                      Callback done) override;
    void reportResult(Color color, double intendedMs, const std::string& matchId, int winnerTeam,
                      Callback done) override;
    double nowMs() const override { return m_client.nowMs(); }

private:
    int target(Color color);
    void send(Color color, double intendedMs, const QByteArray& method, const QByteArray& path,
              const QByteArray& body, Callback done);
    HttpLoadClient& m_client;
    std::array<std::vector<int>, 2> m_colorTargets;
    std::array<std::size_t, 2> m_next{};
    bool m_balancer = false;
    AnsweredBy m_answeredBy;
};

}  // namespace pulsco
