#include "bridge/JsonWriter.h"

#include <QString>

#include <charconv>
#include <cmath>
#include <limits>

namespace pulsco {

namespace {

template <typename Number>
void appendNumber(QByteArray* out, Number number) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    out->append(buffer, result.ptr - buffer);
}

bool isPlainAscii(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\')
            return false;
    }
    return true;
}

void appendEscaped(QByteArray* out, const QByteArray& utf8) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out->append("\\\"");
            break;
        case '\\':
            out->append("\\\\");
            break;
        case '\n':
            out->append("\\n");
            break;
        case '\r':
            out->append("\\r");
            break;
        case '\t':
            out->append("\\t");
            break;
        default:
            if (byte < 0x20) {
                const char escape[] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
                out->append(escape, sizeof escape);
            } else {
                out->append(c);
            }
        }
    }
}

void appendString(QByteArray* out, std::string_view text) {
    out->append('"');
    if (isPlainAscii(text)) {
        out->append(text.data(), static_cast<qsizetype>(text.size()));
    } else {
        // The round trip through QString replaces invalid UTF-8, so the output
        // always parses.
        const QByteArray utf8 =
            QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())).toUtf8();
        appendEscaped(out, utf8);
    }
    out->append('"');
}

}  // namespace

JsonWriter::JsonWriter(QByteArray* out)
    : m_out(out) {}

void JsonWriter::separate() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasElement.empty()) {
        if (m_hasElement.back())
            m_out->append(',');
        m_hasElement.back() = true;
    }
}

void JsonWriter::beginObject() {
    separate();
    m_out->append('{');
    m_hasElement.push_back(false);
}

void JsonWriter::endObject() {
    m_out->append('}');
    m_hasElement.pop_back();
}

void JsonWriter::beginArray() {
    separate();
    m_out->append('[');
    m_hasElement.push_back(false);
}

void JsonWriter::endArray() {
    m_out->append(']');
    m_hasElement.pop_back();
}

JsonWriter& JsonWriter::key(std::string_view name) {
    separate();
    appendString(m_out, name);
    m_out->append(':');
    m_afterKey = true;
    return *this;
}

void JsonWriter::value(double number) {
    separate();
    // JSON has no NaN or infinity; a readable stand-in beats an unreadable file.
    if (std::isnan(number))
        number = 0;
    else if (std::isinf(number))
        number =
            number > 0 ? std::numeric_limits<double>::max() : -std::numeric_limits<double>::max();
    appendNumber(m_out, number);
}

void JsonWriter::value(std::uint64_t number) {
    separate();
    appendNumber(m_out, number);
}

void JsonWriter::value(std::int64_t number) {
    separate();
    appendNumber(m_out, number);
}

void JsonWriter::value(bool flag) {
    separate();
    m_out->append(flag ? "true" : "false");
}

void JsonWriter::value(std::string_view text) {
    separate();
    appendString(m_out, text);
}

void JsonWriter::rawValue(const QByteArray& json) {
    separate();
    m_out->append(json);
}

}  // namespace pulsco
