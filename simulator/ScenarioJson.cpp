#include "simulator/ScenarioJson.h"

#include "bridge/FaultSpecJson.h"
#include "bridge/JsonReader.h"
#include "bridge/QueueConfigJson.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>
#include <set>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr double kMaxRunSeconds = 30.0 * 86400.0;
constexpr qint64 kMaxPlayers = 1000000;

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// "queues" / "green_queues" given as a path: a queues.json file relative to
// the scenario's folder, or a Qt resource.
std::optional<QueueConfig> readQueuesFile(JsonObjectReader& root, QStringView key,
                                          const QString& source) {
    const QJsonValue value = root.raw().value(key);
    root.allow(key);
    if (!value.isString()) {
        root.fail(key, u"must be a path to a queues file or a queues object"_s);
        return std::nullopt;
    }
    QString file = value.toString();
    if (!file.startsWith(u':') && QFileInfo(file).isRelative())
        file = QFileInfo(source).dir().filePath(file);
    QString error;
    std::optional<QueueConfig> config;
    if (const auto bytes = readFileForParsing(file, kMaxScenarioBytes, &error))
        config = parseQueueConfig(*bytes, file, &error);
    if (!config)
        root.fail(key, u"cannot use \""_s + value.toString() + u"\": "_s + error);
    return config;
}

// "queues" / "green_queues": a path, or the queues object inline (errors
// then carry the field path, e.g. "green_queues.queues[0].team_size").
std::optional<QueueConfig> readQueues(JsonObjectReader& root, QStringView key,
                                      const QString& source) {
    if (!root.raw().value(key).isObject())
        return readQueuesFile(root, key, source);
    QueueConfig config = readQueueConfig(root.object(key));
    if (!root.ok())
        return std::nullopt;
    return config;
}

void readPingRange(JsonObjectReader& o, QStringView key, double* lo, double* hi) {
    if (!o.has(key)) {
        o.allow(key);
        return;
    }
    JsonArrayReader a = o.array(key, 2);
    if (!o.ok())
        return;
    if (a.size() != 2) {
        o.fail(key, u"must be [min, max] in ms"_s);
        return;
    }
    const double mn = a.number(0, 1, 5000);
    const double mx = a.number(1, 1, 5000);
    if (o.ok() && mn > mx) {
        o.fail(key, u"min must not exceed max"_s);
        return;
    }
    *lo = mn;
    *hi = mx;
}

