// One parsed HTTP/1.1 request, as handed to the router.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

#include <any>

namespace pulsco {

struct HttpRequest {
    QByteArray method;  // "GET", "POST", ...
    QByteArray path;    // target up to '?', e.g. "/v1/tickets/t12"
    QByteArray query;   // after '?', without it
    // Header names lower-cased; values with surrounding whitespace trimmed.
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool http10 = false;
    bool keepAlive = true;
    bool webSocketUpgrade = false;  // "Upgrade: websocket" with "Connection: upgrade"
    // Filled by the server's Preparer on the I/O thread (e.g. a parsed body).
    std::any prepared;

    // Value of the first header named `lowerName`, or empty.
    QByteArray header(const QByteArray& lowerName) const {
        for (const auto& h : headers)
            if (h.first == lowerName)
                return h.second;
        return {};
    }
};

}  // namespace pulsco
