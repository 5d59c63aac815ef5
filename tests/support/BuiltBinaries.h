// The programs a suite runs must be built: a missing one is a broken build,
// so suites fail (not skip) with this message.
#pragma once

#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QStringList>

namespace pulsco::test {

// "" when every path exists, else which one is missing and what to build.
inline QString notBuilt(const QStringList& binaries) {
    for (const QString& path : binaries)
        if (!QFile::exists(path))
            return path + QStringLiteral(" is missing: build the ") + QFileInfo(path).fileName() +
                   QStringLiteral(" target");
    return {};
}

}  // namespace pulsco::test
