// An HTTP response and its wire form.
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace pulsco {

struct HttpResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;  // extra headers
    bool closeConnection = false;                  // force "Connection: close"
    // What the handler says this answer was (a route class, say), handed to
    // the server's response observer; 0 for answers the HTTP layer made
    // itself (malformed or slow requests, oversized heads and bodies).
    int observationTag = 0;

    static HttpResponse json(int status, QByteArray body) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }

    // Status line, headers and body, ready for the socket.
    QByteArray serialize(bool keepAlive) const;
};

const char* reasonPhrase(int status);

}  // namespace pulsco
