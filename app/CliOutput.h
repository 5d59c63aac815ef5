// The command-line tools' one way to write what they made (pulsco-rules,
// pulsco-plan): to a file, atomically (QSaveFile: a reader never sees half
// of it), or to stdout without one. Failures go to `err` after `who`; a file
// written is said there too. Returns the exit code, 0 or 1.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QSaveFile>
#include <QString>
#include <QTextStream>

namespace pulsco::cli {

inline int writeOutput(const QByteArray& bytes, const QString& toPath, QTextStream& err,
                       const QString& who, const QString& written) {
    if (toPath.isEmpty()) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly) || out.write(bytes) < 0) {
            err << who << ": cannot write to stdout\n";
            return 1;
        }
        return 0;
    }
    QSaveFile file(toPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) < 0 || !file.commit()) {
        err << who << ": " << toPath << ": " << file.errorString() << '\n';
        return 1;
    }
    err << who << ": " << written << " written to " << toPath << '\n';
    return 0;
}

}  // namespace pulsco::cli
