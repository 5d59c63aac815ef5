#include "bridge/QueueConfigJson.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace pulsco {

namespace {

constexpr qint64 kMaxFileBytes = 1 << 20;
constexpr qsizetype kMaxRegions = 64;
constexpr qsizetype kMaxQueues = 100;
constexpr qsizetype kMaxSteps = 32;
constexpr qsizetype kMaxNameLength = 64;

// Structural limits; core validate() owns the cross-field rules.
constexpr qint64 kMaxTeamCount = 16;
constexpr qint64 kMaxTeamSize = 100;
constexpr double kMaxWaitSeconds = 86400;

// A step schedule: [{after_s, value}], first at 0, after_s strictly rising,
// value never falling.
WaitWindowSchedule readSchedule(JsonObjectReader& parent, QStringView key, double maxValue) {
    std::vector<WaitStep> out;
    JsonArrayReader steps = parent.array(key, kMaxSteps);
    if (steps.ok() && steps.size() == 0)
        parent.fail(key, u"must have at least one step"_s);
    for (qsizetype i = 0; i < steps.size() && steps.ok(); ++i) {
        JsonObjectReader step = steps.object(i);
        WaitStep s;
        s.afterSeconds = step.number(u"after_s", 0, kMaxWaitSeconds);
        s.value = step.number(u"value", 0, maxValue);
        step.finish();
        if (!step.ok())
            break;
        if (i == 0 && s.afterSeconds != 0)
            step.fail(u"after_s", u"the first step must start at 0"_s);
        else if (i > 0 && s.afterSeconds <= out.back().afterSeconds)
            step.fail(u"after_s", u"must be greater than the previous step's after_s ("_s +
                                      QString::number(out.back().afterSeconds) + u')');
        else if (s.value <= 0)
            step.fail(u"value", u"must be > 0"_s);
        else if (i > 0 && s.value < out.back().value)
            step.fail(u"value", u"must not be smaller than the previous step's value ("_s +
                                    QString::number(out.back().value) + u')');
        out.push_back(s);
    }
    return WaitWindowSchedule(std::move(out));
}

QueueRules readQueue(JsonObjectReader q) {
    QueueRules rules;
    q.allow(u"$comment");
    rules.name = q.string(u"name", kMaxNameLength).toStdString();
    if (q.ok() && rules.name.empty())
        q.fail(u"name", u"must not be empty"_s);
    rules.teamCount = static_cast<int>(q.integer(u"team_count", 2, kMaxTeamCount));
    rules.teamSize = static_cast<int>(q.integer(u"team_size", 1, kMaxTeamSize));
    JsonArrayReader parties = q.array(u"party_sizes", kMaxTeamSize);
    if (q.ok() && parties.size() == 0)
        q.fail(u"party_sizes", u"must list at least one party size"_s);
    for (qsizetype i = 0; i < parties.size() && q.ok(); ++i) {
        const int size = static_cast<int>(parties.integer(i, 1, rules.teamSize));
        if (q.ok() && rules.allowsPartySize(size))
            parties.fail(i, u"duplicate party size "_s + QString::number(size));
        rules.partySizes.push_back(size);
    }
    rules.skillWindow = readSchedule(q, u"skill_window", 1e6);
    rules.pingLimitMs = readSchedule(q, u"ping_limit_ms", 100000);
    rules.maxWaitSeconds = q.number(u"max_wait_s", 0, kMaxWaitSeconds);
    if (q.ok() && rules.maxWaitSeconds <= 0)
        q.fail(u"max_wait_s", u"must be > 0"_s);
    q.finish();
    return rules;
}

QueueConfig readStructure(JsonObjectReader& root) {
    QueueConfig config;
    root.allow(u"$comment");
    const qint64 format = root.integer(u"format", 0, 1000000);
    if (root.ok() && format != kQueueConfigFormat) {
        root.fail(u"format", u"unsupported format "_s + QString::number(format) +
                                 u" (this build reads format "_s +
                                 QString::number(kQueueConfigFormat) + u')');
        return {};
    }
    JsonArrayReader regions = root.array(u"regions", kMaxRegions);
    for (qsizetype i = 0; i < regions.size() && root.ok(); ++i)
        config.regions.push_back(regions.string(i, kMaxNameLength).toStdString());
    JsonArrayReader queues = root.array(u"queues", kMaxQueues);
    for (qsizetype i = 0; i < queues.size() && root.ok(); ++i)
        config.queues.push_back(readQueue(queues.object(i)));
    root.finish();
    return config;
}

QJsonArray scheduleToJson(const WaitWindowSchedule& schedule) {
    QJsonArray steps;
    for (const WaitStep& step : schedule.steps())
        steps.append(QJsonObject{{u"after_s"_s, step.afterSeconds}, {u"value"_s, step.value}});
    return steps;
}

}  // namespace

QueueConfig readQueueConfig(JsonObjectReader object) {
    const QueueConfig config = readStructure(object);
    if (!object.ok())
        return {};
    // Semantic rules (and any the structure above cannot see) live in core;
    // its "<field path>: <why>" is re-anchored at this object's path.
    const QString why = QString::fromStdString(validate(config));
    if (why.isEmpty())
        return config;
    const qsizetype colon = why.indexOf(u": "_s);
    if (colon > 0)
        object.fail(why.left(colon), why.mid(colon + 2));
    else
        object.fail({}, why);
    return {};
}

std::optional<QueueConfig> parseQueueConfig(const QByteArray& json, const QString& source,
                                            QString* error) {
    JsonReader reader(source);
    QueueConfig config;
    if (std::optional<JsonObjectReader> root = reader.parseObject(json))
        config = readQueueConfig(*root);
    if (!reader.ok()) {
        if (error)
            *error = reader.error();
        return std::nullopt;
    }
    return config;
}

std::optional<QueueConfig> loadQueueConfig(const QString& path, QString* error) {
    const std::optional<QByteArray> bytes = readFileForParsing(path, kMaxFileBytes, error);
    if (!bytes)
        return std::nullopt;
    return parseQueueConfig(*bytes, path, error);
}

QJsonObject queueRulesToJsonObject(const QueueRules& rules) {
    QJsonArray parties;
    for (int size : rules.partySizes)
        parties.append(size);
    return QJsonObject{
        {u"name"_s, QString::fromStdString(rules.name)},
        {u"team_count"_s, rules.teamCount},
        {u"team_size"_s, rules.teamSize},
        {u"party_sizes"_s, parties},
        {u"skill_window"_s, scheduleToJson(rules.skillWindow)},
        {u"ping_limit_ms"_s, scheduleToJson(rules.pingLimitMs)},
        {u"max_wait_s"_s, rules.maxWaitSeconds},
    };
}

QJsonObject queueConfigToJsonObject(const QueueConfig& config) {
    QJsonArray regions;
    for (const std::string& region : config.regions)
        regions.append(QString::fromStdString(region));
    QJsonArray queues;
    for (const QueueRules& rules : config.queues)
        queues.append(queueRulesToJsonObject(rules));
    return QJsonObject{
        {u"format"_s, kQueueConfigFormat},
        {u"regions"_s, regions},
        {u"queues"_s, queues},
    };
}

QByteArray queueConfigToJson(const QueueConfig& config) {
    return QJsonDocument(queueConfigToJsonObject(config)).toJson(QJsonDocument::Indented);
}

}  // namespace pulsco
