// Analysis written for other canary tools, read as one analysis step of the
// plan (issue 21, item 6; docs/canary.md, "Importing"):
//
// - a Kayenta canary config (JSON) becomes a step with a `judge:` — its
//   Mann–Whitney metrics, directions, effect sizes, critical flags, data
//   policy and group weights map onto the console's judge;
// - an Argo Rollouts AnalysisTemplate with the Prometheus provider (YAML,
//   through yaml-cpp, the one YAML library) becomes a step with `gates:` —
//   each metric's query must be a PromQL term the console reads
//   (bridge/PromqlTerms) and its condition one comparison of `result`.
//
// Where the formats do not map, the import fails with "<file>: <field
// path>: <why>" and returns no step: nothing is approximated. Fields that
// are read but have nothing to do here (a Prometheus address: the console
// reads the source it watches) are said in `notes`, never dropped silently.
#pragma once

#include "rollout/RolloutPlan.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace pulsco {

struct AnalysisImport {
    std::optional<TrafficStep> step;  // an Analysis step, when the file maps
    QString error;
    QStringList notes;
};

// Kayenta leaves the run's length to the execution request, not the config:
// the step looks every `intervalSeconds`, `count` times.
AnalysisImport importKayentaCanaryConfig(const QByteArray& json, const QString& sourceName,
                                         double intervalSeconds = 30, int count = 10);

AnalysisImport importArgoAnalysisTemplate(const QByteArray& yaml, const QString& sourceName);

// A file by its name: `.json` is a Kayenta canary config, `.yaml`/`.yml` an
// Argo Rollouts AnalysisTemplate (at most 1 MiB). The one entry point of
// `pulsco-plan import-analysis` and the step editor's Import analysis….
AnalysisImport importAnalysisFile(const QString& path, double kayentaIntervalSeconds = 30,
                                  int kayentaCount = 10);

}  // namespace pulsco
