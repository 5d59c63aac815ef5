// --tls-cert / --tls-key of pulsco-matchd: PEM files read and checked into a
// server-side TLS configuration. Every refusal names the file, the flag and
// why. (Header-only: small, and used by MatchdServer only.)
#pragma once

#include <QFile>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QString>

#include <optional>

namespace pulsco {

inline std::optional<QByteArray> readTlsFile(const QString& path, const QString& flag,
                                             QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = path + QStringLiteral(": ") + flag + QStringLiteral(": cannot read: ") +
                 f.errorString();
        return std::nullopt;
    }
    // A certificate chain or a key is a few KiB; anything huge is a wrong file.
    const QByteArray data = f.read(1024 * 1024 + 1);
    if (data.size() > 1024 * 1024) {
        *error = path + QStringLiteral(": ") + flag +
                 QStringLiteral(": larger than 1 MiB, not a PEM certificate or key");
        return std::nullopt;
    }
    return data;
}

inline std::optional<QSslConfiguration> loadTlsFiles(const QString& certPath,
                                                     const QString& keyPath, QString* error) {
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("--tls-cert: this Qt build has no usable TLS backend (OpenSSL)");
        return std::nullopt;
    }
    const auto certData = readTlsFile(certPath, QStringLiteral("--tls-cert"), error);
    if (!certData)
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certData, QSsl::Pem);
    if (chain.isEmpty() || chain.constFirst().isNull()) {
        *error = certPath + QStringLiteral(": --tls-cert: no PEM certificate in it");
        return std::nullopt;
    }
    const auto keyData = readTlsFile(keyPath, QStringLiteral("--tls-key"), error);
    if (!keyData)
        return std::nullopt;
    QSslKey key;
    for (QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(*keyData, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error =
            keyPath + QStringLiteral(": --tls-key: no unencrypted PEM private key (RSA, EC or DSA) "
                                     "in it");
        return std::nullopt;
    }
    if (key.algorithm() != chain.constFirst().publicKey().algorithm()) {
        *error = keyPath + QStringLiteral(": --tls-key: does not belong to the certificate in ") +
                 certPath;
        return std::nullopt;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);  // clients are not asked for certificates
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    return tls;
}

}  // namespace pulsco
