// Edits every gate of a rollout plan document (success criteria and section
// items alike), for suites that derive a test plan from the shipped one:
// holds cut to seconds, format-2 fields stripped to make a format-1 file.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <functional>

namespace pulsco::test {

inline QJsonValue editPlanGates(const QJsonValue& value,
                                const std::function<void(QJsonObject& gate)>& edit) {
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = editPlanGates(a[i], edit);
        return a;
    }
    if (!value.isObject())
        return value;
    QJsonObject o = value.toObject();
    const QString gateKey = QStringLiteral("gate");
    if (o.contains(gateKey)) {
        QJsonObject gate = o[gateKey].toObject();
        edit(gate);
        o[gateKey] = gate;
    }
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key() != gateKey)
            it.value() = editPlanGates(it.value(), edit);
    return o;
}

}  // namespace pulsco::test
