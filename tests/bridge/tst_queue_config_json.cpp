// queues.json: the shipped file loads, round trips hold, and every bad input
// is refused with the file, the exact field path and why.
#include "bridge/QueueConfigJson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <random>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

QJsonObject step(double after, double value) {
    return QJsonObject{{u"after_s"_s, after}, {u"value"_s, value}};
}

QJsonObject queue(const QString& name, int teamSize, QJsonArray parties) {
    return QJsonObject{
        {u"name"_s, name},
        {u"team_count"_s, 2},
        {u"team_size"_s, teamSize},
        {u"party_sizes"_s, parties},
        {u"skill_window"_s, QJsonArray{step(0, 2), step(10, 4), step(30, 8)}},
        {u"ping_limit_ms"_s, QJsonArray{step(0, 60), step(10, 100), step(30, 150)}},
        {u"max_wait_s"_s, 300},
    };
}

QJsonObject validConfig() {
    return QJsonObject{
        {u"format"_s, 1},
        {u"regions"_s, QJsonArray{u"eu-west"_s, u"us-east"_s}},
        {u"queues"_s,
         QJsonArray{queue(u"ranked-5v5"_s, 5, {1, 2, 3, 5}), queue(u"duel-1v1"_s, 1, {1})}},
    };
}

using Edit = std::function<void(QJsonObject&)>;

// Applies `edit` to queues[index] of the config.
Edit inQueue(int index, const std::function<void(QJsonObject&)>& edit) {
    return [index, edit](QJsonObject& root) {
        QJsonArray queues = root[u"queues"_s].toArray();
        QJsonObject q = queues[index].toObject();
        edit(q);
        queues[index] = q;
        root[u"queues"_s] = queues;
    };
}

Edit setInQueue(int index, const QString& key, const QJsonValue& value) {
    return inQueue(index, [key, value](QJsonObject& q) { q[key] = value; });
}

// Applies `edit` to queues[index][schedule][stepIndex].
Edit inStep(int index, const QString& schedule, int stepIndex,
            const std::function<void(QJsonObject&)>& edit) {
    return inQueue(index, [schedule, stepIndex, edit](QJsonObject& q) {
        QJsonArray steps = q[schedule].toArray();
        QJsonObject s = steps[stepIndex].toObject();
        edit(s);
        steps[stepIndex] = s;
        q[schedule] = steps;
    });
}

QByteArray withEdit(const Edit& edit) {
    QJsonObject root = validConfig();
    edit(root);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

}  // namespace

class TestQueueConfigJson : public QObject {
    Q_OBJECT

private slots:
    void validConfigParses();
    void shippedFileLoads_data();
    void shippedFileLoads();
    void shippedFileMatchesTheRolloutRules();
    void roundTrip();
    void randomConfigsRoundTrip();
    void badInput_data();
    void badInput();
    void invalidJsonNamesTheOffset();
    void missingFileNamesThePath();
    void tooLargeFileIsRefused();
    void embeddedConfigNamesItsPath();
    void commentsAreAllowed();
};

void TestQueueConfigJson::validConfigParses() {
    QString error;
    const auto config = parseQueueConfig(withEdit([](QJsonObject&) {}), u"queues.json"_s, &error);
    QVERIFY2(config.has_value(), qPrintable(error));
    QCOMPARE(config->regions, (std::vector<std::string>{"eu-west", "us-east"}));
    QCOMPARE(config->queues.size(), 2u);
    const QueueRules& ranked = config->queues[0];
    QCOMPARE(ranked.name, "ranked-5v5");
    QCOMPARE(ranked.teamCount, 2);
    QCOMPARE(ranked.teamSize, 5);
    QCOMPARE(ranked.partySizes, (std::vector<int>{1, 2, 3, 5}));
    QCOMPARE(ranked.skillWindow.valueAt(0), 2.0);
    QCOMPARE(ranked.skillWindow.valueAt(9.9), 2.0);
    QCOMPARE(ranked.skillWindow.valueAt(10), 4.0);
    QCOMPARE(ranked.skillWindow.valueAt(1000), 8.0);
    QCOMPARE(ranked.pingLimitMs.valueAt(15), 100.0);
    QCOMPARE(ranked.maxWaitSeconds, 300.0);
}

