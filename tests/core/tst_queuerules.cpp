// Queue rules: the wait-step schedules, party sizes, lookups and every
// message validate() can give (the JSON loader shows them to people).
#include "core/QueueRules.h"

#include "MatcherFixtures.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace pulsco;

Q_DECLARE_METATYPE(pulsco::QueueConfig)

class TestQueueRules : public QObject {
    Q_OBJECT
private slots:
    void valueAt_data();
    void valueAt();
    void emptyScheduleIsZero();
    void allowsPartySize_data();
    void allowsPartySize();
    void lookups();
    void validate_data();
    void validate();
};

void TestQueueRules::valueAt_data() {
    QTest::addColumn<double>("wait");
    QTest::addColumn<double>("expected");
    QTest::addRow("start") << 0.0 << 100.0;
    QTest::addRow("just before the first step") << 9.999 << 100.0;
    QTest::addRow("exactly at 10 s") << 10.0 << 200.0;
    QTest::addRow("between steps") << 29.5 << 200.0;
    QTest::addRow("exactly at 30 s") << 30.0 << 400.0;
    QTest::addRow("long after") << 1e6 << 400.0;
    QTest::addRow("negative wait keeps the first value") << -5.0 << 100.0;
}

void TestQueueRules::valueAt() {
    QFETCH(double, wait);
    QFETCH(double, expected);
    const WaitWindowSchedule schedule({{0, 100}, {10, 200}, {30, 400}});
    QCOMPARE(schedule.valueAt(wait), expected);
}

void TestQueueRules::emptyScheduleIsZero() {
    QCOMPARE(WaitWindowSchedule().valueAt(5), 0.0);
    QVERIFY(WaitWindowSchedule().steps().empty());
}

void TestQueueRules::allowsPartySize_data() {
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("allowed");
    QTest::addRow("solo") << 1 << true;
    QTest::addRow("duo") << 2 << true;
    QTest::addRow("four is not listed") << 4 << false;
    QTest::addRow("full team") << 5 << true;
    QTest::addRow("zero") << 0 << false;
    QTest::addRow("bigger than a team") << 6 << false;
}

void TestQueueRules::allowsPartySize() {
    QFETCH(int, size);
    QFETCH(bool, allowed);
    QCOMPARE(test::shippedConfig().queues[0].allowsPartySize(size), allowed);
}

void TestQueueRules::lookups() {
    const QueueConfig config = test::shippedConfig();
    QCOMPARE(config.regionIndex("us-east"), 1);
    QCOMPARE(config.regionIndex("mars"), -1);
    QCOMPARE(config.queueIndex("duel-1v1"), 2);
    QCOMPARE(config.queueIndex("ranked-5v5"), 0);
    QCOMPARE(config.queueIndex("ranked"), -1);
    QCOMPARE(config.queues[0].playersPerMatch(), 10);
    QCOMPARE(config.queues[2].playersPerMatch(), 2);
    // Value equality (the loader's tests compare whole configs).
    QueueConfig other = test::shippedConfig();
    QVERIFY(other == config);
    other.queues[1].skillWindow = WaitWindowSchedule({{0, 2}, {10, 5}});
    QVERIFY(!(other == config));
    QVERIFY(!(WaitStep{0, 1} == WaitStep{0, 2}));
}

