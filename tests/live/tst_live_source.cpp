// LiveSource against real pulsco-matchd processes: push and polling
// fallback, blue and green told apart and merged, a killed server marked
// stale and picked up again after restart, admin faults with and without a
// token, base URL validation.
#include "support/MatchdProcess.h"

#include "bridge/MetricsSnapshotJson.h"
#include "net/live/LiveSource.h"
#include "net/live/SnapshotMerge.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <map>
#include <memory>

using namespace Qt::StringLiterals;
using pulsco::LiveSource;
using pulsco::Source;
using pulsco::test::MatchdProcess;

namespace {

const QByteArray kToken = "live-test-token-0123456789abcdef";

// Blocking POST /v1/tickets of a solo player in duel-1v1; true on 201.
bool createTicket(const QString& baseUrl, const QString& player) {
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(baseUrl + u"/v1/tickets"_s)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const QByteArray body = R"({"queue":"duel-1v1","players":[{"id":")" + player.toUtf8() +
                            R"(","pings":{"eu-west":20}}]})";
    QNetworkReply* reply = network.post(request, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(5000))
        return false;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status == 201;
}

// A server that speaks only plain HTTP, like an old build or a proxy without
// WebSocket support: /v1/info and /v1/stats answer, the upgrade gets 400.
class PlainHttpServer : public QTcpServer {
public:
    QByteArray stats;
    explicit PlainHttpServer(QObject* parent = nullptr)
        : QTcpServer(parent) {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    const QByteArray in = socket->readAll();
                    QByteArray body, status = "200 OK";
                    if (in.startsWith("GET /v1/info "))
                        body = R"({"name":"pulsco-matchd","color":"green","admin_enabled":false})";
                    else if (in.startsWith("GET /v1/stats "))
                        body = stats;
                    else {
                        status = "400 Bad Request";
                        body = R"({"error":{"code":"invalid_argument","message":"no websocket"}})";
                    }
                    socket->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n" +
                                  "Connection: close\r\nContent-Length: " +
                                  QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
};

// A histogram's raw buckets by their absolute index (empty ones left out),
// for checking a merge without Histogram's own code.
struct Buckets {
    std::map<std::int64_t, std::uint64_t> counts;
    std::uint64_t zero = 0, count = 0;
    double sum = 0, min = 0, max = 0;
    bool operator==(const Buckets&) const = default;
};

Buckets bucketsOf(const pulsco::Histogram::Raw& raw) {
    Buckets b;
    for (std::size_t i = 0; i < raw.counts.size(); ++i)
        if (raw.counts[i] > 0)
            b.counts[std::int64_t(raw.firstIndex) + std::int64_t(i)] = raw.counts[i];
    b.zero = raw.zeroCount;
    b.count = raw.count;
    b.sum = raw.sum;
    b.min = raw.min;
    b.max = raw.max;
    return b;
}

// A pulsco-matchd on loopback and a started LiveSource watching it (with
// `token` as its admin token), with spies on what the source emits.
struct Watched {
    explicit Watched(const QString& color, const QByteArray& token = {})
        : server(color, token)
        , m_token(token) {}
    bool start() {
        if (!server.start())
            return false;
        source = std::make_unique<LiveSource>(
            QList<pulsco::LiveServerConfig>{{server.url(), QString::fromLatin1(m_token), {}}});
        snapshots = std::make_unique<QSignalSpy>(source.get(), &Source::snapshotReady);
        events = std::make_unique<QSignalSpy>(source.get(), &Source::eventsReady);
        failures = std::make_unique<QSignalSpy>(source.get(), &Source::commandFailed);
        source->start();
        return true;
    }
    MatchdProcess server;
    std::unique_ptr<LiveSource> source;
    std::unique_ptr<QSignalSpy> snapshots, events, failures;

private:
    QByteArray m_token;
};

}  // namespace

