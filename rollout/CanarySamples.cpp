#include "rollout/CanarySamples.h"

#include "rollout/SnapshotWindow.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

std::uint64_t since(std::uint64_t now, std::uint64_t start) {
    return now >= start ? now - start : now;
}

}  // namespace

QStringList canaryMetricNames() {
    return {u"api_latency_ms"_s, u"ticket_wait_s"_s, u"match_quality"_s, u"error_rate"_s,
            u"expired_rate"_s};
}

std::optional<CanaryMetric> canaryMetricDefaults(const QString& name) {
    if (!canaryMetricNames().contains(name))
        return std::nullopt;
    CanaryMetric m;
    m.name = name.toStdString();
    m.proportion = name.endsWith(u"_rate"_s);
    m.direction = name == u"match_quality"_s ? CanaryDirection::DecreaseIsBad
                                             : CanaryDirection::IncreaseIsBad;
    return m;
}

std::vector<WeightedValue> weightedBuckets(const Histogram& histogram) {
    const Histogram::Raw raw = histogram.raw();
    std::vector<WeightedValue> out;
    if (raw.zeroCount > 0)
        out.push_back({0.0, raw.zeroCount});
    for (std::size_t i = 0; i < raw.counts.size(); ++i)
        if (raw.counts[i] > 0)
            out.push_back({Histogram::bucketValue(raw.firstIndex + int(i)), raw.counts[i]});
    return out;
}

CanarySamples canarySamples(const CanaryMetric& metric, const MetricsSnapshot& now,
                            const MetricsSnapshot& start) {
    CanarySamples s;
    const auto distribution = [&](const Histogram EnvironmentMetrics::*field) {
        s.green = weightedBuckets(histogramDelta(now.green.*field, start.green.*field));
        s.blue = weightedBuckets(histogramDelta(now.blue.*field, start.blue.*field));
    };
    if (metric.name == "api_latency_ms") {
        distribution(&EnvironmentMetrics::apiLatencyMs);
    } else if (metric.name == "ticket_wait_s") {
        distribution(&EnvironmentMetrics::ticketWaitSeconds);
    } else if (metric.name == "match_quality") {
        distribution(&EnvironmentMetrics::matchQuality);
    } else if (metric.name == "error_rate") {
        s.greenEvents = since(now.green.errorsTotal, start.green.errorsTotal);
        s.greenTotal = since(now.green.requestsTotal, start.green.requestsTotal);
        s.blueEvents = since(now.blue.errorsTotal, start.blue.errorsTotal);
        s.blueTotal = since(now.blue.requestsTotal, start.blue.requestsTotal);
    } else if (metric.name == "expired_rate") {
        s.greenEvents = since(now.green.tickets.expired, start.green.tickets.expired);
        s.greenTotal = since(now.green.tickets.created, start.green.tickets.created);
        s.blueEvents = since(now.blue.tickets.expired, start.blue.tickets.expired);
        s.blueTotal = since(now.blue.tickets.created, start.blue.tickets.created);
        // Expiries of tickets created before the window: never more than made.
        s.greenEvents = std::min(s.greenEvents, s.greenTotal);
        s.blueEvents = std::min(s.blueEvents, s.blueTotal);
    }
    return s;
}

QJsonObject canaryJudgementToJson(const CanaryStepJudgement& judgement) {
    QJsonArray metrics;
    for (const CanaryMetricJudgement& j : judgement.metrics)
        metrics.append(QJsonObject{
            {u"metric"_s, QString::fromStdString(j.metric)},
            {u"verdict"_s, QString::fromLatin1(toString(j.verdict))},
            {u"failed"_s, j.failed},
            {u"critical"_s, j.critical},
            {u"blue_level"_s, j.blueLevel},
            {u"change"_s, j.change},
            {u"low"_s, j.low},
            {u"high"_s, j.high},
            {u"change_pct"_s, j.changePct},
            {u"green_samples"_s, double(j.greenSamples)},
            {u"blue_samples"_s, double(j.blueSamples)},
            {u"why"_s, QString::fromStdString(j.why)},
        });
    return {{u"score"_s, judgement.score},
            {u"outcome"_s, QString::fromLatin1(toString(judgement.outcome))},
            {u"critical_failed"_s, judgement.criticalFailed},
            {u"metrics"_s, metrics}};
}

}  // namespace pulsco
