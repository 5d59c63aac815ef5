// Guards the admin routes: `Authorization: Bearer <token>` against the token
// read from --admin-token-file, compared in constant time. Without a token
// file the routes are disabled. The token is never logged or echoed.
#pragma once

#include "net/http/HttpRequest.h"
#include "net/http/HttpResponse.h"

#include <optional>

namespace pulsco {

class AdminGuard {
public:
    AdminGuard() = default;  // disabled
    // Reads the first line of `path`; false and *error when unusable: not
    // readable, readable by group or others, empty, or not a valid token.
    bool loadTokenFile(const QString& path, QString* error);
    bool enabled() const { return !m_token.isEmpty(); }

    // nullopt when the request may pass, else the 401/403 answer.
    std::optional<HttpResponse> check(const HttpRequest& request) const;

    static bool constantTimeEquals(const QByteArray& a, const QByteArray& b);

private:
    QByteArray m_token;
};

}  // namespace pulsco
