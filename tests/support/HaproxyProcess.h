// A throw-away real haproxy for the balancer suites: the config text a test
// gives, with placeholders filled in, in a QTemporaryDir of its own, on free
// loopback ports; started in the foreground (-db), waited for until its
// runtime API answers, stopped with SIGTERM (then SIGKILL) when this object
// goes. A missing haproxy binary is a failure with the reason (start()
// returns it for QFAIL), never a skip: the product drives the real thing.
//
// Placeholders: @ADMIN_PORT@ (a stats socket at level admin, the one start()
// waits for), @OPERATOR_PORT@ (free for a second socket at a lower level),
// @FRONTEND_PORT@, @DIR@ (the temporary directory, for Unix sockets), and
// any the test passes in `values` (server addresses: @BLUE@, @GREEN@).
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QString>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <memory>

namespace pulsco::test {

class HaproxyProcess {
public:
    explicit HaproxyProcess(QString configTemplate, QMap<QString, QString> values = {})
        : m_template(std::move(configTemplate))
        , m_values(std::move(values)) {}
    ~HaproxyProcess() { stop(); }
    HaproxyProcess(const HaproxyProcess&) = delete;
    HaproxyProcess& operator=(const HaproxyProcess&) = delete;

    // PULSCO_HAPROXY overrides the binary found on PATH (Debian 12: the
    // `haproxy` package, 2.6).
    static QString binary() {
        const QString override = qEnvironmentVariable("PULSCO_HAPROXY");
        if (!override.isEmpty())
            return override;
        QString found = QStandardPaths::findExecutable(QStringLiteral("haproxy"));
        if (found.isEmpty())  // /usr/sbin is not on every user's PATH
            found = QStandardPaths::findExecutable(
                QStringLiteral("haproxy"), {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
        return found;
    }

    // A loopback port free at the time of asking: the kernel picks one for
    // a listener on port 0, which is closed again before haproxy binds it.
    // Another process could take it in between; haproxy then fails to start
    // and start() says so (bind error in its stderr).
    static quint16 freePort() {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    // "" once the runtime API at @ADMIN_PORT@ answers `show info`; else why
    // not (binary missing, config refused, not answering within 10 s).
    QString start() {
        stop();
        if (!m_dir.isValid())
            return QStringLiteral("haproxy: no temporary directory: ") + m_dir.errorString();
        const QString program = binary();
        if (program.isEmpty())
            return QStringLiteral("haproxy binary not found on PATH nor in /usr/sbin (install "
                                  "the Debian package: apt-get install haproxy; or set "
                                  "PULSCO_HAPROXY)");
        m_adminPort = freePort();
        m_operatorPort = freePort();
        m_frontendPort = freePort();
        if (!m_adminPort || !m_operatorPort || !m_frontendPort)
            return QStringLiteral("haproxy: no free loopback port");
        QMap<QString, QString> values = m_values;
        values.insert(QStringLiteral("ADMIN_PORT"), QString::number(m_adminPort));
        values.insert(QStringLiteral("OPERATOR_PORT"), QString::number(m_operatorPort));
        values.insert(QStringLiteral("FRONTEND_PORT"), QString::number(m_frontendPort));
        values.insert(QStringLiteral("DIR"), m_dir.path());
        m_config = m_template;
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            m_config.replace(u'@' + it.key() + u'@', it.value());
        // "ipv4@" and "unix@" are HAProxy syntax; "@NAME@" is ours.
        static const QRegularExpression placeholder(QStringLiteral("@[A-Z_]+@"));
        if (const auto m = placeholder.match(m_config); m.hasMatch())
            return QStringLiteral("haproxy config: placeholder %1 has no value").arg(m.captured(0));
        QFile file(configPath());
        if (!file.open(QIODevice::WriteOnly) || file.write(m_config.toUtf8()) < 0)
            return QStringLiteral("haproxy config: cannot write ") + configPath();
        file.close();

        m_process = std::make_unique<QProcess>();
        m_process->setProgram(program);
        m_process->setArguments({QStringLiteral("-db"), QStringLiteral("-f"), configPath()});
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start();
        if (!m_process->waitForStarted(5000))
            return QStringLiteral("haproxy (%1) did not start: %2")
                .arg(program, m_process->errorString());
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000) {
            if (m_process->state() == QProcess::NotRunning)
                return QStringLiteral("haproxy exited (code %1) before its runtime API "
                                      "answered:\n%2\nconfig:\n%3")
                    .arg(m_process->exitCode())
                    .arg(QString::fromUtf8(output()), m_config);
            if (runtime(QStringLiteral("show info"), 500).contains(QLatin1String("Name: HAProxy")))
                return {};
            QThread::msleep(20);
        }
        return QStringLiteral("haproxy's runtime API on 127.0.0.1:%1 did not answer within 10 "
                              "s:\n%2")
            .arg(m_adminPort)
            .arg(QString::fromUtf8(output()));
    }

    // SIGTERM, then SIGKILL after 5 s.
    void stop() {
        if (!m_process || m_process->state() == QProcess::NotRunning)
            return;
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }

    // A command on the admin socket (or `port`), answered in full; blocking
    // is fine here, haproxy is another process. "" when it did not answer.
    QString runtime(const QString& command, int timeoutMs = 3000, quint16 port = 0) const {
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), port ? port : m_adminPort);
        if (!s.waitForConnected(timeoutMs))
            return {};
        s.write(command.toUtf8() + '\n');
        QByteArray in;
        QElapsedTimer t;
        t.start();
        while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
            s.waitForReadyRead(50);
            in += s.readAll();
        }
        in += s.readAll();
        return QString::fromUtf8(in);
    }

    QByteArray output() {
        if (m_process)
            m_output += m_process->readAll();
        return m_output;
    }
    bool running() const { return m_process && m_process->state() == QProcess::Running; }
    quint16 adminPort() const { return m_adminPort; }
    quint16 operatorPort() const { return m_operatorPort; }
    quint16 frontendPort() const { return m_frontendPort; }
    QString dir() const { return m_dir.path(); }
    QString configPath() const { return m_dir.filePath(QStringLiteral("haproxy.cfg")); }
    QString config() const { return m_config; }

private:
    QString m_template;
    QMap<QString, QString> m_values;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_adminPort = 0;
    quint16 m_operatorPort = 0;
    quint16 m_frontendPort = 0;
    QString m_config;
    QByteArray m_output;
};

}  // namespace pulsco::test
