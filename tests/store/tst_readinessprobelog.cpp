// The console's readiness probe history (store/ReadinessProbeLog): run-length
// rows, a new row per watching session, ends written at most every
// kFlushMs but never lost on close, and the down spans a restarted console
// reads back.
#include "store/ConsoleStore.h"
#include "store/ReadinessProbeLog.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

const QString kBlue = u"http://127.0.0.1:8080"_s;
const QString kGreen = u"http://127.0.0.1:8081"_s;

qint64 rowCount(ConsoleStore& store) {
    QSqlQuery q(store.database());
    q.exec(u"SELECT COUNT(*) FROM readiness_probes"_s);
    return q.next() ? q.value(0).toLongLong() : -1;
}

qint64 storedEnd(ConsoleStore& store, qint64 from) {
    QSqlQuery q(store.database());
    q.prepare(u"SELECT to_ms FROM readiness_probes WHERE from_ms = ?"_s);
    q.addBindValue(from);
    q.exec();
    return q.next() ? q.value(0).toLongLong() : -1;
}

}  // namespace

class TestReadinessProbeLog : public QObject {
    Q_OBJECT
private slots:
    void init() {
        QVERIFY(m_dir.isValid());
        QString error;
        m_store = ConsoleStore::open(m_dir.filePath(u"c%1.sqlite"_s.arg(++m_n)), &error);
        QVERIFY2(m_store, qPrintable(error));
    }

    void runLengthRowsAndDownSpans() {
        ReadinessProbeLog log(*m_store);
        QString error;
        // ready 0-4 s, not ready 5-7 s (two reasons, one row), ready again at 8 s.
        for (qint64 t = 0; t <= 4000; t += 1000)
            QVERIFY2(log.record(kBlue, t, true, {}, &error), qPrintable(error));
        QVERIFY(log.record(kBlue, 5000, false, u"HTTP 503 draining"_s, &error));
        QVERIFY(log.record(kBlue, 6000, false, u"connection refused"_s, &error));
        QVERIFY(log.record(kBlue, 7000, false, u"connection refused"_s, &error));
        QVERIFY(log.record(kBlue, 8000, true, {}, &error));
        QVERIFY(log.record(kGreen, 5500, false, u"timed out"_s, &error));
        const std::vector<ReadinessProbeRow> rows = log.rows(kBlue);
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rows[0].probes, 5);
        QCOMPARE(rows[0].toMs, 4000);
        QVERIFY(!rows[1].ready);
        QCOMPARE(rows[1].reason, u"HTTP 503 draining"_s);  // why it went down
        QCOMPARE(rows[1].probes, 3);
        // Down from the first failed probe to the first ready one.
        const auto down = log.downSpans(kBlue, 0);
        QCOMPARE(down.size(), std::size_t(1));
        QCOMPARE(down[0], (std::pair<qint64, qint64>{5000, 8000}));
        QCOMPARE(log.downSpans(kGreen, 0).size(), std::size_t(1));
        QVERIFY(log.downSpans(kBlue, 9000).empty());
    }

    void endsAreWrittenInBatchesAndOnClose() {
        QString error;
        {
            ReadinessProbeLog log(*m_store);
            QVERIFY(log.record(kBlue, 0, true, {}, &error));
            QVERIFY(log.record(kBlue, 2000, true, {}, &error));
            QCOMPARE(storedEnd(*m_store, 0), 0);  // not yet: one flush per kFlushMs
            QVERIFY(log.record(kBlue, ReadinessProbeLog::kFlushMs, true, {}, &error));
            QCOMPARE(storedEnd(*m_store, 0), ReadinessProbeLog::kFlushMs);
            QVERIFY(log.record(kBlue, ReadinessProbeLog::kFlushMs + 2000, true, {}, &error));
            QCOMPARE(log.rows(kBlue).back().toMs, ReadinessProbeLog::kFlushMs + 2000);
        }
        // Closing wrote the last end.
        QCOMPARE(storedEnd(*m_store, 0), ReadinessProbeLog::kFlushMs + 2000);
    }

    void aNewSessionOpensANewRow() {
        ReadinessProbeLog log(*m_store);
        QString error;
        QVERIFY(log.record(kBlue, 0, false, u"refused"_s, &error));
        QVERIFY(log.record(kBlue, 1000, false, u"refused"_s, &error));
        log.beginSession(kBlue);  // the console restarted: it did not watch in between
        QVERIFY(log.record(kBlue, 60000, false, u"refused"_s, &error));
        QCOMPARE(rowCount(*m_store), 2);
        // The unwatched time between the sessions is not claimed as down:
        // the first session's span ends at its last probe.
        const auto down = log.downSpans(kBlue, 0);
        QCOMPARE(down.size(), std::size_t(2));
        QCOMPARE(down[0], (std::pair<qint64, qint64>{0, 1000}));
        QCOMPARE(down[1], (std::pair<qint64, qint64>{60000, 60000}));
    }

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<ConsoleStore> m_store;
};

QTEST_GUILESS_MAIN(TestReadinessProbeLog)
#include "tst_readinessprobelog.moc"