void readPopulation(JsonObjectReader p, PopulationSpec& pop) {
    pop.players = static_cast<int>(p.integer(u"players", 1, kMaxPlayers));
    if (auto online = p.optionalArray(u"online", 1000)) {
        for (qsizetype i = 0; i < online->size() && p.ok(); ++i) {
            JsonObjectReader point = online->object(i);
            OnlinePoint op;
            op.atSeconds = point.number(u"at_s", 0, kMaxRunSeconds);
            op.players = static_cast<double>(point.integer(u"players", 0, kMaxPlayers));
            point.finish();
            if (p.ok() && !pop.online.empty() && op.atSeconds <= pop.online.back().atSeconds)
                online->fail(i, u"at_s must be greater than the previous point's"_s);
            pop.online.push_back(op);
        }
        if (p.ok() && online->size() == 0)
            p.fail(u"online", u"must have at least one point (or leave it out: everyone online)"_s);
    }
    if (auto skill = p.optionalObject(u"skill")) {
        pop.skillMean = skill->optionalNumber(u"mean", pop.skillMean, -1000, 1000);
        pop.skillStdDev = skill->optionalNumber(u"stddev", pop.skillStdDev, 0.01, 1000);
        skill->finish();
    }
    if (auto regions = p.optionalArray(u"regions", 64)) {
        for (qsizetype i = 0; i < regions->size() && p.ok(); ++i) {
            JsonObjectReader r = regions->object(i);
            RegionShare share;
            share.region = r.string(u"region", 100).toStdString();
            share.share = r.number(u"share", 0.000001, 1e6);
            r.finish();
            pop.regions.push_back(share);
        }
    }
    readPingRange(p, u"home_ping_ms", &pop.homePingMinMs, &pop.homePingMaxMs);
    readPingRange(p, u"remote_ping_ms", &pop.remotePingMinMs, &pop.remotePingMaxMs);
    if (auto parties = p.optionalArray(u"parties", 16)) {
        std::set<int> sizes;
        for (qsizetype i = 0; i < parties->size() && p.ok(); ++i) {
            JsonObjectReader r = parties->object(i);
            PartyShare share;
            share.size = static_cast<int>(r.integer(u"size", 1, 100));
            share.share = r.number(u"share", 0, 1e6);
            r.finish();
            if (p.ok() && !sizes.insert(share.size).second)
                parties->fail(i, u"size "_s + QString::number(share.size) + u" is listed twice"_s);
            pop.parties.push_back(share);
        }
        double sum = 0;
        for (const auto& s : pop.parties)
            sum += s.share;
        if (p.ok() && sum <= 0)
            p.fail(u"parties", u"shares must add up to more than 0"_s);
    }
    if (auto queues = p.optionalArray(u"queues", 64)) {
        for (qsizetype i = 0; i < queues->size() && p.ok(); ++i) {
            JsonObjectReader r = queues->object(i);
            QueueMix mix;
            mix.queue = r.string(u"queue", 100).toStdString();
            mix.share = r.optionalNumber(u"share", 1, 0.000001, 1e6);
            mix.matchMeanSeconds = r.optionalNumber(u"match_s", mix.matchMeanSeconds, 10, 86400);
            mix.matchStdDevSeconds =
                r.optionalNumber(u"match_sd_s", mix.matchStdDevSeconds, 0, 86400);
            r.finish();
            pop.queues.push_back(mix);
        }
        if (p.ok() && queues->size() == 0)
            p.fail(u"queues", u"must name at least one queue (or leave it out: every queue)"_s);
    }
    pop.sessionMeanSeconds = p.optionalNumber(u"session_s", pop.sessionMeanSeconds, 10, 7 * 86400);
    pop.breakMeanSeconds = p.optionalNumber(u"break_s", pop.breakMeanSeconds, 0.1, 86400);
    pop.patienceMeanSeconds = p.optionalNumber(u"patience_s", pop.patienceMeanSeconds, 1, 86400);
    pop.pollIntervalSeconds = p.optionalNumber(u"poll_s", pop.pollIntervalSeconds, 0.1, 3600);
    pop.retrySeconds = p.optionalNumber(u"retry_s", pop.retrySeconds, 0.1, 3600);
    pop.maxRetries = static_cast<int>(p.optionalInteger(u"max_retries", pop.maxRetries, 0, 100));
    p.finish();
}

void readService(JsonObjectReader s, ServiceSpec& spec) {
    spec.workers = static_cast<int>(s.optionalInteger(u"workers", spec.workers, 1, 100000));
    spec.serviceMedianMs =
        s.optionalNumber(u"service_ms_median", spec.serviceMedianMs, 0.01, 60000);
    spec.serviceP95Ms = s.optionalNumber(u"service_ms_p95", spec.serviceP95Ms, 0.01, 600000);
    if (s.ok() && spec.serviceP95Ms <= spec.serviceMedianMs)
        s.fail(u"service_ms_p95", u"must be greater than service_ms_median ("_s +
                                      QString::number(spec.serviceMedianMs) + u')');
    spec.queueLimit =
        static_cast<int>(s.optionalInteger(u"queue_limit", spec.queueLimit, 1, 1000000));
    spec.timeoutMs = s.optionalNumber(u"timeout_ms", spec.timeoutMs, 1, 600000);
    spec.networkMs = s.optionalNumber(u"network_ms", spec.networkMs, 0, 10000);
    s.finish();
}

