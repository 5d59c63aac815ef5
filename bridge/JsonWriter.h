// A compact, append-only JSON writer for the hot paths (GET /v1/stats, the
// snapshot stream, simulator reports). Building a QJsonObject tree first costs
// an allocation per value; this writes UTF-8 into a plain buffer and hands it
// to the output QByteArray in one append.
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace pulsco {

// The output is appended to *out once the outermost value is complete (the
// last endObject()/endArray(), or a top-level scalar); read it after that.
class JsonWriter {
public:
    explicit JsonWriter(QByteArray* out);

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();

    JsonWriter& key(std::string_view name);

    void value(double number);  // shortest round-trip form; NaN -> 0, inf -> +-max
    // Any integer type (int, qint64, std::size_t...), written exactly.
    template <typename Int>
    requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>) void value(Int number) {
        if constexpr (std::is_signed_v<Int>)
            writeSigned(static_cast<long long>(number));
        else
            writeUnsigned(static_cast<unsigned long long>(number));
    }
    void value(bool flag);
    void value(std::string_view text);  // UTF-8; invalid sequences become U+FFFD
    void value(const char* text) { value(std::string_view(text)); }
    void value(const QByteArray& utf8) {
        value(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    }
    void value(const QString& text) { value(text.toUtf8()); }
    // Splices an already serialised JSON value (e.g. a cached snapshot).
    void rawValue(const QByteArray& json);

    template <typename T>
    void field(std::string_view name, const T& v) {
        key(name);
        value(v);
    }

private:
    void separate();
    void flushIfComplete();
    void writeSigned(long long number);
    void writeUnsigned(unsigned long long number);

    QByteArray* m_out;
    std::string m_buffer;
    // One entry per open container: whether it already holds an element.
    std::vector<char> m_hasElement;
    bool m_afterKey = false;
};

}  // namespace pulsco
