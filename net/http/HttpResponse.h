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
