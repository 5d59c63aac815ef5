// Evidence needs real traffic (the evidence issue): a real pulsco-matchd on
// loopback, idle, watched by the console's LiveSource and rollout session
// for several times the holds of a test plan (the shipped plan with every
// hold cut to 2 s and every gate counting staging, which the server is).
// The console's own polling, and scrapes and health probes on top, must
// not make a single gate pass: they are not user traffic, and a percentile
// or a rate below its minimum sample is no data.
#include "support/MatchdProcess.h"
#include "support/PlanGates.h"

#include "net/live/LiveSource.h"
#include "rollout/RolloutPlanJson.h"
#include "rollout/RolloutSession.h"
#include "store/ConsoleStore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::MatchdProcess;

namespace {

constexpr double kHoldSeconds = 2;

// The shipped plan, every gate held kHoldSeconds and counted in staging.
QByteArray secondsPlan() {
    QFile file(kShippedPlanPath);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the shipped plan");
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    root[u"name"_s] = u"seconds-plan"_s;
    root[u"phases"_s] = pulsco::test::editPlanGates(root[u"phases"_s], [](QJsonObject& gate) {
        gate[u"hold_s"_s] = kHoldSeconds;
        gate[u"environments"_s] = QJsonArray{u"staging"_s};
    });
    return QJsonDocument(root).toJson();
}

// The seconds plan in `dir`; "" when it cannot be written.
QString writeSecondsPlan(const QTemporaryDir& dir) {
    QFile plan(dir.filePath(u"plan.json"_s));
    if (!plan.open(QIODevice::WriteOnly) || plan.write(secondsPlan()) < 0)
        return {};
    return plan.fileName();
}

int post(QNetworkAccessManager& network, const QString& url, const QByteArray& body) {
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply* reply = network.post(request, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(5000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

int get(QNetworkAccessManager& network, const QString& url) {
    QNetworkReply* reply = network.get(QNetworkRequest{QUrl(url)});
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(5000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

}  // namespace

class TestLiveEvidence : public QObject {
    Q_OBJECT
private slots:
    void idleServerPassesNothing() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"console.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        const QString planPath = writeSecondsPlan(dir);
        QVERIFY(!planPath.isEmpty());
        MatchdProcess blue(u"blue"_s);
        QVERIFY(blue.start());
        LiveSource source({{blue.url(), {}, {}}});
        RolloutSession session(*store);
        QVERIFY2(session.loadPlanFile(planPath, &error), qPrintable(error));
        session.setSource(&source);
        source.start();
        QTRY_VERIFY_WITH_TIMEOUT(session.latestSnapshot() != nullptr, 10000);
        // QVERIFY, not QCOMPARE: QTest cannot print an enum class it does not know.
        QVERIFY(session.latestSnapshot()->environment == DeploymentEnvironment::Staging);

        // Four times the hold, with a monitoring system scraping and probing
        // on top of the console's own polling.
        QNetworkAccessManager network;
        QElapsedTimer watched;
        watched.start();
        int probes = 0;
        while (watched.elapsed() < 4 * kHoldSeconds * 1000) {
            for (const QString& path : {u"/metrics"_s, u"/healthz"_s, u"/readyz"_s, u"/v1/stats"_s})
                QCOMPARE(get(network, blue.url() + path), 200);
            probes += 4;
            QTest::qWait(100);
        }
        QVERIFY(probes >= 40);
        QVERIFY(session.latestSnapshot()->timeSeconds > 2 * kHoldSeconds);

        for (const AuditEntry& e : session.audit().all())
            QVERIFY2(e.kind != audit::kGatePassed, qPrintable(e.subject + u": "_s + e.note));
        int gated = 0;
        for (const PlanItem* item : session.plan().items()) {
            if (!item->gated())
                continue;
            ++gated;
            const GateStatus* s = session.gateStatus(item->id);
            QVERIFY(s);
            QVERIFY2(s->state == GateStatus::State::NoData ||
                         s->state == GateStatus::State::Failing,
                     qPrintable(item->id + u": "_s + gateStateName(s->state)));
            QVERIFY(!session.itemState(item->id).done);
        }
        QVERIFY(gated >= 10);
        // The figures that used to pass on the polling: no API request at all.
        const SnapshotPtr s = session.latestSnapshot();
        QCOMPARE(s->total.requestsTotal, 0u);
        QCOMPARE(s->total.apiLatencyMs.count(), 0u);
        const GateStatus* p95 =
            session.gateStatus(u"p1.criteria.performance-benchmarks-met-p95-150ms"_s);
        QCOMPARE(p95->state, GateStatus::State::NoData);

        // What the audit trail keeps of who produced the evidence.
        session.setOperatorName(u"ana"_s);
        QVERIFY2(session.startRollout(&error), qPrintable(error));
        const auto rows = session.audit().entries({{}, -1, {audit::kRolloutStarted}, 0, 10});
        QCOMPARE(rows.size(), std::size_t(1));
        const AuditEntry& started = rows.front();
        QCOMPARE(started.environment, u"staging"_s);
        QVERIFY2(
            started.servers.startsWith(u"blue "_s + blue.url() + u" staging (pulsco-matchd "_s),
            qPrintable(started.servers));
        QVERIFY2(started.servers.contains(u", started 20"_s), qPrintable(started.servers));
    }

    // Issue 15: each server used to report its own colour at 100 %, so
    // green.traffic_weight read 100 the moment a green server connected and
    // the traffic-switching gates (hold 0) passed at once. The weight is now
    // the share of new tickets each colour took: green, connected but taking
    // none, is at 0 %, and the gates fail; before any traffic they have no data.
    void connectedGreenWithoutTrafficHoldsNoWeight() {
        QTemporaryDir dir;
        QString error;
        auto store = ConsoleStore::open(dir.filePath(u"console.sqlite"_s), &error);
        QVERIFY2(store, qPrintable(error));
        const QString planPath = writeSecondsPlan(dir);
        QVERIFY(!planPath.isEmpty());
        MatchdProcess blue(u"blue"_s);
        MatchdProcess green(u"green"_s);
        QVERIFY(blue.start());
        QVERIFY(green.start());
        LiveSource source({{blue.url(), {}, {}}, {green.url(), {}, {}}});
        RolloutSession session(*store);
        QVERIFY2(session.loadPlanFile(planPath, &error), qPrintable(error));
        session.setSource(&source);
        source.start();
        const QString tenPercent = u"p3.blue-green-deployment.traffic-switching-0-10"_s;
        QTRY_VERIFY_WITH_TIMEOUT(session.latestSnapshot() && session.gateStatus(tenPercent), 10000);
        QCOMPARE(session.gateStatus(tenPercent)->state, GateStatus::State::NoData);
        QVERIFY(!session.latestSnapshot()->green.requestedWeightPercent);

        // 300 tickets, all to blue: what a load balancer at blue 100 does.
        QNetworkAccessManager network;
        for (int i = 0; i < 300; ++i)
            QCOMPARE(post(network, blue.url() + u"/v1/tickets"_s,
                          u"{\"queue\":\"duel-1v1\",\"players\":[{\"id\":\"p%1\","
                          "\"pings\":{\"eu-west\":30}}]}"_s.arg(i)
                              .toUtf8()),
                     201);
        QTRY_VERIFY_WITH_TIMEOUT(session.latestSnapshot()->blue.recentTicketsCreated >= 300, 10000);
        const SnapshotPtr s = session.latestSnapshot();
        ExpressionError parseError;
        const auto atLeastTen = MetricExpression::parse("green.traffic_weight >= 10", &parseError);
        QVERIFY(atLeastTen);
        QVERIFY(!atLeastTen->evaluate(*s).truthy());
        QCOMPARE(measuredWeightPercent(*s, s->green).value_or(-1), 0.0);
        QCOMPARE(measuredWeightPercent(*s, s->blue).value_or(-1), 100.0);
        QTest::qWait(int(3 * kHoldSeconds * 1000));
        // Failing, or no data for the weight nobody set: never passed.
        const GateStatus::State state = session.gateStatus(tenPercent)->state;
        QVERIFY2(state == GateStatus::State::Failing || state == GateStatus::State::NoData,
                 qPrintable(gateStateName(state)));
        QVERIFY(!session.itemState(tenPercent).done);
        for (const AuditEntry& e : session.audit().all())
            QVERIFY2(!(e.kind == audit::kGatePassed &&
                       e.subject.startsWith(u"p3.blue-green-deployment.traffic-switching"_s)),
                     qPrintable(e.subject + u": "_s + e.note));
    }
};

QTEST_GUILESS_MAIN(TestLiveEvidence)
#include "tst_live_evidence.moc"