class TestLiveSource : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void checkBaseUrl_data();
    void checkBaseUrl();
    void receivesSnapshotsByPush();
    void matchesReachTheEventLog();
    void pollsWhenWebSocketIsRefused();
    void blueAndGreenToldApartAndMerged();
    void killedServerIsStaleAndPickedUpAfterRestart();
    void adminFaultWithTokenShowsInSnapshot();
    void remediesActOnTheServer();
    void withoutTokenFaultsAreOffWithReason();
    void trafficWeightIsRefusedWithReason();
    void serversOfOneEnvironmentMergeAsIt();
    void serversOfTwoEnvironmentsAreRefused();
};

void TestLiveSource::initTestCase() {
    QVERIFY2(QFile::exists(MatchdProcess::binary()), "build the pulsco-matchd target first");
}

void TestLiveSource::checkBaseUrl_data() {
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("error");
    QTest::addRow("loopback") << u"http://127.0.0.1:8080"_s << QString();
    QTest::addRow("trailing slash") << u"http://127.0.0.1:8080/"_s << QString();
    QTest::addRow("https") << u"https://staging.example:443"_s << QString();
    QTest::addRow("no scheme") << u"127.0.0.1:8080"_s << u"must be an http://"_s;
    QTest::addRow("ftp") << u"ftp://host"_s << u"must be an http://"_s;
    QTest::addRow("path") << u"http://host/v1/stats"_s << u"without a path"_s;
    QTest::addRow("query") << u"http://host?x=1"_s << u"query"_s;
    QTest::addRow("credentials") << u"http://a:b@host"_s << u"credentials"_s;
}

void TestLiveSource::checkBaseUrl() {
    QFETCH(QString, url);
    QFETCH(QString, error);
    const QString got = LiveSource::checkBaseUrl(url);
    if (error.isEmpty()) {
        QCOMPARE(got, QString());
    } else {
        QVERIFY2(got.startsWith(url + u": "_s), qPrintable(got));
        QVERIFY2(got.contains(error), qPrintable(got));
    }
}

void TestLiveSource::receivesSnapshotsByPush() {
    Watched blue(u"blue"_s);
    QVERIFY(blue.start());
    const LiveSource& source = *blue.source;
    QVERIFY(blue.snapshots->wait(5000));
    const auto servers = source.servers();
    QCOMPARE(servers.size(), 1);
    QCOMPARE(servers[0].color, u"blue"_s);
    QCOMPARE(servers[0].mode, pulsco::LiveServerLink::Mode::Push);
    QVERIFY(!servers[0].stale);
    QCOMPARE(source.state(), Source::State::Running);
    QVERIFY(source.latestSnapshot());
    QCOMPARE(source.latestSnapshot()->source, std::string("live"));
    QVERIFY(source.displayName().contains(u"blue "_s + blue.server.url()));
}

void TestLiveSource::matchesReachTheEventLog() {
    Watched blue(u"blue"_s);
    QVERIFY(blue.start());
    const LiveSource& source = *blue.source;
    const QSignalSpy& batches = *blue.events;
    QTRY_VERIFY_WITH_TIMEOUT(!source.servers().isEmpty() &&
                                 source.servers()[0].mode == pulsco::LiveServerLink::Mode::Push,
                             5000);
    QVERIFY(createTicket(blue.server.url(), u"ev-a"_s));
    QVERIFY(createTicket(blue.server.url(), u"ev-b"_s));
    // The match the server pushes on /v1/events becomes one log line.
    const auto matchLine = [&]() -> std::optional<pulsco::LogEvent> {
        for (const QList<QVariant>& args : batches)
            for (const pulsco::LogEvent& e : *args[0].value<pulsco::LogEventBatch>())
                if (e.kind == pulsco::LogEventKind::Match)
                    return e;
        return std::nullopt;
    };
    QTRY_VERIFY_WITH_TIMEOUT(matchLine(), 5000);
    const pulsco::LogEvent line = *matchLine();
    QCOMPARE(line.color, std::string("blue"));
    QVERIFY2(QString::fromStdString(line.text).contains(QRegularExpression(
                 u"^duel-1v1 match blue-m\\d+ in eu-west, quality [01]\\.\\d\\d$"_s)),
             line.text.c_str());
    QVERIFY(source.servers()[0].problem.isEmpty());
}

