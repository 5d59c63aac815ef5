// Which kind of traffic a request is, by its route. Evidence about users —
// API latency, request and error counts, the recent figures — must come
// from the matchmaking API alone: a console polling /v1/stats or a
// Prometheus scraping /metrics on an idle server is not a user, and its fast
// answers would make an idle server look healthy (issue 16). The other
// classes are counted apart (pulsco_http_requests_total{class}).
#pragma once

#include <QByteArray>

namespace pulsco {

enum class TrafficClass {
    Other = 0,   // no route: the HTTP layer's own answers, unknown paths
    Api,         // the matchmaking API: /v1/tickets..., /v1/matches...
    Monitoring,  // /v1/stats, /metrics, /healthz, /readyz, /v1/info, /v1/queues, /v1/events
    Admin,       // /v1/admin/...
};

inline constexpr TrafficClass kTrafficClasses[] = {TrafficClass::Api, TrafficClass::Monitoring,
                                                   TrafficClass::Admin, TrafficClass::Other};

// By path alone (method and id do not matter: a 405 or 404 on a ticket
// route is still an answer to an API client).
TrafficClass trafficClassOf(const QByteArray& path);
const char* toString(TrafficClass trafficClass);  // "api", "monitoring", "admin", "other"

}  // namespace pulsco
