// How the group-commit store tells "the disk itself failed" (every write of
// the batch must fail: full, read-only, I/O error, locked, corrupt) from "one
// request's writes were refused" (a constraint, a type mismatch), and how it
// names the operating system's reason when the disk failed. Header-only: the
// store is the only user.
#pragma once

#include <QSqlError>
#include <QString>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace pulsco::storefailure {

// SQLite's primary result codes that depend on the rows a request wrote;
// anything else concerns the database file or the disk under it.
inline bool isRequestSpecific(const QSqlError& error) {
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff;  // extended -> primary
    if (!ok)
        return false;
    constexpr int kError = 1, kTooBig = 18, kConstraint = 19, kMismatch = 20, kRange = 25;
    return code == kError || code == kTooBig || code == kConstraint || code == kMismatch ||
           code == kRange;
}

// SQLite says "database or disk is full" or "attempt to write a readonly
// database"; the operator needs the OS's words (ENOSPC, EROFS, EIO), so a
// small file is written and synced in the data directory and the errno of
// that attempt is reported. Runs only when writes already failed.
inline QString probeDataDir(const QString& dataDir) {
    const QByteArray path = (dataDir + QStringLiteral("/.pulsco-write-probe")).toLocal8Bit();
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0) {
        char block[4096] = {};
        if (::write(fd, block, sizeof block) != ssize_t(sizeof block) || ::fsync(fd) != 0)
            err = errno ? errno : EIO;
        ::close(fd);
        ::unlink(path.constData());
    }
    if (err != 0)
        return QString::fromLocal8Bit(std::strerror(err)) + QStringLiteral(" (errno %1)").arg(err);
    struct statvfs fs {};
    if (::statvfs(dataDir.toLocal8Bit().constData(), &fs) == 0)
        return QStringLiteral("the OS accepts a 4 KiB write now; %1 KiB free")
            .arg(qulonglong(fs.f_bavail) * fs.f_frsize / 1024);
    return QStringLiteral("the OS accepts a 4 KiB write now");
}

}  // namespace pulsco::storefailure