// Checks that need the queue config: names exist, parties can queue.
void crossCheck(JsonReader& reader, Scenario& s) {
    const QueueConfig& c = s.queues;
    if (c.regions.empty() || c.queues.empty()) {
        reader.fail(u"queues"_s, u"the queue config has no regions or no queues"_s);
        return;
    }
    if (c.regions.size() > 250 || c.queues.size() > 250) {
        reader.fail(u"queues"_s, u"at most 250 regions and 250 queues"_s);
        return;
    }
    for (std::size_t i = 0; i < s.population.regions.size(); ++i) {
        if (c.regionIndex(s.population.regions[i].region) < 0) {
            reader.fail(u"population.regions["_s + QString::number(i) + u"].region"_s,
                        u"unknown region \""_s + q(s.population.regions[i].region) +
                            u"\" (the queue config has: "_s + q([&] {
                                std::string all;
                                for (const auto& r : c.regions)
                                    all += (all.empty() ? "" : ", ") + r;
                                return all;
                            }()) +
                            u')');
            return;
        }
    }
    for (std::size_t i = 0; i < s.population.queues.size(); ++i) {
        if (c.queueIndex(s.population.queues[i].queue) < 0) {
            reader.fail(u"population.queues["_s + QString::number(i) + u"].queue"_s,
                        u"unknown queue \""_s + q(s.population.queues[i].queue) + u'"');
            return;
        }
    }
    // Every party size must fit some queue of the mix.
    std::vector<PartyShare> parties = s.population.parties;
    if (parties.empty())
        parties = {{1, 0.5}, {2, 0.25}, {3, 0.15}, {5, 0.10}};
    for (std::size_t i = 0; i < parties.size(); ++i) {
        if (parties[i].share <= 0)
            continue;
        bool fits = false;
        for (const QueueRules& rules : c.queues) {
            const bool inMix =
                s.population.queues.empty() ||
                std::any_of(s.population.queues.begin(), s.population.queues.end(),
                            [&](const QueueMix& m) { return m.queue == rules.name; });
            fits = fits || (inMix && rules.allowsPartySize(parties[i].size));
        }
        if (!fits) {
            reader.fail(s.population.parties.empty()
                            ? u"population.queues"_s
                            : u"population.parties["_s + QString::number(i) + u"].size"_s,
                        u"no queue of the mix allows parties of "_s +
                            QString::number(parties[i].size) +
                            (s.population.parties.empty()
                                 ? u" (a default party size; list population.parties)"_s
                                 : QString()));
            return;
        }
    }
    if (s.greenQueues && s.greenQueues->regions != c.regions) {
        reader.fail(u"green_queues.regions"_s,
                    u"must list the same regions, in the same order, as queues"_s);
        return;
    }
    for (std::size_t i = 0; i < s.faults.size(); ++i) {
        const FaultSpec& f = s.faults[i];
        if (f.kind == FaultKind::RegionOutage && c.regionIndex(f.region) < 0) {
            reader.fail(u"faults["_s + QString::number(i) + u"].region"_s,
                        u"unknown region \""_s + q(f.region) + u'"');
            return;
        }
        if (f.atSeconds >= s.durationSeconds) {
            reader.fail(u"faults["_s + QString::number(i) + u"].at_s"_s,
                        u"must be before the end of the run (duration_s "_s +
                            QString::number(s.durationSeconds) + u')');
            return;
        }
    }
}

}  // namespace

