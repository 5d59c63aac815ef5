// The admin token never appears in pulsco-matchd's output: a real server
// process with a token file is sent missing, wrong (a near-miss of the real
// token) and right tokens, then stopped; neither its stdout, its stderr nor
// any answer body contains the token. (Status codes of missing/wrong/right
// tokens are covered by tests/integration/tst_matchd_api.)
#include "support/MatchdProcess.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

const QByteArray kToken = "hardening-secret-3f9a1c7e5b2d";

QByteArray exchange(quint16 port, const QByteArray& request) {
    QTcpSocket s;
    s.connectToHost(u"127.0.0.1"_s, port);
    if (!s.waitForConnected(5000))
        return {};
    s.write(request);
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 5000 && s.state() == QAbstractSocket::ConnectedState) {
        s.waitForReadyRead(50);
        in += s.readAll();
    }
    return in + s.readAll();
}

QByteArray adminRequest(const QByteArray& authorization) {
    return "POST /v1/admin/faults HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + authorization +
           "Content-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"kind\":\"meteor\"}";
}

}  // namespace

class TestAdminTokenLogs : public QObject {
    Q_OBJECT
private slots:
    void tokenIsNeverLoggedOrEchoed();
};

void TestAdminTokenLogs::tokenIsNeverLoggedOrEchoed() {
    // Its stderr is kept (not forwarded) so the test can search it.
    pulsco::test::MatchdProcess server(
        pulsco::test::MatchdProcess::Options{{}, kToken, {}, {}, {}, false});
    QVERIFY2(server.start(), server.stderrText().constData());
    const quint16 port = server.port();

    QByteArray answers;
    answers += exchange(port, adminRequest({}));
    const QByteArray nearMiss = kToken.left(kToken.size() - 1) + 'X';
    answers += exchange(port, adminRequest("Authorization: Bearer " + nearMiss + "\r\n"));
    answers += exchange(port, adminRequest("Authorization: Bearer " + kToken + "x\r\n"));
    const QByteArray right =
        exchange(port, adminRequest("Authorization: Bearer " + kToken + "\r\n"));
    QVERIFY2(right.startsWith("HTTP/1.1 400"), right.constData());  // past the guard, bad fault
    answers += right;
    QCOMPARE(answers.count("HTTP/1.1 401"), 3);

    QCOMPARE(server.terminate(), 0);  // SIGTERM: drains and stops, logging as it goes
    const QByteArray out = server.stdoutText();
    const QByteArray err = server.stderrText();

    // Any 12-byte window of the token would be a leak, not only the whole.
    for (qsizetype i = 0; i + 12 <= kToken.size(); ++i) {
        const QByteArray piece = kToken.mid(i, 12);
        QVERIFY2(!out.contains(piece), out.constData());
        QVERIFY2(!err.contains(piece), err.constData());
        QVERIFY2(!answers.contains(piece), answers.constData());
    }
}

QTEST_MAIN(TestAdminTokenLogs)
#include "tst_admintokenlogs.moc"
