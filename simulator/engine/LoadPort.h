// The port through which synthetic players reach a live matchmaking API.
// The simulator only knows this interface; net/load implements it over HTTP
// and app/pulsco-sim wires the two together (simulator/ never includes net/).
#pragma once

#include "core/Color.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pulsco {

enum class LoadEndpoint : std::uint8_t { CreateTicket, GetTicket, CancelTicket, ReportResult };
inline constexpr int kLoadEndpointCount = 4;
const char* toString(LoadEndpoint endpoint);  // "POST /v1/tickets", ...

struct LoadMember {
    std::string id;
    double mu = 25, sigma = 25.0 / 3.0;
    std::vector<std::pair<std::string, int>> pings;  // region, ms
};

// What came back, timed by the transport from the *intended* send time (so
// a late send counts against the server, not silently dropped).
struct LoadReply {
    int status = 0;        // HTTP status; 0 = no answer (see failure)
    std::string failure;   // "timeout", "connection", "" when answered
    double latencyMs = 0;  // intended send -> last byte of the answer
    std::string ticketId;  // POST/GET/DELETE ticket answers
    std::string state;     // "searching", "matched", "expired", "cancelled"
    std::string matchId;   // when matched
    double waitMs = 0;     // ticket wait as the server counts it
    // The colour of the server that answered, when the answer says so (a
    // load balancer chose it: the id's prefix, "green-t4"); else nullopt
    // and the colour asked for is the one that answered.
    std::optional<Color> answeredBy;
    bool ok() const { return status >= 200 && status < 300; }
};

class LoadPort {
public:
    using Callback = std::function<void(const LoadReply&)>;
    virtual ~LoadPort() = default;
    // `color`: which deployment the request goes to; `intendedMs` on the
    // port's clock (nowMs()).
    virtual void createTicket(Color color, double intendedMs, const std::string& queue,
                              const std::vector<LoadMember>& party, Callback done) = 0;
    virtual void getTicket(Color color, double intendedMs, const std::string& ticketId,
                           Callback done) = 0;
    virtual void cancelTicket(Color color, double intendedMs, const std::string& ticketId,
                              Callback done) = 0;
    virtual void reportResult(Color color, double intendedMs, const std::string& matchId,
                              int winnerTeam, Callback done) = 0;
    virtual double nowMs() const = 0;  // monotonic, since the port started
};

}  // namespace pulsco
