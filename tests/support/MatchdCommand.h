// One pulsco-matchd store command (migrate, backup, verify, restore) run as
// the real binary, as an operator's script runs it: its exit code, stdout
// and stderr.
#pragma once

#include "support/MatchdProcess.h"

#include <QProcess>
#include <QString>
#include <QStringList>

namespace pulsco::test {

struct CommandResult {
    int exitCode = -1;  // -1: crashed or did not finish
    QString out;
    QString err;
    // Everything, for a failure message.
    QString all() const {
        return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3").arg(exitCode).arg(out, err);
    }
};

inline CommandResult runMatchd(const QStringList& args, int timeoutMs = 60000) {
    QProcess p;
    p.start(MatchdProcess::binary(), args);
    CommandResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("did not finish within %1 ms").arg(timeoutMs);
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

}  // namespace pulsco::test
