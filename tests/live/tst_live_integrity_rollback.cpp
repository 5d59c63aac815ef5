// The data-inconsistency trigger on live servers (issue 16): blue and green
// pulsco-matchd (staging, audits every 0.5 s, green with an admin token)
// watched by LiveSource, a rollout of the shipped plan under way, then the
// `inconsistency` drill fault posted to green's admin API. Green's next audit
// fails, the merged snapshot carries it, "Data inconsistency"
// (integrity == fail or conservation == fail) holds, and the stepper rolls
// back by itself: a `rollback` audit row by `system` naming the trigger.
#include "support/HttpTestClient.h"
#include "support/MatchdProcess.h"

#include "net/live/LiveSource.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::MatchdProcess;

namespace {

const QByteArray kToken = "live-integrity-token-0123456789";

MatchdProcess::Options serverOptions(const QString& color, const QByteArray& token) {
    MatchdProcess::Options o;
    o.color = color;
    o.adminToken = token;
    o.extraArguments = {u"--environment"_s, u"staging"_s, u"--integrity-interval-s"_s, u"0.5"_s};
    o.forwardStderr = true;
    return o;
}

QString rowText(const AuditEntry& e) {
    return e.kind + u" by "_s + e.actor + u": "_s + e.subject + u" - "_s + e.note;
}

}  // namespace

class TestLiveIntegrityRollback : public QObject {
    Q_OBJECT
private slots:
    void inconsistencyOnGreenRollsBack() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"console.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        MatchdProcess blue(serverOptions(u"blue"_s, {}));
        MatchdProcess green(serverOptions(u"green"_s, kToken));
        QVERIFY(blue.start());
        QVERIFY(green.start());
        // Records on green for the fault to corrupt: two duel players match.
        for (const char* player : {"ann", "bob"})
            QCOMPARE(test::http(green.port(), "POST", "/v1/tickets",
                                test::soloTicket("duel-1v1", player))
                         .status,
                     201);

        LiveSource source({{blue.url(), {}, {}}, {green.url(), QString::fromLatin1(kToken), {}}});
        RolloutSession session(*store);
        QVERIFY2(session.loadPlanFile(kShippedPlanPath, &error), qPrintable(error));
        session.setSource(&source);
        source.start();
        // Both servers have audited and found nothing: the merged set is ok.
        QTRY_VERIFY_WITH_TIMEOUT(session.latestSnapshot() && session.latestSnapshot()->integrity &&
                                     session.latestSnapshot()->integrity->ok,
                                 15000);

        session.setOperatorName(u"ana"_s);
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        // Live servers cannot be weighted by the console: the operator
        // confirms the load balancer took the weight.
        if (session.needsOperatorConfirmation())
            QVERIFY2(session.confirmWeight(&error), qPrintable(error));
        QVERIFY(session.rolloutActive());
        for (const AuditEntry& e : session.audit().all())
            QVERIFY2(e.kind != audit::kRollback, qPrintable(rowText(e)));

        const auto injected = test::http(green.port(), "POST", "/v1/admin/faults",
                                         R"({"kind":"inconsistency","target":"green"})",
                                         "Authorization: Bearer " + kToken + "\r\n");
        QCOMPARE(injected.status, 201);

        // Green's audit fails and the merged snapshot says so, naming green.
        QTRY_VERIFY_WITH_TIMEOUT(
            session.latestSnapshot()->integrity && !session.latestSnapshot()->integrity->ok, 15000);
        const IntegrityReport merged = *session.latestSnapshot()->integrity;
        QVERIFY(!merged.firstViolations.empty());
        QVERIFY2(merged.firstViolations.front().rfind("green: t", 0) == 0,
                 merged.firstViolations.front().c_str());

        const auto rolledBack = [&]() -> const AuditEntry* {
            static AuditEntry found;
            for (const AuditEntry& e : session.audit().all())
                if (e.kind == audit::kRollback) {
                    found = e;
                    return &found;
                }
            return nullptr;
        };
        // The trigger holds over its window (10 s in the shipped plan).
        QTRY_VERIFY_WITH_TIMEOUT(rolledBack() != nullptr, 60000);
        const AuditEntry rollback = *rolledBack();
        qInfo().noquote() << "rolled back:" << rowText(rollback);
        QCOMPARE(rollback.actor, u"system"_s);
        QVERIFY2(rollback.note.contains(u"Data inconsistency"_s) ||
                     rollback.subject.contains(u"Data inconsistency"_s),
                 qPrintable(rowText(rollback)));
        QCOMPARE(rollback.environment, u"staging"_s);
        QVERIFY(!session.rolloutActive());
    }
};

QTEST_GUILESS_MAIN(TestLiveIntegrityRollback)
#include "tst_live_integrity_rollback.moc"
