// A throw-away real PostgreSQL 15 cluster for the store suites (issue 17
// item 4): `initdb` into a QTemporaryDir of its own, listening on a free
// loopback TCP port (127.0.0.1 only; its Unix socket inside the temporary
// directory, so two suites never meet), started in the foreground as a
// QProcess, waited for until it accepts connections, stopped with a fast
// shutdown (then SIGKILL) when this object goes. The data stay until then:
// stop() and start() again is a restart of the same cluster.
//
// Binaries come from the postgresql-15 package, which Debian does not put on
// PATH: /usr/lib/postgresql/15/bin, or $PULSCO_PG_BINDIR. A missing binary,
// a missing QPSQL driver or a failed start is a failure whose reason start()
// returns (for QFAIL), never a skip: tools/install-deps.sh installs them all.
//
// Root: PostgreSQL refuses to run as root, and CI runs as root. Then initdb
// and postgres run as the `postgres` user (created by the Debian package)
// through `runuser -u postgres --`, and the temporary directory is given to
// that user. The superuser of the cluster is named `postgres` and loopback
// connections are trusted, so the same connection code works as root and as
// anyone else.
//
// Why postgres runs in the foreground and not through `pg_ctl start`:
// pg_ctl leaves the server an orphan, and where PID 1 does not reap orphans
// (this project's sandbox) every stopped cluster stays behind as a zombie
// `postgres` process. In the foreground it stays our child's (or runuser's)
// child and is reaped when it exits. fsync stays on: later suites kill the
// server with SIGKILL and recover from its WAL (point-in-time recovery), and
// that needs the real durability settings.
//
// Copyright the Pulsco authors. SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

namespace pulsco::test {

class PostgresProcess {
public:
    PostgresProcess() = default;
    ~PostgresProcess() { stop(); }
    PostgresProcess(const PostgresProcess&) = delete;
    PostgresProcess& operator=(const PostgresProcess&) = delete;

    // The cluster's superuser and the OS user the server runs as when we
    // are root (the Debian package's system user).
    static QString superuser() { return QStringLiteral("postgres"); }

    // $PULSCO_PG_BINDIR, else the postgresql-15 package's directory.
    static QString binDirectory() {
        const QString override = qEnvironmentVariable("PULSCO_PG_BINDIR");
        return override.isEmpty() ? QStringLiteral("/usr/lib/postgresql/15/bin") : override;
    }

    // A loopback port free at the time of asking (closed again before the
    // server binds it). If another process takes it in between, start()
    // sees the bind error in the server's log and tries another port.
    static quint16 freePort() {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    // "" once the server accepts connections on 127.0.0.1:port(); else why
    // not. The first call runs initdb. `extraConfLines` (e.g.
    // "wal_level = replica", "archive_mode = on", "archive_command = '...'")
    // go into pulsco-test.conf, included last by postgresql.conf and written
    // anew by every start(), so a restart may change them. A running server
    // is stopped first.
    QString start(const QStringList& extraConfLines = {}) {
        stop();
        if (!m_dir.isValid())
            return QStringLiteral("postgres: no temporary directory: ") + m_dir.errorString();
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            return QStringLiteral("postgres: Qt's QPSQL driver is missing (install the Debian "
                                  "package libqt6sql6-psql: tools/install-deps.sh)");
        for (const char* tool : {"initdb", "postgres"}) {
            const QFileInfo file(binDir() + u'/' + QLatin1String(tool));
            if (!file.isExecutable())
                return QStringLiteral("postgres: %1 not found (install the Debian package "
                                      "postgresql-15: tools/install-deps.sh; or set "
                                      "PULSCO_PG_BINDIR)")
                    .arg(file.filePath());
        }
        if (const QString why = prepareUser(); !why.isEmpty())
            return why;
        if (!QFileInfo::exists(dataDir() + QStringLiteral("/PG_VERSION"))) {
            QElapsedTimer t;
            t.start();
            if (const QString why = initCluster(); !why.isEmpty())
                return why;
            m_initMs = t.elapsed();
        }
        QFile conf(dataDir() + QStringLiteral("/pulsco-test.conf"));
        // Up to three ports: a port taken between freePort() and the bind
        // is the one race two suites running at once can lose.
        QString why;
        for (int attempt = 0; attempt < 3; ++attempt) {
            if (attempt > 0 || m_port == 0)  // a restart keeps its port if it can
                m_port = freePort();
            if (!m_port)
                return QStringLiteral("postgres: no free loopback port");
            QStringList lines = {
                QStringLiteral("listen_addresses = '127.0.0.1'"),
                QStringLiteral("port = %1").arg(m_port),
                QStringLiteral("unix_socket_directories = '%1'").arg(m_dir.path()),
                QStringLiteral("max_connections = 50"),
                // Small and quick, but durable: see the header comment.
                QStringLiteral("shared_buffers = 16MB"),
                QStringLiteral("fsync = on"),
                QStringLiteral("logging_collector = off"),
            };
            lines += extraConfLines;
            if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                conf.write(QByteArray(lines.join(u'\n').toUtf8() + '\n')) < 0)
                return QStringLiteral("postgres: cannot write ") + conf.fileName();
            conf.close();
            const qsizetype logBefore = log().size();
            why = launch();
            if (why.isEmpty())
                return {};
            if (!log().mid(logBefore).contains("Address already in use"))
                return why;
        }
        return why;
    }

