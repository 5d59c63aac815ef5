// A small tmpfs for the disk fault suites. The tests run as root, and root
// ignores file permissions, so a full disk and a read-only file system are
// made the way they happen for real: a file system with no space left, and
// a remount read-only. Unmounted (lazily, if still busy) on destruction.
#pragma once

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

class TmpfsMount {
public:
    // Empty when mounted; otherwise why not (mount's own words).
    QString mount(int sizeKiB) {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory for the mount point");
        const QString out =
            run({QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                 QStringLiteral("size=%1k").arg(sizeKiB), QStringLiteral("tmpfs"), path()});
        m_mounted = out.isEmpty();
        return out;
    }
    ~TmpfsMount() {
        if (m_mounted) {
            QFile::remove(fillerPath());
            if (!runUmount({path()}).isEmpty())
                runUmount({QStringLiteral("-l"), path()});
        }
    }

    QString path() const { return m_dir.path(); }
    QString fillerPath() const { return path() + QStringLiteral("/filler"); }

    // Empty on success; "mount: ...: mount point is busy" and the like.
    QString remount(bool readOnly) {
        return run({QStringLiteral("-o"),
                    readOnly ? QStringLiteral("remount,ro") : QStringLiteral("remount,rw"),
                    path()});
    }

    // Writes a filler file until the file system refuses: the disk is full.
    // Returns the bytes written.
    qint64 fill() {
        QFile f(fillerPath());
        if (!f.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
            return 0;
        const QByteArray big(1 << 20, 'x'), page(4096, 'x'), byte(1, 'x');
        qint64 total = 0;
        for (const QByteArray* chunk : {&big, &page, &byte})
            for (qint64 n; (n = f.write(*chunk)) > 0;)
                total += n;
        return total;
    }
    bool freeSpace() { return QFile::remove(fillerPath()); }

private:
    static QString run(const QStringList& args) { return exec(QStringLiteral("mount"), args); }
    static QString runUmount(const QStringList& args) {
        return exec(QStringLiteral("umount"), args);
    }
    static QString exec(const QString& program, const QStringList& args) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!p.waitForFinished(10000))
            return program + QStringLiteral(": did not finish");
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            const QString out = QString::fromLocal8Bit(p.readAll()).trimmed();
            return out.isEmpty() ? program + QStringLiteral(": exit code %1").arg(p.exitCode())
                                 : out;
        }
        return {};
    }

    QTemporaryDir m_dir;
    bool m_mounted = false;
};
