// The store's maintenance log (net/store/MaintenanceLog): rows written to and
// read back from a real SQLite file, and what the runs amount to — judged
// from the figures the commands measured, never from a run's own say-so.
#include "net/store/MaintenanceLog.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

QJsonObject counts(qint64 tickets, qint64 matches, std::optional<qint64> upIntervals = 7) {
    QJsonObject o{{u"schema"_s, upIntervals ? 5 : 1},
                  {u"tickets"_s, tickets},
                  {u"matches"_s, matches},
                  {u"ratings"_s, 4}};
    if (upIntervals)
        o[u"up_intervals"_s] = *upIntervals;
    return o;
}

MaintenanceRun migrate(int from, int to, QJsonObject before, QJsonObject after,
                       const QString& check = u"ok"_s, bool ok = true) {
    MaintenanceRun r{0, 1000, u"migrate"_s, u"pulsco-matchd migrate --to %1"_s.arg(to), ok, {}};
    r.detail = {{u"from"_s, from},
                {u"to"_s, to},
                {u"before"_s, before},
                {u"after"_s, after},
                {u"store_check"_s, check}};
    return r;
}

MaintenanceRun backup(const QString& sha) {
    MaintenanceRun r{0, 2000, u"backup"_s, u"pulsco-matchd backup"_s, true, {}};
    r.detail = {{u"path"_s, QString(u"/b/"_s + sha)},
                {u"bytes"_s, 4096},
                {u"sha256"_s, sha},
                {u"counts"_s, counts(10, 3)}};
    return r;
}

MaintenanceRun verify(const QString& sha, bool sound) {
    MaintenanceRun r{0, 3000, u"verify"_s, u"pulsco-matchd verify"_s, sound, {}};
    r.detail = {{u"path"_s, QString(u"/b/"_s + sha)},
                {u"sha256"_s, sha},
                {u"counts"_s, counts(10, 3)},
                {u"store_check"_s, sound ? u"ok"_s : u"*** in database main ***"_s},
                {u"problems"_s, sound ? QJsonArray{} : QJsonArray{u"page 3 is corrupt"_s}}};
    return r;
}

MaintenanceRun restore(const QString& check, bool ok = true) {
    MaintenanceRun r{0, 4000, u"restore"_s, u"pulsco-matchd restore"_s, ok, {}};
    r.detail = {{u"path"_s, u"/b/x"_s},
                {u"counts"_s, counts(10, 3)},
                {u"store_check"_s, check},
                {u"started"_s, true}};
    return r;
}

using Runs = std::vector<MaintenanceRun>;

}  // namespace

class TestMaintenanceLog : public QObject {
    Q_OBJECT
private slots:
    void judgement_data();
    void judgement();
    void writtenAndReadBackFromSqlite();
    void unreadableDetailIsAnError();
};

void TestMaintenanceLog::judgement_data() {
    QTest::addColumn<Runs>("runs");
    QTest::addColumn<int>("roundTrips");
    QTest::addColumn<int>("verified");
    QTest::addColumn<int>("drills");
    QTest::addColumn<QString>("lastFigures");  // a part of the newest judgement

    const QJsonObject full = counts(10, 3), bottom = counts(10, 3, std::nullopt);
    QTest::newRow("nothing") << Runs{} << 0 << 0 << 0 << QString();
    QTest::newRow("round trip keeping every row")
        << Runs{migrate(5, 1, full, bottom), migrate(1, 5, bottom, counts(10, 3, 0))} << 1 << 0 << 0
        << u"schema 5 -> 1 -> 5; tickets 10, matches 3, ratings 4 kept; store check ok; "
           "dropped going down: up intervals (7 rows)"_s;
    QTest::newRow("a ticket lost between")
        << Runs{migrate(5, 1, full, bottom),
                migrate(1, 5, counts(9, 3, std::nullopt), counts(9, 3, 0))}
        << 0 << 0 << 0 << u"not kept: tickets 10 -> 10 -> 9"_s;
    QTest::newRow("store check failing after")
        << Runs{migrate(5, 1, full, bottom),
                migrate(1, 5, bottom, counts(10, 3, 0), u"row 4 missing from index"_s)}
        << 0 << 0 << 0 << u"store check row 4 missing from index"_s;
    QTest::newRow("postgres without amcheck")
        << Runs{migrate(5, 1, full, bottom),
                migrate(1, 5, bottom, counts(10, 3, 0), u"none (amcheck is not installed)"_s)}
        << 1 << 0 << 0 << u"kept"_s;
    QTest::newRow("up elsewhere is no round trip")
        << Runs{migrate(5, 1, full, bottom), migrate(1, 3, bottom, counts(10, 3, 0))} << 0 << 0 << 0
        << QString();
    QTest::newRow("another migrate between breaks it")
        << Runs{migrate(5, 1, full, bottom), migrate(1, 2, bottom, bottom),
                migrate(2, 5, bottom, full)}
        << 0 << 0 << 0 << QString();
    QTest::newRow("a backup between does not break it")
        << Runs{migrate(5, 1, full, bottom), backup(u"aa"_s), migrate(1, 5, bottom, full)} << 1 << 0
        << 0 << u"kept"_s;
    QTest::newRow("down to 0 keeps nothing to compare")
        << Runs{migrate(5, 0, full, QJsonObject{{u"schema"_s, 0}}),
                migrate(0, 5, QJsonObject{{u"schema"_s, 0}}, counts(0, 0, 0))}
        << 0 << 0 << 0 << u"schema 0 keeps no table to compare"_s;
    QTest::newRow("up first, then down")
        << Runs{migrate(1, 5, bottom, full), migrate(5, 1, full, bottom)} << 0 << 0 << 0
        << QString();
    QTest::newRow("verified backup") << Runs{backup(u"aa"_s), verify(u"aa"_s, true)} << 0 << 1 << 0
                                     << u"backup /b/aa (4096 bytes"_s;
    QTest::newRow("verified twice is one backup")
        << Runs{backup(u"aa"_s), verify(u"aa"_s, true), verify(u"aa"_s, true)} << 0 << 1 << 0
        << u"sound: tickets 10"_s;
    QTest::newRow("two backups verified")
        << Runs{backup(u"aa"_s), backup(u"bb"_s), verify(u"aa"_s, true), verify(u"bb"_s, true)} << 0
        << 2 << 0 << u"/b/bb"_s;
    QTest::newRow("a file no backup wrote")
        << Runs{backup(u"aa"_s), verify(u"cc"_s, true)} << 0 << 0 << 0
        << u"no backup run of this store wrote a file with this SHA-256"_s;
    QTest::newRow("verified before it was taken")
        << Runs{verify(u"aa"_s, true), backup(u"aa"_s)} << 0 << 0 << 0
        << u"no backup run of this store"_s;
    QTest::newRow("not sound") << Runs{backup(u"aa"_s), verify(u"aa"_s, false)} << 0 << 0 << 0
                               << u"NOT sound: page 3 is corrupt"_s;
    QTest::newRow("restore drill")
        << Runs{restore(u"ok"_s)} << 0 << 0 << 1 << u"a server started on it"_s;
    QTest::newRow("restore with a failing check")
        << Runs{restore(u"*** in database main ***"_s)} << 0 << 0 << 0
        << u"store check *** in database main ***"_s;
    QTest::newRow("restore that failed")
        << Runs{restore(u"ok"_s, false)} << 0 << 0 << 0 << u"restored /b/x"_s;
}

