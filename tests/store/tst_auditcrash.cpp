// Crash and resume: a child appends audit rows and is killed with SIGKILL
// mid-stream, several times; every row it acknowledged is there afterwards,
// the database passes integrity_check, and writing goes on.
#include "store/AuditTrail.h"
#include "store/ConsoleStore.h"

#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

class TestAuditCrash : public QObject {
    Q_OBJECT
private slots:
    void killedWriterLosesNothingAcknowledged() {
        QTemporaryDir dir;
        const QString path = dir.filePath(u"console.sqlite"_s);
        QSet<qint64> acknowledged;
        for (int round = 0; round < 4; ++round) {
            QProcess child;
            child.start(QStringLiteral(PULSCO_BINARY_DIR "/tests/audit_writer"),
                        {path, u"writer-%1"_s.arg(round)});
            QVERIFY2(child.waitForStarted(10000), qPrintable(child.errorString()));
            QByteArray buffer;
            int acksThisRound = 0;
            const int killAfter = 40 + round * 37;  // a different moment each round
            while (acksThisRound < killAfter) {
                QVERIFY2(child.waitForReadyRead(20000), child.readAllStandardError().constData());
                buffer += child.readAllStandardOutput();
                qsizetype nl;
                while ((nl = buffer.indexOf('\n')) >= 0) {
                    const QByteArray line = buffer.left(nl);
                    buffer.remove(0, nl + 1);
                    QVERIFY(line.startsWith("ack "));
                    acknowledged.insert(line.mid(4).toLongLong());
                    ++acksThisRound;
                }
            }
            child.kill();  // SIGKILL: no destructor, no close, mid-statement
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            // Lines that reached the pipe before the kill were acknowledged too.
            buffer += child.readAllStandardOutput();
            for (const QByteArray& line : buffer.split('\n'))
                if (line.startsWith("ack "))
                    acknowledged.insert(line.mid(4).toLongLong());

            QString error;
            auto store = ConsoleStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            QCOMPARE(store->integrityCheck(), u"ok"_s);
            AuditTrail trail(*store);
            QSet<qint64> present;
            for (const AuditEntry& e : trail.all())
                present.insert(e.id);
            for (qint64 id : std::as_const(acknowledged))
                QVERIFY2(present.contains(id), qPrintable(u"acknowledged row %1 lost"_s.arg(id)));
            // Resume: the trail takes new rows after the crash.
            QVERIFY(trail.append({0,
                                  0,
                                  u"after-crash"_s,
                                  audit::kItemChecked,
                                  u"crash-test"_s,
                                  0,
                                  u"resume"_s,
                                  {},
                                  {},
                                  0,
                                  "{}"},
                                 &error));
        }
        QVERIFY(acknowledged.size() >= 4 * 40);
    }
};

QTEST_GUILESS_MAIN(TestAuditCrash)
#include "tst_auditcrash.moc"
