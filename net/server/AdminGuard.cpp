#include "net/server/AdminGuard.h"

#include "net/http/HttpServer.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace pulsco {

bool AdminGuard::loadTokenFile(const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = path + u": cannot read admin token file: "_s + f.errorString();
        return false;
    }
    // Like ssh with private keys: a secret others can read is not a secret,
    // so refuse rather than serve admin routes behind it.
    if (f.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther)) {
        *error = path + u": admin token file: readable by group or others; "_s +
                 u"make it private to the server's user (chmod 600)"_s;
        return false;
    }
    const QByteArray content = f.read(4097);
    if (content.trimmed().isEmpty()) {
        *error = path + u": admin token file: empty; put a token of 16 to 4096 characters "_s +
                 u"on its first line"_s;
        return false;
    }
    const QByteArray token = content.split('\n').value(0).trimmed();
    if (token.size() < 16 || token.size() > 4096) {
        *error = path + u": admin token: must be 16 to 4096 characters on the first line"_s;
        return false;
    }
    for (char c : token) {
        if (c <= 0x20 || c >= 0x7f) {
            *error = path + u": admin token: must be printable ASCII without spaces"_s;
            return false;
        }
    }
    m_token = token;
    return true;
}

bool AdminGuard::constantTimeEquals(const QByteArray& a, const QByteArray& b) {
    // Time depends on the longer length only, never on where they differ.
    const qsizetype n = std::max(a.size(), b.size());
    unsigned diff = unsigned(a.size() ^ b.size());
    for (qsizetype i = 0; i < n; ++i) {
        const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= unsigned(x ^ y);
    }
    return diff == 0;
}

std::optional<HttpResponse> AdminGuard::check(const HttpRequest& request) const {
    if (!enabled())
        return HttpServer::errorResponse(
            403,
            u"admin: disabled on this server; start pulsco-matchd with --admin-token-file FILE"_s);
    const QByteArray header = request.header("authorization");
    if (header.isEmpty()) {
        HttpResponse r = HttpServer::errorResponse(
            401, u"Authorization: missing; send 'Authorization: Bearer <token>'"_s);
        r.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
        return r;
    }
    const QByteArray prefix = "Bearer ";
    const bool bearer = header.size() > prefix.size() &&
                        header.first(prefix.size()).compare(prefix, Qt::CaseInsensitive) == 0;
    if (!bearer || !constantTimeEquals(header.sliced(prefix.size()).trimmed(), m_token)) {
        HttpResponse r = HttpServer::errorResponse(401, u"Authorization: wrong bearer token"_s);
        r.headers.append(qMakePair(QByteArray("WWW-Authenticate"),
                                   QByteArray("Bearer error=\"invalid_token\"")));
        return r;
    }
    return std::nullopt;
}

}  // namespace pulsco