void TestMaintenanceLog::judgement() {
    QFETCH(Runs, runs);
    QFETCH(int, roundTrips);
    QFETCH(int, verified);
    QFETCH(int, drills);
    QFETCH(QString, lastFigures);
    const StoreMaintenanceReport r = summarizeMaintenance(runs);
    QCOMPARE(int(r.migrationRoundTrips), roundTrips);
    QCOMPARE(int(r.verifiedBackups), verified);
    QCOMPARE(int(r.restoreDrills), drills);
    if (lastFigures.isEmpty()) {
        QVERIFY(r.latest.empty());
        return;
    }
    QVERIFY(!r.latest.empty());
    const QString figures = QString::fromStdString(r.latest.back().figures);
    QVERIFY2(figures.contains(lastFigures), qPrintable(figures));
    // A judgement that did not count says so: ok matches what was counted.
    const int counted = roundTrips + verified + drills;
    if (counted == 0)
        QVERIFY(!r.latest.back().ok);
}

void TestMaintenanceLog::writtenAndReadBackFromSqlite() {
    QTemporaryDir dir;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"log"_s);
        db.setDatabaseName(dir.filePath(u"matchd.sqlite"_s));
        QVERIFY(db.open());
        QString error;
        // No log yet: no runs, and reading creates nothing.
        auto runs = readMaintenanceRuns(db, &error);
        QVERIFY2(runs && runs->empty(), qPrintable(error));
        QVERIFY(db.tables().isEmpty());
        Runs written{migrate(5, 1, counts(10, 3), counts(10, 3, std::nullopt)),
                     migrate(1, 5, counts(10, 3, std::nullopt), counts(10, 3, 0)), backup(u"aa"_s),
                     verify(u"aa"_s, true), restore(u"ok"_s)};
        written[0].command = u"pulsco-matchd migrate --data-dir 'a b' --to 1 \"quoted\" ünï"_s;
        for (const MaintenanceRun& run : written)
            QVERIFY2(appendMaintenanceRun(db, run, &error), qPrintable(error));
        runs = readMaintenanceRuns(db, &error);
        QVERIFY2(runs, qPrintable(error));
        QCOMPARE(runs->size(), written.size());
        for (std::size_t i = 0; i < written.size(); ++i) {
            QCOMPARE((*runs)[i].seq, qint64(i + 1));
            QCOMPARE((*runs)[i].kind, written[i].kind);
            QCOMPARE((*runs)[i].command, written[i].command);
            QCOMPARE((*runs)[i].ok, written[i].ok);
            QCOMPARE((*runs)[i].detail, written[i].detail);
            QCOMPARE((*runs)[i].atMs, written[i].atMs);
        }
        const StoreMaintenanceReport r = summarizeMaintenance(*runs);
        QCOMPARE(r.migrationRoundTrips, 1u);
        QCOMPARE(r.verifiedBackups, 1u);
        QCOMPARE(r.restoreDrills, 1u);
        QCOMPARE(r.latest.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(r.latest.front().command),
                 written[0].command + u" && "_s + written[1].command);
    }
    QSqlDatabase::removeDatabase(u"log"_s);
}

void TestMaintenanceLog::unreadableDetailIsAnError() {
    QTemporaryDir dir;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"bad"_s);
        db.setDatabaseName(dir.filePath(u"matchd.sqlite"_s));
        QVERIFY(db.open());
        QString error;
        QVERIFY(appendMaintenanceRun(db, restore(u"ok"_s), &error));
        QVERIFY(QSqlQuery(db).exec(u"UPDATE maintenance_log SET detail = '{oops'"_s));
        QVERIFY(!readMaintenanceRuns(db, &error));
        QVERIFY2(error.startsWith(u"maintenance log row 1: detail: not a JSON object"_s),
                 qPrintable(error));
    }
    QSqlDatabase::removeDatabase(u"bad"_s);
}

QTEST_GUILESS_MAIN(TestMaintenanceLog)
#include "tst_maintenancelog.moc"
