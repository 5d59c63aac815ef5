#include "net/http/HttpRequestParser.h"

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

bool isTokenChar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView v) {
    if (v.isEmpty())
        return false;
    for (char c : v)
        if (!isTokenChar(c))
            return false;
    return true;
}

// Visible ASCII only: no spaces, controls or bytes >= 0x80 in the target.
bool isTargetChar(char c) {
    return c > 0x20 && c < 0x7f;
}

bool isFieldValueChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

QByteArrayView trimmed(QByteArrayView v) {
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t'))
        v = v.sliced(1);
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t'))
        v.chop(1);
    return v;
}

bool containsToken(QByteArrayView list, QByteArrayView token) {
    // Comma-separated, case-insensitive ("keep-alive, Upgrade").
    qsizetype start = 0;
    while (start <= list.size()) {
        qsizetype end = list.indexOf(',', start);
        if (end < 0)
            end = list.size();
        if (trimmed(list.sliced(start, end - start)).compare(token, Qt::CaseInsensitive) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

HttpRequestParser::Result error(int status, QString message) {
    HttpRequestParser::Result r;
    r.status = HttpRequestParser::Status::Error;
    r.httpStatus = status;
    r.message = std::move(message);
    return r;
}

}  // namespace

HttpRequestParser::Result HttpRequestParser::parse(const QByteArray& buffer, qsizetype offset,
                                                   HttpRequest& out) const {
    const QByteArrayView data = QByteArrayView(buffer).sliced(offset);
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (data.size() > m_limits.maxHeaderBytes)
            return error(431,
                         u"request headers: larger than %1 bytes"_s.arg(m_limits.maxHeaderBytes));
        return {};
    }
    if (headEnd + 4 > m_limits.maxHeaderBytes)
        return error(431, u"request headers: larger than %1 bytes"_s.arg(m_limits.maxHeaderBytes));

    // Request line: METHOD SP TARGET SP HTTP/1.x
    qsizetype lineEnd = data.indexOf("\r\n");
    const QByteArrayView line = data.first(lineEnd);
    const qsizetype sp1 = line.indexOf(' ');
    const qsizetype sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0)
        return error(400, u"request line: must be 'METHOD /path HTTP/1.1'"_s);
    const QByteArrayView method = line.first(sp1);
    const QByteArrayView target = line.sliced(sp1 + 1, sp2 - sp1 - 1);
    const QByteArrayView version = line.sliced(sp2 + 1);
    if (!isToken(method))
        return error(400, u"request line: method is not a token"_s);
    if (target.isEmpty() || target.front() != '/')
        return error(400, u"request line: target must start with '/'"_s);
    for (char c : target)
        if (!isTargetChar(c))
            return error(400,
                         u"request line: target contains a space, control or non-ASCII byte"_s);
    bool http10 = false;
    if (version == "HTTP/1.0")
        http10 = true;
    else if (version != "HTTP/1.1")
        return error(505, u"request line: only HTTP/1.0 and HTTP/1.1 are supported"_s);

    out = HttpRequest{};
    out.method = method.toByteArray();
    const qsizetype q = target.indexOf('?');
    out.path = (q < 0 ? target : target.first(q)).toByteArray();
    if (q >= 0)
        out.query = target.sliced(q + 1).toByteArray();
    out.http10 = http10;

    qsizetype contentLength = -1;
    bool connectionClose = false, connectionKeepAlive = false, connectionUpgrade = false;
    bool upgradeWebSocket = false;
    qsizetype pos = lineEnd + 2;
    while (pos < headEnd + 2) {
        lineEnd = data.indexOf("\r\n", pos);
        const QByteArrayView h = data.sliced(pos, lineEnd - pos);
        pos = lineEnd + 2;
        if (out.headers.size() >= m_limits.maxHeaderCount)
            return error(431,
                         u"request headers: more than %1 fields"_s.arg(m_limits.maxHeaderCount));
        const qsizetype colon = h.indexOf(':');
        if (colon <= 0 || !isToken(h.first(colon)))
            return error(400,
                         u"request headers: malformed field line (obsolete folding or bad name)"_s);
        const QByteArrayView value = trimmed(h.sliced(colon + 1));
        for (char c : value)
            if (!isFieldValueChar(c))
                return error(400, u"request headers: control character in a field value"_s);
        QByteArray name = h.first(colon).toByteArray().toLower();
        if (name == "content-length") {
            bool ok = !value.isEmpty() && value.size() <= 12;
            for (char c : value)
                ok = ok && c >= '0' && c <= '9';
            if (!ok)
                return error(400, u"Content-Length: must be a decimal integer"_s);
            const qsizetype length = value.toByteArray().toLongLong();
            if (contentLength >= 0 && contentLength != length)
                return error(400, u"Content-Length: given twice with different values"_s);
            contentLength = length;
        } else if (name == "transfer-encoding") {
            return error(400, u"Transfer-Encoding: not supported; send a Content-Length body"_s);
        } else if (name == "connection") {
            connectionClose = connectionClose || containsToken(value, "close");
            connectionKeepAlive = connectionKeepAlive || containsToken(value, "keep-alive");
            connectionUpgrade = connectionUpgrade || containsToken(value, "upgrade");
        } else if (name == "upgrade") {
            upgradeWebSocket = containsToken(value, "websocket");
        }
        out.headers.append({std::move(name), value.toByteArray()});
    }
    out.keepAlive = http10 ? (connectionKeepAlive && !connectionClose) : !connectionClose;
    out.webSocketUpgrade = upgradeWebSocket && connectionUpgrade;

    if (contentLength > m_limits.maxBodyBytes)
        return error(413, u"request body: larger than %1 bytes"_s.arg(m_limits.maxBodyBytes));
    const qsizetype bodyStart = headEnd + 4;
    const qsizetype bodyLength = contentLength < 0 ? 0 : contentLength;
    if (data.size() < bodyStart + bodyLength)
        return {};
    out.body = data.sliced(bodyStart, bodyLength).toByteArray();
    Result r;
    r.status = Status::Complete;
    r.consumed = bodyStart + bodyLength;
    return r;
}

}  // namespace pulsco
