// A self-signed certificate for 127.0.0.1/localhost made with openssl in a
// temporary directory, for the TLS tests (openssl: tools/install-deps.sh).
#pragma once

#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace pulsco::test {

struct SelfSignedCertificate {
    QTemporaryDir dir;
    QString certPath, keyPath;
    QSslCertificate certificate;
    QSslKey key;

    // Why a TLS test cannot run on this machine at all ("" when it can): Qt
    // has no TLS backend, or openssl is not installed. A genuine
    // environment skip; anything else going wrong in make() is a failure.
    static QString unavailable() {
        if (!QSslSocket::supportsSsl())
            return QStringLiteral("Qt has no TLS backend here");
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())
            return QStringLiteral("openssl is not installed (tools/install-deps.sh installs it)");
        return {};
    }

    // "" when made, else why not (openssl missing, failed...).
    QString make() {
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            return QStringLiteral("openssl is not installed (tools/install-deps.sh installs it)");
        certPath = dir.filePath(QStringLiteral("cert.pem"));
        keyPath = dir.filePath(QStringLiteral("key.pem"));
        QProcess req;
        req.setProcessChannelMode(QProcess::MergedChannels);
        req.start(openssl,
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                   keyPath, QStringLiteral("-out"), certPath, QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=pulsco-test"),
                   QStringLiteral("-addext"),
                   QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
        if (!req.waitForFinished(60000) || req.exitCode() != 0)
            return QStringLiteral("openssl req failed: ") + QString::fromUtf8(req.readAll());
        const auto certs = QSslCertificate::fromPath(certPath);
        QFile keyFile(keyPath);
        if (certs.isEmpty() || !keyFile.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read back the certificate or key");
        certificate = certs.constFirst();
        key = QSslKey(keyFile.readAll(), QSsl::Rsa, QSsl::Pem);
        return key.isNull() ? QStringLiteral("cannot read the private key") : QString();
    }
};

}  // namespace pulsco::test

// In a test function (initTestCase): skips when TLS cannot run here at all
// (SelfSignedCertificate::unavailable()), else makes `cert` and fails when
// that goes wrong.
#define PULSCO_MAKE_CERTIFICATE_OR_SKIP(cert)                                                      \
    do {                                                                                           \
        if (const QString pulscoTlsWhy = pulsco::test::SelfSignedCertificate::unavailable();       \
            !pulscoTlsWhy.isEmpty())                                                               \
            QSKIP(qPrintable(pulscoTlsWhy));                                                       \
        const QString pulscoMakeWhy = (cert).make();                                               \
        QVERIFY2(pulscoMakeWhy.isEmpty(), qPrintable(pulscoMakeWhy));                              \
    } while (false)
