// The traffic controllers the rollout session drives, each against the real
// thing it talks to: the webhook against a switch listening on loopback
// (POST, then a GET read-back; retries, backoff, token, refusals), the
// manual one against an operator's name. HAProxy's is in tests/balancer.
#include "rollout/ManualTrafficController.h"
#include "rollout/WebhookTrafficController.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <deque>

using namespace Qt::StringLiterals;
using namespace pulsco;

namespace {

// A traffic switch on loopback: POST sets the weights, GET reads them back.
// `statuses` answers the next requests with these codes first (503, 401...);
// `staleReads` makes that many GETs still answer the old weights.
class SwitchServer : public QObject {
public:
    SwitchServer() {
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection())
                serve(s);
        });
    }
    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/switch"_s.arg(m_server.serverPort())); }

    std::deque<int> statuses;
    int staleReads = 0;
    QByteArray weights = R"({"blue":100,"green":0})";
    QList<QByteArray> requests;  // request heads and bodies, in order

private:
    void serve(QTcpSocket* socket) {
        auto* buffer = new QByteArray;
        connect(socket, &QTcpSocket::disconnected, socket, [socket, buffer] {
            delete buffer;
            socket->deleteLater();
        });
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = buffer->left(end).toLower();
            qsizetype length = 0;
            if (const qsizetype at = head.indexOf("content-length:"); at >= 0)
                length = head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
            if (buffer->size() < end + 4 + length)
                return;
            const QByteArray body = buffer->mid(end + 4, length);
            requests << buffer->left(end + 4 + length);
            buffer->clear();
            int status = 200;
            QByteArray answer;
            if (!statuses.empty()) {
                status = statuses.front();
                statuses.pop_front();
            } else if (head.startsWith("post")) {
                m_next = body;
                if (staleReads == 0)
                    weights = body;
            } else if (head.startsWith("get")) {
                if (staleReads > 0 && --staleReads == 0)
                    weights = m_next;
                answer = weights;
            }
            socket->write("HTTP/1.1 " + QByteArray::number(status) +
                          " X\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(answer.size()) + "\r\nConnection: close\r\n\r\n" +
                          answer);
            socket->disconnectFromHost();
        });
    }
    QTcpServer m_server;
    QByteArray m_next;
};

WebhookSettings fast(const QUrl& url) {
    WebhookSettings s;
    s.url = url;
    s.attempts = 3;
    s.backoffMs = 50;
    s.timeoutMs = 2000;
    return s;
}

}  // namespace

class TestTrafficControllers : public QObject {
    Q_OBJECT
private slots:
    void webhookCountsOnlyWhatItReadsBack() {
        SwitchServer server;
        WebhookSettings settings = fast(server.url());
        settings.bearerToken = u"s3cret"_s;
        WebhookTrafficController hook(settings);
        QSignalSpy applied(&hook, &TrafficController::weightApplied);
        QSignalSpy failed(&hook, &TrafficController::weightFailed);
        hook.requestWeight(10);
        QTRY_COMPARE_WITH_TIMEOUT(applied.size() + failed.size(), 1, 10000);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(applied.first().at(0).toInt(), 10);
        QVERIFY(applied.first().at(1).toString().contains(u"\"green\":10"_s));
        QCOMPARE(hook.appliedWeight(), 10);
        QCOMPARE(server.requests.size(), 2);
        QVERIFY(server.requests[0].startsWith("POST /switch HTTP/1.1"));
        QVERIFY(server.requests[0].endsWith(R"({"blue":90,"green":10})"));
        QVERIFY(server.requests[0].contains("Authorization: Bearer s3cret"));
        QVERIFY(server.requests[1].startsWith("GET /switch HTTP/1.1"));
        QVERIFY(server.requests[1].contains("Authorization: Bearer s3cret"));
    }

    // A 2xx that the switch's own read-back contradicts is not a switch.
    void webhookRereadsUntilTheSwitchShowsTheWeight() {
        SwitchServer server;
        server.staleReads = 2;  // the first two GETs still say green 0
        WebhookTrafficController hook(fast(server.url()));
        QSignalSpy applied(&hook, &TrafficController::weightApplied);
        QSignalSpy failed(&hook, &TrafficController::weightFailed);
        hook.requestWeight(50);
        QTRY_COMPARE_WITH_TIMEOUT(applied.size() + failed.size(), 1, 10000);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(applied.first().at(0).toInt(), 50);
    }

    void webhookFailsWhenTheReadBackNeverAgrees() {
        SwitchServer server;
        server.staleReads = 100;
        WebhookTrafficController hook(fast(server.url()));
        QSignalSpy applied(&hook, &TrafficController::weightApplied);
        QSignalSpy failed(&hook, &TrafficController::weightFailed);
        hook.requestWeight(50);
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QCOMPARE(applied.size(), 0);
        const QString why = failed.first().at(1).toString();
        QVERIFY2(why.contains(u"read-back says green 0 %, not 50 %"_s), qPrintable(why));
        QVERIFY2(why.contains(u"attempt 3 of 3"_s), qPrintable(why));
    }

