// Loads the extra certificate authorities an operator trusts for https://
// servers (a staging server's self-signed certificate): PEM (one or more
// certificates) or DER. Errors name the file and why.
#pragma once

#include <QList>
#include <QSslCertificate>
#include <QString>

#include <optional>

namespace pulsco {

std::optional<QList<QSslCertificate>> loadCaCertificates(const QString& path, QString* error);

}  // namespace pulsco
