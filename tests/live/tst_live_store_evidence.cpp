// Issue 17, item 5: the store commands' runs are evidence on the Rollout
// page. The real pulsco-matchd commands run a migration round trip, a backup
// and its verification, and a restore on a store a real server wrote; real
// servers on those stores report them, and the console's rollout session on
// the SHIPPED plan ticks the matching data items — each only in the
// environment the plan names — with the runs (command, result, figures) in
// the audit trail's rows.
#include "support/HttpTestClient.h"
#include "support/MatchdCommand.h"
#include "support/MatchdProcess.h"

#include "net/live/LiveSource.h"
#include "net/store/Migrations.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::CommandResult;
using pulsco::test::MatchdProcess;
using pulsco::test::runMatchd;

namespace {

const QString kRoundTripItem = u"p1.criteria.database-migrations-tested-and-rollb"_s;
const QString kMigrationTestingItem = u"p1.integration-testing.database-migration-testing"_s;
const QString kBackupItem = u"p3.final-validation.database-backup-verification"_s;
const QString kRestoreItem = u"p2.data-migration-planning.rollback-data-strategy"_s;

MatchdProcess::Options on(const QString& dataDir, const QString& environment) {
    MatchdProcess::Options o;
    o.color = u"blue"_s;
    o.dataDir = dataDir;
    o.extraArguments = {u"--environment"_s, environment};
    return o;
}

// A server on `dataDir` started as `environment`, the session's Source
// while this lives.
class WatchedServer {
public:
    WatchedServer(RolloutSession& session, const QString& dataDir, const QString& environment)
        : m_session(session)
        , m_server(on(dataDir, environment)) {}
    ~WatchedServer() { m_session.setSource(nullptr); }
    bool start() {
        if (!m_server.start())
            return false;
        m_source = std::make_unique<LiveSource>(QList<LiveServerConfig>{{m_server.url(), {}, {}}});
        m_session.setSource(m_source.get());
        m_source->start();
        return true;
    }
    QString url() const { return m_server.url(); }
    QByteArray stderrText() { return m_server.stderrText(); }

private:
    RolloutSession& m_session;
    MatchdProcess m_server;
    std::unique_ptr<LiveSource> m_source;
};

// The newest row of `kind` about `item`; an empty entry when none.
AuditEntry newestRow(RolloutSession& session, const QString& kind, const QString& item) {
    AuditEntry found;
    for (const AuditEntry& e : session.audit().entries({{}, -1, {kind}, 0, 100000}))
        if (e.subject == item)
            found = e;
    return found;
}

QJsonArray runsOf(const AuditEntry& row) {
    return QJsonDocument::fromJson(row.evidence).object().value(u"store_maintenance").toArray();
}

}  // namespace

class TestLiveStoreEvidence : public QObject {
    Q_OBJECT
private slots:
    void storeCommandsTickTheDataItems();
};