    // Fast shutdown (SIGINT: what `pg_ctl -m fast stop` sends: clients are
    // disconnected, a shutdown checkpoint is written); SIGKILL after 20 s.
    // The data stay for the next start().
    void stop() {
        if (!m_process)
            return;
        if (m_process->state() != QProcess::NotRunning) {
            if (m_postmasterPid > 0)
                ::kill(m_postmasterPid, SIGINT);
            else
                m_process->terminate();
            if (!m_process->waitForFinished(20000)) {
                if (m_postmasterPid > 0)
                    ::kill(m_postmasterPid, SIGKILL);
                m_process->kill();
                m_process->waitForFinished(5000);
            }
        }
        m_process.reset();
        m_postmasterPid = 0;
    }

    // Runs `tool` of binDir() as the server's OS user (pg_basebackup,
    // pg_ctl promote, pg_waldump...). "" on exit code 0; else the reason
    // with the tool's output. *output gets stdout and stderr.
    QString runTool(const QString& tool, const QStringList& arguments, int timeoutMs = 60000,
                    QByteArray* output = nullptr) {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(m_dir.path());
        const QStringList command = asServerUser(binDir() + u'/' + tool, arguments);
        p.start(command.first(), command.mid(1));
        const bool finished = p.waitForFinished(timeoutMs);
        const QByteArray out = p.readAll();
        if (output)
            *output = out;
        if (!finished) {
            p.kill();
            p.waitForFinished(5000);
            return QStringLiteral("%1 did not finish within %2 ms (%3):\n%4")
                .arg(command.join(u' '))
                .arg(timeoutMs)
                .arg(p.errorString(), QString::fromUtf8(out));
        }
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            return QStringLiteral("%1 failed (exit code %2):\n%3")
                .arg(command.join(u' '))
                .arg(p.exitCode())
                .arg(QString::fromUtf8(out));
        return {};
    }

    // A QPSQL connection to database `db` as the superuser, under a
    // connection name of its own. The caller closes it and calls
    // QSqlDatabase::removeDatabase(connectionName()) when done, or uses
    // PostgresConnection below, which does. Not open on failure; *error
    // then says why.
    QSqlDatabase openDatabase(const QString& db, QString* error = nullptr) const {
        static std::atomic<int> serial{0};
        const QString name = QStringLiteral("pulsco-pg-%1-%2-%3")
                                 .arg(::getpid())
                                 .arg(m_port)
                                 .arg(serial.fetch_add(1));
        QSqlDatabase d = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        d.setHostName(QStringLiteral("127.0.0.1"));
        d.setPort(m_port);
        d.setUserName(superuser());
        d.setDatabaseName(db);
        if (!d.open() && error)
            *error = connectionUrl(db) + QStringLiteral(": ") + d.lastError().text();
        return d;
    }

