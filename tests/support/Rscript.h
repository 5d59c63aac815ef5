// R as a reference implementation for the statistics suites: runs one R
// program with Debian's Rscript (r-base-core, installed by `make test`) and
// returns the numbers it prints, one per line. R missing or failing stops
// the suite: a missing reference is a failure, not a skip.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QtGlobal>

#include <vector>

namespace pulsco::test {

inline std::vector<double> runR(const QString& program) {
    const QString rscript = QStandardPaths::findExecutable(QStringLiteral("Rscript"));
    if (rscript.isEmpty())
        qFatal("Rscript is missing: `make test` installs r-base-core (tools/install-deps.sh)");
    QProcess r;
    r.start(rscript, {QStringLiteral("-e"), program});
    if (!r.waitForFinished(60000) || r.exitStatus() != QProcess::NormalExit || r.exitCode() != 0)
        qFatal("Rscript failed: %s", r.readAllStandardError().constData());
    std::vector<double> out;
    for (const QByteArray& line : r.readAllStandardOutput().trimmed().split('\n'))
        out.push_back(line.toDouble());
    return out;
}

}  // namespace pulsco::test
