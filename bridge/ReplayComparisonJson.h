// The comparison report of pulsco-sim --replay --compare as JSON (what
// --report writes and the console opens) and as Markdown (what it prints),
// and the thresholds file that sets its bars. One codec for the CLI, the
// console and the tests (docs/file-formats.md, "Replay comparison reports").
#pragma once

#include "core/ReplayComparison.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace pulsco {

struct ReplayComparisonReport {
    QString recording;
    QString rulesA, rulesB;
    QString traceHashA, traceHashB;
    int amplify = 1;
    quint64 seed = 1;
    int resamples = 1000;
    double confidence = 0.95;
    quint64 minArrivals = 100;
    quint64 arrivals = 0;
    ReplayComparison comparison;
};

QByteArray replayComparisonToJson(const ReplayComparisonReport& report);
// nullopt with *error ("<source>: <field path>: <why>") for anything that is
// not a report this build writes.
std::optional<ReplayComparisonReport>
replayComparisonFromJson(const QByteArray& json, const QString& source, QString* error);
QString replayComparisonMarkdown(const ReplayComparisonReport& report);

// A thresholds file: {"thresholds": {"wait_p95_s": "<=+5%"}, "min_arrivals":
// 100, "resamples": 1000, "confidence": 0.95}. A named bar replaces the
// default one of its figure; "" removes it. nullopt with *error naming the
// file, field and why.
std::optional<ComparisonOptions> loadComparisonOptions(const QString& path, QString* error);

// "all traffic", "ranked-5v5", "ranked-5v5 / eu-west".
QString comparisonGroupName(const GroupComparison& group);
// A figure as the report prints it ("no data" for nullopt), and a change
// with its sign; the console's table shows the same text.
QString comparisonFigureText(const std::optional<double>& value);
QString comparisonChangeText(double change);

}  // namespace pulsco
