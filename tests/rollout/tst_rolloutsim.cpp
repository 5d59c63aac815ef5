// Full automatic rollouts on the real simulator engine at max speed: the
// plan's Day 2 steps promote green on baseline-1000, and on
// bad-release-green (green at 10 % goes bad at 300 s: 6 % errors) the
// rollout rolls back by itself; the audit trail tells the whole story and a
// restarted session resumes where the rollout stood.
#include "support/EngineSource.h"

#include "rollout/OperationalMetrics.h"
#include "rollout/RolloutSession.h"
#include "simulator/SimulatorSource.h"
#include "store/ConsoleStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::EngineSource;

namespace {

std::vector<AuditEntry> rowsOf(AuditTrail& trail, const QString& kind) {
    std::vector<AuditEntry> out;
    for (const AuditEntry& e : trail.all())
        if (e.kind == kind)
            out.push_back(e);
    return out;
}

}  // namespace

class TestRolloutSim : public QObject {
    Q_OBJECT
private slots:
    void promotesOnBaseline() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        auto source = EngineSource::shipped(u"baseline-1000"_s);
        RolloutSession session(*store);
        session.setOperatorName(u"ana"_s);
        session.setSource(source.get());
        source->advance(120);  // some history before the release
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        source->advance(3600, 1, [&] { return !session.rolloutActive(); });
        QCOMPARE(session.stepper()->state(), RolloutState::Promoted);
        QCOMPARE(source->engine().trafficWeight(), 100);
        source->advance(source->engine().runTime() + 5);
        QCOMPARE(source->latestSnapshot()->green.requestedWeightPercent.value_or(-1), 100);
        // The audit trail: each weight set and seen, every measurement, the promotion.
        QList<int> weights;
        for (const AuditEntry& e : rowsOf(session.audit(), audit::kWeightConfirmed))
            weights << e.subject.toInt();
        QCOMPARE(weights, (QList<int>{10, 50, 100}));
        QCOMPARE(rowsOf(session.audit(), audit::kAnalysis).size(), std::size_t(40));
        QCOMPARE(rowsOf(session.audit(), audit::kPromoted).size(), std::size_t(1));
        QVERIFY(rowsOf(session.audit(), audit::kRollback).empty());
        // Gates of Day 2 held on the way, but a rehearsal ticks no
        // production item: shown, with its figures, as met in rehearsal.
        const QString tenPercentId = u"p3.blue-green-deployment.traffic-switching-0-10"_s;
        QVERIFY(!session.itemState(tenPercentId).done);
        // Met in rehearsal on the way; by the end of the run few new tickets
        // arrive (players are in matches), so the measured share may have
        // gone back to no data: never a pass either way.
        const GateStatus::State tenState = session.gateStatus(tenPercentId)->state;
        QVERIFY2(tenState == GateStatus::State::MetElsewhere ||
                     tenState == GateStatus::State::NoData,
                 qPrintable(gateStateName(tenState)));
        QVERIFY(rowsOf(session.audit(), audit::kGatePassed).empty());
        const auto elsewhere = rowsOf(session.audit(), audit::kGateMetElsewhere);
        const auto it = std::find_if(elsewhere.begin(), elsewhere.end(), [&](const AuditEntry& e) {
            return e.subject == tenPercentId;
        });
        QVERIFY(it != elsewhere.end());
        QCOMPARE(it->environment, u"rehearsal"_s);
        const QJsonObject evidence = QJsonDocument::fromJson(it->evidence).object();
        QVERIFY(evidence.contains(u"snapshot"_s));
        QCOMPARE(evidence.value(u"expression"_s).toString(),
                 u"green.requested_weight >= 10 and green.traffic_weight >= 8"_s);
        QCOMPARE(evidence.value(u"environments"_s).toString(), u"production"_s);
        // Every row says where it ran; the rehearsal's metrics are its own.
        for (const AuditEntry& e : session.audit().all())
            QCOMPARE(e.environment, u"rehearsal"_s);
        const OperationalMetrics m = computeOperationalMetrics(session.audit().all());
        QCOMPARE(m.promoted, 1);
        QCOMPARE(*m.changeFailureRate, 0.0);
        QCOMPARE(session.operationalMetrics(u"rehearsal"_s).promoted, 1);
        QCOMPARE(session.operationalMetrics(u"production"_s).started, 0);
    }

    // The same run as evidence that counts (snapshots labelled production,
    // as a pulsco-matchd started with --environment production labels its
    // own): the items tick, and the rows say production.
    void countedEvidenceTicksTheItems() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        auto source = EngineSource::shipped(u"baseline-1000"_s);
        source->relabelEnvironment(DeploymentEnvironment::Production);
        RolloutSession session(*store);
        session.setOperatorName(u"ana"_s);
        session.setSource(source.get());
        source->advance(120);
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        source->advance(3600, 1, [&] { return !session.rolloutActive(); });
        QCOMPARE(session.stepper()->state(), RolloutState::Promoted);
        const ItemState tenPercent =
            session.itemState(u"p3.blue-green-deployment.traffic-switching-0-10"_s);
        QVERIFY(tenPercent.done);
        const auto passes = rowsOf(session.audit(), audit::kGatePassed);
        QVERIFY(!passes.empty());
        for (const AuditEntry& e : passes)
            QCOMPARE(e.environment, u"production"_s);
        // A staging item is not ticked by production evidence.
        QVERIFY(!session.itemState(u"p1.criteria.performance-benchmarks-met-p95-150ms"_s).done);
        QCOMPARE(session.operationalMetrics(u"production"_s).promoted, 1);
        QCOMPARE(session.operationalMetrics(u"rehearsal"_s).started, 0);
        // A restart keeps the production passes; a rehearsal source after it
        // neither ticks more nor takes these back.
        RolloutSession again(*store);
        QVERIFY(again.itemState(u"p3.blue-green-deployment.traffic-switching-0-10"_s).done);
    }

    void rollsBackByItselfOnABadRelease() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        QVERIFY(store);
        auto source = EngineSource::shipped(u"bad-release-green"_s);
        RolloutSession session(*store);
        session.setOperatorName(u"ana"_s);
        session.setSource(source.get());
        QSignalSpy alerts(&session, &RolloutSession::alertRaised);
        source->advance(5);
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        // The release goes bad at 300 s (scenario faults); nobody touches anything.
        constexpr double kBadAt = 300;
        double backOnBlueAt = -1;
        source->advance(3600, 1, [&] {
            const SnapshotPtr s = source->latestSnapshot();
            if (session.stepper()->state() == RolloutState::Degraded &&
                s->green.requestedWeightPercent.value_or(-1) == 0 && s->timeSeconds >= kBadAt) {
                backOnBlueAt = s->timeSeconds;
                return true;
            }
            return false;
        });
        QCOMPARE(session.stepper()->state(), RolloutState::Degraded);
        QVERIFY(backOnBlueAt >= kBadAt);
        // Unmissable and explained (issue 23): the notice the banner shows.
        QVERIFY(session.notice());
        QVERIFY2(session.notice()->headline.contains(u"rolled back automatically at step 3 of 7"_s),
                 qPrintable(session.notice()->headline));
        QVERIFY(session.notice()->cause.startsWith(u"trigger fired: Error rate > 5%"_s));
        QVERIFY2(session.notice()->figures.contains(u"requests failed"_s),
                 qPrintable(session.notice()->figures));
        const double seconds = backOnBlueAt - kBadAt;
        qInfo("bad release at %.0f s; traffic fully back on blue at %.0f s: %.0f simulated seconds",
              kBadAt, backOnBlueAt, seconds);
        QVERIFY2(seconds <= 60, qPrintable(u"took %1 s"_s.arg(seconds)));
        QCOMPARE(source->engine().trafficWeight(), 0);
        const auto rollbacks = rowsOf(session.audit(), audit::kRollback);
        QCOMPARE(rollbacks.size(), std::size_t(1));
        QCOMPARE(rollbacks[0].actor, u"system"_s);
        QVERIFY2(rollbacks[0].note.contains(u"Error rate > 5%"_s), qPrintable(rollbacks[0].note));
        const QJsonObject evidence = QJsonDocument::fromJson(rollbacks[0].evidence).object();
        QVERIFY(evidence.value(u"green"_s).toObject().value(u"error_rate"_s).toDouble() > 0.05);
        QCOMPARE(alerts.size(), 1);
        const OperationalMetrics m = computeOperationalMetrics(session.audit().all());
        QCOMPARE(m.failed, 1);
        QCOMPARE(*m.changeFailureRate, 1.0);
        QVERIFY(m.meanTimeToRollBackSeconds && *m.meanTimeToRollBackSeconds <= 2);
        // Time to detect counts from the fault's onset (the simulator knows
        // it: 300 s), not from the weight change minutes earlier.
        QCOMPARE(evidence.value(u"fault_onset_s"_s).toDouble(), kBadAt);
        QCOMPARE(evidence.value(u"detect_from"_s).toString(), u"fault onset"_s);
        QVERIFY(m.meanTimeToDetectSeconds);
        QCOMPARE(*m.meanTimeToDetectSeconds, rollbacks[0].sourceTimeSeconds - kBadAt);
        qInfo("time to detect: %.1f s", *m.meanTimeToDetectSeconds);
        QVERIFY2(*m.meanTimeToDetectSeconds > 0 && *m.meanTimeToDetectSeconds <= 30,
                 qPrintable(QString::number(*m.meanTimeToDetectSeconds)));
        QCOMPARE(m.rollouts[0].detectFrom, u"fault onset"_s);
    }

    // Records corrupted on green mid-rollout (the simulator's inconsistency
    // fault: a party dropped from a live match record, which every counter
    // still agrees with): the engine's integrity audit finds it, and the
    // data-inconsistency trigger rolls back with nobody touching anything.
    void rollsBackByItselfOnAnInjectedInconsistency() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        auto source = EngineSource::shipped(u"baseline-1000"_s);
        RolloutSession session(*store);
        session.setOperatorName(u"ana"_s);
        session.setSource(source.get());
        source->advance(120);
        QVERIFY(source->latestSnapshot()->integrity && source->latestSnapshot()->integrity->ok);
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        double injectedAt = -1, backOnBlueAt = -1;
        bool cleanBeforeInjection = false;
        source->advance(3600, 1, [&] {
            const SnapshotPtr s = source->latestSnapshot();
            if (injectedAt < 0 && s->green.requestedWeightPercent.value_or(-1) > 0 &&
                s->green.tickets.searching + s->green.tickets.matched > 0) {
                // Green carries traffic and holds records: corrupt them now.
                cleanBeforeInjection = s->integrity && s->integrity->ok;
                FaultSpec f;
                f.kind = FaultKind::Inconsistency;
                f.target = FaultTarget::Green;
                source->injectFault(f);
                injectedAt = s->timeSeconds;
            }
            if (injectedAt >= 0 && session.stepper()->state() == RolloutState::Degraded &&
                s->green.requestedWeightPercent.value_or(-1) == 0) {
                backOnBlueAt = s->timeSeconds;
                return true;
            }
            return false;
        });
        QVERIFY2(injectedAt >= 0, "green never carried traffic");
        QVERIFY(cleanBeforeInjection);
        QVERIFY(session.stepper()->state() == RolloutState::Degraded);
        QCOMPARE(source->engine().trafficWeight(), 0);
        const double seconds = backOnBlueAt - injectedAt;
        qInfo("inconsistency injected at %.0f s; traffic back on blue at %.0f s: %.0f simulated "
              "seconds",
              injectedAt, backOnBlueAt, seconds);
        // The audit runs every 10 s and the trigger fires on the first
        // snapshot that shows it.
        QVERIFY2(backOnBlueAt >= injectedAt && seconds <= 15,
                 qPrintable(u"took %1 s"_s.arg(seconds)));
        // It was the integrity audit, not conservation (which stays ok).
        const SnapshotPtr last = source->latestSnapshot();
        QVERIFY(last->integrity && !last->integrity->ok);
        QVERIFY(last->conservationOk);
        QVERIFY2(QString::fromStdString(last->integrity->firstViolations.at(0))
                     .startsWith(u"green party "_s),
                 last->integrity->firstViolations.at(0).c_str());

        const auto rollbacks = rowsOf(session.audit(), audit::kRollback);
        QCOMPARE(rollbacks.size(), std::size_t(1));
        QCOMPARE(rollbacks[0].actor, u"system"_s);
        QVERIFY2(rollbacks[0].note.contains(u"Data inconsistency"_s),
                 qPrintable(rollbacks[0].note));
        const QJsonObject evidence = QJsonDocument::fromJson(rollbacks[0].evidence).object();
        QCOMPARE(evidence.value(u"detect_from"_s).toString(), u"fault onset"_s);
        QCOMPARE(evidence.value(u"fault_onset_s"_s).toDouble(), injectedAt);
        const OperationalMetrics m = computeOperationalMetrics(session.audit().all());
        QCOMPARE(m.failed, 1);
        QVERIFY(m.meanTimeToDetectSeconds);
        QCOMPARE(m.rollouts[0].detectFrom, u"fault onset"_s);
        QCOMPARE(*m.meanTimeToDetectSeconds, rollbacks[0].sourceTimeSeconds - injectedAt);
        qInfo("time to detect: %.1f s", *m.meanTimeToDetectSeconds);
        QVERIFY2(*m.meanTimeToDetectSeconds > 0 && *m.meanTimeToDetectSeconds <= 15,
                 qPrintable(QString::number(*m.meanTimeToDetectSeconds)));
    }

    // Without a known onset (a live server with no injected fault), an
    // automatic rollback counts from the start of the first trigger window
    // in which the condition held; a row from before this change counts
    // from the weight change.
    void detectionStartsAtTheTriggerWindowWithoutAKnownOnset() {
        std::vector<AuditEntry> trail;
        auto row = [&](const QString& kind, double t, const QString& subject = {},
                       const QByteArray& evidence = "{}") {
            AuditEntry e;
            e.kind = kind;
            e.rollout = 1;
            e.atMs = 1000;
            e.sourceTimeSeconds = t;
            e.subject = subject;
            e.evidence = evidence;
            e.environment = u"staging"_s;
            trail.push_back(e);
        };
        row(audit::kRolloutStarted, 100);
        row(audit::kWeightConfirmed, 110, u"10"_s);
        row(audit::kRollback, 400, u"1"_s,
            R"({"detect_from_s":390,"detect_from":"trigger window","window_s":10})");
        OperationalMetrics m = computeOperationalMetrics(trail);
        QCOMPARE(*m.meanTimeToDetectSeconds, 10.0);
        QCOMPARE(m.rollouts[0].detectFrom, u"trigger window"_s);
        QCOMPARE(m.rollouts[0].environment, u"staging"_s);
        // Never before the rollout began.
        trail[2].evidence = R"({"detect_from_s":50,"detect_from":"fault onset"})";
        QCOMPARE(*computeOperationalMetrics(trail).meanTimeToDetectSeconds, 300.0);
        // An old row: from the weight change.
        trail[2].evidence = "{}";
        m = computeOperationalMetrics(trail);
        QCOMPARE(*m.meanTimeToDetectSeconds, 290.0);
        QCOMPARE(m.rollouts[0].detectFrom, u"weight change"_s);
        QCOMPARE(computeOperationalMetrics(trail, u"production"_s).started, 0);
    }

    // The console's own source: the simulator on its worker thread at max
    // speed, snapshots through queued signals. Same plan, same outcome.
    void promotesOnTheThreadedSimulatorAtMaxSpeed() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"c.sqlite"_s), &error);
        QVERIFY(store);
        const ScenarioLoad load = loadScenarioFile(shippedScenarioPath(u"baseline-1000"_s));
        QVERIFY2(load.scenario, qPrintable(load.error));
        SimulatorSource source(*load.scenario);
        source.setSpeed(0);
        RolloutSession session(*store);
        session.setOperatorName(u"ana"_s);
        session.setSource(&source);
        source.start();
        QTRY_VERIFY_WITH_TIMEOUT(session.latestSnapshot() != nullptr, 20000);
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(!session.rolloutActive(), 60000);
        QCOMPARE(session.stepper()->state(), RolloutState::Promoted);
        QTRY_COMPARE_WITH_TIMEOUT(
            session.latestSnapshot()->green.requestedWeightPercent.value_or(-1), 100, 20000);
        source.stop();
        QVERIFY(rowsOf(session.audit(), audit::kRollback).empty());
    }

    // Restart mid-rollout: a new session on the same store (and a new
    // simulator, whose weight starts at the scenario's 0) resumes the step
    // and puts green back at the weight it had.
    void restartResumesTheRollout() {
        QTemporaryDir dir;
        QString error;
        const QString path = dir.filePath(u"c.sqlite"_s);
        int stepBefore = -1;
        {
            auto store = ConsoleStore::open(path, &error);
            auto source = EngineSource::shipped(u"baseline-1000"_s);
            RolloutSession session(*store);
            session.setOperatorName(u"ana"_s);
            session.setSource(source.get());
            source->advance(5);
            QVERIFY(session.startRollout(&error));
            source->advance(2000, 1, [&] { return session.stepper()->weight() == 50; });
            QCOMPARE(session.stepper()->weight(), 50);
            QVERIFY(session.setItemChecked(u"p1.code-quality-gates.code-review-completion"_s, true,
                                           u"two reviewers"_s, &error));
            stepBefore = session.stepper()->currentStep();
        }  // the console goes away
        auto store = ConsoleStore::open(path, &error);
        QVERIFY(store);
        auto source = EngineSource::shipped(u"baseline-1000"_s);
        QCOMPARE(source->engine().trafficWeight(), 0);
        RolloutSession session(*store);
        QVERIFY(session.stepper());
        QCOMPARE(session.stepper()->state(), RolloutState::Progressing);
        QCOMPARE(session.stepper()->currentStep(), stepBefore);
        QCOMPARE(session.stepper()->weight(), 50);
        QVERIFY(session.itemState(u"p1.code-quality-gates.code-review-completion"_s).done);
        QCOMPARE(session.itemState(u"p1.code-quality-gates.code-review-completion"_s).note,
                 u"two reviewers"_s);
        session.setSource(source.get());
        source->advance(3);
        QCOMPARE(source->engine().trafficWeight(), 50);
        session.setOperatorName(u"bo"_s);
        source->advance(3600, 1, [&] { return !session.rolloutActive(); });
        QCOMPARE(session.stepper()->state(), RolloutState::Promoted);
    }
};

QTEST_GUILESS_MAIN(TestRolloutSim)
#include "tst_rolloutsim.moc"
