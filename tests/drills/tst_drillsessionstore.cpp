// Drill sessions in a real SQLite file: a scored session survives reopening
// with its timeline, history is per trainee and newest first, migration 002
// goes down and up, and the Markdown report carries the score and timeline.
#include "DrillFixture.h"
#include "drills/DrillReport.h"
#include "drills/DrillSessionStore.h"
#include "store/ConsoleStore.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace pulsco;
using namespace pulsco::test;
using namespace Qt::StringLiterals;

class TestDrillSessionStore : public QObject {
    Q_OBJECT
private:
    static DrillRecord scoredRun(double ackDelay, const QString& trainee) {
        const DrillScript script = shippedDrill(u"matcher-stall"_s);
        ScriptedTrainee::Plan plan;
        plan.ackDelay = ackDelay;
        plan.actDelay = 30;
        plan.action = script.correctActions.front();
        DrillRecord r = runDrill(script, plan).record;
        r.trainee = trainee;
        return r;
    }

private slots:
    void savesAndReloadsASession() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"console.sqlite"_s);
        const DrillRecord run = scoredRun(10, u"ann"_s);
        QVERIFY(run.score.passed);
        qint64 id = 0;
        {
            QString error;
            auto store = ConsoleStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            DrillSessionStore sessions(*store);
            const auto saved = sessions.save(run, &error);
            QVERIFY2(saved, qPrintable(error));
            id = *saved;
        }
        QString error;
        auto store = ConsoleStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        DrillSessionStore sessions(*store);
        const std::optional<DrillRecord> back = sessions.load(id);
        QVERIFY(back);
        QCOMPARE(back->drillName, run.drillName);
        QCOMPARE(back->trainee, u"ann"_s);
        QCOMPARE(back->events, run.events);
        QCOMPARE(back->score.passed, run.score.passed);
        QCOMPARE(back->score.mttdSeconds, run.score.mttdSeconds);
        QCOMPARE(back->score.mttrSeconds, run.score.mttrSeconds);
        QCOMPARE(back->score.reasons, run.score.reasons);
        QCOMPARE(back->startedAt.toMSecsSinceEpoch(), run.startedAt.toMSecsSinceEpoch());
        QCOMPARE(store->integrityCheck(), u"ok"_s);
    }

    void failedSessionKeepsReasonsAndWrongActions() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        const DrillScript script = shippedDrill(u"latency-spike-green-50"_s);
        ScriptedTrainee::Plan plan;
        plan.ackDelay = 400;
        plan.firstAction = script.wrongActions.front().action;
        DrillRecord run = runDrill(script, plan).record;
        QVERIFY(!run.score.passed);
        DrillSessionStore sessions(*store);
        const auto id = sessions.save(run, &error);
        QVERIFY2(id, qPrintable(error));
        const auto back = sessions.load(*id);
        QVERIFY(back);
        QVERIFY(!back->score.passed);
        QVERIFY(std::isnan(back->score.mttrSeconds));
        QCOMPARE(back->score.reasons, run.score.reasons);
        QCOMPARE(back->score.wrongActions, run.score.wrongActions);
        const QString md = drillReportMarkdown(*back);
        QVERIFY(md.contains(u"**FAILED**"_s));
        QVERIFY(md.contains(script.wrongActions.front().cost));
        QVERIFY(md.contains(u"## Timeline"_s));
    }

    void historyIsPerTraineeNewestFirst() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"h.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        DrillSessionStore sessions(*store);
        DrillRecord a = scoredRun(10, u"ann"_s);
        DrillRecord b = scoredRun(10, u"bob"_s);
        DrillRecord a2 = a;
        a.startedAt = QDateTime::fromMSecsSinceEpoch(1000, Qt::UTC);
        a2.startedAt = QDateTime::fromMSecsSinceEpoch(5000, Qt::UTC);
        b.startedAt = QDateTime::fromMSecsSinceEpoch(3000, Qt::UTC);
        for (const DrillRecord& r : {a, b, a2})
            QVERIFY(sessions.save(r, &error));
        QCOMPARE(sessions.trainees(), (QStringList{u"ann"_s, u"bob"_s}));
        const auto ann = sessions.history(u"ann"_s);
        QCOMPARE(ann.size(), std::size_t(2));
        QCOMPARE(ann[0].startedAt.toMSecsSinceEpoch(), 5000);
        QCOMPARE(ann[1].startedAt.toMSecsSinceEpoch(), 1000);
        QCOMPARE(sessions.history({}).size(), std::size_t(3));
        QVERIFY(drillHistoryMarkdown(u"ann"_s, ann).contains(u"Matcher stall"_s));
    }

    void migrationGoesDownAndUp() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"m.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(store->schemaVersion() >= 2);
        const SchemaMigrator& m = ConsoleStore::migrator();
        QVERIFY(m.migrate(store->database(), 1, &error));
        QCOMPARE(store->schemaVersion(), 1);
        // Sessions saved before schema 6 get their environment from their
        // source's name on the way up.
        QVERIFY(m.migrate(store->database(), 5, &error));
        QSqlQuery old(store->database());
        QVERIFY(old.exec(
            u"INSERT INTO drill_sessions (drill, title, trainee, source, started_at_ms, "
            u"duration_s, "
            "passed, mttd_target_s, mttr_target_s) VALUES ('matcher-stall', 'Matcher stall', "
            "'old', 'Simulator · baseline-1000', 1000, 60, 1, 300, 900), ('matcher-stall', "
            "'Matcher stall', 'old', 'Live · blue http://127.0.0.1:8080', 2000, 60, 1, 300, 900)"_s));
        QVERIFY(m.migrate(store->database(), m.latestVersion(), &error));
        DrillSessionStore sessions(*store);
        const auto older = sessions.history(u"old"_s);
        QCOMPARE(older.size(), std::size_t(2));
        QCOMPARE(older[0].environment, u"staging"_s);  // newest first
        QCOMPARE(older[1].environment, u"rehearsal"_s);
        // Where it ran is kept with the session (schema 6).
        DrillRecord run = scoredRun(10, u"ann"_s);
        run.environment = u"staging"_s;
        QVERIFY2(sessions.save(run, &error), qPrintable(error));
        QCOMPARE(sessions.history(u"ann"_s).front().environment, u"staging"_s);
        QVERIFY(drillReportMarkdown(sessions.history(u"ann"_s).front())
                    .contains(u"| Environment | staging |"_s));
    }
};

QTEST_GUILESS_MAIN(TestDrillSessionStore)
#include "tst_drillsessionstore.moc"
