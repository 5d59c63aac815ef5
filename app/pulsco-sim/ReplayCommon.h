// What the replay runs of pulsco-sim share (into the core, --compare,
// --target): the recording loaded with its notes said, bad input refused
// with exit 2, counts printed as a line and as JSON, files written whole.
#pragma once

#include "simulator/RecordingReader.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>
#include <type_traits>

namespace pulsco {

// Prints "pulsco-sim: <message>" to stderr; returns the bad-input exit code 2.
int replayBadInput(const QString& message);

// The recording of --replay; nullopt when refused (the file, line and why
// already printed). Accepted oddities are printed as notes.
std::optional<Recording> loadReplayRecording(const QString& path);

// Writes `bytes` to `path` all or nothing; false with *error naming both.
bool saveReplayFile(const QString& path, const QByteArray& bytes, QString* error);

// Counts by queue, region (a "" key is "(none reachable)"), party size or
// answer, as a JSON object and as "a 3, b 4".
template <typename Map>
QJsonObject countsJson(const Map& counts) {
    QJsonObject o;
    for (const auto& [key, n] : counts) {
        QString name;
        if constexpr (std::is_same_v<typename Map::key_type, int>)
            name = QString::number(key);
        else if constexpr (std::is_same_v<typename Map::key_type, QString>)
            name = key;
        else
            name = key.empty() ? QStringLiteral("(none reachable)") : QString::fromStdString(key);
        o.insert(name, double(n));
    }
    return o;
}

template <typename Map>
QString countsLine(const Map& counts) {
    QStringList parts;
    const QJsonObject o = countsJson(counts);
    for (auto it = o.begin(); it != o.end(); ++it)
        parts << it.key() + u' ' + QString::number(it.value().toInteger());
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

}  // namespace pulsco
