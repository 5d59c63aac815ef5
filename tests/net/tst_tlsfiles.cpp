// --tls-cert / --tls-key checked at start: a key that does not belong to the
// certificate, a certificate given as the key and an encrypted key are
// refused (pulsco-matchd exits 2 naming both files and flags); a certificate
// outside its validity period is served with a warning line. Certificates
// and keys are made by openssl in the test (tests/support/SelfSignedCertificate.h
// for the RSA pairs; the EC pair, the dated certificates and the encrypted
// key here, from the same tool).
#include "net/http/HttpServer.h"
#include "net/server/TlsFiles.h"
#include "support/SelfSignedCertificate.h"

#include <QDateTime>
#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pulsco;
using pulsco::test::SelfSignedCertificate;

namespace {

// Runs openssl with `args` in `dir`; "" when it succeeded, else its output.
QString openssl(const QString& dir, const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStandardPaths::findExecutable(u"openssl"_s), args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return u"openssl "_s + args.join(u' ') + u": "_s + QString::fromUtf8(p.readAll());
    return {};
}

// The files beyond a plain self-signed RSA pair, made next to it.
struct TlsFileKit {
    QString ecCert, ecKey;      // a P-256 pair
    QString expiredCert;        // the RSA pair's key, valid 2020-01-01 to 2020-01-02
    QString notYetValidCert;    // the RSA pair's key, valid from 2099
    QString encryptedKey;       // the RSA pair's key under a passphrase
    QString ecKeyWithoutPoint;  // the EC key saved without its public point

    QString make(const SelfSignedCertificate& rsa) {
        const QString d = rsa.dir.path();
        ecCert = d + u"/ec-cert.pem"_s;
        ecKey = d + u"/ec-key.pem"_s;
        if (QString e =
                openssl(d, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"ec"_s, u"-pkeyopt"_s,
                            u"ec_paramgen_curve:prime256v1"_s, u"-nodes"_s, u"-keyout"_s, ecKey,
                            u"-out"_s, ecCert, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=pulsco-ec"_s});
            !e.isEmpty())
            return e;
        ecKeyWithoutPoint = d + u"/ec-key-nopub.pem"_s;
        if (QString e = openssl(
                d, {u"ec"_s, u"-in"_s, ecKey, u"-no_public"_s, u"-out"_s, ecKeyWithoutPoint});
            !e.isEmpty())
            return e;
        encryptedKey = d + u"/encrypted-key.pem"_s;
        if (QString e = openssl(d, {u"pkey"_s, u"-in"_s, rsa.keyPath, u"-aes256"_s, u"-passout"_s,
                                    u"pass:not-given"_s, u"-out"_s, encryptedKey});
            !e.isEmpty())
            return e;
        // `openssl req -x509` only dates from now on: a dated certificate
        // takes `openssl ca` (self-signing the pair's key, minimal database).
        const QString csr = d + u"/pair.csr"_s;
        if (QString e = openssl(d, {u"req"_s, u"-new"_s, u"-key"_s, rsa.keyPath, u"-out"_s, csr,
                                    u"-subj"_s, u"/CN=pulsco-dated"_s});
            !e.isEmpty())
            return e;
        QFile config(d + u"/ca.cnf"_s);
        QFile(d + u"/index.txt"_s).open(QIODevice::WriteOnly);
        if (!config.open(QIODevice::WriteOnly) ||
            config.write("[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\n"
                         "default_md = sha256\npolicy = p\nrand_serial = yes\nunique_subject = no\n"
                         "[p]\ncommonName = supplied\n") < 0)
            return u"cannot write "_s + config.fileName();
        config.close();
        expiredCert = d + u"/expired-cert.pem"_s;
        notYetValidCert = d + u"/future-cert.pem"_s;
        for (const auto& [out, from, until] :
             {std::tuple{expiredCert, u"20200101000000Z"_s, u"20200102000000Z"_s},
              std::tuple{notYetValidCert, u"20990101000000Z"_s, u"20990102000000Z"_s}}) {
            if (QString e = openssl(d, {u"ca"_s, u"-batch"_s, u"-selfsign"_s, u"-config"_s,
                                        config.fileName(), u"-keyfile"_s, rsa.keyPath, u"-in"_s,
                                        csr, u"-out"_s, out, u"-notext"_s, u"-startdate"_s, from,
                                        u"-enddate"_s, until});
                !e.isEmpty())
                return e;
        }
        return {};
    }
};

struct MatchdRun {
    bool served = false;  // printed "listening on https://..."
    int exitCode = -1;    // when it stopped by itself
    QString stdErr;
};

// pulsco-matchd with these TLS files: either it refuses (exit code, stderr)
// or it serves, and is then stopped with SIGTERM.
MatchdRun runMatchd(const QString& cert, const QString& key) {
    QTemporaryDir data;
    QProcess p;
    p.start(QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-matchd"),
            {u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s, data.filePath(u"data"_s),
             u"--tls-cert"_s, cert, u"--tls-key"_s, key});
    MatchdRun run;
    if (!p.waitForStarted(5000))
        return run;
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (!out.contains("listening on https://") && p.state() == QProcess::Running &&
           t.elapsed() < 15000) {
        p.waitForReadyRead(100);
        out += p.readAllStandardOutput();
    }
    run.served = out.contains("listening on https://");
    if (run.served)
        p.terminate();
    p.waitForFinished(10000);
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    run.stdErr = QString::fromUtf8(p.readAllStandardError());
    return run;
}

}  // namespace

class TestTlsFiles : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void loadTlsFiles_data();
    void loadTlsFiles();
    void keyBelongsOnlyToItsOwnCertificate();
    void certificateValidityWarning_data();
    void certificateValidityWarning();
    void matchdChecksTheFilesAtStart_data();
    void matchdChecksTheFilesAtStart();

private:
    SelfSignedCertificate m_rsa, m_otherRsa;
    TlsFileKit m_kit;
};

