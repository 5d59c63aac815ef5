// A compact, append-only JSON writer for the hot paths (GET /v1/stats, the
// snapshot stream, simulator reports). Building a QJsonObject tree first costs
// an allocation per value; this writes UTF-8 straight into one QByteArray.
#pragma once

#include <QByteArray>

#include <cstdint>
#include <string_view>
#include <vector>

namespace pulsco {

class JsonWriter {
public:
    explicit JsonWriter(QByteArray* out);

    void beginObject();
    void endObject();
    void beginArray();
    void endArray();

    JsonWriter& key(std::string_view name);

    void value(double number);  // shortest round-trip form; NaN -> 0, inf -> +-max
    void value(std::uint64_t number);
    void value(std::int64_t number);
    void value(int number) { value(static_cast<std::int64_t>(number)); }
    void value(bool flag);
    void value(std::string_view text);  // UTF-8; invalid sequences become U+FFFD
    void value(const char* text) { value(std::string_view(text)); }
    // Splices an already serialised JSON value (e.g. a cached snapshot).
    void rawValue(const QByteArray& json);

    template <typename T>
    void field(std::string_view name, const T& v) {
        key(name);
        value(v);
    }

private:
    void separate();

    QByteArray* m_out;
    // One entry per open container: whether it already holds an element.
    std::vector<bool> m_hasElement;
    bool m_afterKey = false;
};

}  // namespace pulsco