    void webhookRetries_data() {
        QTest::addColumn<QList<int>>("statuses");
        QTest::addColumn<bool>("applies");
        QTest::addColumn<QString>("why");
        QTest::addRow("503 then ok") << QList<int>{503} << true << QString();
        QTest::addRow("429, 502 then ok") << QList<int>{429, 502} << true << QString();
        QTest::addRow("503 three times")
            << QList<int>{503, 503, 503} << false << u"POST: HTTP 503 (attempt 3 of 3)"_s;
        QTest::addRow("401 at once")
            << QList<int>{401} << false << u"POST: HTTP 401 (attempt 1 of 3)"_s;
        QTest::addRow("404 on read-back")
            << QList<int>{200, 404} << false << u"GET (read-back): HTTP 404"_s;
    }
    void webhookRetries() {
        QFETCH(QList<int>, statuses);
        QFETCH(bool, applies);
        QFETCH(QString, why);
        SwitchServer server;
        server.statuses.assign(statuses.begin(), statuses.end());
        WebhookTrafficController hook(fast(server.url()));
        QSignalSpy applied(&hook, &TrafficController::weightApplied);
        QSignalSpy failed(&hook, &TrafficController::weightFailed);
        QElapsedTimer clock;
        clock.start();
        hook.requestWeight(10);
        QTRY_COMPARE_WITH_TIMEOUT(applied.size() + failed.size(), 1, 10000);
        QCOMPARE(applied.size(), applies ? 1 : 0);
        if (!applies)
            QVERIFY2(failed.first().at(1).toString().contains(why),
                     qPrintable(failed.first().at(1).toString()));
        if (statuses.size() >= 2 && statuses[0] != 200)
            // The backoff doubles (50, then 100 ms); coarse timers may fire 5 % early.
            QVERIFY(clock.elapsed() >= (50 + 100) * 0.9);
    }

    void webhookRefusesBadSettings_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("why");
        const QString notHttp = u"is not an http:// or https:// URL with a host"_s;
        QTest::addRow("relative") << u"switch"_s << u"url: 'switch' "_s + notHttp;
        QTest::addRow("ftp") << u"ftp://h/x"_s << u"url: 'ftp://h/x' "_s + notHttp;
        QTest::addRow("no host") << u"http:///switch"_s << notHttp;
    }
    void webhookRefusesBadSettings() {
        QFETCH(QString, url);
        QFETCH(QString, why);
        WebhookTrafficController hook(fast(QUrl(url)));
        QSignalSpy failed(&hook, &TrafficController::weightFailed);
        hook.requestWeight(10);
        QCOMPARE(failed.size(), 1);
        QVERIFY2(failed.first().at(1).toString().contains(why),
                 qPrintable(failed.first().at(1).toString()));
    }

    void webhookDeadSwitchFailsAfterItsAttempts() {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }  // closed: nothing listens there now
        WebhookTrafficController hook(fast(QUrl(u"http://127.0.0.1:%1/x"_s.arg(port))));
        QSignalSpy failed(&hook, &TrafficController::weightFailed);
        hook.requestWeight(10);
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QVERIFY(failed.first().at(1).toString().contains(u"attempt 3 of 3"_s));
    }

    void webhookNewerWeightSupersedes() {
        SwitchServer server;
        server.statuses = {503};  // the first try of 10 fails and would retry
        WebhookTrafficController hook(fast(server.url()));
        QSignalSpy applied(&hook, &TrafficController::weightApplied);
        QSignalSpy failed(&hook, &TrafficController::weightFailed);
        hook.requestWeight(10);
        hook.requestWeight(0);  // a rollback before the first answered
        QTRY_COMPARE_WITH_TIMEOUT(applied.size(), 1, 10000);
        QTest::qWait(300);  // no late answer for 10
        QCOMPARE(applied.size(), 1);
        QCOMPARE(applied.first().at(0).toInt(), 0);
        QCOMPARE(failed.size(), 0);
    }

    void readBackBodies_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("green");
        QTest::addColumn<QString>("why");
        QTest::addRow("90/10") << QByteArray(R"({"blue":90,"green":10})") << 10 << QString();
        QTest::addRow("relative 200/200")
            << QByteArray(R"({"blue":200,"green":200})") << 50 << QString();
        QTest::addRow("not json") << QByteArray("ok") << -1 << u"not a JSON object"_s;
        QTest::addRow("no green") << QByteArray(R"({"blue":100})") << -1 << u"green:"_s;
        QTest::addRow("fraction") << QByteArray(R"({"blue":90.5,"green":9.5})") << -1
                                  << u"blue: must be a whole number"_s;
        QTest::addRow("both zero") << QByteArray(R"({"blue":0,"green":0})") << -1 << u"both 0"_s;
    }
    void readBackBodies() {
        QFETCH(QByteArray, body);
        QFETCH(int, green);
        QFETCH(QString, why);
        QString error;
        const std::optional<int> share = WebhookTrafficController::greenShareOf(body, &error);
        QCOMPARE(share.value_or(-1), green);
        if (!why.isEmpty())
            QVERIFY2(error.contains(why), qPrintable(error));
    }

    void manualNeedsANamedConfirmation() {
        ManualTrafficController manual;
        QSignalSpy applied(&manual, &TrafficController::weightApplied);
        QString error;
        QVERIFY(!manual.confirm(u"ana"_s, &error));
        QCOMPARE(error, u"no traffic switch is waiting for confirmation"_s);
        manual.requestWeight(50);
        QVERIFY(manual.needsConfirmation());
        QVERIFY(!manual.confirm(u"  "_s, &error));
        QVERIFY(error.contains(u"needs a name"_s));
        QCOMPARE(applied.size(), 0);
        QVERIFY(manual.confirm(u"ana"_s, &error));
        QCOMPARE(applied.size(), 1);
        QCOMPARE(applied.first().at(0).toInt(), 50);
        QVERIFY(applied.first().at(1).toString().contains(u"confirmed by ana"_s));
        QVERIFY(!manual.needsConfirmation());
    }
};

QTEST_GUILESS_MAIN(TestTrafficControllers)
#include "tst_trafficcontrollers.moc"
