// A strict, incremental HTTP/1.1 request parser with hard limits, so a slow or
// hostile client costs at most maxHeaderBytes + maxBodyBytes of memory.
// Accepts only Content-Length bodies (no chunked uploads: our API has small
// JSON bodies) and CRLF line endings.
#pragma once

#include "net/http/HttpRequest.h"

#include <QByteArray>
#include <QString>

namespace pulsco {

struct HttpLimits {
    qsizetype maxHeaderBytes = 16 * 1024;  // request line + headers
    qsizetype maxHeaderCount = 100;
    qsizetype maxBodyBytes = 64 * 1024;
};

class HttpRequestParser {
public:
    enum class Status { NeedMore, Complete, Error };

    struct Result {
        Status status = Status::NeedMore;
        int httpStatus = 0;      // for Error: 400, 413, 431, 505
        QString message;         // for Error: "<what>: <why>"
        qsizetype consumed = 0;  // for Complete: bytes of `buffer` used from `offset`
    };

    explicit HttpRequestParser(HttpLimits limits = {})
        : m_limits(limits) {}

    // Parses one request from buffer[offset...]. On Complete fills `out`.
    // Call again with offset + consumed for pipelined requests.
    Result parse(const QByteArray& buffer, qsizetype offset, HttpRequest& out) const;

    const HttpLimits& limits() const { return m_limits; }

private:
    HttpLimits m_limits;
};

}  // namespace pulsco