void TestLiveSource::pollsWhenWebSocketIsRefused() {
    PlainHttpServer fake;
    pulsco::MetricsSnapshot served;
    served.source = "fake";
    served.total.tickets.created = 42;
    served.green.tickets.created = 42;
    served.total.apiLatencyMs.record(3.5);
    fake.stats = pulsco::metricsSnapshotToJson(served);
    QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
    const QString url = u"http://127.0.0.1:"_s + QString::number(fake.serverPort());
    LiveSource source({{url, {}, {}}});
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    QVERIFY(snapshots.wait(5000));
    // Keeps polling: more than one snapshot arrives.
    QTRY_VERIFY_WITH_TIMEOUT(snapshots.size() >= 2, 5000);
    const auto servers = source.servers();
    QCOMPARE(servers[0].mode, pulsco::LiveServerLink::Mode::Polling);
    QCOMPARE(servers[0].color, u"green"_s);
    const auto merged = source.latestSnapshot();
    QCOMPARE(merged->green.tickets.created, 42u);
    QCOMPARE(merged->blue.tickets.created, 0u);
    QCOMPARE(merged->total.apiLatencyMs.count(), 1u);
    QCOMPARE(source.state(), Source::State::Running);
}

void TestLiveSource::blueAndGreenToldApartAndMerged() {
    MatchdProcess blue(u"blue"_s), green(u"green"_s);
    QVERIFY(blue.start());
    QVERIFY(green.start());
    for (int i = 0; i < 3; ++i)
        QVERIFY(createTicket(blue.url(), u"b"_s + QString::number(i)));
    for (int i = 0; i < 2; ++i)
        QVERIFY(createTicket(green.url(), u"g"_s + QString::number(i)));
    LiveSource source({{blue.url(), {}, {}}, {green.url(), {}, {}}});
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(
        source.latestSnapshot() && source.latestSnapshot()->total.tickets.created == 5, 8000);
    const auto merged = source.latestSnapshot();
    QCOMPARE(merged->blue.tickets.created, 3u);
    QCOMPARE(merged->green.tickets.created, 2u);
    // Histograms merged bucket-wise: each bucket of the merge holds the sum
    // of the two servers' counts of that bucket (added up here from their raw
    // buckets, not with Histogram::merge).
    const auto b = source.latestOf(blue.url());
    const auto g = source.latestOf(green.url());
    QVERIFY(b && g);
    const Buckets fromBlue = bucketsOf(b->total.apiLatencyMs.raw());
    const Buckets fromGreen = bucketsOf(g->total.apiLatencyMs.raw());
    QVERIFY(fromBlue.count > 0 && fromGreen.count > 0);  // both servers answered requests
    Buckets expected = fromBlue;
    for (const auto& [index, count] : fromGreen.counts)
        expected.counts[index] += count;
    expected.zero += fromGreen.zero;
    expected.count += fromGreen.count;
    expected.sum += fromGreen.sum;
    expected.min = std::min(fromBlue.min, fromGreen.min);
    expected.max = std::max(fromBlue.max, fromGreen.max);
    const Buckets got = bucketsOf(merged->total.apiLatencyMs.raw());
    QCOMPARE(got.counts, expected.counts);
    QVERIFY(got == expected);  // and zero count, count, sum, min, max
    QCOMPARE(merged->total.requestsTotal, b->total.requestsTotal + g->total.requestsTotal);
    // As fresh as its oldest part.
    QCOMPARE(merged->wallTimeUnixMs, std::min(b->wallTimeUnixMs, g->wallTimeUnixMs));
}

