// The canary judge on live servers (issue 21, item 5): the staging stack
// (real HAProxy in front of real blue and green pulsco-matchd), players
// from pulsco-sim through the balancer, the console's rollout session on a
// LiveSource. The judge reads each colour's histograms as the servers
// measured them, at the split HAProxy really made. A green 20 ms slower on
// every API answer (a drill fault on the server) is rolled back by the
// judge with the metric and why; the same release is then promoted.
#include "support/LiveBlueGreen.h"
#include "support/StagingStack.h"

#include "rollout/CanarySamples.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using namespace pulsco::test;

namespace {

// Half the new tickets to green, then four looks 8 s apart judged on the API
// latency (critical) and the error rate.
const QByteArray kJudgedSteps = R"([{"set_weight": 50},
  {"analysis": {"interval_s": 8, "count": 4, "failure_limit": 0,
    "judge": {"metrics": [
      {"metric": "api_latency_ms", "allowed_change_pct": 10, "min_samples": 200,
       "critical": true},
      {"metric": "error_rate", "min_samples": 200}]}}},
  {"set_weight": 100}])";

QJsonObject judgeEvidence(const AuditEntry& analysisRow) {
    return QJsonDocument::fromJson(analysisRow.evidence).object().value(u"judge"_s).toObject();
}

}  // namespace

class TestLiveCanaryJudge : public QObject {
    Q_OBJECT
private slots:
    void slowerGreenRolledBackThenSameReleasePromoted() {
        Stack stack;
        Console console;
        Sim sim;
        const QString error = startAll(stack, console, sim, 110);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        // Green answers every API request 20 ms late.
        FaultSpec slower;
        slower.kind = FaultKind::Latency;
        slower.target = FaultTarget::Green;
        slower.latencyMs = 20;
        QSignalSpy refused(console.source.get(), &Source::commandFailed);
        console.source->injectFault(slower);
        QTRY_VERIFY_WITH_TIMEOUT(!console.session->latestSnapshot()->activeFaults.empty(), 10000);
        QCOMPARE(refused.size(), 0);

        QString startError = console.start(kJudgedSteps);
        QVERIFY2(startError.isEmpty(), qPrintable(startError));
        QTRY_VERIFY_WITH_TIMEOUT(!console.rows(audit::kRollback).empty(), 60000);
        const AuditEntry rollback = console.rows(audit::kRollback).back();
        QCOMPARE(rollback.actor, u"system"_s);
        QVERIFY2(rollback.note.contains(u"judge: score"_s) &&
                     rollback.note.contains(u"api_latency_ms: green +"_s),
                 qPrintable(rollback.note));
        // The look that failed is in the trail, measured from both colours.
        const std::vector<AuditEntry> looks = console.rows(audit::kAnalysis);
        QVERIFY(!looks.empty());
        const QJsonObject failed = judgeEvidence(looks.back());
        QCOMPARE(failed.value(u"outcome"_s).toString(), u"fail"_s);
        const QJsonObject latency = failed.value(u"metrics"_s).toArray().at(0).toObject();
        QCOMPARE(latency.value(u"verdict"_s).toString(), u"high"_s);
        qInfo("rolled back: green %s observations, blue %s; %s",
              qPrintable(latency.value(u"green_samples"_s).toVariant().toString()),
              qPrintable(latency.value(u"blue_samples"_s).toVariant().toString()),
              qPrintable(rollback.note));
        QVERIFY(latency.value(u"green_samples"_s).toDouble() >= 200);
        QVERIFY(latency.value(u"blue_samples"_s).toDouble() >= 200);
        QTRY_VERIFY_WITH_TIMEOUT(console.confirmed(0), 15000);

        // The same release on both: the judge passes every look.
        console.source->clearFaults();
        QTRY_VERIFY_WITH_TIMEOUT(console.session->latestSnapshot()->activeFaults.empty(), 10000);
        startError = console.start(kJudgedSteps);
        QVERIFY2(startError.isEmpty(), qPrintable(startError));
        QTRY_VERIFY_WITH_TIMEOUT(console.session->stepper()->state() == RolloutState::Promoted,
                                 60000);
        const std::vector<AuditEntry> after = console.rows(audit::kAnalysis);
        QVERIFY(after.size() >= looks.size() + 4);
        for (std::size_t i = looks.size(); i < after.size(); ++i) {
            const QJsonObject look = judgeEvidence(after[i]);
            QVERIFY2(look.value(u"outcome"_s).toString() != u"fail"_s, after[i].evidence.data());
        }
        sim.process.kill();
        sim.process.waitForFinished();
        QCOMPARE(stack.interrupt(), 0);
    }
};

QTEST_GUILESS_MAIN(TestLiveCanaryJudge)
#include "tst_live_canaryjudge.moc"
