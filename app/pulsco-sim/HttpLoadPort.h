// The simulator's LoadPort over net/load's HTTP client: builds the API's
// request bodies and reads its answers. Lives in app/ because it is the one
// place allowed to see both simulator/ and net/.
#pragma once

#include "net/load/HttpLoadClient.h"
#include "simulator/engine/LoadPort.h"

#include <array>
#include <vector>

namespace pulsco {

class HttpLoadPort : public LoadPort {
public:
    // colorTargets[c]: indexes of the client's targets serving color c
    // (0 blue, 1 green); requests of a color rotate over them.
    HttpLoadPort(HttpLoadClient& client, std::array<std::vector<int>, 2> colorTargets);

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
};

}  // namespace pulsco
