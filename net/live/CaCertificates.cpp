#include "net/live/CaCertificates.h"

#include <QFile>

namespace pulsco {

using namespace Qt::StringLiterals;

namespace {
// Far more than any CA bundle; a larger file is not what the user meant.
constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;
}  // namespace

std::optional<QList<QSslCertificate>> loadCaCertificates(const QString& path, QString* error) {
    const auto fail = [&](const QString& why) -> std::optional<QList<QSslCertificate>> {
        if (error)
            *error = path + u": "_s + why;
        return std::nullopt;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(u"cannot read the CA certificate file ("_s + file.errorString() + u')');
    if (file.size() > kMaxFileBytes)
        return fail(u"larger than 4 MiB: not a CA certificate file"_s);
    const QByteArray data = file.readAll();
    QList<QSslCertificate> certificates = QSslCertificate::fromData(data, QSsl::Pem);
    if (certificates.isEmpty())
        certificates = QSslCertificate::fromData(data, QSsl::Der);
    certificates.removeIf([](const QSslCertificate& c) { return c.isNull(); });
    if (certificates.isEmpty())
        return fail(u"no PEM or DER certificate in it"_s);
    return certificates;
}

}  // namespace pulsco
