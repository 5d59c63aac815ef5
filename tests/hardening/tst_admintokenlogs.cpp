// The admin token never appears in pulsco-matchd's output: a real server
// process with a token file is sent missing, wrong (a near-miss of the real
// token) and right tokens, then stopped; neither its stdout, its stderr nor
// any answer body contains the token. (Status codes of missing/wrong/right
// tokens are covered by tests/integration/tst_matchd_api.)
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
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
private Q_SLOTS:
    void tokenIsNeverLoggedOrEchoed();
};

void TestAdminTokenLogs::tokenIsNeverLoggedOrEchoed() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile tokenFile(dir.filePath(u"token"_s));
    QVERIFY(tokenFile.open(QIODevice::WriteOnly));
    tokenFile.write(kToken + '\n');
    tokenFile.close();
    // pulsco-matchd refuses a token file that group or others can read.
    QVERIFY(tokenFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));

    QProcess server;
    server.start(QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-matchd"),
                 {u"--data-dir"_s, dir.filePath(u"data"_s), u"--listen"_s, u"127.0.0.1:0"_s,
                  u"--admin-token-file"_s, tokenFile.fileName()});
    QVERIFY(server.waitForStarted(5000));
    QByteArray out, err;
    quint16 port = 0;
    static const QRegularExpression listening(u"listening on http://127\\.0\\.0\\.1:(\\d+)"_s);
    QElapsedTimer t;
    t.start();
    while (port == 0 && t.elapsed() < 15000 && server.state() == QProcess::Running) {
        server.waitForReadyRead(100);
        out += server.readAllStandardOutput();
        err += server.readAllStandardError();
        if (const auto m = listening.match(QString::fromUtf8(out)); m.hasMatch())
            port = quint16(m.captured(1).toUInt());
    }
    QVERIFY2(port != 0, err.constData());

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

    server.terminate();  // SIGTERM: drains and stops, logging as it goes
    QVERIFY(server.waitForFinished(15000));
    out += server.readAllStandardOutput();
    err += server.readAllStandardError();

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
