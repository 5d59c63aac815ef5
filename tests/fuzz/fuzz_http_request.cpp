// libFuzzer target: the HTTP/1.1 request parser of pulsco-matchd, fed the
// input whole and then byte by byte (the way a slow client delivers it);
// both must agree, and errors carry a status and a message.
#include "net/http/HttpRequestParser.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using namespace pulsco;

namespace {

// Parses every pipelined request in `buffer`; returns the final status.
HttpRequestParser::Status parseAll(const HttpRequestParser& parser, const QByteArray& buffer,
                                   int* requests) {
    qsizetype offset = 0;
    for (;;) {
        HttpRequest request;
        const auto result = parser.parse(buffer, offset, request);
        if (result.status == HttpRequestParser::Status::Error) {
            if (result.httpStatus < 400 || result.httpStatus > 599 || result.message.isEmpty())
                __builtin_trap();
            return result.status;
        }
        if (result.status == HttpRequestParser::Status::NeedMore)
            return result.status;
        if (result.consumed <= 0 || offset + result.consumed > buffer.size())
            __builtin_trap();  // must make progress and stay inside the buffer
        offset += result.consumed;
        ++*requests;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Small limits so the fuzzer reaches the 413/431 paths quickly.
    const HttpRequestParser parser(HttpLimits{512, 16, 1024});
    const QByteArray whole(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    int wholeRequests = 0;
    const auto wholeStatus = parseAll(parser, whole, &wholeRequests);

    if (size <= 256) {
        // The server re-parses its growing buffer as bytes arrive: a prefix
        // of an acceptable stream must never be refused (slow clients).
        for (std::size_t i = 0; i < size; ++i) {
            int requests = 0;
            const auto status = parseAll(parser, whole.left(static_cast<qsizetype>(i)), &requests);
            if (requests > wholeRequests)
                __builtin_trap();
            if (status == HttpRequestParser::Status::Error) {
                if (wholeStatus != HttpRequestParser::Status::Error)
                    __builtin_trap();
                break;
            }
        }
    }
    return 0;
}
