// Console crash-safety: the console's rollout and drill code, in a real
// child process on a real store (console_crash_driver), is killed with
// SIGKILL at seeded random moments, several times, and restarted on the
// same store. Every action it acknowledged (a checklist tick, a rollout
// step, a gate, a drill note or action) is there afterwards, the database
// passes PRAGMA integrity_check, and a drill cut short comes back as an
// interrupted session holding everything the trainee saw recorded.
#include "drills/DrillJournal.h"
#include "drills/DrillSessionStore.h"
#include "store/AuditTrail.h"
#include "store/ConsoleStore.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

struct Acks {
    QSet<qint64> audit;
    QStringList drill;
    void take(const QByteArray& line) {
        if (line.startsWith("ACK audit "))
            audit.insert(line.mid(10).toLongLong());
        else if (line.startsWith("ACK drill "))
            drill << QString::fromUtf8(line.mid(10));
    }
};

QStringList drillEventTexts(ConsoleStore& store) {
    QStringList out;
    AuditTrail::Query q;
    q.plan = audit::kDrillJournalPlan;
    q.kinds = {audit::kDrillEvent};
    for (const AuditEntry& e : AuditTrail(store, AuditTrail::Trail::DrillJournal).entries(q))
        out << e.note;
    return out;
}

bool containsPart(const QStringList& texts, const QString& part) {
    for (const QString& t : texts)
        if (t.contains(part))
            return true;
    return false;
}

}  // namespace

class TestConsoleCrash : public QObject {
    Q_OBJECT
private slots:
    void killedConsoleLosesNothingAcknowledged();
    void recoverySavesOnlyUnsavedJournalsOnce();
    void runningConsoleKeepsItsDrill();
};

void TestConsoleCrash::killedConsoleLosesNothingAcknowledged() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"pulsco-console.sqlite"_s);
    QRandomGenerator random(20261126);  // seeded: the same kill moments each run
    Acks acks;
    constexpr int kRounds = 10;
    for (int round = 0; round < kRounds; ++round) {
        QProcess child;
        child.start(QStringLiteral(PULSCO_BINARY_DIR "/tests/console_crash_driver"),
                    {path, QString::number(round)});
        QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
        const int killAfter = 5 + int(random.bounded(300));  // ACK lines this round
        int seen = 0;
        QByteArray buffer;
        while (seen < killAfter) {
            QVERIFY2(child.waitForReadyRead(30000), child.readAllStandardError().constData());
            buffer += child.readAllStandardOutput();
            qsizetype nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const QByteArray line = buffer.left(nl);
                buffer.remove(0, nl + 1);
                acks.take(line);
                seen += line.startsWith("ACK ") ? 1 : 0;
            }
        }
        child.kill();  // SIGKILL, mid-write or between writes
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        // Lines already in the pipe were acknowledged too.
        buffer += child.readAllStandardOutput();
        for (const QByteArray& line : buffer.split('\n'))
            acks.take(line);

        QString error;
        auto store = ConsoleStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        QCOMPARE(store->integrityCheck(), u"ok"_s);
        QSet<qint64> present;
        for (const AuditEntry& e : AuditTrail(*store).all())
            present.insert(e.id);
        for (qint64 id : std::as_const(acks.audit))
            QVERIFY2(present.contains(id), qPrintable(u"acknowledged audit row %1 lost"_s.arg(id)));
        const QStringList journal = drillEventTexts(*store);
        for (const QString& text : std::as_const(acks.drill))
            QVERIFY2(containsPart(journal, text),
                     qPrintable(u"acknowledged drill event \"%1\" lost"_s.arg(text)));
    }
    QVERIFY(acks.audit.size() >= kRounds);
    QVERIFY(!acks.drill.isEmpty());

    // The restart recovers the drills cut short as interrupted sessions
    // holding every acknowledged event; a second recovery finds nothing new.
    QString error;
    auto store = ConsoleStore::open(path, &error);
    QVERIFY2(store, qPrintable(error));
    const auto recovered = DrillJournal::recoverInterrupted(*store, &error);
    QVERIFY2(recovered, qPrintable(error));
    QCOMPARE(DrillJournal::recoverInterrupted(*store, &error), std::optional<int>(0));
    QStringList saved;
    int interrupted = 0;
    for (const DrillRecord& r : DrillSessionStore(*store).history({}, 100000)) {
        interrupted += r.score.reasons.contains(DrillJournal::kInterruptedReason) ? 1 : 0;
        for (const DrillEvent& e : r.events)
            saved << e.text;
    }
    QVERIFY(interrupted >= kRounds);  // one per killed driver at least
    for (const QString& text : std::as_const(acks.drill))
        QVERIFY2(containsPart(saved, text),
                 qPrintable(u"acknowledged drill event \"%1\" not in a saved session"_s.arg(text)));
    QCOMPARE(store->integrityCheck(), u"ok"_s);
}