void TestQueueConfigJson::shippedFileLoads_data() {
    QTest::addColumn<QString>("path");
    QTest::addRow("file on disk") << QStringLiteral(PULSCO_SOURCE_DIR "/resources/queues.json");
    QTest::addRow("embedded resource") << QString::fromLatin1(kDefaultQueueConfigPath);
}

void TestQueueConfigJson::shippedFileLoads() {
    QFETCH(QString, path);
    QString error;
    const auto config = loadQueueConfig(path, &error);
    QVERIFY2(config.has_value(), qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(config->regions,
             (std::vector<std::string>{"eu-west", "us-east", "us-west", "asia-east", "sa-east"}));
    QVERIFY(config->queueIndex("ranked-5v5") >= 0);
    QVERIFY(config->queueIndex("casual-3v3") >= 0);
    QVERIFY(config->queueIndex("duel-1v1") >= 0);
    QCOMPARE(validate(*config), std::string());
}

void TestQueueConfigJson::shippedFileMatchesTheRolloutRules() {
    QString error;
    const auto config = loadQueueConfig(QString::fromLatin1(kDefaultQueueConfigPath), &error);
    QVERIFY2(config.has_value(), qPrintable(error));
    const QueueRules& ranked =
        config->queues[static_cast<std::size_t>(config->queueIndex("ranked-5v5"))];
    QCOMPARE(ranked.teamSize, 5);
    QCOMPARE(ranked.partySizes, (std::vector<int>{1, 2, 3, 5}));
    QCOMPARE(ranked.skillWindow.valueAt(0), 2.0);
    QCOMPARE(ranked.skillWindow.valueAt(10), 4.0);
    QCOMPARE(ranked.skillWindow.valueAt(30), 8.0);
    QCOMPARE(ranked.pingLimitMs.valueAt(0), 60.0);
    QCOMPARE(ranked.pingLimitMs.valueAt(10), 100.0);
    QCOMPARE(ranked.pingLimitMs.valueAt(30), 150.0);
    QCOMPARE(ranked.maxWaitSeconds, 300.0);
    const QueueRules& casual =
        config->queues[static_cast<std::size_t>(config->queueIndex("casual-3v3"))];
    QCOMPARE(casual.teamSize, 3);
    QCOMPARE(casual.partySizes, (std::vector<int>{1, 2, 3}));
    // "Wider" than ranked at every wait.
    for (double wait : {0.0, 10.0, 30.0, 120.0})
        QVERIFY(casual.skillWindow.valueAt(wait) > ranked.skillWindow.valueAt(wait));
    const QueueRules& duel =
        config->queues[static_cast<std::size_t>(config->queueIndex("duel-1v1"))];
    QCOMPARE(duel.teamSize, 1);
    QCOMPARE(duel.partySizes, std::vector<int>{1});
}

void TestQueueConfigJson::roundTrip() {
    QString error;
    const auto shipped = loadQueueConfig(QString::fromLatin1(kDefaultQueueConfigPath), &error);
    QVERIFY2(shipped.has_value(), qPrintable(error));
    const auto again = parseQueueConfig(queueConfigToJson(*shipped), u"round trip"_s, &error);
    QVERIFY2(again.has_value(), qPrintable(error));
    QVERIFY(*again == *shipped);
}

void TestQueueConfigJson::randomConfigsRoundTrip() {
    std::mt19937_64 rng(17);
    for (int round = 0; round < 200; ++round) {
        QueueConfig config;
        const int regions = std::uniform_int_distribution<int>(1, 6)(rng);
        for (int r = 0; r < regions; ++r)
            config.regions.push_back("region-" + std::to_string(r));
        const int queues = std::uniform_int_distribution<int>(1, 4)(rng);
        for (int q = 0; q < queues; ++q) {
            QueueRules rules;
            rules.name = "queue-" + std::to_string(q);
            rules.teamCount = std::uniform_int_distribution<int>(2, 4)(rng);
            rules.teamSize = std::uniform_int_distribution<int>(1, 8)(rng);
            for (int size = 1; size <= rules.teamSize; ++size) {
                if (size == 1 || std::bernoulli_distribution(0.5)(rng))
                    rules.partySizes.push_back(size);
            }
            std::vector<WaitStep> skill{{0, std::uniform_real_distribution<double>(0.5, 5)(rng)}};
            std::vector<WaitStep> ping{{0, 50}};
            for (int s = 1; s < 4; ++s) {
                skill.push_back({skill.back().afterSeconds + 7.25 * s, skill.back().value * 1.5});
                ping.push_back({ping.back().afterSeconds + 10, ping.back().value + 33.3});
            }
            rules.skillWindow = WaitWindowSchedule(skill);
            rules.pingLimitMs = WaitWindowSchedule(ping);
            rules.maxWaitSeconds = std::uniform_real_distribution<double>(30, 900)(rng);
            config.queues.push_back(rules);
        }
        QString error;
        const auto parsed = parseQueueConfig(queueConfigToJson(config), u"random"_s, &error);
        QVERIFY2(parsed.has_value(), qPrintable(error));
        QVERIFY(*parsed == config);
    }
}

void TestQueueConfigJson::badInput_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    auto row = [](const char* name, const Edit& edit, const QString& why) {
        QTest::newRow(name) << withEdit(edit) << (u"queues.json: "_s + why);
    };
    row(
        "missing format", [](QJsonObject& r) { r.remove(u"format"_s); }, u"format: is required"_s);
    row(
        "format 2", [](QJsonObject& r) { r[u"format"_s] = 2; },
        u"format: unsupported format 2 (this build reads format 1)"_s);
    row(
        "format as string", [](QJsonObject& r) { r[u"format"_s] = u"1"_s; },
        u"format: must be an integer from 0 to 1000000 (got a string)"_s);
    row(
        "unknown top-level field", [](QJsonObject& r) { r[u"extra"_s] = true; },
        u"extra: unknown field (known fields: $comment, format, queues, regions)"_s);
    row(
        "regions missing", [](QJsonObject& r) { r.remove(u"regions"_s); },
        u"regions: is required"_s);
    row(
        "regions not an array", [](QJsonObject& r) { r[u"regions"_s] = u"eu-west"_s; },
        u"regions: must be an array (got a string)"_s);
    row(
        "region not a string",
        [](QJsonObject& r) {
            r[u"regions"_s] = QJsonArray{u"eu"_s, 3};
        },
        u"regions[1]: must be a string (got a number)"_s);
    row(
        "no regions", [](QJsonObject& r) { r[u"regions"_s] = QJsonArray{}; },
        u"regions: must list at least one region"_s);
    row(
        "duplicate region",
        [](QJsonObject& r) {
            r[u"regions"_s] = QJsonArray{u"eu-west"_s, u"eu-west"_s};
        },
        u"regions[1]: duplicate region \"eu-west\""_s);
    row(
        "queues not an array", [](QJsonObject& r) { r[u"queues"_s] = QJsonObject{}; },
        u"queues: must be an array (got an object)"_s);
    row(
        "no queues", [](QJsonObject& r) { r[u"queues"_s] = QJsonArray{}; },
        u"queues: must list at least one queue"_s);
    row(
        "queue not an object", [](QJsonObject& r) { r[u"queues"_s] = QJsonArray{u"ranked"_s}; },
        u"queues[0]: must be an object (got a string)"_s);
    row("name missing", inQueue(1, [](QJsonObject& q) { q.remove(u"name"_s); }),
        u"queues[1].name: is required"_s);
    row("empty name", setInQueue(0, u"name"_s, u""_s), u"queues[0].name: must not be empty"_s);
    row("duplicate queue name", setInQueue(1, u"name"_s, u"ranked-5v5"_s),
        u"queues[1].name: duplicate queue name \"ranked-5v5\""_s);
    row("team size wrong type", setInQueue(0, u"team_size"_s, u"5"_s),
        u"queues[0].team_size: must be an integer from 1 to 100 (got a string)"_s);
    row("team size 0", setInQueue(0, u"team_size"_s, 0),
        u"queues[0].team_size: must be an integer from 1 to 100 (got 0)"_s);
    row("team size fractional", setInQueue(0, u"team_size"_s, 2.5),
        u"queues[0].team_size: must be an integer from 1 to 100 (got 2.5)"_s);
    row("team count 1", setInQueue(0, u"team_count"_s, 1),
        u"queues[0].team_count: must be an integer from 2 to 16 (got 1)"_s);
    row("too many players per match",
        inQueue(1,
                [](QJsonObject& q) {
                    q[u"team_count"_s] = 16;
                    q[u"team_size"_s] = 10;
                }),
        u"queues[1].team_size: team_count x team_size must be at most 100"_s);
    row("unknown queue field", setInQueue(1, u"teamsize"_s, 1),
        u"queues[1].teamsize: unknown field (known fields: $comment, max_wait_s, name, "
        u"party_sizes, ping_limit_ms, skill_window, team_count, team_size)"_s);
    row("no party sizes", setInQueue(0, u"party_sizes"_s, QJsonArray{}),
        u"queues[0].party_sizes: must list at least one party size"_s);
    row("party larger than team", setInQueue(0, u"party_sizes"_s, QJsonArray{1, 2, 6}),
        u"queues[0].party_sizes[2]: must be an integer from 1 to 5 (got 6)"_s);
    row("duplicate party size", setInQueue(0, u"party_sizes"_s, QJsonArray{1, 3, 1}),
        u"queues[0].party_sizes[2]: duplicate party size 1"_s);
    row("schedule not increasing",
        inStep(0, u"skill_window"_s, 2, [](QJsonObject& s) { s[u"after_s"_s] = 10; }),
        u"queues[0].skill_window[2].after_s: must be greater than the previous step's after_s (10)"_s);
    row("schedule not starting at 0",
        inStep(1, u"ping_limit_ms"_s, 0, [](QJsonObject& s) { s[u"after_s"_s] = 5; }),
        u"queues[1].ping_limit_ms[0].after_s: the first step must start at 0"_s);
    row("schedule value falling",
        inStep(0, u"ping_limit_ms"_s, 1, [](QJsonObject& s) { s[u"value"_s] = 50; }),
        u"queues[0].ping_limit_ms[1].value: must not be smaller than the previous step's value (60)"_s);
    row("schedule value 0",
        inStep(0, u"skill_window"_s, 0, [](QJsonObject& s) { s[u"value"_s] = 0; }),
        u"queues[0].skill_window[0].value: must be > 0"_s);
    row("schedule step missing value",
        inStep(0, u"skill_window"_s, 1, [](QJsonObject& s) { s.remove(u"value"_s); }),
        u"queues[0].skill_window[1].value: is required"_s);
    row("schedule step unknown field",
        inStep(0, u"skill_window"_s, 1, [](QJsonObject& s) { s[u"unit"_s] = u"mu"_s; }),
        u"queues[0].skill_window[1].unit: unknown field (known fields: after_s, value)"_s);
    row("empty schedule", setInQueue(0, u"skill_window"_s, QJsonArray{}),
        u"queues[0].skill_window: must have at least one step"_s);
    row("schedule not an array", setInQueue(0, u"ping_limit_ms"_s, 60),
        u"queues[0].ping_limit_ms: must be an array (got a number)"_s);
    row("max wait 0", setInQueue(0, u"max_wait_s"_s, 0), u"queues[0].max_wait_s: must be > 0"_s);
    row("max wait negative", setInQueue(0, u"max_wait_s"_s, -1),
        u"queues[0].max_wait_s: must be a number from 0 to 86400 (got -1)"_s);
    row("max wait null", setInQueue(0, u"max_wait_s"_s, QJsonValue()),
        u"queues[0].max_wait_s: must be a number from 0 to 86400 (got null)"_s);
    QTest::newRow("top level not an object")
        << "[1, 2]"_ba << u"queues.json: top level: must be a JSON object"_s;
}