ScenarioLoad parseScenario(const QByteArray& json, const QString& sourceName) {
    JsonReader reader(sourceName);
    ScenarioLoad load;
    std::optional<JsonObjectReader> parsed = reader.parseObject(json);
    if (!parsed) {
        load.error = reader.error();
        return load;
    }
    JsonObjectReader root = *parsed;
    Scenario s;
    s.sourceName = sourceName.toStdString();
    root.allow(u"$comment");
    const qint64 format = root.integer(u"format", 0, 1000000);
    if (root.ok() && format != kScenarioFormat)
        root.fail(u"format", u"unsupported format "_s + QString::number(format) +
                                 u" (this build reads format 1)"_s);
    s.name = root.string(u"name", 100).toStdString();
    if (root.ok() && s.name.empty())
        root.fail(u"name", u"must not be empty"_s);
    s.description = root.optionalString(u"description", {}, 2000).toStdString();
    s.seed = static_cast<std::uint64_t>(root.optionalInteger(u"seed", 1, 0, (qint64(1) << 53)));
    s.durationSeconds = root.number(u"duration_s", 1, kMaxRunSeconds);
    s.warmupSeconds = root.optionalNumber(u"warmup_s", 0, 0, 86400);
    s.tickSeconds = root.optionalNumber(u"tick_s", 1, 0.05, 60);
    if (root.has(u"speed") && root.raw().value(u"speed").isString()) {
        if (root.oneOf(u"speed", {u"max"_s}) == u"max"_s)
            s.speed = 0;
    } else {
        s.speed = root.optionalNumber(u"speed", 1, 0.01, 1000000);
    }

    // The queue config comes first: the rest is checked against it.
    QString queuesError;
    if (root.ok() && root.has(u"queues")) {
        if (auto config = readQueues(root, u"queues", sourceName))
            s.queues = *config;
    } else if (root.ok()) {
        root.allow(u"queues");
        if (auto config =
                loadQueueConfig(QString::fromLatin1(kDefaultQueueConfigPath), &queuesError))
            s.queues = *config;
        else
            queuesError =
                sourceName + u": queues: the shipped queue config is unusable: "_s + queuesError;
    }
    if (root.ok() && queuesError.isEmpty() && root.has(u"green_queues")) {
        if (auto config = readQueues(root, u"green_queues", sourceName))
            s.greenQueues = *config;
    }
    root.allow(u"green_queues");
    if (!queuesError.isEmpty()) {
        load.error = queuesError;
        return load;
    }

    readPopulation(root.object(u"population"), s.population);
    if (auto service = root.optionalObject(u"service"))
        readService(*service, s.service);
    if (auto traffic = root.optionalObject(u"traffic")) {
        s.traffic.greenWeightPercent =
            static_cast<int>(traffic->optionalInteger(u"green_weight", 0, 0, 100));
        traffic->finish();
    }
    if (auto faults = root.optionalArray(u"faults", 1000)) {
        for (qsizetype i = 0; i < faults->size() && root.ok(); ++i)
            s.faults.push_back(readFaultSpec(faults->object(i)));
    }
    if (auto thresholds = root.optionalObject(u"thresholds")) {
        const QStringList keys = thresholds->keys();
        for (const QString& key : keys) {
            if (!root.ok())
                break;
            const QString text = thresholds->string(key, 100);
            if (!root.ok())
                break;
            std::string why;
            if (auto t = parseThreshold(key.toStdString(), text.toStdString(), &why))
                s.thresholds.push_back(*t);
            else
                thresholds->fail(key, q(why));
        }
        thresholds->finish();
    }
    root.finish();
    if (reader.ok())
        crossCheck(reader, s);
    if (!reader.ok()) {
        load.error = reader.error();
        return load;
    }
    load.scenario = std::move(s);
    return load;
}

ScenarioLoad loadScenarioFile(const QString& pathOrResource) {
    ScenarioLoad load;
    const auto bytes = readFileForParsing(pathOrResource, kMaxScenarioBytes, &load.error);
    if (!bytes)
        return load;
    return parseScenario(*bytes, pathOrResource);
}

QStringList shippedScenarioNames() {
    QStringList names;
    const QStringList files =
        QDir(u":/pulsco/scenarios"_s).entryList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QString& f : files)
        names.append(f.chopped(5));
    names.sort();
    return names;
}

QString shippedScenarioPath(const QString& name) {
    return u":/pulsco/scenarios/"_s + name + u".json"_s;
}

}  // namespace pulsco