void TestConsoleCrash::recoverySavesOnlyUnsavedJournalsOnce() {
    QTemporaryDir dir;
    QString error;
    auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
    QVERIFY2(store, qPrintable(error));
    const auto header = [](const QString& drill, qint64 ms) {
        DrillRecord r;
        r.drillName = drill;
        r.drillTitle = drill + u" title"_s;
        r.trainee = u"tess"_s;
        r.startedAt = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
        return r;
    };
    // One drill ended and was saved as usual; another was cut short.
    DrillJournal finished(*store), cut(*store);
    DrillRecord done = header(u"done"_s, 1'700'000'000'000);
    QVERIFY(finished.begin(done, &error));
    DrillRecord open = header(u"cut"_s, 1'700'000'100'000);
    QVERIFY(cut.begin(open, &error));
    for (int i = 0; i < 3; ++i) {
        DrillEvent e;
        e.atSeconds = 10.0 * i;
        e.kind = i == 0 ? DrillEventKind::Acknowledged : DrillEventKind::Action;
        e.text = u"event %1"_s.arg(i);
        e.who = u"tess"_s;
        QVERIFY(cut.append(e, &error));
        QVERIFY(finished.append(e, &error));
    }
    QVERIFY(DrillSessionStore(*store).save(done, &error));

    QCOMPARE(DrillJournal::recoverInterrupted(*store, &error), std::optional<int>(1));
    QCOMPARE(DrillJournal::recoverInterrupted(*store, &error), std::optional<int>(0));
    const auto history = DrillSessionStore(*store).history(u"tess"_s);
    QCOMPARE(history.size(), std::size_t(2));
    const auto recovered = std::find_if(history.begin(), history.end(),
                                        [](const DrillRecord& r) { return r.drillName == u"cut"; });
    QVERIFY(recovered != history.end());
    QCOMPARE(recovered->startedAt, open.startedAt);
    QCOMPARE(recovered->events.size(), std::size_t(3));
    QCOMPARE(recovered->events[2].text, u"event 2"_s);
    QVERIFY(recovered->events[0].kind == DrillEventKind::Acknowledged);
    QCOMPARE(recovered->durationSeconds, 20.0);
    QVERIFY(!recovered->score.passed);
    QCOMPARE(recovered->score.reasons, QStringList{DrillJournal::kInterruptedReason});
}

// A second console on the same store must not save the first one's running
// drill as interrupted; once the first is killed, the next console recovers it.
void TestConsoleCrash::runningConsoleKeepsItsDrill() {
    QTemporaryDir dir;
    const QString path = dir.filePath(u"pulsco-console.sqlite"_s);
    QProcess child;
    child.start(QStringLiteral(PULSCO_BINARY_DIR "/tests/console_crash_driver"), {path, u"0"_s});
    QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
    QByteArray out;
    while (!out.contains("ACK drill ")) {
        QVERIFY2(child.waitForReadyRead(30000), child.readAllStandardError().constData());
        out += child.readAllStandardOutput();
    }
    QString error;
    {
        auto second = ConsoleStore::open(path, &error);
        QVERIFY2(second, qPrintable(error));
        QVERIFY(second->sharedWithAnotherConsole());
        QCOMPARE(second->otherConsolePid(), child.processId());
        QCOMPARE(DrillJournal::recoverInterrupted(*second, &error), std::optional<int>(0));
        for (const DrillRecord& r : DrillSessionStore(*second).history({}, 1000))
            QVERIFY2(!r.score.reasons.contains(DrillJournal::kInterruptedReason),
                     "the running console's drill was saved as interrupted");
    }
    child.kill();
    QVERIFY(child.waitForFinished(10000));
    auto next = ConsoleStore::open(path, &error);
    QVERIFY2(next, qPrintable(error));
    QVERIFY(!next->sharedWithAnotherConsole());  // the dead holder's lock is taken over
    const auto recovered = DrillJournal::recoverInterrupted(*next, &error);
    QVERIFY2(recovered, qPrintable(error));
    QVERIFY(*recovered >= 1);
}

QTEST_GUILESS_MAIN(TestConsoleCrash)
#include "tst_console_crash.moc"