void TestLiveSource::killedServerIsStaleAndPickedUpAfterRestart() {
    Watched green(u"green"_s);
    QVERIFY(green.start());
    const LiveSource& source = *green.source;
    MatchdProcess& server = green.server;
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 5000);
    server.kill();
    // The issue's bar: marked stale within 3 s of going away.
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Stale, 3000);
    QVERIFY(source.servers()[0].stale);
    QVERIFY(!source.servers()[0].problem.isEmpty());
    QVERIFY(server.start(server.port()));
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 10000);
    QVERIFY(!source.servers()[0].stale);
    QVERIFY(source.servers()[0].dataAgeMs >= 0 &&
            source.servers()[0].dataAgeMs < pulsco::LiveServerLink::kStaleAfterMs);
}

void TestLiveSource::adminFaultWithTokenShowsInSnapshot() {
    Watched blue(u"blue"_s, kToken);
    QVERIFY(blue.start());
    LiveSource& source = *blue.source;
    const QSignalSpy& failures = *blue.failures;
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 5000);
    QVERIFY(source.capabilities().faults);
    pulsco::FaultSpec fault;
    fault.kind = pulsco::FaultKind::ErrorRate;
    fault.share = 0.5;
    source.injectFault(fault);
    QTRY_VERIFY_WITH_TIMEOUT(!source.latestSnapshot()->activeFaults.empty(), 5000);
    // The server words it as the simulator would, naming its own colour once.
    QCOMPARE(source.latestSnapshot()->activeFaults,
             std::vector<std::string>{"error rate 50 % (503), blue"});
    QVERIFY(failures.isEmpty());
    source.clearFaults();
    QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->activeFaults.empty(), 5000);
    QVERIFY(failures.isEmpty());
}

// The remedies a drill applies, on a real pulsco-matchd: a restart of its
// matcher ends the stall it cured (the server reports it gone); a store
// fail-over is refused plainly (no standby).
void TestLiveSource::remediesActOnTheServer() {
    Watched blue(u"blue"_s, kToken);
    QVERIFY(blue.start());
    LiveSource& source = *blue.source;
    const QSignalSpy& failures = *blue.failures;
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 5000);
    pulsco::FaultSpec stall;
    stall.kind = pulsco::FaultKind::MatcherStall;
    source.injectFault(stall);
    QTRY_COMPARE_WITH_TIMEOUT(source.latestSnapshot()->activeFaults,
                              std::vector<std::string>{"matcher stall, blue"}, 5000);
    source.restartMatcher(pulsco::Color::Green);  // no green server here
    QCOMPARE(failures.size(), 1);
    QCOMPARE(failures[0][1].toString(), u"no connected server of the color green"_s);
    source.restartMatcher(std::nullopt);
    QTRY_VERIFY_WITH_TIMEOUT(source.latestSnapshot()->activeFaults.empty(), 5000);
    QCOMPARE(failures.size(), 1);
    source.failoverStore(std::nullopt);
    QCOMPARE(failures.size(), 2);
    QVERIFY2(failures[1][1].toString().startsWith(u"this stack cannot: "_s),
             qPrintable(failures[1][1].toString()));
}

void TestLiveSource::withoutTokenFaultsAreOffWithReason() {
    MatchdProcess tokenless(u"blue"_s), guarded(u"green"_s, kToken);
    QVERIFY(tokenless.start());
    QVERIFY(guarded.start());
    {
        LiveSource source({{tokenless.url(), {}, {}}});
        QSignalSpy failures(&source, &Source::commandFailed);
        source.start();
        QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 5000);
        const auto caps = source.capabilities();
        QVERIFY(!caps.faults);
        QVERIFY2(caps.faultsDisabledReason.contains(u"no admin token configured"_s),
                 qPrintable(caps.faultsDisabledReason));
        source.injectFault(pulsco::FaultSpec{});
        QCOMPARE(failures.size(), 1);
        QVERIFY(failures[0][1].toString().contains(u"no admin token"_s));
    }
    {
        // A token the server does not accept: refused with the server's words,
        // and the token itself never appears in the message.
        LiveSource source({{guarded.url(), u"wrong-token-xyz"_s, {}}});
        QSignalSpy failures(&source, &Source::commandFailed);
        source.start();
        QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 5000);
        source.clearFaults();
        QVERIFY(failures.wait(5000));
        const QString reason = failures[0][1].toString();
        QVERIFY2(reason.startsWith(guarded.url() + u"/v1/admin/faults: "_s), qPrintable(reason));
        QVERIFY(!reason.contains(u"wrong-token-xyz"_s));
    }
}