void TestQueueConfigJson::badInput() {
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    QString error;
    const auto config = parseQueueConfig(json, u"queues.json"_s, &error);
    QVERIFY(!config.has_value());  // nothing half-loaded
    QCOMPARE(error, expected);
}

void TestQueueConfigJson::invalidJsonNamesTheOffset() {
    QString error;
    QVERIFY(!parseQueueConfig(R"({"format": 1, "regions": [)"_ba, u"queues.json"_s, &error));
    QVERIFY2(error.startsWith(u"queues.json: invalid JSON at offset 26: "_s), qPrintable(error));
    QVERIFY(!parseQueueConfig(R"({"format": 1,, })"_ba, u"queues.json"_s, &error));
    QVERIFY2(error.startsWith(u"queues.json: invalid JSON at offset "_s), qPrintable(error));
    QVERIFY(!parseQueueConfig(QByteArray(), u"queues.json"_s, &error));
    QVERIFY2(error.startsWith(u"queues.json: invalid JSON at offset 0: "_s), qPrintable(error));
}

void TestQueueConfigJson::missingFileNamesThePath() {
    QString error;
    QVERIFY(!loadQueueConfig(u"/nonexistent/queues.json"_s, &error));
    QVERIFY2(error.startsWith(u"/nonexistent/queues.json: cannot open: "_s), qPrintable(error));
    QVERIFY(!loadQueueConfig(u":/pulsco/no-such.json"_s, &error));
    QVERIFY2(error.startsWith(u":/pulsco/no-such.json: cannot open"_s), qPrintable(error));
}

