// --tls-cert / --tls-key of pulsco-matchd: PEM files read and checked into a
// server-side TLS configuration. Every refusal names the file, the flag and
// why. (Header-only: small, and used by MatchdServer only.)
#pragma once

#include <QByteArrayView>
#include <QFile>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QString>

#include <optional>

namespace pulsco {

// Whether a private key belongs to a certificate's public key. Qt 6.4 has no
// call that derives a public key from a private one (OpenSSL checks the pair
// only when a handshake builds its context, so a wrong key used to fail
// every handshake instead of the start). Both keys' DER encodings (as Qt
// re-encodes them: SubjectPublicKeyInfo for the public key, the traditional
// PKCS#1 / RFC 5915 / DSA form for the private one) carry the public values,
// so those are compared.
enum class TlsKeyPairing { Matches, DoesNotMatch, CannotTell };

namespace tls_detail {

struct DerElement {
    quint8 tag = 0;
    QByteArrayView content;
    QByteArrayView whole;  // tag, length and content
};

// The DER elements that make up `content`, in order; nullopt when malformed.
// Only what key encodings use: one-byte tags, lengths of up to 4 bytes.
inline std::optional<QList<DerElement>> derChildren(QByteArrayView content) {
    QList<DerElement> children;
    qsizetype pos = 0;
    while (pos < content.size()) {
        const qsizetype start = pos;
        if (content.size() - pos < 2)
            return std::nullopt;
        const auto tag = quint8(content[pos++]);
        qsizetype length = quint8(content[pos++]);
        if (length & 0x80) {
            const int bytes = int(length & 0x7f);
            if (bytes < 1 || bytes > 4 || content.size() - pos < bytes)
                return std::nullopt;
            length = 0;
            for (int i = 0; i < bytes; ++i)
                length = (length << 8) | quint8(content[pos++]);
        }
        if (length > content.size() - pos)
            return std::nullopt;
        children.append(
            {tag, content.sliced(pos, length), content.sliced(start, pos + length - start)});
        pos += length;
    }
    return children;
}

// The children of the single SEQUENCE that `der` holds.
inline std::optional<QList<DerElement>> derSequence(QByteArrayView der) {
    const auto outer = derChildren(der);
    if (!outer || outer->size() != 1 || outer->constFirst().tag != 0x30)
        return std::nullopt;
    return derChildren(outer->constFirst().content);
}

}  // namespace tls_detail

inline TlsKeyPairing tlsKeyPairing(const QSslKey& publicKey, const QSslKey& privateKey) {
    using namespace tls_detail;
    if (publicKey.algorithm() != privateKey.algorithm())
        return TlsKeyPairing::DoesNotMatch;
    const QByteArray publicDer = publicKey.toDer();
    const QByteArray privateDer = privateKey.toDer();
    // SubjectPublicKeyInfo: SEQUENCE { algorithm, BIT STRING subjectPublicKey }.
    const auto spki = derSequence(publicDer);
    if (!spki || spki->size() != 2 || spki->at(1).tag != 0x03 || spki->at(1).content.isEmpty())
        return TlsKeyPairing::CannotTell;
    const QByteArrayView publicBits = spki->at(1).content.sliced(1);  // after "unused bits"
    const auto priv = derSequence(privateDer);
    if (!priv)
        return TlsKeyPairing::CannotTell;
    auto verdict = [](bool same) {
        return same ? TlsKeyPairing::Matches : TlsKeyPairing::DoesNotMatch;
    };
    switch (privateKey.algorithm()) {
    case QSsl::Rsa: {
        // RSAPublicKey { n, e } against RSAPrivateKey { version, n, e, ... }.
        const auto pub = derSequence(publicBits);
        if (!pub || pub->size() < 2 || priv->size() < 3)
            return TlsKeyPairing::CannotTell;
        return verdict(pub->at(0).whole == priv->at(1).whole &&
                       pub->at(1).whole == priv->at(2).whole);
    }
    case QSsl::Ec:
        // ECPrivateKey { version, d, [0] parameters, [1] BIT STRING point }:
        // the [1] part is optional (OpenSSL writes it); without it, no verdict.
        for (const DerElement& e : *priv) {
            if (e.tag != 0xa1)
                continue;
            const auto point = derChildren(e.content);
            if (!point || point->size() != 1 || point->constFirst().tag != 0x03 ||
                point->constFirst().content.isEmpty())
                return TlsKeyPairing::CannotTell;
            return verdict(point->constFirst().content.sliced(1) == publicBits);
        }
        return TlsKeyPairing::CannotTell;
    case QSsl::Dsa:
        // The public INTEGER y against DSAPrivateKey { version, p, q, g, y, x }.
        if (priv->size() < 5)
            return TlsKeyPairing::CannotTell;
        return verdict(priv->at(4).whole == publicBits);
    default:
        return TlsKeyPairing::CannotTell;
    }
}

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
    if (key.isNull() && keyData->contains("ENCRYPTED")) {
        // PKCS#8 "ENCRYPTED PRIVATE KEY" or a legacy "Proc-Type: 4,ENCRYPTED".
        *error = keyPath + QStringLiteral(": --tls-key: the key is encrypted; give an unencrypted "
                                          "key (e.g. openssl pkey -in KEY -out KEY.plain) and "
                                          "make it private to the server's user (chmod 600)");
        return std::nullopt;
    }
    if (key.isNull()) {
        *error =
            keyPath + QStringLiteral(": --tls-key: no unencrypted PEM private key (RSA, EC or DSA) "
                                     "in it");
        return std::nullopt;
    }
    // CannotTell (an EC key saved without its public point) is let through:
    // OpenSSL still refuses a wrong pair at each handshake.
    if (tlsKeyPairing(chain.constFirst().publicKey(), key) == TlsKeyPairing::DoesNotMatch) {
        *error = keyPath + QStringLiteral(": --tls-key: does not belong to the certificate in ") +
                 certPath + QStringLiteral(" (--tls-cert)");
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
