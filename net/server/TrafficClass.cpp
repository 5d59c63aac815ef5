#include "net/server/TrafficClass.h"

namespace pulsco {

TrafficClass trafficClassOf(const QByteArray& path) {
    if (path == "/v1/tickets" || path.startsWith("/v1/tickets/") || path.startsWith("/v1/matches/"))
        return TrafficClass::Api;
    if (path.startsWith("/v1/admin/"))
        return TrafficClass::Admin;
    // /v1/queues is read by dashboards and load tools to show the queues, not
    // to matchmake: monitoring too.
    for (const char* route : {"/v1/stats", "/metrics", "/healthz", "/readyz", "/v1/info",
                              "/v1/queues", "/v1/events", "/v1/integrity"})
        if (path == route)
            return TrafficClass::Monitoring;
    return TrafficClass::Other;
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