void TestLiveStoreEvidence::storeCommandsTickTheDataItems() {
    QTemporaryDir dir;
    const QString data = dir.filePath(u"data"_s);
    {
        MatchdProcess writer(on(data, u"staging"_s));
        QVERIFY2(writer.start(), writer.stderrText().constData());
        for (int i = 0; i < 10; ++i)
            QCOMPARE(pulsco::test::http(
                         writer.port(), "POST", "/v1/tickets",
                         pulsco::test::soloTicket("duel-1v1", "p" + QByteArray::number(i)))
                         .status,
                     201);
        QCOMPARE(writer.terminate(), 0);
    }
    // What an operator runs on staging, in this order.
    const QString latest = QString::number(latestSchemaVersion());
    const QString backupFile = dir.filePath(u"before-rollout.sqlite"_s);
    const QString restored = dir.filePath(u"restored"_s);
    const QList<QStringList> commands = {
        {u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, u"1"_s, u"--allow-data-loss"_s},
        {u"migrate"_s, u"--data-dir"_s, data, u"--to"_s, latest},
        {u"backup"_s, u"--data-dir"_s, data, u"--to"_s, backupFile},
        {u"verify"_s, backupFile, u"--data-dir"_s, data},
        {u"restore"_s, backupFile, u"--data-dir"_s, restored}};
    for (const QStringList& args : commands) {
        const CommandResult r = runMatchd(args);
        QVERIFY2(r.exitCode == 0 && r.err.isEmpty(), qPrintable(r.all()));
    }

    QString error;
    auto store = ConsoleStore::open(dir.filePath(u"console.sqlite"_s), &error);
    QVERIFY2(store, qPrintable(error));
    RolloutSession session(*store);
    QVERIFY2(session.loadPlanFile(kShippedPlanPath, &error), qPrintable(error));
    for (const QString& id : {kRoundTripItem, kMigrationTestingItem, kBackupItem, kRestoreItem})
        QVERIFY2(session.plan().findItem(id) && session.plan().findItem(id)->gated(),
                 qPrintable(id + u" is not gated in the shipped plan"_s));

    // Staging, on the store the round trip and the verified backup were
    // made on: the migration items tick; the backup item counts only in
    // production, so it is met elsewhere; no restore into this store.
    {
        WatchedServer staging(session, data, u"staging"_s);
        QVERIFY2(staging.start(), staging.stderrText().constData());
        QTRY_VERIFY_WITH_TIMEOUT(session.itemState(kRoundTripItem).done, 15000);
        QVERIFY(session.itemState(kMigrationTestingItem).done);
        QTRY_VERIFY_WITH_TIMEOUT(
            session.gateStatus(kBackupItem)->state == GateStatus::State::MetElsewhere, 5000);
        QVERIFY(!session.itemState(kBackupItem).done);
        QCOMPARE(session.gateStatus(kRestoreItem)->state, GateStatus::State::Failing);
        QCOMPARE(session.gateStatus(kRestoreItem)->value, std::optional<double>(0));

        const AuditEntry passed = newestRow(session, audit::kGatePassed, kRoundTripItem);
        QCOMPARE(passed.environment, u"staging"_s);
        QVERIFY2(passed.servers.contains(staging.url()), qPrintable(passed.servers));
        const QJsonArray runs = runsOf(passed);
        QCOMPARE(runs.size(), 1);
        const QJsonObject trip = runs.first().toObject();
        QCOMPARE(trip.value(u"kind").toString(), u"migration_round_trip"_s);
        QVERIFY(trip.value(u"held").toBool());
        QVERIFY2(
            trip.value(u"command")
                .toString()
                .startsWith(u"blue: pulsco-matchd migrate --data-dir "_s + data + u" --to 1"_s),
            qPrintable(trip.value(u"command").toString()));
        QVERIFY2(trip.value(u"figures").toString().contains(u"tickets 10"_s) &&
                     trip.value(u"figures").toString().contains(u"kept"_s),
                 qPrintable(trip.value(u"figures").toString()));
        QVERIFY(!trip.value(u"at").toString().isEmpty());

        const AuditEntry elsewhere = newestRow(session, audit::kGateMetElsewhere, kBackupItem);
        QVERIFY2(runsOf(elsewhere).size() == 1, elsewhere.evidence.constData());
        QCOMPARE(runsOf(elsewhere).first().toObject().value(u"kind").toString(),
                 u"verified_backup"_s);
    }

    // Production, the same store: the verified backup now ticks its item.
    {
        WatchedServer production(session, data, u"production"_s);
        QVERIFY2(production.start(), production.stderrText().constData());
        QTRY_VERIFY_WITH_TIMEOUT(session.itemState(kBackupItem).done, 15000);
        const AuditEntry passed = newestRow(session, audit::kGatePassed, kBackupItem);
        QCOMPARE(passed.environment, u"production"_s);
        const QJsonObject run = runsOf(passed).first().toObject();
        QVERIFY(run.value(u"held").toBool());
        QVERIFY2(run.value(u"figures").toString().startsWith(u"backup "_s + backupFile),
                 qPrintable(run.value(u"figures").toString()));
        QVERIFY(!session.itemState(kRestoreItem).done);
    }

    // Staging on the restored store: the restore drill ticks its item.
    {
        WatchedServer drill(session, restored, u"staging"_s);
        QVERIFY2(drill.start(), drill.stderrText().constData());
        QTRY_VERIFY_WITH_TIMEOUT(session.itemState(kRestoreItem).done, 15000);
        const QJsonObject run =
            runsOf(newestRow(session, audit::kGatePassed, kRestoreItem)).first().toObject();
        QCOMPARE(run.value(u"kind").toString(), u"restore_drill"_s);
        QVERIFY2(run.value(u"figures").toString().contains(u"a server started on it"_s),
                 qPrintable(run.value(u"figures").toString()));
    }
}

QTEST_GUILESS_MAIN(TestLiveStoreEvidence)
#include "tst_live_store_evidence.moc"