void TestLiveSource::trafficWeightIsRefusedWithReason() {
    LiveSource source({{u"http://127.0.0.1:9"_s, {}, {}}});
    QVERIFY(!source.capabilities().trafficWeight);
    QSignalSpy failures(&source, &Source::commandFailed);
    source.setTrafficWeight(50);
    QCOMPARE(failures.size(), 1);
    QVERIFY(failures[0][1].toString().contains(u"webhook"_s));
}

namespace {
MatchdProcess::Options serverOf(const QString& color, const QString& environment) {
    MatchdProcess::Options o;
    o.color = color;
    o.forwardStderr = true;
    if (!environment.isEmpty())
        o.extraArguments = {u"--environment"_s, environment};
    return o;
}
}  // namespace

void TestLiveSource::serversOfOneEnvironmentMergeAsIt() {
    MatchdProcess blue(serverOf(u"blue"_s, u"production"_s));
    MatchdProcess green(serverOf(u"green"_s, u"production"_s));
    QVERIFY(blue.start());
    QVERIFY(green.start());
    LiveSource source({{blue.url(), {}, {}}, {green.url(), {}, {}}});
    source.start();
    QTRY_VERIFY_WITH_TIMEOUT(source.latestOf(blue.url()) && source.latestOf(green.url()), 8000);
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Running, 5000);
    QCOMPARE(source.latestSnapshot()->environment, pulsco::DeploymentEnvironment::Production);
    for (const LiveSource::ServerStatus& s : source.servers()) {
        QCOMPARE(s.environment, u"production"_s);
        QVERIFY2(s.problem.isEmpty(), qPrintable(s.problem));
    }
}

// A staging and a production server in one set: refused, naming both and
// their environments; no merged snapshot (with a made-up environment) at all.
void TestLiveSource::serversOfTwoEnvironmentsAreRefused() {
    MatchdProcess blue(serverOf(u"blue"_s, {}));  // no flag: staging
    MatchdProcess green(serverOf(u"green"_s, u"production"_s));
    QVERIFY(blue.start());
    QVERIFY(green.start());
    LiveSource source({{blue.url(), {}, {}}, {green.url(), {}, {}}});
    QSignalSpy events(&source, &Source::eventsReady);
    QSignalSpy snapshots(&source, &Source::snapshotReady);
    source.start();
    QTRY_COMPARE_WITH_TIMEOUT(source.state(), Source::State::Failed, 8000);
    QVERIFY(!source.latestSnapshot());
    const QString expected = u"environment: the servers disagree: "_s + blue.url() +
                             u" (staging), "_s + green.url() + u" (production)"_s;
    QString problems;
    for (const LiveSource::ServerStatus& s : source.servers())
        problems += s.problem + u'\n';
    QVERIFY2(problems.contains(expected), qPrintable(problems));
    // The refusal is in the event log as an error, once.
    int logged = 0;
    for (const QList<QVariant>& batch : events)
        for (const pulsco::LogEvent& e : *batch.at(0).value<pulsco::LogEventBatch>())
            logged += e.kind == pulsco::LogEventKind::Error &&
                      QString::fromStdString(e.text).startsWith(expected);
    QCOMPARE(logged, 1);
    // While both keep sending, nothing merged comes out. (One server's own
    // snapshot may have been merged before the other's first arrived.)
    snapshots.clear();
    QTest::qWait(2500);
    QCOMPARE(snapshots.size(), 0);
    QCOMPARE(source.state(), Source::State::Failed);
    QVERIFY(!source.latestSnapshot());
}

QTEST_GUILESS_MAIN(TestLiveSource)
#include "tst_live_source.moc"
