// The built pulsco-matchd as a real process on loopback, for every suite that
// needs the binary (live, integration, hardening). Started with --tick-ms 50
// on a port it learns from the "listening on" line; a data directory of its
// own (kept across restarts) or one the test chooses (a tmpfs for disk
// faults, the same directory across kill -9 and restart); optionally queue
// rules, an admin token and more flags. Its stderr is kept for stderrText()
// (log lines an operator would see) or, for the live suites, forwarded to
// the test's own stderr.
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace pulsco::test {

class MatchdProcess {
public:
    struct Options {
        QString color;               // --color; "" leaves the server's default
        QByteArray adminToken;       // written to an owner-only --admin-token-file
        QString dataDir;             // "" = a temporary directory this object owns
        QString queuesFile;          // --queues; "" = the built-in queue rules
        QStringList extraArguments;  // last on the command line (a later flag wins)
        bool forwardStderr = false;  // true: to the test's stderr, not stderrText()
        QString storeUrl = {};       // postgresql://...: --store URL instead of --data-dir
    };

    explicit MatchdProcess(Options options)
        : m_options(std::move(options)) {}
    // The live suites' server: a color, maybe an admin token, stderr forwarded.
    explicit MatchdProcess(QString color = QStringLiteral("blue"), QByteArray adminToken = {})
        : MatchdProcess(Options{std::move(color), std::move(adminToken), {}, {}, {}, true}) {}
    ~MatchdProcess() { kill(); }
    MatchdProcess(const MatchdProcess&) = delete;
    MatchdProcess& operator=(const MatchdProcess&) = delete;

    // PULSCO_MATCHD overrides the binary: the benchmarks point it at the
    // release build while the load comes from the test executables.
    static QString binary() {
        const QString override = qEnvironmentVariable("PULSCO_MATCHD");
        return override.isEmpty() ? QStringLiteral(PULSCO_BINARY_DIR "/bin/pulsco-matchd")
                                  : override;
    }

    // Starts (after killing a running one) on `port`, 0 = an ephemeral port;
    // true once it printed where it listens. A restart on the same port:
    // start(port()).
    bool start(quint16 port = 0) {
        kill();
        m_err.clear();
        m_out.clear();
        QStringList args{QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:") + QString::number(port),
                         QStringLiteral("--tick-ms"), QStringLiteral("50")};
        if (m_options.storeUrl.isEmpty())
            args << QStringLiteral("--data-dir") << dataDir();
        else
            args << QStringLiteral("--store") << m_options.storeUrl;
        if (!m_options.color.isEmpty())
            args << QStringLiteral("--color") << m_options.color;
        if (!m_options.queuesFile.isEmpty())
            args << QStringLiteral("--queues") << m_options.queuesFile;
        if (!m_options.adminToken.isEmpty()) {
            QFile token(m_dir.filePath(QStringLiteral("token")));
            if (!token.open(QIODevice::WriteOnly) || token.write(m_options.adminToken + '\n') < 0)
                return false;
            token.close();
            // The server refuses a token file others can read.
            token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            args << QStringLiteral("--admin-token-file") << token.fileName();
        }
        args << m_options.extraArguments;
        m_process = std::make_unique<QProcess>();
        m_process->setProgram(binary());
        m_process->setArguments(args);
        if (m_options.forwardStderr)
            m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        else
            QObject::connect(m_process.get(), &QProcess::readyReadStandardError, m_process.get(),
                             [this] { m_err += m_process->readAllStandardError(); });
        m_process->start();
        if (!m_process->waitForStarted(5000))
            return false;
        static const QRegularExpression listening(
            QStringLiteral("listening on (https?)://[^ /]+:(\\d+)"));
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            m_process->waitForReadyRead(50);
            m_out += m_process->readAllStandardOutput();
            if (const auto m = listening.match(QString::fromUtf8(m_out)); m.hasMatch()) {
                m_scheme = m.captured(1);
                m_port = quint16(m.captured(2).toUInt());
                return true;
            }
            if (m_process->state() == QProcess::NotRunning) {
                stderrText();
                return false;
            }
        }
        return false;
    }

    // SIGKILL: no drain, no final commit, no goodbye to the clients.
    void kill() {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(10000);
        }
    }
    // SIGTERM: graceful; the exit code, or -1 when it crashed or did not
    // stop in time.
    int terminate() {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return -1;
        m_process->terminate();
        if (!m_process->waitForFinished(20000))
            return -1;
        return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
    }

    bool running() const { return m_process && m_process->state() == QProcess::Running; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    quint16 port() const { return m_port; }
    // http://127.0.0.1:PORT, or https:// when it serves TLS.
    QString url() const {
        return m_scheme + QStringLiteral("://127.0.0.1:") + QString::number(m_port);
    }
    QString dataDir() const {
        return m_options.dataDir.isEmpty() ? m_dir.filePath(QStringLiteral("data"))
                                           : m_options.dataDir;
    }
    // Flags for the next start() (e.g. --tls-cert FILE --tls-key FILE).
    void setExtraArguments(const QStringList& arguments) { m_options.extraArguments = arguments; }
    // Everything it wrote to stderr so far, unless forwarded (the event loop
    // must have run, or the process ended).
    QByteArray stderrText() {
        if (m_process && !m_options.forwardStderr)
            m_err += m_process->readAllStandardError();
        return m_err;
    }
    // Everything it wrote to stdout so far (since the last start()).
    QByteArray stdoutText() {
        if (m_process)
            m_out += m_process->readAllStandardOutput();
        return m_out;
    }

private:
    Options m_options;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_scheme = QStringLiteral("http");
    QByteArray m_err;
    QByteArray m_out;
};

}  // namespace pulsco::test
