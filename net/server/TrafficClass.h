// Which route a request took and which kind of traffic that is, decided in
// one place from the path (and the method) so every figure agrees.
//
// The route is a template from a bounded set ("/v1/tickets/{id}", never a
// raw path with its id, which would make a Prometheus series per ticket):
// it labels pulsco_http_request_duration_seconds and
// pulsco_http_requests_total.
//
// The class says whether it is user traffic. Evidence about users — API
// latency, request and error counts, the recent figures — must come from the
// matchmaking API alone: a console polling /v1/stats or a Prometheus
// scraping /metrics on an idle server is not a user, and its fast answers
// would make an idle server look healthy (issue 16). The other classes are
// counted apart (the `class` label).
#pragma once

#include <QByteArray>

#include <cstdint>

namespace pulsco {

enum class TrafficClass {
    Other = 0,   // no route: the HTTP layer's own answers, unknown paths
    Api,         // the matchmaking API: /v1/tickets..., /v1/matches...
    Monitoring,  // /v1/stats, /metrics, /healthz, /readyz, /v1/info, /v1/queues, /v1/events
    Admin,       // /v1/admin/...
};

inline constexpr TrafficClass kTrafficClasses[] = {TrafficClass::Api, TrafficClass::Monitoring,
                                                   TrafficClass::Admin, TrafficClass::Other};

enum class HttpRoute : std::uint8_t {
    Other = 0,    // no route (the HTTP layer's own answers, unknown paths)
    Tickets,      // /v1/tickets
    Ticket,       // /v1/tickets/{id}
    Match,        // /v1/matches/{id}
    MatchResult,  // /v1/matches/{id}/result
    Stats,
    Queues,
    Info,
    Events,
    Integrity,
    Metrics,
    Healthz,
    Readyz,
    AdminFaults,
    AdminDrain,
    AdminOther,  // any other /v1/admin/ path (answered 404)
};
inline constexpr int kHttpRoutes = int(HttpRoute::AdminOther) + 1;

// The request methods a label may carry; anything else is "OTHER".
enum class HttpMethod : std::uint8_t { Other = 0, Get, Head, Post, Put, Delete, Patch, Options };
inline constexpr int kHttpMethods = int(HttpMethod::Options) + 1;

HttpRoute routeOf(const QByteArray& path);
HttpMethod methodOf(const QByteArray& method);
const char* routeTemplate(HttpRoute route);  // "/v1/tickets/{id}"; "other" for no route
const char* toString(HttpMethod method);     // "GET", ..., "OTHER"
TrafficClass trafficClassOf(HttpRoute route);
// By path alone (method and id do not matter: a 405 or 404 on a ticket
// route is still an answer to an API client).
inline TrafficClass trafficClassOf(const QByteArray& path) {
    return trafficClassOf(routeOf(path));
}
const char* toString(TrafficClass trafficClass);  // "api", "monitoring", "admin", "other"

// A response's tag (HttpResponder::tagged) carries both; tag 0 is the HTTP
// layer's own answers: no route, method unknown.
inline int routeTag(HttpRoute route, HttpMethod method) {
    return int(route) * kHttpMethods + int(method);
}
inline HttpRoute routeOfTag(int tag) {
    return tag >= 0 && tag < kHttpRoutes * kHttpMethods ? HttpRoute(tag / kHttpMethods)
                                                        : HttpRoute::Other;
}
inline HttpMethod methodOfTag(int tag) {
    return tag >= 0 && tag < kHttpRoutes * kHttpMethods ? HttpMethod(tag % kHttpMethods)
                                                        : HttpMethod::Other;
}

}  // namespace pulsco
