// The drill session tables as plain rows in a real SQLite file: a session
// and its events written in one go and read back column for column (NULL
// seconds, empty text), history per trainee newest first, the trainee list,
// and a refused insert that names the file and leaves nothing behind.
#include "store/ConsoleStore.h"
#include "store/DrillSessionTable.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

Q_DECLARE_METATYPE(std::optional<double>)

namespace {

DrillSessionRow row(const QString& trainee, qint64 startedAtMs) {
    DrillSessionRow r;
    r.drill = u"matcher-stall"_s;
    r.title = u"Matcher stall"_s;
    r.trainee = trainee;
    r.trainer = u"tom"_s;
    r.source = u"Simulator · baseline-1000"_s;
    r.startedAtMs = startedAtMs;
    r.startSourceSeconds = 12.5;
    r.durationSeconds = 300;
    r.passed = true;
    r.mttdSeconds = 40;
    r.mttrSeconds = 200;
    r.mttdTargetSeconds = 300;
    r.mttrTargetSeconds = 900;
    r.scoreJson = u"{\"detected\":true}"_s;
    return r;
}

}  // namespace

class TestDrillSessionTable : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_files = 0;

    std::unique_ptr<ConsoleStore> openStore() {
        QString error;
        auto store = ConsoleStore::open(m_dir.filePath(u"s%1.sqlite"_s.arg(++m_files)), &error);
        if (!store)
            qWarning("%s", qPrintable(error));
        return store;
    }

private slots:
    void writesAndReadsBackEveryColumn_data() {
        QTest::addColumn<std::optional<double>>("mttd");
        QTest::addColumn<std::optional<double>>("mttr");
        QTest::addColumn<QString>("trainee");
        QTest::addColumn<bool>("emergencyStopped");
        QTest::addRow("scored") << std::optional<double>(40) << std::optional<double>(200)
                                << u"ann"_s << false;
        QTest::addRow("never detected (NULL)")
            << std::optional<double>() << std::optional<double>() << u"bob"_s << true;
        QTest::addRow("null text stored as empty")
            << std::optional<double>(1.5) << std::optional<double>() << QString() << false;
    }
    void writesAndReadsBackEveryColumn() {
        QFETCH(std::optional<double>, mttd);
        QFETCH(std::optional<double>, mttr);
        QFETCH(QString, trainee);
        QFETCH(bool, emergencyStopped);
        auto store = openStore();
        QVERIFY(store);
        DrillSessionTable table(*store);
        DrillSessionRow r = row(trainee, 1'700'000'000'000);
        r.mttdSeconds = mttd;
        r.mttrSeconds = mttr;
        r.emergencyStopped = emergencyStopped;
        const std::vector<DrillEventRow> events{{0, u"started"_s, u"drill started"_s, {}, false},
                                                {30, u"fault_injected"_s, u"stall"_s, {}, true},
                                                {40, u"acknowledged"_s, u"ack"_s, u"ann"_s, false}};
        QString error;
        const auto id = table.insert(r, events, &error);
        QVERIFY2(id, qPrintable(error));
        const auto back = table.session(*id);
        QVERIFY(back);
        QCOMPARE(back->id, *id);
        QCOMPARE(back->drill, r.drill);
        QCOMPARE(back->title, r.title);
        QCOMPARE(back->trainee, trainee.isNull() ? u""_s : trainee);
        QCOMPARE(back->trainer, r.trainer);
        QCOMPARE(back->source, r.source);
        QCOMPARE(back->startedAtMs, r.startedAtMs);
        QCOMPARE(back->startSourceSeconds, r.startSourceSeconds);
        QCOMPARE(back->durationSeconds, r.durationSeconds);
        QCOMPARE(back->passed, r.passed);
        QCOMPARE(back->mttdSeconds, mttd);
        QCOMPARE(back->mttrSeconds, mttr);
        QCOMPARE(back->mttdTargetSeconds, r.mttdTargetSeconds);
        QCOMPARE(back->mttrTargetSeconds, r.mttrTargetSeconds);
        QCOMPARE(back->emergencyStopped, emergencyStopped);
        QCOMPARE(back->scoreJson, r.scoreJson);
        const auto evs = table.events(*id);
        QCOMPARE(evs.size(), events.size());
        for (std::size_t i = 0; i < evs.size(); ++i) {
            QCOMPARE(evs[i].atSeconds, events[i].atSeconds);
            QCOMPARE(evs[i].kind, events[i].kind);
            QCOMPARE(evs[i].text, events[i].text);
            QCOMPARE(evs[i].who, events[i].who.isNull() ? u""_s : events[i].who);
            QCOMPARE(evs[i].hidden, events[i].hidden);
        }
        QVERIFY(table.contains(r.drill, r.startedAtMs));
        QVERIFY(!table.contains(r.drill, r.startedAtMs + 1));
        QVERIFY(!table.session(*id + 1));
    }

    void historyPerTraineeNewestFirst() {
        auto store = openStore();
        QVERIFY(store);
        DrillSessionTable table(*store);
        QString error;
        for (const auto& [who, at] : {std::pair{u"bob"_s, 1000}, std::pair{u"ann"_s, 3000},
                                      std::pair{u"ann"_s, 2000}, std::pair{QString(), 4000}})
            QVERIFY2(table.insert(row(who, at), {}, &error), qPrintable(error));
        const auto all = table.sessions({}, 100);
        QCOMPARE(all.size(), std::size_t(4));
        QCOMPARE(all.front().startedAtMs, qint64(4000));
        QCOMPARE(all.back().startedAtMs, qint64(1000));
        const auto ann = table.sessions(u"ann"_s, 100);
        QCOMPARE(ann.size(), std::size_t(2));
        QCOMPARE(ann[0].startedAtMs, qint64(3000));
        QCOMPARE(ann[1].startedAtMs, qint64(2000));
        QCOMPARE(table.sessions({}, 1).size(), std::size_t(1));
        QCOMPARE(table.trainees(), (QStringList{u"ann"_s, u"bob"_s}));  // no empty name
    }

    void refusedInsertNamesTheFileAndLeavesNothing() {
        auto store = openStore();
        QVERIFY(store);
        QSqlQuery drop(store->database());
        // A session whose events cannot be written is not saved at all.
        QVERIFY(drop.exec(u"DROP TABLE drill_events"_s));
        DrillSessionTable table(*store);
        QString error;
        QVERIFY(
            !table.insert(row(u"ann"_s, 1000), {{0, u"started"_s, u"go"_s, {}, false}}, &error));
        QVERIFY2(error.startsWith(store->path() + u": cannot save the drill session"_s),
                 qPrintable(error));
        QVERIFY(table.sessions({}, 100).empty());
        QVERIFY(table.trainees().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDrillSessionTable)
#include "tst_drillsessiontable.moc"