void TestQueueConfigJson::tooLargeFileIsRefused() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(u"queues.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(2 << 20, ' '));
    file.close();
    QString error;
    QVERIFY(!loadQueueConfig(path, &error));
    QVERIFY2(error.startsWith(path + u": too large"_s), qPrintable(error));

    // A bad file on disk names the file's own path.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(withEdit(setInQueue(0, u"team_size"_s, 0)));
    file.close();
    QVERIFY(!loadQueueConfig(path, &error));
    QCOMPARE(error, path + u": queues[0].team_size: must be an integer from 1 to 100 (got 0)"_s);
}

void TestQueueConfigJson::embeddedConfigNamesItsPath() {
    QJsonObject bad = validConfig();
    setInQueue(1, u"team_size"_s, 0)(bad);
    JsonReader reader(u"scenarios/x.json"_s);
    readQueueConfig(reader.wrap(bad, u"green_queues"_s));
    QCOMPARE(reader.error(), u"scenarios/x.json: green_queues.queues[1].team_size: must be an "
                             u"integer from 1 to 100 (got 0)"_s);

    // core validate()'s messages are re-anchored the same way.
    QJsonObject duplicate = validConfig();
    setInQueue(1, u"name"_s, u"ranked-5v5"_s)(duplicate);
    JsonReader second(u"scenarios/y.json"_s);
    readQueueConfig(second.wrap(duplicate, u"queues"_s));
    QCOMPARE(second.error(),
             u"scenarios/y.json: queues.queues[1].name: duplicate queue name \"ranked-5v5\""_s);

    JsonReader fine(u"scenarios/z.json"_s);
    const QueueConfig config = readQueueConfig(fine.wrap(validConfig(), u"queues"_s));
    QVERIFY2(fine.ok(), qPrintable(fine.error()));
    QCOMPARE(config.queues.size(), 2u);
}

void TestQueueConfigJson::commentsAreAllowed() {
    QString error;
    const QByteArray json = withEdit([](QJsonObject& r) {
        r[u"$comment"_s] = u"top"_s;
        inQueue(0, [](QJsonObject& q) { q[u"$comment"_s] = u"per queue"_s; })(r);
    });
    QVERIFY2(parseQueueConfig(json, u"queues.json"_s, &error).has_value(), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestQueueConfigJson)
#include "tst_queue_config_json.moc"
