// The files the product ships, as tests read them, and variants of them
// that are wrong in exactly one place.
#pragma once

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace pulsco::test {

// The shipped baseline scenario with one field of one section replaced.
inline QByteArray baselineWith(const QString& section, const QString& field,
                               const QJsonValue& value) {
    QFile shipped(QStringLiteral(PULSCO_SOURCE_DIR "/resources/scenarios/baseline-1000.json"));
    if (!shipped.open(QIODevice::ReadOnly))
        return {};
    QJsonObject root = QJsonDocument::fromJson(shipped.readAll()).object();
    QJsonObject inner = root.value(section).toObject();
    inner.insert(field, value);
    root.insert(section, inner);
    return QJsonDocument(root).toJson();
}

}  // namespace pulsco::test
