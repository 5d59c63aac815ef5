// A small, fast scenario for tests, as JSON so each test can change one
// field and go through the real loader.
#pragma once

#include "simulator/ScenarioJson.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>

namespace pulsco::test {

inline QJsonObject smallScenarioJson() {
    const char* text = R"({
      "format": 1, "name": "test-small", "seed": 5, "duration_s": 1200,
      "population": {
        "players": 400,
        "queues": [
          {"queue": "ranked-5v5", "share": 0.4, "match_s": 300, "match_sd_s": 60},
          {"queue": "casual-3v3", "share": 0.4, "match_s": 240, "match_sd_s": 60},
          {"queue": "duel-1v1", "share": 0.2, "match_s": 180, "match_sd_s": 30}
        ],
        "session_s": 3600, "break_s": 30, "patience_s": 200, "poll_s": 2
      },
      "service": {"workers": 4, "service_ms_median": 6, "service_ms_p95": 25},
      "thresholds": {"api_latency_p95_ms": "<150", "conservation_ok": "==1"}
    })";
    return QJsonDocument::fromJson(text).object();
}

// Parses `object` with the real loader; fails the test on an error.
inline Scenario scenarioFrom(const QJsonObject& object) {
    const ScenarioLoad load = parseScenario(QJsonDocument(object).toJson(QJsonDocument::Compact),
                                            QStringLiteral("test.json"));
    if (!load.scenario)
        qFatal("test scenario refused: %s", qPrintable(load.error));
    return *load.scenario;
}

inline Scenario smallScenario(const std::function<void(QJsonObject&)>& change = {}) {
    QJsonObject o = smallScenarioJson();
    if (change)
        change(o);
    return scenarioFrom(o);
}

}  // namespace pulsco::test
