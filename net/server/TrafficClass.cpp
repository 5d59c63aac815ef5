#include "net/server/TrafficClass.h"

namespace pulsco {

namespace {

struct RouteInfo {
    const char* path;  // exact path, or "" for the templated ones
    const char* name;  // the label
    TrafficClass trafficClass;
};

// In HttpRoute's order.
constexpr RouteInfo kRoutes[kHttpRoutes] = {
    {"", "other", TrafficClass::Other},
    {"/v1/tickets", "/v1/tickets", TrafficClass::Api},
    {"", "/v1/tickets/{id}", TrafficClass::Api},
    {"", "/v1/matches/{id}", TrafficClass::Api},
    {"", "/v1/matches/{id}/result", TrafficClass::Api},
    {"/v1/stats", "/v1/stats", TrafficClass::Monitoring},
    // /v1/queues is read by dashboards and load tools to show the queues,
    // not to matchmake: monitoring too.
    {"/v1/queues", "/v1/queues", TrafficClass::Monitoring},
    {"/v1/info", "/v1/info", TrafficClass::Monitoring},
    {"/v1/events", "/v1/events", TrafficClass::Monitoring},
    {"/v1/integrity", "/v1/integrity", TrafficClass::Monitoring},
    {"/metrics", "/metrics", TrafficClass::Monitoring},
    {"/healthz", "/healthz", TrafficClass::Monitoring},
    {"/readyz", "/readyz", TrafficClass::Monitoring},
    {"/v1/admin/faults", "/v1/admin/faults", TrafficClass::Admin},
    {"/v1/admin/drain", "/v1/admin/drain", TrafficClass::Admin},
    {"", "/v1/admin/{other}", TrafficClass::Admin},
};

}  // namespace

HttpRoute routeOf(const QByteArray& path) {
    for (int i = 0; i < kHttpRoutes; ++i)
        if (kRoutes[i].path[0] != '\0' && path == kRoutes[i].path)
            return HttpRoute(i);
    if (path.startsWith("/v1/tickets/"))
        return HttpRoute::Ticket;
    if (path.startsWith("/v1/matches/"))
        return path.endsWith("/result") ? HttpRoute::MatchResult : HttpRoute::Match;
    if (path.startsWith("/v1/admin/"))
        return HttpRoute::AdminOther;
    return HttpRoute::Other;
}

HttpMethod methodOf(const QByteArray& method) {
    for (int i = 1; i < kHttpMethods; ++i)
        if (method == toString(HttpMethod(i)))
            return HttpMethod(i);
    return HttpMethod::Other;
}

const char* routeTemplate(HttpRoute route) {
    return kRoutes[int(route) < kHttpRoutes ? int(route) : 0].name;
}

const char* toString(HttpMethod method) {
    switch (method) {
    case HttpMethod::Get:
        return "GET";
    case HttpMethod::Head:
        return "HEAD";
    case HttpMethod::Post:
        return "POST";
    case HttpMethod::Put:
        return "PUT";
    case HttpMethod::Delete:
        return "DELETE";
    case HttpMethod::Patch:
        return "PATCH";
    case HttpMethod::Options:
        return "OPTIONS";
    case HttpMethod::Other:
        break;
    }
    return "OTHER";
}

TrafficClass trafficClassOf(HttpRoute route) {
    return kRoutes[int(route) < kHttpRoutes ? int(route) : 0].trafficClass;
}

const char* toString(TrafficClass trafficClass) {
    switch (trafficClass) {
    case TrafficClass::Api:
        return "api";
    case TrafficClass::Monitoring:
        return "monitoring";
    case TrafficClass::Admin:
        return "admin";
    case TrafficClass::Other:
        break;
    }
    return "other";
}

}  // namespace pulsco