void TestTlsFiles::initTestCase() {
    PULSCO_MAKE_CERTIFICATE_OR_SKIP(m_rsa);
    PULSCO_MAKE_CERTIFICATE_OR_SKIP(m_otherRsa);
    const QString why = m_kit.make(m_rsa);
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestTlsFiles::loadTlsFiles_data() {
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("error");  // "" = loads
    const QString mismatch = u": --tls-key: does not belong to the certificate in "_s;
    QTest::addRow("rsa pair") << m_rsa.certPath << m_rsa.keyPath << QString();
    QTest::addRow("ec pair") << m_kit.ecCert << m_kit.ecKey << QString();
    QTest::addRow("rsa key of another certificate")
        << m_rsa.certPath << m_otherRsa.keyPath
        << m_otherRsa.keyPath + mismatch + m_rsa.certPath + u" (--tls-cert)"_s;
    QTest::addRow("rsa key for an ec certificate")
        << m_kit.ecCert << m_rsa.keyPath
        << m_rsa.keyPath + mismatch + m_kit.ecCert + u" (--tls-cert)"_s;
    QTest::addRow("ec key for an rsa certificate")
        << m_rsa.certPath << m_kit.ecKey
        << m_kit.ecKey + mismatch + m_rsa.certPath + u" (--tls-cert)"_s;
    // Nothing to compare: let through (OpenSSL still checks at each handshake).
    QTest::addRow("ec key without its public point")
        << m_kit.ecCert << m_kit.ecKeyWithoutPoint << QString();
    QTest::addRow("key file holds a certificate")
        << m_rsa.certPath << m_otherRsa.certPath
        << m_otherRsa.certPath + u": --tls-key: no unencrypted PEM private key"_s;
    QTest::addRow("encrypted key, no passphrase")
        << m_rsa.certPath << m_kit.encryptedKey
        << m_kit.encryptedKey + u": --tls-key: the key is encrypted"_s;
    // Dated certificates load: being outside the period only warns (listen).
    QTest::addRow("expired certificate, its key")
        << m_kit.expiredCert << m_rsa.keyPath << QString();
    QTest::addRow("future certificate, its key")
        << m_kit.notYetValidCert << m_rsa.keyPath << QString();
    QTest::addRow("expired certificate, another key")
        << m_kit.expiredCert << m_otherRsa.keyPath
        << m_otherRsa.keyPath + mismatch + m_kit.expiredCert + u" (--tls-cert)"_s;
}

void TestTlsFiles::loadTlsFiles() {
    QFETCH(QString, cert);
    QFETCH(QString, key);
    QFETCH(QString, error);
    QString got;
    const auto tls = pulsco::loadTlsFiles(cert, key, &got);
    if (error.isEmpty()) {
        QVERIFY2(tls.has_value(), qPrintable(got));
        QVERIFY(!tls->privateKey().isNull());
        QCOMPARE(tls->localCertificate(), QSslCertificate::fromPath(cert).value(0));
    } else {
        QVERIFY(!tls.has_value());
        QVERIFY2(got.startsWith(error), qPrintable(got));
    }
}

// Every certificate against every key made here: a pair matches exactly
// when the certificate was made from that key.
void TestTlsFiles::keyBelongsOnlyToItsOwnCertificate() {
    const QList<std::pair<QString, QString>> certs = {{m_rsa.certPath, u"rsa"_s},
                                                      {m_otherRsa.certPath, u"other-rsa"_s},
                                                      {m_kit.ecCert, u"ec"_s},
                                                      {m_kit.expiredCert, u"rsa"_s},
                                                      {m_kit.notYetValidCert, u"rsa"_s}};
    const QList<std::pair<QString, QString>> keys = {
        {m_rsa.keyPath, u"rsa"_s}, {m_otherRsa.keyPath, u"other-rsa"_s}, {m_kit.ecKey, u"ec"_s}};
    for (const auto& [certPath, certKey] : certs) {
        const QSslKey publicKey = QSslCertificate::fromPath(certPath).value(0).publicKey();
        QVERIFY(!publicKey.isNull());
        for (const auto& [keyPath, keyName] : keys) {
            QFile f(keyPath);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray pem = f.readAll();
            QSslKey key(pem, QSsl::Rsa, QSsl::Pem, QSsl::PrivateKey);
            if (key.isNull())
                key = QSslKey(pem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
            QVERIFY(!key.isNull());
            const TlsKeyPairing expected =
                certKey == keyName ? TlsKeyPairing::Matches : TlsKeyPairing::DoesNotMatch;
            QVERIFY2(tlsKeyPairing(publicKey, key) == expected,
                     qPrintable(certPath + u" with "_s + keyPath));
        }
    }
}

void TestTlsFiles::certificateValidityWarning_data() {
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<QString>("warning");  // a part of it; "" = none
    const QDateTime today = QDateTime::currentDateTimeUtc();
    QTest::addRow("fresh certificate, today") << m_rsa.certPath << today << QString();
    QTest::addRow("fresh certificate, in a year")
        << m_rsa.certPath << today.addYears(1) << u"expired on "_s;
    QTest::addRow("expired certificate, today")
        << m_kit.expiredCert << today << u"'pulsco-dated' expired on 2020-01-02T00:00:00Z"_s;
    QTest::addRow("expired certificate, during its day")
        << m_kit.expiredCert << QDateTime(QDate(2020, 1, 1), QTime(12, 0), Qt::UTC) << QString();
    QTest::addRow("future certificate, today")
        << m_kit.notYetValidCert << today
        << u"'pulsco-dated' is not valid before 2099-01-01T00:00:00Z"_s;
}

void TestTlsFiles::certificateValidityWarning() {
    QFETCH(QString, cert);
    QFETCH(QDateTime, now);
    QFETCH(QString, warning);
    const QSslCertificate certificate = QSslCertificate::fromPath(cert).value(0);
    QVERIFY(!certificate.isNull());
    const QString got = HttpServer::certificateValidityWarning(certificate, now, cert);
    if (warning.isEmpty())
        QVERIFY2(got.isEmpty(), qPrintable(got));
    else
        QVERIFY2(got.startsWith(u"warning: "_s + cert + u": TLS certificate "_s) &&
                     got.contains(warning),
                 qPrintable(got));
}

void TestTlsFiles::matchdChecksTheFilesAtStart_data() {
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("serves");
    QTest::addColumn<QString>("stderrHas");  // "" = no TLS warning either
    QTest::addRow("matching pair serves") << m_rsa.certPath << m_rsa.keyPath << true << QString();
    QTest::addRow("key of another certificate: exit 2")
        << m_rsa.certPath << m_otherRsa.keyPath << false
        << u"pulsco-matchd: "_s + m_otherRsa.keyPath +
               u": --tls-key: does not belong to the certificate in "_s + m_rsa.certPath +
               u" (--tls-cert)"_s;
    QTest::addRow("certificate as the key: exit 2")
        << m_rsa.certPath << m_rsa.certPath << false
        << m_rsa.certPath + u": --tls-key: no unencrypted PEM private key"_s;
    QTest::addRow("encrypted key: exit 2")
        << m_rsa.certPath << m_kit.encryptedKey << false
        << m_kit.encryptedKey + u": --tls-key: the key is encrypted"_s;
    QTest::addRow("expired certificate serves with a warning")
        << m_kit.expiredCert << m_rsa.keyPath << true
        << u"warning: "_s + m_kit.expiredCert +
               u": --tls-cert: TLS certificate 'pulsco-dated' expired on 2020-01-02T00:00:00Z"_s;
    QTest::addRow("future certificate serves with a warning")
        << m_kit.notYetValidCert << m_rsa.keyPath << true
        << u"warning: "_s + m_kit.notYetValidCert +
               u": --tls-cert: TLS certificate 'pulsco-dated' is not valid before 2099-01-01"_s;
}

void TestTlsFiles::matchdChecksTheFilesAtStart() {
    QFETCH(QString, cert);
    QFETCH(QString, key);
    QFETCH(bool, serves);
    QFETCH(QString, stderrHas);
    const MatchdRun run = runMatchd(cert, key);
    QCOMPARE(run.served, serves);
    QCOMPARE(run.exitCode, serves ? 0 : 2);  // 0: stopped gracefully by SIGTERM
    if (stderrHas.isEmpty())
        QVERIFY2(!run.stdErr.contains(u"TLS"_s), qPrintable(run.stdErr));
    else
        QVERIFY2(run.stdErr.contains(stderrHas), qPrintable(run.stdErr));
    // The warning is one line, printed once (the files are read twice at start).
    QVERIFY(run.stdErr.count(u"TLS certificate '"_s) <= 1);
}

QTEST_GUILESS_MAIN(TestTlsFiles)
#include "tst_tlsfiles.moc"
