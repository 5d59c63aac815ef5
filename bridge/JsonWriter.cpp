#include "bridge/JsonWriter.h"

#include <QString>

#include <charconv>
#include <cmath>
#include <limits>

namespace pulsco {

namespace {

template <typename Number>
void appendNumber(std::string& out, Number number) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
    out.append(buffer, static_cast<std::size_t>(result.ptr - buffer));
}

bool isPlainAscii(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\')
            return false;
    }
    return true;
}

void appendEscaped(std::string& out, const QByteArray& utf8) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (byte < 0x20) {
                const char escape[] = {'\\', 'u', '0', '0', kHex[byte >> 4], kHex[byte & 0xF]};
                out.append(escape, sizeof escape);
            } else {
                out.push_back(c);
            }
        }
    }
}

void appendString(std::string& out, std::string_view text) {
    out.push_back('"');
    if (isPlainAscii(text)) {
        out.append(text);
    } else {
        // The round trip through QString replaces invalid UTF-8, so the output
        // always parses.
        const QByteArray utf8 =
            QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())).toUtf8();
        appendEscaped(out, utf8);
    }
    out.push_back('"');
}

}  // namespace

JsonWriter::JsonWriter(QByteArray* out)
    : m_out(out) {
    m_buffer.reserve(4096);
}

void JsonWriter::separate() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasElement.empty()) {
        if (m_hasElement.back())
            m_buffer.push_back(',');
        m_hasElement.back() = true;
    }
}

void JsonWriter::flushIfComplete() {
    if (!m_hasElement.empty())
        return;
    m_out->append(m_buffer.data(), static_cast<qsizetype>(m_buffer.size()));
    m_buffer.clear();
}

void JsonWriter::beginObject() {
    separate();
    m_buffer.push_back('{');
    m_hasElement.push_back(false);
}

void JsonWriter::endObject() {
    m_buffer.push_back('}');
    m_hasElement.pop_back();
    flushIfComplete();
}

void JsonWriter::beginArray() {
    separate();
    m_buffer.push_back('[');
    m_hasElement.push_back(false);
}

void JsonWriter::endArray() {
    m_buffer.push_back(']');
    m_hasElement.pop_back();
    flushIfComplete();
}

JsonWriter& JsonWriter::key(std::string_view name) {
    separate();
    appendString(m_buffer, name);
    m_buffer.push_back(':');
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
    appendNumber(m_buffer, number);
    flushIfComplete();
}

void JsonWriter::writeUnsigned(unsigned long long number) {
    separate();
    appendNumber(m_buffer, number);
    flushIfComplete();
}

void JsonWriter::writeSigned(long long number) {
    separate();
    appendNumber(m_buffer, number);
    flushIfComplete();
}

void JsonWriter::value(bool flag) {
    separate();
    m_buffer.append(flag ? "true" : "false");
    flushIfComplete();
}

void JsonWriter::value(std::string_view text) {
    separate();
    appendString(m_buffer, text);
    flushIfComplete();
}

void JsonWriter::rawValue(const QByteArray& json) {
    separate();
    m_buffer.append(json.constData(), static_cast<std::size_t>(json.size()));
    flushIfComplete();
}

}  // namespace pulsco