void TestQueueRules::validate_data() {
    QTest::addColumn<QueueConfig>("config");
    QTest::addColumn<QString>("message");
    const QueueConfig valid = test::shippedConfig();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    auto row = [&](const char* name, auto change, const char* message) {
        QueueConfig config = valid;
        change(config);
        QTest::addRow("%s", name) << config << QString::fromUtf8(message);
    };
    row(
        "shipped config is valid", [](QueueConfig&) {}, "");
    row(
        "no regions", [](QueueConfig& c) { c.regions.clear(); },
        "regions: must list at least one region");
    row(
        "empty region name", [](QueueConfig& c) { c.regions[1].clear(); },
        "regions[1]: must be a non-empty name");
    row(
        "duplicate region", [](QueueConfig& c) { c.regions[2] = "eu-west"; },
        "regions[2]: duplicate region \"eu-west\"");
    row(
        "too many regions",
        [](QueueConfig& c) {
            c.regions.clear();
            for (int i = 0; i < 65; ++i)
                c.regions.push_back("r" + std::to_string(i));
        },
        "regions: at most 64 regions");
    row(
        "no queues", [](QueueConfig& c) { c.queues.clear(); },
        "queues: must list at least one queue");
    row(
        "empty queue name", [](QueueConfig& c) { c.queues[0].name.clear(); },
        "queues[0].name: must be a non-empty name");
    row(
        "duplicate queue name", [](QueueConfig& c) { c.queues[2].name = "ranked-5v5"; },
        "queues[2].name: duplicate queue name \"ranked-5v5\"");
    row(
        "one team", [](QueueConfig& c) { c.queues[1].teamCount = 1; },
        "queues[1].team_count: must be an integer from 2 to 16");
    row(
        "seventeen teams", [](QueueConfig& c) { c.queues[2].teamCount = 17; },
        "queues[2].team_count: must be an integer from 2 to 16");
    row(
        "team size 0", [](QueueConfig& c) { c.queues[1].teamSize = 0; },
        "queues[1].team_size: must be >= 1");
    row(
        "match too big", [](QueueConfig& c) { c.queues[0].teamSize = 51; },
        "queues[0].team_size: team_count x team_size must be at most 100");
    row(
        "no party sizes", [](QueueConfig& c) { c.queues[0].partySizes.clear(); },
        "queues[0].party_sizes: must list at least one party size");
    row(
        "party size 0",
        [](QueueConfig& c) {
            c.queues[0].partySizes = {1, 0};
        },
        "queues[0].party_sizes[1]: must be from 1 to team_size (5)");
    row(
        "party bigger than a team",
        [](QueueConfig& c) {
            c.queues[1].partySizes = {1, 4};
        },
        "queues[1].party_sizes[1]: must be from 1 to team_size (3)");
    row(
        "duplicate party size",
        [](QueueConfig& c) {
            c.queues[0].partySizes = {1, 2, 2};
        },
        "queues[0].party_sizes[2]: duplicate party size 2");
    row(
        "empty skill window", [](QueueConfig& c) { c.queues[0].skillWindow = {}; },
        "queues[0].skill_window: must have at least one step");
    row(
        "first step after 0",
        [](QueueConfig& c) {
            c.queues[0].skillWindow = WaitWindowSchedule({{5, 2}});
        },
        "queues[0].skill_window[0].after_s: the first step must start at 0");
    row(
        "steps not increasing",
        [](QueueConfig& c) {
            c.queues[0].skillWindow = WaitWindowSchedule({{0, 2}, {10, 4}, {5, 8}});
        },
        "queues[0].skill_window[2].after_s: must be greater than the previous step's after_s");
    row(
        "steps equal",
        [](QueueConfig& c) {
            c.queues[0].skillWindow = WaitWindowSchedule({{0, 2}, {0, 4}});
        },
        "queues[0].skill_window[1].after_s: must be greater than the previous step's after_s");
    row(
        "after_s not a number",
        [&](QueueConfig& c) {
            c.queues[0].skillWindow = WaitWindowSchedule({{0, 2}, {nan, 4}});
        },
        "queues[0].skill_window[1].after_s: must be a finite number >= 0");
    row(
        "window value 0",
        [](QueueConfig& c) {
            c.queues[0].skillWindow = WaitWindowSchedule({{0, 0}});
        },
        "queues[0].skill_window[0].value: must be a finite number > 0");
    row(
        "window value infinite",
        [&](QueueConfig& c) {
            c.queues[0].skillWindow = WaitWindowSchedule({{0, inf}});
        },
        "queues[0].skill_window[0].value: must be a finite number > 0");
    row(
        "window narrows",
        [](QueueConfig& c) {
            c.queues[0].skillWindow = WaitWindowSchedule({{0, 4}, {10, 2}});
        },
        "queues[0].skill_window[1].value: must not be smaller than the previous step's value");
    row(
        "ping limit steps not increasing",
        [](QueueConfig& c) {
            c.queues[1].pingLimitMs = WaitWindowSchedule({{0, 60}, {0, 100}});
        },
        "queues[1].ping_limit_ms[1].after_s: must be greater than the previous step's after_s");
    row(
        "max wait 0", [](QueueConfig& c) { c.queues[2].maxWaitSeconds = 0; },
        "queues[2].max_wait_s: must be a finite number > 0");
    row(
        "max wait infinite", [&](QueueConfig& c) { c.queues[2].maxWaitSeconds = inf; },
        "queues[2].max_wait_s: must be a finite number > 0");
}

void TestQueueRules::validate() {
    QFETCH(QueueConfig, config);
    QFETCH(QString, message);
    QCOMPARE(QString::fromStdString(pulsco::validate(config)), message);
}

QTEST_APPLESS_MAIN(TestQueueRules)
#include "tst_queuerules.moc"