    // CREATE DATABASE `name` (a copy of template1). "" or why not.
    QString createDatabase(const QString& name) const {
        QString why;
        QString connection;
        {
            QSqlDatabase d = openDatabase(QStringLiteral("postgres"), &why);
            if (d.isOpen()) {
                QSqlQuery q(d);
                // An identifier in double quotes, its own quotes doubled.
                QString quoted = name;
                quoted.replace(u'"', QStringLiteral("\"\""));
                if (!q.exec(QStringLiteral("CREATE DATABASE \"%1\"").arg(quoted)))
                    why = QStringLiteral("%1: CREATE DATABASE %2: %3")
                              .arg(connectionUrl(QStringLiteral("postgres")), name,
                                   q.lastError().text());
            }
            connection = d.connectionName();
            d.close();
        }
        QSqlDatabase::removeDatabase(connection);
        return why;
    }

    QString connectionUrl(const QString& db) const {
        return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3")
            .arg(superuser())
            .arg(m_port)
            .arg(db);
    }

    bool running() const { return m_process && m_process->state() == QProcess::Running; }
    quint16 port() const { return m_port; }
    QString dir() const { return m_dir.path(); }
    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }
    QString binDir() const { return binDirectory(); }
    QString logPath() const { return m_dir.filePath(QStringLiteral("postgres.log")); }
    QByteArray log() const {
        QFile f(logPath());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    // How long initdb and the last start (until it accepted connections) took.
    qint64 initMs() const { return m_initMs; }
    qint64 startMs() const { return m_startMs; }
    // The server's process (0 when not running).
    qint64 postmasterPid() const { return running() ? m_postmasterPid : 0; }

private:
    // As root: the `postgres` user must exist, own the temporary directory
    // and be able to reach it.
    QString prepareUser() {
        m_runAs.clear();
        if (::geteuid() != 0)
            return {};
        const QString runuser = QStandardPaths::findExecutable(
            QStringLiteral("runuser"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                        QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
        if (runuser.isEmpty())
            return QStringLiteral("postgres: running as root, and PostgreSQL refuses to run as "
                                  "root; runuser (util-linux) is missing to run it as user "
                                  "'postgres'");
        const struct passwd* pw = ::getpwnam("postgres");
        if (!pw)
            return QStringLiteral("postgres: running as root, and PostgreSQL refuses to run as "
                                  "root; the system user 'postgres' to run it as does not exist "
                                  "(the Debian package postgresql-15 creates it: "
                                  "tools/install-deps.sh)");
        if (::chown(QFile::encodeName(m_dir.path()).constData(), pw->pw_uid, pw->pw_gid) != 0)
            return QStringLiteral("postgres: cannot give %1 to user 'postgres': %2")
                .arg(m_dir.path(), QString::fromLocal8Bit(::strerror(errno)));
        // The user must be able to walk down to the directory ($TMPDIR
        // under /root would not do).
        for (QDir up = QFileInfo(m_dir.path()).dir(); !up.isRoot();) {
            struct stat st {};
            if (::stat(QFile::encodeName(up.path()).constData(), &st) != 0 ||
                ((st.st_mode & S_IXOTH) == 0 && st.st_uid != pw->pw_uid))
                return QStringLiteral("postgres: user 'postgres' cannot enter %1 (a parent of "
                                      "the cluster's temporary directory %2); set TMPDIR to a "
                                      "directory it can reach, such as /tmp")
                    .arg(up.path(), m_dir.path());
            if (!up.cdUp())
                break;
        }
        m_runAs = {runuser, QStringLiteral("-u"), superuser(), QStringLiteral("--")};
        return {};
    }

    QStringList asServerUser(const QString& program, const QStringList& arguments) const {
        return m_runAs + QStringList{program} + arguments;
    }

    QString initCluster() {
        // --no-sync: initdb skips flushing the new cluster to disk at the
        // end. Only a machine crash could lose that, never a killed server;
        // the server itself runs with fsync on.
        const QString why =
            runTool(QStringLiteral("initdb"),
                    {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), superuser(),
                     QStringLiteral("--auth=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                     QStringLiteral("--no-locale"), QStringLiteral("--no-instructions"),
                     QStringLiteral("--no-sync")},
                    120000);
        if (!why.isEmpty())
            return QStringLiteral("postgres: initdb: ") + why;
        // Our settings live in a file of their own, read last, so start()
        // can rewrite them without touching initdb's postgresql.conf.
        QFile conf(dataDir() + QStringLiteral("/postgresql.conf"));
        if (!conf.open(QIODevice::Append) ||
            conf.write("\n# tests/support/PostgresProcess.h\ninclude 'pulsco-test.conf'\n") < 0)
            return QStringLiteral("postgres: cannot append to ") + conf.fileName();
        return {};
    }

    // Starts the server in the foreground, its output in postgres.log, and
    // waits until postmaster.pid says "ready" and the port takes a TCP
    // connection.
    QString launch() {
        QElapsedTimer t;
        t.start();
        m_process = std::make_unique<QProcess>();
        m_process->setWorkingDirectory(m_dir.path());
        // A file, not a pipe: nothing reads a pipe while a test blocks in
        // SQL, and a full pipe would stall the server.
        m_process->setStandardOutputFile(logPath(), QIODevice::Append);
        m_process->setStandardErrorFile(logPath(), QIODevice::Append);
        const QStringList command =
            asServerUser(binDir() + QStringLiteral("/postgres"), {QStringLiteral("-D"), dataDir()});
        m_process->start(command.first(), command.mid(1));
        if (!m_process->waitForStarted(5000))
            return QStringLiteral("postgres: %1 did not start: %2")
                .arg(command.join(u' '), m_process->errorString());
        while (t.elapsed() < 30000) {
            if (m_process->state() == QProcess::NotRunning) {
                m_process->waitForFinished(1000);
                return QStringLiteral("postgres exited (code %1) before accepting connections on "
                                      "127.0.0.1:%2; its log %3:\n%4")
                    .arg(m_process->exitCode())
                    .arg(m_port)
                    .arg(logPath(), QString::fromUtf8(log()));
            }
            // postmaster.pid: line 1 the PID, line 8 the state ("ready"
            // once it accepts connections; what `pg_ctl -w` waits for).
            QFile pidFile(dataDir() + QStringLiteral("/postmaster.pid"));
            if (pidFile.open(QIODevice::ReadOnly)) {
                const QList<QByteArray> lines = pidFile.readAll().split('\n');
                const pid_t pid = lines.isEmpty() ? 0 : pid_t(lines[0].trimmed().toInt());
                if (lines.size() > 7 && lines[7].trimmed() == "ready" && ours(pid)) {
                    m_postmasterPid = pid;
                    QTcpSocket probe;
                    probe.connectToHost(QStringLiteral("127.0.0.1"), m_port);
                    if (probe.waitForConnected(1000)) {
                        m_startMs = t.elapsed();
                        return {};
                    }
                }
            }
            QThread::msleep(10);
        }
        const QString why = QStringLiteral("postgres did not accept connections on "
                                           "127.0.0.1:%1 within 30 s; its log %2:\n%3")
                                .arg(m_port)
                                .arg(logPath(), QString::fromUtf8(log()));
        stop();
        return why;
    }

    // Whether `pid` is the server we started (our child, or runuser's
    // child), not one a stale postmaster.pid names (left by a server killed
    // with SIGKILL, until the new one rewrites the file).
    bool ours(pid_t pid) const {
        const auto child = pid_t(m_process->processId());
        if (pid <= 0 || pid == child)
            return pid > 0;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            return false;
        // "pid (comm) state ppid ...": comm may hold spaces, so after the ')'.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        return fields.size() > 1 && fields[1].toInt() == child;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QStringList m_runAs;  // runuser -u postgres -- (as root), else empty
    quint16 m_port = 0;
    pid_t m_postmasterPid = 0;
    qint64 m_initMs = 0;
    qint64 m_startMs = 0;
};

// One QPSQL connection for as long as this object lives; closed and
// removed (QSqlDatabase::removeDatabase) when it goes. Hand db() on by
// reference: a copy still alive at removal makes Qt warn.
class PostgresConnection {
public:
    PostgresConnection(const PostgresProcess& cluster, const QString& db)
        : m_db(cluster.openDatabase(db, &m_error))
        , m_name(m_db.connectionName()) {}
    ~PostgresConnection() {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    PostgresConnection(const PostgresConnection&) = delete;
    PostgresConnection& operator=(const PostgresConnection&) = delete;

    bool isOpen() const { return m_db.isOpen(); }
    QString error() const { return m_error; }
    QSqlDatabase& db() { return m_db; }

private:
    QString m_error;
    QSqlDatabase m_db;
    QString m_name;
};

}  // namespace pulsco::test
